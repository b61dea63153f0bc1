"""Rasa custom actions: thin wrappers over the knowledge base and the renderer.

Each action reads what it needs from the tracker, asks the plain modules for the
reply, and sends it. No answer text lives here: topic text comes from the knowledge
base, fixed phrases from the domain's responses.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import followups, recent_turns, rendering, unreadable_input
from contract import LANGUAGE, TOPIC_ANSWER, intents, payloads
from contract.conversations import SOCKETIO
from contract.intents import ASKED_TOPIC_ENTITY as ASKED_TOPIC
from contract.intents import SECOND_QUESTION_ENTITY as SECOND_QUESTION
from contract.nlu import AMBIGUITY_THRESHOLD, ANSWER_THRESHOLD, CLARIFY_PLAUSIBLE, SIBLING_LEAD
from contract.slots import (
    ASKED_AGAIN,
    CLARIFYING,
    DECLINED,
    FALLBACK_STAGE,
    LAST_TOPIC,
    OFFERED_TOPICS,
    SESSION_STARTED_METADATA,
    US_STATE,
)
from knowledge_base import KnowledgeBase
from knowledge_base import default as default_kb
from knowledge_base import states as state_names
from nlu_components import questions
from nlu_components.languages import starting_language
from nlu_components.mediation_words import names_mediation

# Loaded when the action server imports this module: a malformed knowledge base
# stops the server at start-up instead of failing a parent's question later.
KB: KnowledgeBase = default_kb()

WIDGET_CHANNEL = SOCKETIO  # our chat widget's channel
# Below this, "out of scope" is a guess: a message that names mediation then gets
# "Did you mean…" with its two likeliest topics before the decline.
SURELY_OUT_OF_SCOPE = 0.8
# "and if that fails?", "is that binding?", "can we use mediation for that?"
FOLLOWUP_INTENTS = {
    "followup_if_fails": "if_fails",
    "followup_binding": "binding",
    "followup_use_mediation": "use_mediation",
}

_INPUT_PROBLEM_RESPONSES = {
    "empty": "utter_empty_message",
    "unreadable": "utter_unreadable_message",
    "other_language": "utter_english_only",
}


def answer_topic(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    topic_id: str,
    details: bool = False,
    state: Optional[str] = None,
) -> List[EventType]:
    """Send a topic's answer (or its details), with the parent's state's note when a state
    is known, and remember it for follow-ups."""
    render = rendering.details_message if details else rendering.answer_message
    state = state_names.known_state(state or tracker.get_slot(US_STATE))
    dispatcher.utter_message(**render(KB, topic_id, state, parent_language(tracker)))
    return [
        SlotSet(LAST_TOPIC, topic_id),
        SlotSet(OFFERED_TOPICS, list(KB.topic(topic_id).related)),
    ]


def second_question(tracker: Tracker, answered: str) -> Optional[str]:
    """Another topic the parent asked about in the same message, if NLU found one."""
    for intent in tracker.get_latest_entity_values(SECOND_QUESTION):
        topic = followups.topic_for_intent(intent, KB.topics)
        if topic and topic != answered:
            return topic
    return None


def send_with_options(
    dispatcher: CollectingDispatcher, response: str, buttons: List[Dict[str, Any]], **kwargs: Any
) -> None:
    """A fixed response with options, as one channel-neutral reply: each channel shows the
    options as its app's buttons or as a numbered list after the response."""
    dispatcher.utter_message(
        **rendering.reply_message(options=buttons, response=response, **kwargs)
    )


def offer(
    dispatcher: CollectingDispatcher,
    response: str,
    topic_ids: List[str],
    language: str = rendering.ENGLISH,
    **kwargs: Any,
) -> List[EventType]:
    """Send a fixed response with topic options, remembering them for "the second one"."""
    buttons = rendering.topic_buttons(KB, topic_ids, language)
    send_with_options(dispatcher, response, buttons, language=language, **kwargs)
    return [SlotSet(OFFERED_TOPICS, list(topic_ids))]


def parent_state(tracker: Tracker) -> Optional[str]:
    """The postal code of the state the parent named, if any."""
    return state_names.known_state(tracker.get_slot(US_STATE))


