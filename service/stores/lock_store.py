"""Rasa's Redis lock store, made safe for an instance that dies holding a conversation's lock.

Used by the cluster (scripts/cluster.sh writes ``lock_store: type:
service.stores.lock_store.SafeRedisLockStore``). Rasa 3.6's ``RedisLockStore`` has two flaws
that the cluster's tests hit:

- A waiting turn's own ticket expires as fast as the dead holder's ticket (both get
  ``TICKET_LOCK_LIFETIME``). Unless a poll lands in the few milliseconds between the two
  expiries, the waiter finds the queue empty, never sees its number served, and hangs until
  Sanic's response timeout (503). Here a waiting turn renews its ticket on every poll, so only
  a dead instance's ticket runs out.
- Tickets are read, changed and written back in separate Redis calls, so two instances taking
  turns of the same conversation at once can draw the same number, or one can delete the lock
  just after the other queued on it. Here every change is one WATCH/MULTI transaction.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any, Callable, Optional, Text

from rasa.core.lock import Ticket, TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from rasa_ext.stores import LockStoreHooks


class SafeRedisLockStore(LockStoreHooks, RedisLockStore):
    """``RedisLockStore`` with renewed waiting tickets and atomic ticket changes."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, **kwargs: Any) -> None:
        """Built by Rasa from endpoints.yml (``endpoint_config``), or directly with
        ``RedisLockStore``'s arguments."""
        if endpoint_config is not None:
            kwargs = {
                "host": endpoint_config.url or "localhost",
                **endpoint_config.kwargs,
                **kwargs,
            }
        super().__init__(**kwargs)

    def _change(self, conversation_id: Text, change: Callable[[Optional[TicketLock]], Any]) -> Any:
        """Apply ``change`` to the stored lock atomically; it returns (lock to store or None
        to delete, value to return)."""
        key = self.key_prefix + conversation_id

        def transaction(pipe: Any) -> Any:
            raw = pipe.get(key)
            lock, value = change(TicketLock.from_dict(json.loads(raw)) if raw else None)
            pipe.multi()
            if lock is None:
                pipe.delete(key)
            else:
                pipe.set(key, lock.dumps())
            return value

        return self.red.transaction(transaction, key, value_from_callable=True)

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        """A new ticket at the end of the conversation's queue."""

        def issue(lock: Optional[TicketLock]) -> Any:
            lock = lock or self.create_lock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._change(conversation_id, issue)
        except Exception as error:  # as Rasa's: the caller expects LockError
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def renew_ticket(
        self, conversation_id: Text, ticket: int, lifetime: float = LOCK_LIFETIME
    ) -> None:
        """Drop expired tickets (a dead holder's) and keep ``ticket`` alive, in its place."""

        def renew(lock: Optional[TicketLock]) -> Any:
            lock = lock or self.create_lock(conversation_id)
            lock.remove_expired_tickets()
            lock.remove_ticket_for(ticket)
            lock.tickets.append(Ticket(ticket, time.time() + lifetime))
            lock.tickets = type(lock.tickets)(sorted(lock.tickets, key=lambda t: t.number))
            return lock, None

        self._change(conversation_id, renew)

    async def acquire_lock(
        self, conversation_id: Text, ticket: int, wait_time_in_seconds: float
    ) -> TicketLock:
        """Wait for ``ticket``'s turn, renewing it on every poll (Rasa's ``lock`` calls this
        through ``rasa_ext.stores.LockStoreHooks``)."""
        while True:
            lock = self.get_lock(conversation_id)
            if lock is not None and not lock.is_locked(ticket):
                return lock
            if lock is not None and any(t.number == ticket for t in lock.tickets):
                await asyncio.sleep(wait_time_in_seconds)
            # else our ticket is gone (Redis restarted or the lock was cleared): queue again now
            self.renew_ticket(conversation_id, ticket)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        """Remove this turn's ticket; remove the lock when nobody else waits."""

        def finish(lock: Optional[TicketLock]) -> Any:
            if lock is None:
                return None, None
            lock.remove_ticket_for(ticket_number)
            return (lock if lock.is_someone_waiting() else None), None

        self._change(conversation_id, finish)
