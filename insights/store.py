"""Open the tracker store read-only, from the same configuration the Rasa server uses.

The report must never change a parent's conversation, even by accident: SQLite is opened
with a ``mode=ro`` URI (the database file refuses writes; as any reader of a WAL database,
SQLite may create its ``-wal``/``-shm`` companions when the Rasa server is not running),
PostgreSQL sessions are set to ``READ ONLY`` as each connection opens. The configuration
is the ``tracker_store`` section of ``endpoints.yml`` (``${VAR}`` filled from the
environment, as Rasa does).
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, Mapping, Optional

import sqlalchemy as sa
import yaml

REPO = Path(__file__).resolve().parent.parent
DEFAULT_ENDPOINTS = REPO / "endpoints.yml"
_VARIABLE = re.compile(r"\$\{([^}]+)\}")


@dataclass(frozen=True)
class StoredEvent:
    """One row of Rasa's ``events`` table, its JSON ``data`` decoded."""

    sender_id: str
    type_name: str
    timestamp: float
    data: Dict[str, Any]


def _expand(value: Any, env: Mapping[str, str]) -> Any:
    if not isinstance(value, str):
        return value

    def variable(match: re.Match) -> str:
        if match.group(1) not in env:
            raise KeyError(f"endpoints: environment variable {match.group(1)} is not set")
        return env[match.group(1)]

    return _VARIABLE.sub(variable, value)


def tracker_store_config(
    endpoints: Optional[Path] = None, env: Optional[Mapping[str, str]] = None
) -> Dict[str, Any]:
    """The ``tracker_store`` section of the endpoints file, with ``${VAR}`` filled in."""
    path = Path(endpoints or os.environ.get("ENDPOINTS") or DEFAULT_ENDPOINTS)
    section = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("tracker_store")
    if not isinstance(section, dict):
        raise ValueError(f"{path}: no tracker_store section")
    env = os.environ if env is None else env
    return {key: _expand(value, env) for key, value in section.items()}


def sqlite_path(config: Mapping[str, Any]) -> Path:
    """The SQLite file, relative paths taken from the repository (where the servers run)."""
    path = Path(str(config.get("db") or "rasa.db"))
    return path if path.is_absolute() else REPO / path


def _read_only_postgres(connection: Any, _: Any) -> None:
    """Every later transaction of this connection is read-only. Committed: a ``SET`` is
    itself transactional, and SQLAlchemy rolls back a new connection's first transaction."""
    cursor = connection.cursor()
    cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
    cursor.close()
    connection.commit()


def open_read_only(config: Mapping[str, Any]) -> sa.engine.Engine:
    """An engine on the tracker store that cannot write."""
    dialect = str(config.get("dialect") or "sqlite")
    if dialect == "sqlite":
        path = sqlite_path(config)
        if not path.is_file():
            raise FileNotFoundError(f"no tracker database at {path}")
        uri = f"file:{path}?mode=ro"
        return sa.create_engine(
            "sqlite://", creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False)
        )
    url = sa.engine.URL.create(
        drivername=dialect,
        username=config.get("username"),
        password=config.get("password"),
        host=config.get("url"),
        port=int(config["port"]) if config.get("port") else None,
        database=config.get("db"),
        query=config.get("query") or {},
    )
    engine = sa.create_engine(url, pool_pre_ping=True)
    sa.event.listen(engine, "connect", _read_only_postgres)
    return engine


_EVENTS_OF_ACTIVE_SENDERS = sa.text(
    "SELECT sender_id, type_name, timestamp, data FROM events WHERE sender_id IN "
    "(SELECT DISTINCT sender_id FROM events WHERE type_name = 'user' "
    "AND timestamp >= :start AND timestamp < :end) ORDER BY sender_id, id"
)


def events_of_active_senders(
    engine: sa.engine.Engine, start: float, end: float
) -> Iterator[StoredEvent]:
    """Every stored event of each sender who wrote between ``start`` and ``end`` (Unix
    seconds), in storage order: a turn's context (the answer that feedback is about, the
    question before a "Did you mean…") may lie before the period."""
    with engine.connect() as connection:
        rows = connection.execute(_EVENTS_OF_ACTIVE_SENDERS, {"start": start, "end": end})
        for sender_id, type_name, timestamp, data in rows:
            yield StoredEvent(sender_id, type_name, float(timestamp or 0), json.loads(data or "{}"))