def state_display(tracker: Tracker, state: str) -> str:
    """The state's name as the parent's language writes it ("Pensilvania")."""
    if parent_language(tracker) == rendering.SPANISH:
        return state_names.spanish_name(state)
    return state_names.name_of(state)


def parent_language(tracker: Tracker) -> str:
    """The conversation's language (the `language` slot, filled by the language detector)."""
    language = tracker.get_slot(LANGUAGE)
    return rendering.SPANISH if language == rendering.SPANISH else rendering.ENGLISH


def decline(
    dispatcher: CollectingDispatcher, tracker: Tracker, response: str = "utter_out_of_scope"
) -> List[EventType]:
    """Say plainly that this isn't covered (or couldn't be read) and point to human help."""
    kind = unreadable_input.classify(tracker.latest_message.get("text") or "")
    if (tracker.latest_message.get("intent") or {}).get("name") == intents.CHOOSE_OPTION:
        kind = "readable"  # a bare "2" with no list to pick from: read, just not covered
    if kind == "other_language" and parent_language(tracker) == rendering.SPANISH:
        kind = "readable"  # Spanish is read: not covered is said in Spanish
    again = fallback_stage(tracker) == DECLINED
    say_with_contacts(dispatcher, tracker, _INPUT_PROBLEM_RESPONSES.get(kind, response), again)
    return [SlotSet(OFFERED_TOPICS, []), SlotSet(FALLBACK_STAGE, DECLINED)]


def say_with_contacts(
    dispatcher: CollectingDispatcher, tracker: Tracker, response: str, again: bool = False
) -> None:
    """A fixed reply, then the help contacts (the parent's state's office when known), in
    the parent's language: every path that ends with "these people can help" uses it."""
    dispatcher.utter_message(response=response)
    dispatcher.utter_message(
        **rendering.help_contacts_message(
            KB, again=again, state=parent_state(tracker), language=parent_language(tracker)
        )
    )


# The two-stage fallback. Its state is the ``fallback_stage`` slot, set by the action that
# asked, never the look of the bot's last message: on SMS and WhatsApp the options are a
# numbered list, not buttons, and a bare "3" is ``choose_option`` whatever it picks.
# Why not Rasa's ``action_two_stage_fallback`` loop (as in RasaHQ/rasa-demo):
# - the loop ends on any intent that is not ``nlu_fallback``/``out_of_scope``, so an SMS
#   reply "3" ends it before anyone knows that "3" was "Something else" (only the action,
#   which sees the options listed, can tell; NLU cannot);
# - after its "please rephrase", another miss gets the affirmation ("Did you mean…")
#   again; it gives up only after two ``nlu_fallback`` in a row or out_of_scope,
#   nlu_fallback, out_of_scope; here a second miss gets the help contacts;
# - "Something else" is its own intent here (typed "none of these" too), which the loop
#   would read as a clarification.
# Its stages (contract/slots.py): CLARIFYING ("Did you mean…": the two likeliest topics and
# "Something else"), ASKED_AGAIN ("Sure. What would you like to know?"), DECLINED (the help
# contacts).


def fallback_stage(tracker: Tracker) -> Optional[str]:
    """What the assistant asked in reply to the parent's previous message, from the
    ``fallback_stage`` slot: its value only if it was set in that reply (any other reply,
    or a new session, in between means the conversation has moved on)."""
    seen_user, stage = False, None
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind == "user":
            if seen_user:
                return stage
            seen_user = True
        elif seen_user and kind == "session_started":
            return None
        elif seen_user and stage is None and kind == "slot" and event.get("name") == FALLBACK_STAGE:
            stage = event.get("value")
    return stage


def answers_by_confidence(tracker: Tracker) -> List[Tuple[str, float]]:
    """The topics the intent ranking leads to, best first, each with the summed confidence
    of every intent that leads to it: with no topic before, "wat happens if it dosnt
    work" split between "and if that fails?" (0.47) and "what if there's no agreement"
    (0.40), which give the same answer."""
    totals: Dict[str, float] = {}
    for entry in tracker.latest_message.get("intent_ranking") or []:
        name = str(entry.get("name") or "")
        kind = FOLLOWUP_INTENTS.get(name)
        if kind is not None:
            topic: Optional[str] = KB.followup(tracker.get_slot(LAST_TOPIC), kind)
        else:
            topic = followups.topic_for_intent(name, KB.topics)
        if topic:
            totals[topic] = totals.get(topic, 0.0) + float(entry.get("confidence") or 0.0)
    return sorted(totals.items(), key=lambda item: -item[1])


