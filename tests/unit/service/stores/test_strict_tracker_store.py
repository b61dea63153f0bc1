"""A failed save is raised (and logged as one line), never kept in Rasa's in-memory
fallback store (service/stores/strict_tracker_store.py)."""

from __future__ import annotations

import asyncio
import logging

import pytest
from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered

from contract.conversations import ConversationNotSaved
from rasa_ext.stores import replace_failsafe_save
from service.stores import strict_tracker_store


def install() -> None:
    """What the Rasa server's start-up does for this store (``rasa_ext.install``)."""
    replace_failsafe_save(strict_tracker_store.save)


class BrokenStore(InMemoryTrackerStore):
    async def save(self, tracker) -> None:
        raise OSError("disk I/O error: my son Mateo")


def test_a_failed_save_is_raised_logged_once_and_kept_nowhere(caplog):
    install()
    store = FailSafeTrackerStore(BrokenStore(Domain.empty()))
    tracker = store.init_tracker("rest:parent-1")
    tracker.update(UserUttered("my son Mateo needs help"))
    caplog.set_level(logging.INFO)
    with pytest.raises(ConversationNotSaved):
        asyncio.run(store.save(tracker))
    assert store._fallback_tracker_store is None  # Rasa's would hold the tracker for good
    lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(lines) == 1 and lines[0].startswith("tracker.save_failed")
    assert "Mateo" not in lines[0] and "parent-1" not in lines[0]


def test_install_is_idempotent():
    install()
    first = FailSafeTrackerStore.save
    install()
    assert FailSafeTrackerStore.save is first
