"""Shared fixtures: the knowledge base, tracker fixtures, a way to run an action, the server
stacks that modules share (tests/stacks.py) and the order and grouping of the run."""

from __future__ import annotations

import asyncio
import copy
import json
import os
from collections import defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import pytest
import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from channels.reply_renderer import render
from knowledge_base import DEFAULT_PATH, KnowledgeBase, load
from tests.stacks import (  # noqa: F401 - fixtures, offered to every tier from here
    _session_servers,
    insights_filled,
    shared_servers,
    shared_site,
    shared_twilio,
)

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
TRACKERS = TESTS / "fixtures" / "trackers"
MODEL = Path(os.environ.get("IEP_MODEL") or REPO / "models" / "iep.tar.gz")
# The model's spaCy pipeline (config.yml), built by the set-up before any test starts: the
# servers of every worker read it, none builds it.
SPACY_PIPELINE = REPO / "build" / "spacy_en_iep"


TIERS = ("unit", "e2e", "browser", "cluster")
# The order of a run: the slowest tiers first, so that under pytest-xdist (`make test`) the
# long modules start at once and the many short unit modules fill in at the end.
RUN_ORDER = ("cluster", "browser", "e2e", "unit")


def pytest_collection_modifyitems(items: List[pytest.Item]) -> None:
    """Mark each test with its tier, the folder under tests/ it lives in, so `-m unit` selects
    by where a test is and a test outside every tier is an error, not a silent skip; then
    run the tiers in ``RUN_ORDER`` (a stable sort: a module keeps its own order)."""
    rank: Dict[int, int] = {}
    for item in items:
        path = Path(str(item.path)).resolve()
        rank[id(item)] = len(RUN_ORDER)
        if TESTS not in path.parents:
            continue  # not one of ours (pytest given another folder)
        parts = path.relative_to(TESTS).parts
        tier = parts[0] if len(parts) > 1 else ""
        if tier not in TIERS:
            raise pytest.UsageError(
                f"{item.nodeid}: tests live under tests/<tier>/, one of {TIERS}"
            )
        item.add_marker(getattr(pytest.mark, tier))
        rank[id(item)] = RUN_ORDER.index(tier)
    items.sort(key=lambda item: rank[id(item)])


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Under `--dist loadscope` a worker takes a whole module at a time (its module-scoped
    servers start once); modules that share a session stack (``SHARED_STACK_GROUPS``) go
    to one worker together."""
    if config.getoption("dist") != "loadscope":
        return None
    from tests.scheduling import SharedStackScheduling  # imports pytest-xdist

    return SharedStackScheduling(config, log)


def pytest_sessionstart(session: pytest.Session) -> None:
    """Under `make test` (IEP_REQUIRE_MODEL=1) a missing model is a failure: the tests that
    need one would otherwise skip, and a run that tests little would pass."""
    if os.environ.get("IEP_REQUIRE_MODEL") == "1" and not MODEL.exists():
        raise pytest.UsageError(f"no trained model at {MODEL}: the set-up should have trained it")
    if os.environ.get("IEP_REQUIRE_MODEL") == "1" and not SPACY_PIPELINE.is_dir():
        raise pytest.UsageError(f"no spaCy pipeline at {SPACY_PIPELINE}: the set-up builds it")


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load()


@lru_cache(maxsize=1)
def _knowledge_base_yaml() -> Dict[str, Any]:
    return yaml.load(DEFAULT_PATH.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)


def knowledge_base_yaml() -> Dict[str, Any]:
    """data/knowledge_base.yml as parsed YAML, a fresh copy each call: parsed once, because the
    tests that break one field each spent most of their time in the YAML parser."""
    return copy.deepcopy(_knowledge_base_yaml())


def write_knowledge_base(path: Path, raw: Dict[str, Any]) -> Path:
    """Write ``raw`` (an edited ``knowledge_base_yaml()``) to ``path``, in the file's order."""
    text = yaml.dump(raw, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True)
    path.write_text(text, encoding="utf-8")
    return path


def tracker_fixture(name: str) -> Tracker:
    """A tracker from tests/fixtures/trackers/<name>.json."""
    return Tracker.from_dict(json.loads((TRACKERS / f"{name}.json").read_text(encoding="utf-8")))


def run_action_neutral(
    action: Action, fixture: str
) -> Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]:
    """Run ``action`` against a tracker fixture; return (the channel-neutral messages the
    action server sends, events returned)."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker_fixture(fixture), {}))
    return dispatcher.messages, events


@lru_cache(maxsize=1)
def domain_responses() -> Dict[str, Any]:
    return yaml.safe_load((REPO / "domain.yml").read_text(encoding="utf-8"))["responses"]


def as_rasa_sends(message: Dict[str, Any]) -> Dict[str, Any]:
    """One action-server message as the Rasa server hands it to the output channel: empty
    fields dropped, a response's (first) text from the domain with its variables filled."""
    sent = {k: v for k, v in message.items() if v not in (None, "", [], {})}
    response = sent.get("response")
    if response and not sent.get("text"):
        variables = defaultdict(str, {k: v for k, v in sent.items() if isinstance(v, str)})
        sent["text"] = domain_responses()[response][0]["text"].format_map(variables)
    return sent


def shown(messages: List[Dict[str, Any]], channel: Optional[str]) -> List[Dict[str, Any]]:
    """What the channel's output sends for these action-server messages
    (``channels.reply_renderer.render``, as every output channel applies it)."""
    return [m for message in messages for m in render(channel, as_rasa_sends(message))]


def run_action(action: Action, fixture: str) -> Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]:
    """Run ``action`` against a tracker fixture; return (the messages the fixture's channel
    sends the parent, shaped in ``channels/``; events returned)."""
    messages, events = run_action_neutral(action, fixture)
    return shown(messages, tracker_fixture(fixture).get_latest_input_channel()), events


def slots_set(events: List[Dict[str, Any]]) -> Dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def topics_in(messages: List[Dict[str, Any]]) -> List[str]:
    """Topic ids announced by the answer contract (``custom.topic``) in what a channel sends."""
    return [
        m["custom"]["topic"]
        for m in messages
        if isinstance(m.get("custom"), dict) and m["custom"].get("topic")
    ]
