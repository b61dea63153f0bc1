"""A turn whose save fails is an error the parent hears about, never a copy kept in memory.

Rasa wraps every tracker store in ``FailSafeTrackerStore``, whose ``save`` catches any
error and saves the conversation into an ``InMemoryTrackerStore`` instead, for good: one
request with metadata that could not be stored (900 levels deep) grew the Rasa server by
130 KB, unredacted and never freed, and the parent was told nothing. Installed by
``service/rasa_server.py``, this replaces that ``save``: the error is logged as one line
(without the conversation's id or text) and raised as ``ConversationNotSaved``, which the
input guard (``channels/input_guard.py``) answers with the apology and the help contacts.

Rasa internals touched (checked against Rasa 3.6.21): ``FailSafeTrackerStore.save`` and
its ``_tracker_store`` attribute (the primary store).
"""

from __future__ import annotations

import logging

from rasa.core.tracker_store import FailSafeTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

from contract.conversations import ConversationNotSaved, log_tag

logger = logging.getLogger(__name__)
_INSTALLED = "_iep_strict_save"


async def save(self: FailSafeTrackerStore, tracker: DialogueStateTracker) -> None:
    """The primary store's save; its failure raised, with nothing kept anywhere else."""
    try:
        await self._tracker_store.save(tracker)
    except Exception as error:  # noqa: BLE001 - any store error means the turn is lost
        logger.error(
            "tracker.save_failed conversation=%s error=%s",
            log_tag(tracker.sender_id),
            type(error).__name__,
        )
        raise ConversationNotSaved(type(error).__name__) from error


def install() -> None:
    """Replace ``FailSafeTrackerStore.save`` once."""
    if getattr(FailSafeTrackerStore.save, _INSTALLED, False):
        return
    setattr(save, _INSTALLED, True)
    FailSafeTrackerStore.save = save
