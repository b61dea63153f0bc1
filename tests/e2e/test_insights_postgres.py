"""The insights report on PostgreSQL, the cluster's tracker store: conversations saved by
the assistant's own tracker store class, then read by the report through a configuration
like the cluster's (``${...}`` from the environment), in sessions that refuse to write.
Runs a throw-away PostgreSQL server from Debian's package (as the cluster tests do)."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from harness.ports import free_port
from insights import store
from insights.period import Period
from insights.report import build_from_config
from insights.turns import ANSWERED, DECLINED

PG_BIN = Path(os.environ.get("CLUSTER_PG_BIN", "/usr/lib/postgresql/15/bin"))
PG_OS_USER = "postgres"
PASSWORD = "insights-pg-test"

pytestmark = pytest.mark.skipif(
    not (PG_BIN / "initdb").exists() or os.geteuid() != 0,
    reason="needs Debian's PostgreSQL 15 and root (to run it as the postgres user)",
)


def _as_pg(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["runuser", "-u", PG_OS_USER, "--", *args], check=True, capture_output=True, **kwargs
    )


@pytest.fixture(scope="module")
def postgres():
    root = Path(tempfile.mkdtemp(prefix="insights-pg-"))
    shutil.chown(root, PG_OS_USER)
    port = free_port()
    data, sock = root / "data", root / "run"
    _as_pg("mkdir", str(data), str(sock))
    _as_pg(str(PG_BIN / "initdb"), "-D", str(data), "-E", "UTF8", "--no-locale",
           "--auth-local=peer", "--auth-host=scram-sha-256")  # fmt: skip
    _as_pg(str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-w", "-o",
           f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories='{sock}'",
           "start")  # fmt: skip
    try:
        _as_pg(str(PG_BIN / "psql"), "-h", str(sock), "-p", str(port), "-d", "postgres",
               "-qAt", "-v", "ON_ERROR_STOP=1",
               input=f"CREATE ROLE rasa LOGIN PASSWORD '{PASSWORD}';\n"
               "CREATE DATABASE rasa OWNER rasa;\n".encode())  # fmt: skip
        yield port
    finally:
        _as_pg(str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "stop")
        shutil.rmtree(root, ignore_errors=True)


def _tracker(
    sender: str, when: float, text: str, intent: str, declined: bool, language: str = "en"
):
    from rasa.shared.core.events import BotUttered, SessionStarted, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    events = [
        SessionStarted(timestamp=when),
        UserUttered(text, {"name": intent, "confidence": 0.9}, input_channel="twilio",
                    timestamp=when + 1),
        SlotSet("language", language, timestamp=when + 1),  # as the language detector sets it
    ]  # fmt: skip
    if declined:
        events.append(BotUttered("Sorry", metadata={"utter_action": "utter_out_of_scope"},
                                 timestamp=when + 2))  # fmt: skip
    else:
        events.append(SlotSet("last_topic", "cost", timestamp=when + 2))
    return DialogueStateTracker.from_events(sender, events)


@pytest.fixture(scope="module")
def endpoints(postgres, tmp_path_factory):
    """Two conversations saved by the assistant's tracker store, and an endpoints file
    like the cluster's."""
    from service.stores.tracker_store import WindowedSQLTrackerStore

    writer = WindowedSQLTrackerStore(
        dialect="postgresql", host="127.0.0.1", port=postgres, db="rasa",
        username="rasa", password=PASSWORD,
    )  # fmt: skip
    noon = dt.datetime(2026, 11, 20, 12, tzinfo=dt.timezone.utc).timestamp()
    asyncio.run(writer.save(_tracker("sms-1", noon, "is mediation free?", "ask_cost", False)))
    asyncio.run(
        writer.save(_tracker("sms-2", noon, "when is the bus coming", "out_of_scope", True))
    )
    asyncio.run(  # issue 21: a Spanish conversation
        writer.save(
            _tracker("sms-3", noon, "¿cuándo llega el autobús?", "out_of_scope", True, "es")
        )
    )
    writer.engine.dispose()
    path = tmp_path_factory.mktemp("pg") / "endpoints.yml"
    path.write_text(
        "tracker_store:\n  type: service.stores.tracker_store.WindowedSQLTrackerStore\n"
        f'  dialect: "postgresql"\n  url: "127.0.0.1"\n  port: {postgres}\n  db: "rasa"\n'
        '  username: "rasa"\n  password: ${INSIGHTS_PG_TEST_PASSWORD}\n'
    )
    os.environ["INSIGHTS_PG_TEST_PASSWORD"] = PASSWORD
    yield path
    os.environ.pop("INSIGHTS_PG_TEST_PASSWORD", None)


def test_the_report_reads_postgresql(endpoints):
    day = dt.date(2026, 11, 20)
    report = build_from_config(Period(day, day), endpoints)
    figures = report.insights
    assert (figures.conversations, figures.messages) == (3, 3)
    assert figures.per_channel["twilio"].conversations == 3
    assert (figures.outcomes[ANSWERED], figures.outcomes[DECLINED]) == (1, 2)
    assert [(q.text, q.language) for q in figures.declined] == [
        ("when is the bus coming", "en"),
        ("¿cuándo llega el autobús?", "es"),
    ]
    english, spanish = figures.languages["en"], figures.languages["es"]
    assert (english.conversations, english.outcomes[ANSWERED], english.outcomes[DECLINED]) == (
        2, 1, 1
    )  # fmt: skip
    assert (spanish.conversations, spanish.outcomes[ANSWERED], spanish.outcomes[DECLINED]) == (
        1, 0, 1
    )  # fmt: skip
    assert [(c.language, c.size) for c in report.clusters] == [("en", 1), ("es", 1)]
    empty = build_from_config(
        Period(day + dt.timedelta(days=1), day + dt.timedelta(days=1)), endpoints
    )
    assert empty.insights.messages == 0


def test_its_postgresql_sessions_cannot_write(endpoints):
    engine = store.open_read_only(store.tracker_store_config(endpoints))
    try:
        with pytest.raises(sa.exc.DBAPIError, match="read-only transaction"):
            with engine.begin() as connection:
                connection.execute(sa.text("DELETE FROM events"))
        with engine.connect() as connection:
            assert connection.execute(sa.text("SELECT count(*) FROM events")).scalar() > 0
    finally:
        engine.dispose()
