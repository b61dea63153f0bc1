"""How a conversation is recorded, read back as the parent's turns.

A turn is one parent message and what the assistant did with it, read from the events
the Rasa server stores (service/stores/tracker_store.py, Rasa's ``events`` table) and the slots
the actions set (actions/actions.py):
- answered: the turn set ``last_topic`` (every topic answer does, action_answer_topic);
- clarified: it set ``fallback_stage`` to ``clarifying`` ("Did you mean…");
- declined: the assistant said ``utter_out_of_scope`` ("that's not something I cover"),
  whether straight away or after a "Did you mean…" that missed;
- anything else (a greeting, thanks, feedback, a state, "talk to a person") is "other".
A ``us_state`` value that is no known state (stored before the slot refused them) is
skipped.
A conversation is one session of one sender (``session_started`` begins the next).
A turn's language is the ``language`` slot's value once the parent's message was read (the
language detector sets it on that message; a session starts in English, and the slot is
carried over into it); any value but Spanish counts as English (issue 21).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Tuple

from contract import ENGLISH, LANGUAGE, SPANISH, intents
from contract.slots import CLARIFYING, FALLBACK_STAGE, LAST_TOPIC, US_STATE
from insights.store import StoredEvent
from knowledge_base.states import known_state

ANSWERED, CLARIFIED, DECLINED, OTHER = "answered", "clarified", "declined", "other"
DECLINE_RESPONSE = "utter_out_of_scope"
# Turns that pick or extend an answer rather than ask: the question is an earlier turn.
NOT_A_QUESTION = {
    intents.CHOOSE_OPTION,
    intents.MORE_DETAIL,
    intents.GIVE_STATE,
    intents.SOMETHING_ELSE,
    intents.FEEDBACK,
}


@dataclass
class Turn:
    sender_id: str
    session: int
    timestamp: float
    channel: str
    text: str
    intent: str
    ranking: List[Tuple[str, float]]
    entities: Dict[str, str]
    topic: Optional[str] = None
    stage: Optional[str] = None
    declined: bool = False
    states: List[str] = field(default_factory=list)
    language: str = ENGLISH

    @property
    def conversation(self) -> Tuple[str, int]:
        return self.sender_id, self.session

    @property
    def outcome(self) -> str:
        if self.topic:
            return ANSWERED
        if self.stage == CLARIFYING:
            return CLARIFIED
        return DECLINED if self.declined else OTHER


def _user_turn(event: StoredEvent, session: int) -> Turn:
    parse = event.data.get("parse_data") or {}
    return Turn(
        sender_id=event.sender_id,
        session=session,
        timestamp=event.timestamp,
        channel=str(event.data.get("input_channel") or "unknown"),
        text=str(event.data.get("text") or ""),
        intent=str((parse.get("intent") or {}).get("name") or ""),
        ranking=[(r["name"], float(r["confidence"])) for r in parse.get("intent_ranking") or []],
        entities={
            str(e.get("entity")): str(e.get("value"))
            for e in parse.get("entities") or []
            if e.get("entity")
        },
    )


def _apply(turn: Turn, event: StoredEvent) -> None:
    """What an event after the parent's message says about that turn."""
    data = event.data
    if event.type_name == "slot" and data.get("value"):
        name, value = data.get("name"), data["value"]
        if name == LAST_TOPIC:
            turn.topic = str(value)
        elif name == FALLBACK_STAGE:
            turn.stage = str(value)
        elif name == US_STATE:
            # Stored as sent: an old conversation, or a typed payload, may hold "XX",
            # markup or a number. Only a known state counts (knowledge_base.states).
            code = known_state(value)
            if code and code not in turn.states:
                turn.states.append(code)
    elif event.type_name == "bot":
        if (data.get("metadata") or {}).get("utter_action") == DECLINE_RESPONSE:
            turn.declined = True


def _language_set(event: StoredEvent) -> Optional[str]:
    """The language a ``language`` slot event sets (None: not such an event)."""
    if event.type_name != "slot" or event.data.get("name") != LANGUAGE:
        return None
    return SPANISH if event.data.get("value") == SPANISH else ENGLISH


def read_turns(events: Iterable[StoredEvent]) -> List[Turn]:
    """The parent's turns, in storage order per sender (events come sorted by sender)."""
    turns: List[Turn] = []
    sender, session, current, language = None, 0, None, ENGLISH
    for event in events:
        if event.sender_id != sender:
            sender, session, current, language = event.sender_id, 0, None, ENGLISH
        if event.type_name == "session_started":
            # Slots start again from their initial values; carried-over ones follow.
            session, current, language = session + 1, None, ENGLISH
        elif event.type_name == "user":
            current = _user_turn(event, session)
            current.language = language
            turns.append(current)
        else:
            language = _language_set(event) or language
            if current is not None:
                current.language = language
                _apply(current, event)
    return turns


def question_before(turns: List[Turn], index: int) -> Turn:
    """The turn whose question led to the answer given at ``turns[index]``: itself, or,
    when it was a pick ("2", a "Did you mean…" button, "tell me more"), the question
    before it in the same conversation."""
    turn, topic = turns[index], turns[index].topic
    while (turn.intent in NOT_A_QUESTION or turn.text.startswith("/")) and index > 0:
        previous = turns[index - 1]
        if previous.conversation != turn.conversation:
            break
        if previous.outcome != CLARIFIED and previous.topic != topic:
            break
        index, turn = index - 1, previous
    return turn
