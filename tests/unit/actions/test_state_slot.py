"""The ``us_state`` slot holds a known state or nothing (issue 18, item 4): whatever sets it,
a typed ``/give_state{"us_state":"XX"}``, an action, a stored event replayed, an unknown
value never becomes the parent's state. (The report's side:
tests/unit/insights/test_insights.py.)"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Dict, List

import pytest
from rasa.core.actions.action import ActionExtractSlots
from rasa.core.channels import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import actions
from knowledge_base.states import known_state
from nlu_components.state_extractor import StateSlot

REPO = Path(__file__).resolve().parents[3]
JUNK = ["XX", "<b>", "<b>PA</b>", 42, 4.2, True, ["PA"], {"code": "PA"}, "", "Pennsylvania"]


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(REPO / "domain.yml")


def test_a_known_state_is_its_postal_code_and_anything_else_is_none():
    assert known_state("PA") == "PA" and known_state(" pa ") == "PA" and known_state("dc") == "DC"
    assert known_state(None) is None
    for junk in JUNK:
        assert known_state(junk) is None, junk


def test_the_domain_makes_us_state_a_state_slot(domain):
    [slot] = [s for s in domain.slots if s.name == "us_state"]
    assert isinstance(slot, StateSlot) and slot.value is None


@pytest.mark.parametrize("junk", JUNK)
def test_an_unknown_value_set_on_the_slot_is_refused_and_the_state_kept(domain, junk):
    tracker = DialogueStateTracker.from_events("p", [], slots=domain.slots)
    tracker.update(SlotSet("us_state", junk))
    assert tracker.get_slot("us_state") is None
    tracker.update(SlotSet("us_state", "pa"))
    assert tracker.get_slot("us_state") == "PA"
    tracker.update(SlotSet("us_state", junk))
    assert tracker.get_slot("us_state") == "PA"  # a junk payload does not erase it either
    tracker.update(SlotSet("us_state", None))  # "forget my state"
    assert tracker.get_slot("us_state") is None


def _typed_payload(state: Any) -> UserUttered:
    """What Rasa makes of a typed ``/give_state{"us_state": …}``: the intent and the entity,
    as given."""
    return UserUttered(
        f'/give_state{{"us_state":"{state}"}}',
        intent={"name": "give_state", "confidence": 1.0},
        entities=[{"entity": "us_state", "value": state, "start": 0, "end": 1}],
    )


def _extract_slots(domain: Domain, events: List[Any]) -> DialogueStateTracker:
    """Rasa's own slot filling (action_extract_slots, the domain's from_entity mapping) after
    the last user message, as the Rasa server runs it."""
    tracker = DialogueStateTracker.from_events("p", events, slots=domain.slots)
    extracted = asyncio.run(
        ActionExtractSlots(None).run(
            CollectingOutputChannel(),
            TemplatedNaturalLanguageGenerator(domain.responses),
            tracker,
            domain,
        )
    )
    tracker.update_with_events(extracted, domain)
    return tracker


@pytest.mark.parametrize("junk", ["XX", "<b>", 42])
def test_a_typed_payload_with_an_unknown_state_does_not_fill_the_slot(domain, junk):
    tracker = _extract_slots(domain, [ActionExecuted("action_listen"), _typed_payload(junk)])
    assert tracker.get_slot("us_state") is None
    assert tracker.current_state()["slots"]["us_state"] is None  # what the actions are sent


def test_a_named_state_still_fills_the_slot_and_junk_after_it_keeps_it(domain):
    tracker = _extract_slots(domain, [ActionExecuted("action_listen"), _typed_payload("OH")])
    assert tracker.get_slot("us_state") == "OH"
    tracker.update_with_events([ActionExecuted("action_listen"), _typed_payload("XX")], domain)
    tracker = _extract_slots(domain, list(tracker.events))
    assert tracker.get_slot("us_state") == "OH"


def test_a_stored_unknown_state_is_not_the_state_when_the_conversation_is_loaded(domain):
    """Conversations stored before the slot refused junk hold ``slot`` events with "XX"."""
    stored = [SlotSet("us_state", "TX"), SlotSet("us_state", "XX")]
    tracker = DialogueStateTracker.from_dict("p", [e.as_dict() for e in stored], domain.slots)
    assert tracker.get_slot("us_state") == "TX"
    tracker = DialogueStateTracker.from_dict(
        "q", [SlotSet("us_state", "<b>").as_dict()], domain.slots
    )
    assert tracker.get_slot("us_state") is None


def _sdk_tracker(entities: List[Dict[str, Any]], slots: Dict[str, Any]) -> Tracker:
    message = {"text": "/give_state", "intent": {"name": "give_state"}, "entities": entities}
    return Tracker(
        "p", slots, message, [{"event": "user", **message}], False, None, {}, "action_listen"
    )


@pytest.mark.parametrize("junk", ["XX", "<b>", 42, None])
def test_the_state_action_refuses_an_unknown_state_and_sets_nothing(junk):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(
        actions.ActionSetState().run(
            dispatcher, _sdk_tracker([{"entity": "us_state", "value": junk}], {}), {}
        )
    )
    assert [m["response"] for m in dispatcher.messages] == ["utter_state_not_recognised"]
    assert events == []


def test_the_state_action_takes_the_known_state_among_junk():
    dispatcher = CollectingDispatcher()
    entities = [{"entity": "us_state", "value": v} for v in ("pa", "XX")]
    events = asyncio.run(actions.ActionSetState().run(dispatcher, _sdk_tracker(entities, {}), {}))
    assert dispatcher.messages[0]["state"] == "Pennsylvania"
    assert events == [{"event": "slot", "timestamp": None, "name": "us_state", "value": "PA"}]
