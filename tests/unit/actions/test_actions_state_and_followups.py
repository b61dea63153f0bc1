"""State-aware answers, contextual follow-ups, two questions in one, a described dispute,
and the notice that opens every conversation: actions against JSON tracker fixtures."""

from __future__ import annotations

import asyncio

from rasa_sdk.executor import CollectingDispatcher

from actions import actions
from tests.conftest import run_action, slots_set, topics_in, tracker_fixture


def _text(messages):
    return "\n".join(m.get("text") or "" for m in messages)


def test_a_listed_state_adds_its_verified_note_and_source_after_the_federal_answer(kb):
    messages, _ = run_action(actions.ActionAnswerTopic(), "ask_attorneys_in_pennsylvania")
    assert topics_in(messages) == ["attorneys"]
    text = _text(messages)
    note = kb.state_note("PA", "attorneys")
    assert text.index(kb.topic("attorneys").answer) < text.index(note.note)
    assert "A Day in Our Shoes" in text or kb.references[note.references[0]].title in text
    custom = next(m["custom"] for m in messages if m.get("custom"))
    assert custom["state_note"]["state"] == "PA" and custom["state_note"]["verified"]


def test_an_unlisted_state_gets_one_line_that_rules_vary_and_who_can_confirm(kb):
    messages, _ = run_action(actions.ActionAnswerTopic(), "ask_cost_in_ohio")
    text = _text(messages)
    assert kb.topic("cost").answer in text
    # No checked rule for Ohio: the office in the checked state table can confirm.
    office = kb.state_offices["OH"].office.name
    assert f"Rules can differ by state: the {office} can confirm how this works there" in text
    assert not any(n.state == "OH" for n in kb.state_notes)  # nothing invented for Ohio


def test_naming_a_state_after_a_question_repeats_that_answer_with_the_state(kb):
    messages, events = run_action(actions.ActionSetState(), "give_state_ohio_after_cost")
    assert messages[0]["response"] == "utter_state_set_with_topic"
    assert messages[0]["state"] == "Ohio"
    assert topics_in(messages) == ["cost"] and "Ohio Department of Education" in _text(messages)
    assert slots_set(events)["us_state"] == "OH"


def test_naming_a_state_first_confirms_it(kb):
    messages, events = run_action(actions.ActionSetState(), "give_state_first")
    assert [m["response"] for m in messages] == ["utter_state_set"]
    assert messages[0]["state"] == "California" and slots_set(events) == {"us_state": "CA"}


def test_a_place_that_is_no_state_is_asked_again():
    messages, events = run_action(actions.ActionSetState(), "give_state_unrecognised")
    assert [m["response"] for m in messages] == ["utter_state_not_recognised"] and events == []


def test_forget_my_state_clears_it():
    messages, events = run_action(actions.ActionClearState(), "clear_state")
    assert [m["response"] for m in messages] == ["utter_state_cleared"]
    assert slots_set(events) == {"us_state": None}


def test_if_that_fails_after_a_resolution_meeting_is_answered_from_the_knowledge_base(kb):
    messages, _ = run_action(
        actions.ActionAnswerFollowup(), "followup_if_fails_after_resolution_meeting"
    )
    assert topics_in(messages) == [kb.topic("resolution_meeting").followups.if_fails]


def test_if_that_fails_with_nothing_before_uses_the_default(kb):
    messages, _ = run_action(actions.ActionAnswerFollowup(), "followup_if_fails_without_topic")
    assert topics_in(messages) == [kb.followups.if_fails] == ["outcome_no_agreement"]


def test_if_that_fails_after_the_routes_answer_gives_people_not_the_same_answer(kb):
    """After "other routes stay open", "and if that doesn't work either" would get the
    routes again (the default follow-up is that very topic): it gets the help contacts."""
    assert kb.followup("outcome_no_agreement", "if_fails") == "outcome_no_agreement"
    messages, events = run_action(
        actions.ActionAnswerFollowup(), "followup_if_fails_after_no_agreement"
    )
    assert topics_in(messages) == []
    assert messages[0]["text"].startswith("That answer already has the routes I know of")
    contacts = kb.help_contacts_text()
    assert any(contacts.splitlines()[0] in m.get("text", "") for m in messages[1:])
    assert slots_set(events)["offered_topics"] == []


def test_is_that_binding_after_a_settlement_answers_the_binding_topic():
    messages, events = run_action(
        actions.ActionAnswerFollowup(), "followup_binding_after_full_settlement"
    )
    assert topics_in(messages) == ["agreement_binding"]
    assert slots_set(events)["last_topic"] == "agreement_binding"


def test_can_we_mediate_that_after_a_504_question_stays_on_504():
    messages, _ = run_action(actions.ActionAnswerFollowup(), "followup_use_mediation_after_504")
    assert topics_in(messages) == ["section_504"]


def test_two_questions_in_one_answer_the_first_and_offer_the_second(kb):
    messages, events = run_action(actions.ActionAnswerTopic(), "two_questions")
    assert topics_in(messages) == ["cost"]
    assert messages[-1]["response"] == "utter_second_question"
    assert [b["payload"] for b in messages[-1]["buttons"]] == ["/ask_what_to_bring"]
    assert slots_set(events)["offered_topics"] == ["what_to_bring"]


def test_a_described_dispute_gets_a_warm_reply_and_the_starting_topics(kb):
    messages, _ = run_action(actions.ActionAcknowledgeDispute(), "describe_dispute")
    assert messages[0]["response"] == "utter_dispute_ack" and topics_in(messages) == []
    assert [b["payload"] for b in messages[0]["buttons"]] == [
        f"/ask_{t}" for t in kb.starter_topics
    ]


def test_every_session_opens_with_the_notice_and_keeps_the_parents_state(kb):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(
        actions.ActionSessionStart().run(
            dispatcher, tracker_fixture("session_start_with_state"), {}
        )
    )
    [notice] = dispatcher.messages
    assert notice["text"] == f"{kb.notice.disclaimer} {kb.notice.privacy}"
    assert "not legal advice" in notice["text"] and "delete my conversation" in notice["text"]
    assert events[0]["event"] == "session_started" and events[-1]["name"] == "action_listen"
    assert slots_set(events)["us_state"] == "PA"


def test_content_fixes_from_review(kb):
    neutral = kb.topic("mediator_neutral").answer
    assert neutral.startswith("The mediator is neutral")
    assert "whether an offer is a good one" not in neutral
    attendees = kb.topic("district_attendees").answer
    assert "must have authority to sign" not in attendees and "signs" in attendees
    assert "300.506(b)(6)(ii)" in kb.topic("district_attendees").regulation_refs
    assert "never takes away your right" not in kb.topic("mediation_vs_hearing").details
    assert "agreement_contents" in kb.topic("mediation_vs_hearing").related
    assert "either way" in kb.topic("what_is_mediation").details.lower()
    scheduling = kb.topic("scheduling")
    assert "Many states" not in scheduling.answer and "Utah" in scheduling.answer
    assert "remote_mediation" in scheduling.related
    discipline = kb.topic("discipline").answer
    assert "points to its own page" not in discipline and "https://" in discipline