def one_clear_answer(tracker: Tracker) -> Optional[str]:
    """The topic whose intents together clear the answer bar, well ahead of the next.

    When the runner-up is one of the leading topic's related topics (offered under its
    answer, one tap away), the two together may clear the bar: "once i sign can the school
    just ignore it" split between "is it binding?" (0.46) and its sibling "enforcing it
    without a lawyer" (0.36) gets the first, with the second as an option."""
    ranked = answers_by_confidence(tracker)
    if not ranked:
        return None
    topic, confidence = ranked[0]
    runner_up, runner_up_confidence = ranked[1] if len(ranked) > 1 else ("", 0.0)
    lead = confidence - runner_up_confidence
    if confidence >= ANSWER_THRESHOLD and lead >= AMBIGUITY_THRESHOLD:
        return topic
    sibling = runner_up in KB.topic(topic).related
    if sibling and lead >= SIBLING_LEAD and confidence + runner_up_confidence >= ANSWER_THRESHOLD:
        return topic
    return None


def is_closing(tracker: Tracker) -> bool:
    """Thanks and goodbye in one message ("ok gracias, bye", "muchas gracias, adios")
    split the ranking between the two, each under the answer bar. Together they are sure,
    and either way the parent is leaving: not a question to clarify or decline."""
    confidence = {
        str(entry.get("name")): float(entry.get("confidence") or 0.0)
        for entry in tracker.latest_message.get("intent_ranking") or []
    }
    thanks = confidence.get(intents.THANKS, 0.0)
    goodbye = confidence.get(intents.GOODBYE, 0.0)
    return min(thanks, goodbye) >= CLARIFY_PLAUSIBLE and thanks + goodbye >= ANSWER_THRESHOLD


def leans_to_a_person(tracker: Tracker) -> bool:
    """Whether the likeliest reading, though under the bar, is a request for a person
    ("vivo en texas, con quien hablo" split between that and naming a state). The help
    contacts come either way; "not something I cover" would answer a question not asked."""
    ranking = [
        entry
        for entry in tracker.latest_message.get("intent_ranking") or []
        if entry.get("name") != intents.NLU_FALLBACK
    ]
    return bool(ranking) and ranking[0].get("name") == intents.HUMAN_HANDOFF


def is_story_naming_mediation(text: str) -> bool:
    """A message of several sentences, one of which names mediation."""
    return names_mediation(text) and len(questions.segments(text)) >= 2


def clarify_candidates(tracker: Tracker) -> List[str]:
    """The topics, at most two, that "Did you mean…" offers. First those the questions
    inside the message lean to (NLU's ``asked_topic`` entities): a story's ranking mostly
    sits at a few hundredths a topic. Then the message's likeliest topic, from
    CLARIFY_PLAUSIBLE up: it reads the question with its story ("they want to cut his
    speech. can mediation stop them from doing it?"), which the question alone can't.
    Then, for a story that names mediation, what mediation is (as a message that only
    names it gets), and the message's other plausible topics."""
    asked = [
        followups.topic_for_intent(intent, KB.topics)
        for intent in tracker.get_latest_entity_values(ASKED_TOPIC)
    ]
    text = tracker.latest_message.get("text") or ""
    mediation = [intents.WHAT_IS_MEDIATION_TOPIC] if is_story_naming_mediation(text) else []
    plausible = [
        entry
        for entry in tracker.latest_message.get("intent_ranking") or []
        if float(entry.get("confidence") or 0.0) >= CLARIFY_PLAUSIBLE
    ]
    ranked = followups.top_topics(plausible, KB.topics)
    found: List[str] = []
    for topic in [*asked, *ranked[:1], *mediation, *ranked[1:]]:
        if topic and topic not in found:
            found.append(topic)
    return found[:2]


