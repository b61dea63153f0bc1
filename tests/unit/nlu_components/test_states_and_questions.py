"""Reading a parent's message: the US state they name, and the questions inside a story."""

from __future__ import annotations

import pytest

from knowledge_base.states import find_states, possessive
from nlu_components.questions import (
    asked_topics,
    choose_ranking,
    is_question,
    questions_first,
    segments,
    story_before_generic_ask,
    story_over_generic_ask,
    without_statements,
)


def find_state(text: str):
    """The state the slot gets: Rasa fills a text slot with the last entity value, so a
    parent who moved ("used to live in Texas but now in Oregon") gets the new one."""
    found = find_states(text)
    return found[-1][0] if found else None


@pytest.mark.parametrize(
    "text, state",
    [
        ("I'm in Ohio now", "OH"),
        ("PA mom here - is mediation voluntary", "PA"),
        ("we moved to Calif. last year", "CA"),
        ("New York mom here", "NY"),
        ("west virginia", "WV"),
        ("our district is in Washington DC", "DC"),
        ("we're in washington state", "WA"),
        ("TX", "TX"),
        ("we used to live in Texas but now we're in Oregon", "OR"),
        ("we r in pensylvania", "PA"),
        ("tennesee mom here", "TN"),
        ("massachusets", "MA"),
    ],
)
def test_a_named_state_is_found_in_its_common_forms(text, state):
    assert find_state(text) == state


@pytest.mark.parametrize(
    "text",
    [
        "is it ok to bring my mom",
        "I am in the middle of it",
        "can i bring my mom or dad",
        "me and my husband",
        "hi there",
        "the IEP team said no",
        "american indian students",
        "the mediation was carolinas idea",
        "can a parent mediate",
        "my daughter's paraprofessional",
        "the principal misspelled everything",
    ],
)
def test_everyday_words_are_not_states(text):
    assert find_state(text) is None


def test_state_names_read_well_in_a_sentence():
    assert possessive("DC") == "The District of Columbia's" and possessive("OH") == "Ohio's"


def test_a_story_is_cut_into_sentences_and_its_questions_are_marked():
    story = (
        "My son is in 4th grade. The new case manager cut his reading support and nobody "
        "asked us. Do I have to pay anything for mediation? He also has speech on Tuesdays."
    )
    parts = segments(story)
    assert len(parts) == 4
    assert [is_question(p) for p in parts] == [False, False, True, False]


def test_a_question_after_a_comma_is_split_from_the_story():
    parts = segments("the school keeps cutting his speech minutes, would mediation even help?")
    assert parts[-1] == "would mediation even help?" and is_question(parts[-1])


def test_the_other_half_of_an_either_or_question_is_not_read_as_a_question():
    """Read alone, "do we have to do it ourselves?" asked whether mediation is voluntary,
    and that answered "does the mediator write up the agreement or do we…"."""
    parts = segments("Does the mediator write up the agreement or do we have to do it ourselves?")
    assert parts == [
        "Does the mediator write up the agreement",
        "or do we have to do it ourselves?",
    ]
    assert [is_question(p) for p in parts] == [True, False]


def test_two_questions_in_one_message_are_two_segments():
    assert segments("Is mediation free? And can I bring my mom?") == [
        "Is mediation free?",
        "And can I bring my mom?",
    ]


def test_a_second_question_joined_by_and_is_its_own_segment():
    assert segments("someone mentioned mediation. how does it even work and is it free??") == [
        "someone mentioned mediation.",
        "how does it even work",
        "and is it free??",
    ]
    assert segments("is mediation free and do i need a lawyer") == [
        "is mediation free",
        "and do i need a lawyer",
    ]


def test_and_inside_a_sentence_of_the_story_does_not_split_it():
    assert segments("the school cut his hours and is refusing to meet us") == [
        "the school cut his hours and is refusing to meet us"
    ]
    assert segments("can i bring my husband and an advocate") == [
        "can i bring my husband and an advocate"
    ]


def test_real_questions_are_read_before_statements_that_only_name_mediation():
    asking = [("the school wants mediation.", False), ("do i have to go?", True)]
    assert questions_first(asking) == ["do i have to go?", "the school wants mediation."]


def _ranked(name: str, confidence: float) -> list:
    return [{"name": name, "confidence": confidence}, {"name": "out_of_scope", "confidence": 0.01}]


_READING = {
    "question_confident": 0.55,
    "second_question_confident": 0.85,
    "whole_message_confident": 0.6,
    "story_intents": ["describe_dispute"],
}


def test_a_clear_question_decides_over_a_whole_message_read_that_is_not_sure():
    """A story then "Do I need a lawyer?": the whole message leans to the district's lawyer
    at 0.64, the question alone is clearly about the parent's own lawyer."""
    whole = _ranked("ask_district_lawyer", 0.64)
    ranking, second = choose_ranking(whole, [_ranked("ask_attorneys", 0.98)], _READING)
    assert ranking[0]["name"] == "ask_attorneys" and second is None


def test_a_sure_whole_message_read_keeps_its_topic_and_offers_the_question():
    whole = _ranked("ask_cost", 0.93)
    ranking, second = choose_ranking(whole, [_ranked("ask_attorneys", 0.98)], _READING)
    assert ranking[0]["name"] == "ask_cost" and second == "ask_attorneys"


