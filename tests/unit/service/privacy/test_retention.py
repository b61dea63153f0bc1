"""Retention (issue 11) at the database level: conversations idle longer than the period go,
whole; any recent event keeps a conversation whole; the boundary itself is kept."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import List

import pytest
from rasa.core.tracker_store import (
    AwaitableTrackerStore,
    FailSafeTrackerStore,
    InMemoryTrackerStore,
)
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered

from contract.limits import retention_days
from service.privacy import retention
from service.stores.tracker_store import WindowedSQLTrackerStore
from tests.conftest import REPO

NOW = 1_800_000_000.0
DAY = retention.DAY_SECONDS


@pytest.fixture
def store(tmp_path) -> WindowedSQLTrackerStore:
    return WindowedSQLTrackerStore(
        Domain.load(str(REPO / "domain.yml")), dialect="sqlite", db=str(tmp_path / "t.db")
    )


def plant(store: WindowedSQLTrackerStore, sender: str, *stamps: float) -> None:
    """One conversation with a user turn at each of these times."""
    tracker = store.init_tracker(sender)
    for stamp in stamps:
        for event in (
            UserUttered("is it free?", timestamp=stamp),
            ActionExecuted("action_answer_topic", timestamp=stamp),
            BotUttered("It is free.", timestamp=stamp),
        ):
            tracker.update(event)
    asyncio.run(store.save(tracker))


def senders(store: WindowedSQLTrackerStore) -> List[str]:
    path = Path(store.engine.url.database)
    with sqlite3.connect(path) as connection:
        return sorted({s for (s,) in connection.execute("SELECT sender_id FROM events")})


def test_old_conversations_go_recent_and_boundary_ones_stay(store):
    plant(store, "old", NOW - 200 * DAY, NOW - 91 * DAY)
    plant(store, "just-past", NOW - 90 * DAY - 1)
    plant(store, "boundary", NOW - 90 * DAY)
    plant(store, "recent", NOW - 3 * DAY)
    plant(store, "old-but-came-back", NOW - 300 * DAY, NOW - 1 * DAY)
    assert retention.purge(store, 90, now=NOW) == 2
    assert senders(store) == ["boundary", "old-but-came-back", "recent"]
    # Whole conversations are kept: the old turns of one that came back too.
    kept = asyncio.run(store.retrieve_full_tracker("old-but-came-back"))
    assert len([e for e in kept.events if isinstance(e, UserUttered)]) == 2


def test_a_shorter_period_deletes_more(store):
    plant(store, "a", NOW - 10 * DAY)
    plant(store, "b", NOW - 2 * DAY)
    assert retention.purge(store, 5, now=NOW) == 1
    assert senders(store) == ["b"]


@pytest.mark.parametrize(
    "value, days", [("", 90), ("30", 30), ("0", 90), ("-4", 90), ("ninety", 90), ("365", 365)]
)
def test_the_period_comes_from_the_environment_and_a_bad_value_is_the_default(
    monkeypatch, value, days
):
    monkeypatch.setenv("RETENTION_DAYS", value)
    assert retention_days() == days


def test_the_daily_task_purges_at_once_and_again(store, monkeypatch):
    calls: List[int] = []
    monkeypatch.setattr(retention, "purge", lambda s, d: calls.append(d))

    async def run_briefly() -> None:
        task = asyncio.ensure_future(retention.run_daily(store, 7, interval=0.05))
        for _ in range(400):  # until it purged twice (every 0.05 s); 4 s at most
            if len(calls) >= 2:
                break
            await asyncio.sleep(0.01)
        task.cancel()

    asyncio.run(run_briefly())
    assert len(calls) >= 2 and set(calls) == {7}


def test_the_store_is_found_under_rasas_wrappers(store):
    wrapped = AwaitableTrackerStore(FailSafeTrackerStore(store))  # as Rasa's agent holds it
    assert retention.windowed_store(wrapped) is store
    assert (
        retention.windowed_store(FailSafeTrackerStore(InMemoryTrackerStore(Domain.empty()))) is None
    )
    assert retention.windowed_store(object()) is None
