"""Shared fixtures: the knowledge base, tracker fixtures and a way to run an action."""
from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from knowledge_base import KnowledgeBase, load

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
TRACKERS = TESTS / "fixtures" / "trackers"
MODEL = Path(os.environ.get("IEP_MODEL") or REPO / "models" / "iep.tar.gz")


def pytest_sessionstart(session: pytest.Session) -> None:
    """Under `make test` (IEP_REQUIRE_MODEL=1) a missing model is a failure: the tests that
    need one would otherwise skip, and a run that tests little would pass."""
    if os.environ.get("IEP_REQUIRE_MODEL") == "1" and not MODEL.exists():
        raise pytest.UsageError(f"no trained model at {MODEL}: the set-up should have trained it")


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load()


def tracker_fixture(name: str) -> Tracker:
    """A tracker from tests/fixtures/trackers/<name>.json."""
    return Tracker.from_dict(json.loads((TRACKERS / f"{name}.json").read_text(encoding="utf-8")))


def run_action(action: Action, fixture: str) -> Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]:
    """Run ``action`` against a tracker fixture; return (messages sent, events returned)."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker_fixture(fixture), {}))
    return dispatcher.messages, events


def slots_set(events: List[Dict[str, Any]]) -> Dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def topics_in(messages: List[Dict[str, Any]]) -> List[str]:
    """Topic ids announced by the answer contract (``custom.topic``)."""
    return [m["custom"]["topic"] for m in messages
            if isinstance(m.get("custom"), dict) and m["custom"].get("topic")]