def test_a_clear_question_decides_over_a_whole_message_that_only_names_mediation():
    """Found asking in Spanish: "una señora me dijo de la mediacion. como la pido?" read
    "what is mediation" as a whole (its first sentence only names mediation) and answered
    that, offering "how do I ask" as a second question: the one the parent asked."""
    whole = _ranked("ask_what_is_mediation", 0.93)
    ranking, second = choose_ranking(whole, [_ranked("ask_request_mediation", 0.9)], _READING)
    assert ranking[0]["name"] == "ask_request_mediation" and second is None


def test_can_i_ask_for_mediation_after_a_story_keeps_the_storys_topic():
    """Found asking in Spanish: "mi hijo tiene un plan 504 y no un IEP… puedo pedir
    mediacion?" read the 504 topic as a whole (0.78) but was answered how to ask (its
    question alone, 0.89), which says nothing about a 504 plan. A story read unsurely
    still gives way to the question."""
    whole = _ranked("ask_section_504", 0.78)
    ranking, second = choose_ranking(whole, [_ranked("ask_request_mediation", 0.89)], _READING)
    assert ranking[0]["name"] == "ask_section_504" and second == "ask_request_mediation"
    unsure = _ranked("ask_section_504", 0.5)
    ranking, _ = choose_ranking(unsure, [_ranked("ask_request_mediation", 0.89)], _READING)
    assert ranking[0]["name"] == "ask_request_mediation"


def test_an_unsure_question_does_not_override_the_whole_message():
    whole = _ranked("ask_cost", 0.7)
    ranking, second = choose_ranking(whole, [_ranked("ask_attorneys", 0.7)], _READING)
    assert ranking[0]["name"] == "ask_cost" and second is None


def test_a_statement_decides_only_when_no_real_question_points_to_a_topic():
    asked = _ranked("ask_stay_put", 0.548)
    statement = _ranked("ask_request_mediation", 0.74)
    assert without_statements([asked, statement], real_questions=1) == [asked]
    vague = _ranked("out_of_scope", 0.5)
    assert without_statements([vague, statement], real_questions=1) == [vague, statement]


def test_the_topics_a_story_s_questions_lean_to_are_kept_for_did_you_mean():
    """Each question's topic once, in the order asked, from ``plausible`` up; no
    out-of-scope or story reading: "Did you mean" offers topics."""
    readings = [
        _ranked("ask_attorneys", 0.48),
        _ranked("out_of_scope", 0.9),
        _ranked("ask_attorneys", 0.7),
        _ranked("ask_cost", 0.29),
        _ranked("ask_voluntary", 0.31),
    ]
    assert asked_topics(readings, plausible=0.3) == ["ask_attorneys", "ask_voluntary"]
    assert asked_topics([], plausible=0.3) == []


@pytest.mark.parametrize(
    "text, story",
    [
        ("they cut his speech therapy. what can i do", "they cut his speech therapy"),
        ("we disagree with the iep team, what are my options??", "we disagree with the iep team"),
        ("the school dropped her aide so now what", "the school dropped her aide"),
        ("le quitaron la terapia a mi hijo. ¿Qué hago?", "le quitaron la terapia a mi hijo"),
        (
            "la escuela no le da el asistente. que puedo hacer ahora",
            "la escuela no le da el asistente",
        ),
        (
            "they want to move him to another school. is there anything i can do?",
            "they want to move him to another school",
        ),
        ("la quieren mandar a otra escuela. puedo hacer algo?", "la quieren mandar a otra escuela"),
    ],
)
def test_the_story_before_a_request_for_help_that_names_nothing_is_found(text, story):
    assert story_before_generic_ask(text) == story


@pytest.mark.parametrize(
    "text",
    [
        "what do i do",  # no story
        "help me",
        "cut it. help",  # too short to be a story
        "they cut his speech. what can i do about the aide",  # the question names something
        "they cut his speech therapy and i want to know if mediation is free",
        "they cut his speech. can i do anything about the aide",
    ],
)
def test_no_story_is_found_without_a_closing_request_for_help(text):
    assert story_before_generic_ask(text) is None


def _read_alone(ranked):
    return lambda story: ranked


def test_a_dispute_told_before_what_do_i_do_reads_as_the_dispute():
    """Found asking by SMS: "the school wont give my daughter speech therapy anymore. what
    do i do" read as out of scope, the story alone as a dispute."""
    whole = _ranked("out_of_scope", 0.74)
    text = "the school wont give my daughter speech therapy anymore. what do i do"
    ranking, second = story_over_generic_ask(
        text, whole, None, _read_alone(_ranked("describe_dispute", 0.96)), _READING
    )
    assert ranking[0]["name"] == "describe_dispute" and second is None


@pytest.mark.parametrize(
    "whole, story",
    [
        # A sure topic: the story never decides.
        (_ranked("ask_discipline", 0.9), _ranked("describe_dispute", 0.99)),
        # The story alone is not surely a dispute: out of scope stays (a bullying story).
        (_ranked("out_of_scope", 0.98), _ranked("describe_dispute", 0.35)),
        # The story alone reads as a topic: that is not this rule's to answer.
        (_ranked("out_of_scope", 0.7), _ranked("ask_stay_put", 0.9)),
    ],
)
def test_the_story_decides_only_as_a_sure_dispute_when_no_topic_is_sure(whole, story):
    text = "my son is being bullied and the school does nothing. what can i do"
    ranking, _ = story_over_generic_ask(text, whole, None, _read_alone(story), _READING)
    assert ranking == whole
