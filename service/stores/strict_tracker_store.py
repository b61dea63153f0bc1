"""A turn whose save fails is an error the parent hears about, never a copy kept in memory.

Rasa wraps every tracker store in ``FailSafeTrackerStore``, whose ``save`` catches any
error and saves the conversation into an ``InMemoryTrackerStore`` instead, for good: one
request with metadata that could not be stored (900 levels deep) grew the Rasa server by
130 KB, unredacted and never freed, and the parent was told nothing. Installed by
``service/servers/rasa_server.py`` through ``rasa_ext.install``, this replaces that ``save``: the
error is logged as one line (without the conversation's id or text) and raised as
``ConversationNotSaved``, which the input guard (``channels/input_guard.py``) answers with
the apology and the help contacts.

The Rasa internals this needs (``FailSafeTrackerStore.save`` and its primary store) are
reached only through ``rasa_ext/stores.py``.
"""

from __future__ import annotations

import logging

from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

from contract.conversations import ConversationNotSaved, log_tag

logger = logging.getLogger(__name__)


async def save(primary: TrackerStore, tracker: DialogueStateTracker) -> None:
    """The primary store's save; its failure raised, with nothing kept anywhere else."""
    try:
        await primary.save(tracker)
    except Exception as error:  # noqa: BLE001 - any store error means the turn is lost
        logger.error(
            "tracker.save_failed conversation=%s error=%s",
            log_tag(tracker.sender_id),
            type(error).__name__,
        )
        raise ConversationNotSaved(type(error).__name__) from error
