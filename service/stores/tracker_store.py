"""Rasa's SQL tracker store, loading only the recent part of a conversation.

Rasa's ``SQLTrackerStore`` rebuilds the whole current session on every turn, and its
policies then walk all of it: a turn at turn 100 cost three times turn 1. Nothing this
assistant decides looks further back than a few turns (memoization looks at 3, the rules
at the last turn or two; everything older it needs lives in slots). So ``retrieve`` loads:

- the last ``window_turns`` user turns of the current session, and
- before them, the latest value of each slot set earlier in the session (after any restart),

and ``save`` appends only the events added since that load. Everything is still stored:
``retrieve_full_tracker`` (exports, reports) reads the whole conversation as before.
Works on SQLite and PostgreSQL alike (plain SQL through SQLAlchemy).

Two more costs of Rasa's store, measured with cProfile at 14 and 17 ms of a ~60 ms turn:
- Rasa finds each stored event's class by walking every ``Event`` subclass, once per
  event; here the name → class table is built once.
- SQLite commits with a full fsync per turn; here SQLite runs in WAL mode with
  ``synchronous=NORMAL``: safe against a crash of the process, and at worst the last turns
  are lost on a power cut (PostgreSQL in the cluster keeps its own settings).

Privacy (issue 11), in the save path so SQLite and PostgreSQL behave alike:
- every stored event is redacted first (``service/privacy/redaction.py``): e-mail addresses, phone
  numbers and long digit runs become placeholders; the tracker in memory, which NLU and
  the current turn's actions use, keeps the original (no event broker is streamed to:
  it would get the original text);
- a turn that sets the ``erase_requested`` slot (the parent confirmed "delete my
  conversation") deletes every row of that conversation instead of saving;
- ``delete_expired`` removes conversations whose last event is older than the retention
  period (run by ``service/privacy/retention.py``);
- the web client's tag (``contract.CLIENT_TAG``, for the callback limit) is dropped from a
  message's metadata before it is stored.

Keys carry their channel (``contract/conversations.py``). A conversation stored before
that, under the bare sender id, is renamed to its key the first time its channel asks for
it, and only if every message in it came through that channel: an old Telegram chat id
named over REST finds nothing.

endpoints.yml:  tracker_store: {type: service.stores.tracker_store.WindowedSQLTrackerStore, ...}
"""

from __future__ import annotations

import itertools
import json
from functools import lru_cache
from typing import Any, Dict, Iterator, List, Optional, Text, Type

import sqlalchemy as sa
from rasa.shared.core.events import Event, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.utils.common import all_subclasses

from channels.request_replay import request_ids
from contract import CLIENT_TAG
from contract.conversations import split_key
from rasa_ext.stores import SQLStoreHooks, event_from_parameters
from service.privacy.redaction import redact_event

DEFAULT_WINDOW_TURNS = 10
# Set on a tracker by ``retrieve``: how many of its events are already stored.
STORED_EVENTS = "_stored_event_count"
RESETTING_EVENTS = ("session_started", "restart")
# Set by the action that carries out "delete my conversation" (domain.yml).
from contract.slots import ERASE_REQUESTED as ERASE_SLOT  # noqa: E402


@lru_cache(maxsize=1)
def event_classes() -> Dict[Text, Type[Event]]:
    """Event type name → class, once (every Event subclass is defined by Rasa at import)."""
    return {cls.type_name: cls for cls in all_subclasses(Event)}


def deserialise(data: List[Dict[Text, Any]]) -> List[Event]:
    """Rasa's ``deserialise_events``, with the class table looked up, not rebuilt."""
    classes, events = event_classes(), []
    for parameters in data:
        cls = classes.get(parameters.get("event") or "")
        event = event_from_parameters(cls, parameters) if cls else Event.from_parameters(parameters)
        if event is not None:
            events.append(event)
    return events


def storable(data: Dict[Text, Any]) -> Dict[Text, Any]:
    """A serialised event without what is never kept: the client's tag in the metadata
    (Rasa keeps a copy of the metadata inside ``parse_data`` too)."""

    def untagged(value: Any) -> Any:
        if isinstance(value, dict) and CLIENT_TAG in value:
            return {k: v for k, v in value.items() if k != CLIENT_TAG}
        return value

    data = {**data, "metadata": untagged(data.get("metadata"))} if "metadata" in data else data
    parse_data = data.get("parse_data")
    if isinstance(parse_data, dict) and "metadata" in parse_data:
        data = {**data, "parse_data": {**parse_data, "metadata": untagged(parse_data["metadata"])}}
    return data