def clarify_or_decline(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
    """Answer when the intents that lead to one topic are sure together; otherwise ask
    which of the likeliest topics (``clarify_candidates``) was meant. A miss right after
    that question or after "What would you like to know?", or when no topic is plausible,
    gets the help contacts."""
    text = tracker.latest_message.get("text") or ""
    kind = unreadable_input.classify(text)
    spanish = parent_language(tracker) == rendering.SPANISH
    readable = kind == "readable" or (kind == "other_language" and spanish)
    if readable and is_closing(tracker):
        dispatcher.utter_message(response="utter_goodbye")
        return [SlotSet(OFFERED_TOPICS, [])]
    first_miss = fallback_stage(tracker) not in (CLARIFYING, ASKED_AGAIN)
    clear = one_clear_answer(tracker) if readable and first_miss else None
    if clear:
        return answer_topic(dispatcher, tracker, clear)
    candidates = clarify_candidates(tracker)
    if not first_miss or not candidates or not readable:
        if readable and leans_to_a_person(tracker):
            return decline(dispatcher, tracker, response="utter_human_handoff")
        return decline(dispatcher, tracker)
    buttons = rendering.clarify_buttons(KB, candidates, parent_language(tracker))
    send_with_options(dispatcher, "utter_clarify", buttons, language=parent_language(tracker))
    return [SlotSet(OFFERED_TOPICS, candidates), SlotSet(FALLBACK_STAGE, CLARIFYING)]


def ask_what_else(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
    """ "Something else" (its button, its number, or typed): ask what the parent would
    like to know, with no apology, since nothing has been asked that we can't answer.
    Said again right after that question, it gets the help contacts."""
    if fallback_stage(tracker) == ASKED_AGAIN:
        return decline(dispatcher, tracker)
    dispatcher.utter_message(response="utter_ask_what_else")
    return [SlotSet(OFFERED_TOPICS, []), SlotSet(FALLBACK_STAGE, ASKED_AGAIN)]


def process_pointed_back_at(
    tracker: Tracker, topic_id: str, last: Optional[Tuple[str, str]]
) -> Optional[str]:
    """The other process (a resolution meeting, a State complaint…) the reply just before
    (``last``, from ``recent_turns.last_reply``) was about, when the parent's short
    question points back at it ("do i have to go to it?") without naming mediation, but
    reads as a mediation topic. Answered as it reads, "you don't have to go" would be
    about mediation while the parent means the resolution meeting, which is required."""
    if last is None:
        return None
    previous = last[0]
    text = tracker.latest_message.get("text") or ""
    if (
        previous == topic_id
        or not KB.another_process(previous)
        or KB.another_process(topic_id)
        or names_mediation(text)
        or not recent_turns.points_back(text)
    ):
        return None
    return previous


class ActionAnswerTopic(Action):
    """Answer the topic the parent asked about (intent ``ask_<topic id>``)."""

    def name(self) -> Text:
        return "action_answer_topic"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        topic_id = followups.topic_for_intent(intent, KB.topics)
        if topic_id is None:
            return decline(dispatcher, tracker)
        also = second_question(tracker, topic_id)
        if also:
            topic_id, also = KB.answer_order(topic_id, also)
        # Asked again in other words right after its answer ("how do i ask for it" after how
        # to ask): the parent wants more than the same text, so the details come instead.
        # The very same words again may mean the answer never reached the phone: it comes
        # again.
        last = recent_turns.last_reply(tracker)  # one walk back through the events
        more = (
            last == (topic_id, TOPIC_ANSWER)
            and not recent_turns.same_words_again(tracker)
            and rendering.has_details(KB, topic_id)
        )
        earlier = process_pointed_back_at(tracker, topic_id, last)
        if earlier:  # say that this answer is about mediation, and offer the way back
            dispatcher.utter_message(response="utter_about_mediation_itself")
        events = answer_topic(dispatcher, tracker, topic_id, details=more)
        if earlier:
            events += offer(dispatcher, "utter_earlier_topic", [earlier], parent_language(tracker))
        elif also:  # two questions in one message: the second is one tap away
            events += offer(dispatcher, "utter_second_question", [also], parent_language(tracker))
        return events


class ActionAnswerFollowup(Action):
    """ "And if that fails?", "is that binding?", "can we use mediation for that?": the
    knowledge base says which topic answers each, after the topic just discussed."""

    def name(self) -> Text:
        return "action_answer_followup"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        kind = FOLLOWUP_INTENTS.get(intent or "")
        if kind is None:
            return clarify_or_decline(dispatcher, tracker)
        last_topic = tracker.get_slot(LAST_TOPIC)
        topic = KB.followup(last_topic, kind)
        if kind == "if_fails" and topic == last_topic:
            return beyond_the_last_route(dispatcher, tracker)
        return answer_topic(dispatcher, tracker, topic)


def beyond_the_last_route(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
    """ "And if that doesn't work either?" right after an answer that already lists the
    routes (no agreement, a State complaint, a 504 dispute): the same answer again tells
    the parent nothing, and what comes after it depends on their case, so say so and give
    the people who can look at it."""
    say_with_contacts(dispatcher, tracker, "utter_followup_last_route")
    return [SlotSet(OFFERED_TOPICS, [])]


class ActionSetState(Action):
    """ "I'm in Ohio now": confirm the state the answers will now include (the slot itself
    is filled from the ``us_state`` entity by the domain's slot mapping, and keeps only a
    known state: ``nlu_components.state_extractor.StateSlot``). An entity that names no
    known state (a typed ``/give_state{"us_state":"XX"}``) is not a state: the parent hears
    that it was not recognised, and the slot is left as it was."""

    def name(self) -> Text:
        return "action_set_state"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        named = [
            code
            for code in map(state_names.known_state, tracker.get_latest_entity_values(US_STATE))
            if code
        ]
        if not named:
            dispatcher.utter_message(response="utter_state_not_recognised")
            return []
        state = named[-1]
        last = tracker.get_slot(LAST_TOPIC)
        if last in KB.topics:  # the question just answered, now with the state's note
            dispatcher.utter_message(
                response="utter_state_set_with_topic", state=state_display(tracker, state)
            )
            return answer_topic(dispatcher, tracker, last, state=state) + [SlotSet(US_STATE, state)]
        dispatcher.utter_message(response="utter_state_set", state=state_display(tracker, state))
        return [SlotSet(US_STATE, state)]


class ActionClearState(Action):
    """ "Forget my state": answers go back to federal law only."""

    def name(self) -> Text:
        return "action_clear_state"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        dispatcher.utter_message(response="utter_state_cleared")
        return [SlotSet(US_STATE, None)]


class ActionAcknowledgeDispute(Action):
    """A parent who only describes a disagreement: mediation is made for exactly that;
    offer the starting topics instead of "I didn't understand"."""

    def name(self) -> Text:
        return "action_acknowledge_dispute"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        return offer(
            dispatcher, "utter_dispute_ack", list(KB.starter_topics), parent_language(tracker)
        )


class ActionSessionStart(Action):
    """Every conversation, on every channel, opens with the notice: general information,
    not legal advice, and what is kept. Slots carry over as the domain asks."""

    def name(self) -> Text:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        metadata = tracker.get_slot(SESSION_STARTED_METADATA) or {}
        language = starting_language(metadata, tracker.get_slot(LANGUAGE))
        dispatcher.utter_message(**rendering.notice_message(KB, language or rendering.ENGLISH))
        carried = [
            SlotSet(name, value)
            for name, value in tracker.current_slot_values().items()
            if value is not None and name not in (SESSION_STARTED_METADATA, LANGUAGE)
        ]
        chosen = [SlotSet(LANGUAGE, language)] if language else []
        return [SessionStarted(), *carried, *chosen, ActionExecuted("action_listen")]


class ActionMoreDetail(Action):
    """'Tell me more': the details of the last topic answered."""

    def name(self) -> Text:
        return "action_more_detail"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        topic_id = tracker.get_slot(LAST_TOPIC)
        if topic_id not in KB.topics:
            return offer(
                dispatcher,
                "utter_more_about_what",
                list(KB.starter_topics),
                parent_language(tracker),
            )
        return answer_topic(dispatcher, tracker, topic_id, details=True)


class ActionChooseOption(Action):
    """'The second one' / 'and the last one?': pick from the topics just offered."""

    def name(self) -> Text:
        return "action_choose_option"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        offered = [t for t in tracker.get_slot(OFFERED_TOPICS) or [] if t in KB.topics]
        # After "Did you mean…" the options end with "Something else" (by SMS: the last number).
        clarifying = fallback_stage(tracker) == CLARIFYING and bool(offered)
        index = followups.pick_option(
            tracker.latest_message.get("text") or "", len(offered) + clarifying
        )
        if clarifying and index == len(offered):
            return ask_what_else(dispatcher, tracker)
        if index is not None:
            return answer_topic(dispatcher, tracker, offered[index])
        if clarifying:  # a number not on the list: the same choices again
            buttons = rendering.clarify_buttons(KB, offered, parent_language(tracker))
            send_with_options(
                dispatcher, "utter_which_option", buttons, language=parent_language(tracker)
            )
            return [SlotSet(OFFERED_TOPICS, offered), SlotSet(FALLBACK_STAGE, CLARIFYING)]
        if offered:
            return offer(dispatcher, "utter_which_option", offered, parent_language(tracker))
        # Nothing was offered, so this was probably not a pick from a list at all
        # (say "can it be at 4?"): treat it as a question NLU was unsure about.
        return clarify_or_decline(dispatcher, tracker)


class ActionGreet(Action):
    """Say what the assistant covers, that it is not legal advice, and offer starting topics."""

    def name(self) -> Text:
        return "action_greet"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        return offer(dispatcher, "utter_greet", list(KB.starter_topics), parent_language(tracker))


class ActionShowMenu(Action):
    """'What can you help with?': the areas covered, one starting topic per area."""

    def name(self) -> Text:
        return "action_show_menu"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        language = parent_language(tracker)
        return offer(
            dispatcher,
            "utter_menu",
            rendering.area_starters(KB),
            language,
            areas=rendering.menu_text(KB, language),
        )


class ActionSomethingElse(Action):
    """ "Something else" / "none of these": ask what the parent would like to know."""

    def name(self) -> Text:
        return "action_something_else"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        return ask_what_else(dispatcher, tracker)


def may_be_about_mediation(tracker: Tracker) -> bool:
    """A story of several sentences that names mediation, read as out of scope but not
    surely: "...a friend said something about mediation but I have no money for a lawyer.
    what do I do" is worth "Did you mean…" before "That's not something I cover". A single
    plain question ("will the state give us an interpreter at mediation?") gets its
    decline at once."""
    text = tracker.latest_message.get("text") or ""
    intent = tracker.latest_message.get("intent") or {}
    confidence = float(intent.get("confidence") or 0.0)
    return is_story_naming_mediation(text) and confidence < SURELY_OUT_OF_SCOPE


class ActionDecline(Action):
    """Out of scope: no topic answer, point to human help. When the message names
    mediation and the classifier was not sure, ask "Did you mean…" first."""

    def name(self) -> Text:
        return "action_decline"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        if may_be_about_mediation(tracker):
            return clarify_or_decline(dispatcher, tracker)
        return decline(dispatcher, tracker)


class ActionHandleLowConfidence(Action):
    """Low NLU confidence: ask which of the two likeliest topics was meant; a second miss
    in a row (after that question or after "What would you like to know?") gets the help
    contacts. The state is the ``fallback_stage`` slot: see ``fallback_stage``."""

    def name(self) -> Text:
        return "action_handle_low_confidence"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        return clarify_or_decline(dispatcher, tracker)


class ActionFeedback(Action):
    """ "Was this helpful?": thank the parent; after a "no", offer a person. The feedback
    itself (helpful, topic) stays in the tracker store with the conversation. Our widget
    (socket.io) thanks inline where the button was, so a "yes" gets no second thanks there."""

    def name(self) -> Text:
        return "action_feedback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        helpful = next(tracker.get_latest_entity_values(intents.HELPFUL_ENTITY), None)
        if helpful == "no":
            language = parent_language(tracker)
            send_with_options(
                dispatcher,
                "utter_feedback_sorry",
                [
                    {
                        "title": KB.phrase("talk_to_a_person", language),
                        "payload": payloads.HUMAN_HANDOFF,
                    }
                ],
                language=language,
            )
        elif tracker.get_latest_input_channel() != WIDGET_CHANNEL:
            dispatcher.utter_message(response="utter_feedback_thanks")
        return []


class ActionSetLanguage(Action):
    """ "en español" / "English please": the conversation's language from now on, said in
    that language (issue 21)."""

    def name(self) -> Text:
        return "action_set_language"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        language = rendering.SPANISH if intent == intents.SWITCH_TO_SPANISH else rendering.ENGLISH
        response = (
            "utter_language_spanish" if language == rendering.SPANISH else "utter_language_english"
        )
        dispatcher.utter_message(response=response)
        return [SlotSet(LANGUAGE, language)]
