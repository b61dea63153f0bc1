"""Rasa's tracker- and lock-store internals we touch.

- ``FailSafeTrackerStore.save`` (replaced) and its ``_tracker_store`` (read): a failed save
  must reach the parent as an error, never land in an in-memory copy kept for good
  (``service/stores/strict_tracker_store.py``); retention finds the deletable store under the
  wrapper (``service/privacy/retention.py``).
- ``SQLTrackerStore._additional_events`` (overridden through ``SQLStoreHooks``): the
  windowed store loads a window, so "events not yet stored" is counted from that load
  (``service/stores/tracker_store.py``).
- ``Event._from_parameters`` (called): builds an event of a known class without Rasa's
  walk over every ``Event`` subclass per event.
- ``LockStore._acquire_lock`` (overridden through ``LockStoreHooks``): a waiting turn
  renews its ticket (``service/stores/lock_store.py``).
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Dict, Iterator, Optional, Text, Type

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LockStore
from rasa.core.tracker_store import FailSafeTrackerStore, SQLTrackerStore, TrackerStore
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker

Save = Callable[[TrackerStore, DialogueStateTracker], Awaitable[None]]
_REPLACED = "_iep_replaced_save"


def wrapped_store(store: Any) -> Optional[Any]:
    """The store a Rasa wrapper (``FailSafeTrackerStore``, ``AwaitableTrackerStore``)
    delegates to; None for a store that wraps nothing."""
    return getattr(store, "_tracker_store", None)


def replace_failsafe_save(save: Save) -> None:
    """``FailSafeTrackerStore.save`` becomes ``save(primary store, tracker)``, once per
    process (idempotent: a second call keeps the first)."""
    if getattr(FailSafeTrackerStore.save, _REPLACED, False):
        return

    async def failsafe_save(self: FailSafeTrackerStore, tracker: DialogueStateTracker) -> None:
        await save(self._tracker_store, tracker)

    setattr(failsafe_save, _REPLACED, True)
    FailSafeTrackerStore.save = failsafe_save


def event_from_parameters(cls: Type[Event], parameters: Dict[Text, Any]) -> Optional[Event]:
    """An event of the known class ``cls`` from its serialised form (Rasa's
    ``Event.from_parameters`` without finding the class again)."""
    return cls._from_parameters(parameters)


class SQLStoreHooks(SQLTrackerStore):
    """``SQLTrackerStore`` whose "events not stored yet" is the public ``unsaved_events``."""

    def unsaved_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator:
        """Rasa's count: the events after as many as the current session has stored."""
        return super()._additional_events(session, tracker)

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator:
        return self.unsaved_events(session, tracker)


class LockStoreHooks(LockStore):
    """A lock store whose wait for its turn is the public ``acquire_lock``."""

    async def acquire_lock(
        self, conversation_id: Text, ticket: int, wait_time_in_seconds: float
    ) -> TicketLock:
        """Rasa's wait: poll until ``ticket`` is served."""
        return await super()._acquire_lock(conversation_id, ticket, wait_time_in_seconds)

    async def _acquire_lock(
        self, conversation_id: Text, ticket: int, wait_time_in_seconds: float
    ) -> TicketLock:
        return await self.acquire_lock(conversation_id, ticket, wait_time_in_seconds)
