"""Redaction, retention and erasure on PostgreSQL (the cluster's tracker store), at the
database level: the same store class as on SQLite, on a throw-away PostgreSQL server from
Debian's package (the fixture of tests/e2e/test_insights_postgres.py)."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, SlotSet, UserUttered

from service.privacy.retention import DAY_SECONDS, purge
from service.stores.tracker_store import ERASE_SLOT, WindowedSQLTrackerStore
from tests.conftest import REPO
from tests.e2e.test_insights_postgres import (  # noqa: F401 - the same skip
    PASSWORD,
    postgres,  # noqa: F401 - the server fixture
    pytestmark,
)


@pytest.fixture(scope="module")
def store(postgres):  # noqa: F811
    writer = WindowedSQLTrackerStore(
        Domain.load(str(REPO / "domain.yml")),
        dialect="postgresql",
        host="127.0.0.1",
        port=postgres,
        db="rasa",
        username="rasa",
        password=PASSWORD,
    )
    yield writer
    writer.engine.dispose()


def save(store: WindowedSQLTrackerStore, sender: str, *events) -> None:
    async def go() -> None:
        tracker = await store.retrieve(sender) or store.init_tracker(sender)
        for event in events:
            tracker.update(event)
        await store.save(tracker)

    asyncio.run(go())


def stored(store: WindowedSQLTrackerStore, sender: str) -> list:
    with store.engine.connect() as connection:
        return connection.execute(
            sa.text("SELECT type_name, data FROM events WHERE sender_id = :s"), {"s": sender}
        ).fetchall()


def test_postgresql_keeps_placeholders_only(store):
    typed = "I'm jane@example.com, (555) 123-4567, ssn 123-45-6789, id 20231234"
    save(
        store,
        "pg-redact",
        UserUttered(
            typed, {"name": "human_handoff", "confidence": 1.0}, parse_data={"text": typed}
        ),
        SlotSet("last_topic", "jane@example.com"),
        BotUttered("We'll write to jane@example.com"),
    )
    dump = json.dumps([list(r) for r in stored(store, "pg-redact")])
    for original in ("jane@example.com", "(555) 123-4567", "123-45-6789", "20231234"):
        assert original not in dump
    assert "[email]" in dump and "[phone]" in dump and "[number]" in dump


def test_postgresql_retention_and_erasure(store):
    now = time.time()
    save(store, "pg-old", UserUttered("is it free?", timestamp=now - 91 * DAY_SECONDS))
    save(store, "pg-recent", UserUttered("is it free?", timestamp=now - 89 * DAY_SECONDS))
    assert purge(store, 90, now=now) >= 1
    assert stored(store, "pg-old") == [] and stored(store, "pg-recent")
    save(store, "pg-erase", UserUttered("delete my conversation"))
    save(store, "pg-erase", UserUttered("/confirm_erase"), SlotSet(ERASE_SLOT, True))
    assert stored(store, "pg-erase") == [] and stored(store, "pg-recent")