def _sqlite_pragmas(connection: Any, _: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class WindowedSQLTrackerStore(SQLStoreHooks):
    """SQL tracker store whose per-turn cost does not grow with the conversation."""

    def __init__(self, *args: Any, window_turns: int = DEFAULT_WINDOW_TURNS, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.window_turns = int(window_turns)
        if self.engine.dialect.name == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
            self.engine.dispose()  # connections opened before the listener get it too

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        """The current session's recent turns, with the slots they start from."""
        with self.session_scope() as session:
            rows = self._window_rows(session, sender_id)
            if not rows and self._adopt_legacy(session, sender_id):
                rows = self._window_rows(session, sender_id)
        if not rows or not self.domain:
            return None
        tracker = DialogueStateTracker.from_events(
            sender_id, deserialise([json.loads(data) for data in rows]), self.domain.slots
        )
        setattr(tracker, STORED_EVENTS, len(tracker.events))
        return tracker

    def _adopt_legacy(self, session: Any, key: Text) -> bool:
        """Rename the rows stored under the key's bare sender id to the key, when every
        message in them came through the key's channel; whether any were renamed."""
        channel, legacy_id = split_key(key)
        if channel is None:
            return False
        event = self.SQLEvent
        of_legacy = event.sender_id == legacy_id
        channels = {
            json.loads(data).get("input_channel")
            for (data,) in session.query(event.data).filter(of_legacy, event.type_name == "user")
        }
        if channels != {channel}:
            return False
        session.query(event).filter(of_legacy).update(
            {event.sender_id: key}, synchronize_session=False
        )
        session.commit()
        return True

    def _window_rows(self, session: Any, sender_id: Text) -> List[Text]:
        """Serialised events: earlier slot values, then the window (in storage order)."""
        event = self.SQLEvent
        of_sender = event.sender_id == sender_id
        reset_id = (
            session.query(sa.func.max(event.id))
            .filter(of_sender, event.type_name.in_(RESETTING_EVENTS))
            .scalar()
        ) or 0
        user_ids = [
            i
            for (i,) in session.query(event.id)
            .filter(of_sender, event.type_name == "user", event.id >= reset_id)
            .order_by(event.id.desc())
            .limit(self.window_turns)
        ]
        if len(user_ids) < self.window_turns:  # a short session: all of it
            return [
                d
                for (d,) in session.query(event.data)
                .filter(of_sender, event.id >= reset_id)
                .order_by(event.id)
            ]
        start = min(user_ids)
        latest_slot_ids = (
            session.query(sa.func.max(event.id))
            .filter(of_sender, event.type_name == "slot", event.id >= reset_id, event.id < start)
            .group_by(event.action_name)
        )
        earlier_slots = [
            d
            for (d,) in session.query(event.data)
            .filter(event.id.in_(latest_slot_ids))
            .order_by(event.id)
        ]
        window = [
            d
            for (d,) in session.query(event.data)
            .filter(of_sender, event.id >= start)
            .order_by(event.id)
        ]
        return earlier_slots + window

    def recent_request_ids(self, sender_id: Text, messages: int = 3) -> List[Text]:
        """The request ids (``contract.REQUEST_ID``) stored with the conversation's last few
        user messages: one indexed query, where ``retrieve`` rebuilds a tracker. A request
        retried after its instance died is its conversation's latest (the client waits)."""
        event = self.SQLEvent
        with self.session_scope() as session:
            rows = (
                session.query(event.data)
                .filter(event.sender_id == sender_id, event.type_name == "user")
                .order_by(event.id.desc())
                .limit(messages)
                .all()
            )
        return request_ids(json.loads(data) for (data,) in rows)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Rasa's save, with each new event redacted; or, when the turn asked for it, the
        whole conversation deleted."""
        with self.session_scope() as session:
            events = list(self.unsaved_events(session, tracker))
            if any(isinstance(e, SlotSet) and e.key == ERASE_SLOT and e.value for e in events):
                self._delete_rows(session, [tracker.sender_id])
                session.commit()
                setattr(tracker, STORED_EVENTS, len(tracker.events))
                return
            for event in events:
                data = redact_event(storable(event.as_dict()))
                session.add(
                    self.SQLEvent(
                        sender_id=tracker.sender_id,
                        type_name=event.type_name,
                        timestamp=data.get("timestamp"),
                        intent_name=(data.get("parse_data") or {}).get("intent", {}).get("name"),
                        action_name=data.get("name"),
                        data=json.dumps(data),
                    )
                )
            session.commit()
        setattr(tracker, STORED_EVENTS, len(tracker.events))

    def _delete_rows(self, session: Any, sender_ids: List[Text]) -> int:
        """Delete every stored event of these conversations; how many rows went."""
        if not sender_ids:
            return 0
        return (
            session.query(self.SQLEvent)
            .filter(self.SQLEvent.sender_id.in_(sender_ids))
            .delete(synchronize_session=False)
        )

    def delete_expired(self, cutoff: float) -> int:
        """Delete the conversations whose last event is older than ``cutoff`` (a Unix
        time); a conversation with any event at or after it is kept whole. How many
        conversations went."""
        event = self.SQLEvent
        with self.session_scope() as session:
            stale = [
                sender
                for (sender,) in session.query(event.sender_id)
                .group_by(event.sender_id)
                .having(sa.func.max(event.timestamp) < cutoff)
            ]
            for start in range(0, len(stale), 500):  # within every database's parameter limit
                self._delete_rows(session, stale[start : start + 500])
            session.commit()
        return len(stale)

    def unsaved_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator:
        """Events added since ``retrieve`` (Rasa's own count would compare a window with
        the whole session)."""
        stored = getattr(tracker, STORED_EVENTS, None)
        if stored is None:  # a tracker this store did not load: Rasa's way
            return super().unsaved_events(session, tracker)
        return itertools.islice(tracker.events, stored, len(tracker.events))
