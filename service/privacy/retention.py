"""Conversations are kept for a limited time: ``RETENTION_DAYS`` (default 90) after their
last message, then deleted, at the Rasa server's start and once a day after.

The privacy line parents read (``notice.privacy`` in the knowledge base) states the same
period; ``contract.limits.retention_days`` is what both read.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Optional

logger = logging.getLogger(__name__)

DAY_SECONDS = 24 * 60 * 60


def windowed_store(store: Any) -> Optional[Any]:
    """The store that can delete (``delete_expired``) under Rasa's wrappers, if any."""
    # Imported here: purging and its tests need none of Rasa's stores.
    from rasa_ext.stores import wrapped_store

    while store is not None and not hasattr(store, "delete_expired"):
        store = wrapped_store(store)
    return store


def purge(store: Any, days: int, now: Optional[float] = None) -> int:
    """Delete the conversations idle for more than ``days``; how many went."""
    cutoff = (time.time() if now is None else now) - days * DAY_SECONDS
    deleted = store.delete_expired(cutoff)
    logger.info("retention.purged conversations=%d older_than_days=%d", deleted, days)
    return deleted


async def run_daily(store: Any, days: int, interval: float = DAY_SECONDS) -> None:
    """Purge now, then every ``interval`` seconds, off the event loop (a big delete must
    not hold up parents' messages); a failure is logged and retried next time."""
    while True:
        try:
            await asyncio.to_thread(purge, store, days)
        except Exception as error:  # noqa: BLE001 - the server keeps serving
            logger.error("retention.failed error=%s: %s", type(error).__name__, str(error)[:200])
        await asyncio.sleep(interval)
