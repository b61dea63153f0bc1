"""The insights report's parts without servers: the period, the endpoints configuration,
the session cookie, the charts, and how stored events become turns (the end-to-end test
with a real database is tests/test_insights_e2e.py)."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3

import pytest

from insights import charts, store
from insights.metrics import compute
from insights.period import Period, parse_period
from insights.store import StoredEvent
from insights.turns import ANSWERED, CLARIFIED, DECLINED, OTHER, read_turns
from webapp.insights import COOKIE_SECONDS, SignInGuard, cookie_is_valid, session_cookie

TODAY = dt.date(2026, 11, 28)


def test_period_defaults_to_the_last_30_days_and_says_what_is_wrong():
    assert parse_period(None, None, TODAY) == Period(dt.date(2026, 10, 30), TODAY)
    assert parse_period("2026-11-01", "2026-11-30", TODAY) == Period(
        dt.date(2026, 11, 1), dt.date(2026, 11, 30)
    )
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        parse_period("11/01/2026", None, TODAY)
    with pytest.raises(ValueError, match="after it ends"):
        parse_period("2026-11-30", "2026-11-01", TODAY)
    period = Period(TODAY, TODAY)
    assert period.end - period.start == 24 * 3600
    assert period.start in period and period.end not in period


def test_endpoints_variables_are_filled_from_the_environment(tmp_path):
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(
        "tracker_store:\n  type: x\n  dialect: postgresql\n  password: ${PG_PASSWORD}\n"
    )
    config = store.tracker_store_config(endpoints, env={"PG_PASSWORD": "pw"})
    assert config["password"] == "pw" and config["dialect"] == "postgresql"
    with pytest.raises(KeyError, match="PG_PASSWORD"):
        store.tracker_store_config(endpoints, env={})


def test_sqlite_is_opened_read_only(tmp_path):
    db = tmp_path / "tracker.db"
    with sqlite3.connect(db) as connection:
        connection.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, data TEXT)")
    engine = store.open_read_only({"dialect": "sqlite", "db": str(db)})
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM events").scalar() == 0
    with pytest.raises(Exception, match="readonly"):
        with engine.begin() as connection:
            connection.exec_driver_sql("INSERT INTO events (data) VALUES ('x')")
    with pytest.raises(FileNotFoundError):
        store.open_read_only({"dialect": "sqlite", "db": str(tmp_path / "missing.db")})


def test_the_cookie_holds_an_hmac_that_expires_and_dies_with_the_token():
    value = session_cookie("token-a", now=1_000_000)
    assert "token-a" not in value
    assert cookie_is_valid("token-a", value, now=1_000_000 + 60)
    assert not cookie_is_valid("token-a", value, now=1_000_000 + COOKIE_SECONDS)
    assert not cookie_is_valid("token-b", value, now=1_000_000 + 60)
    issued, mac = value.split(".")
    assert not cookie_is_valid("token-a", f"{int(issued) + 1}.{mac}", now=1_000_000 + 60)
    assert not cookie_is_valid("token-a", "", now=1_000_000)


def test_charts_use_no_style_attribute_and_label_every_bar():
    svg = charts.paired_bar_chart("t", ("conversations", "messages"), [("Mon", 3, 12)])
    svg += charts.bar_chart("t", [("A topic with a rather long title, cut at forty", 7)])
    svg += charts.share_bar("t", [("answered", 3), ("clarified", 1), ("declined", 0)])
    assert "style=" not in svg and "<script" not in svg
    texts = re.findall(r">([^<>]+)</text>", svg)
    assert {"3", "12", "7"} <= set(texts)
    assert "answered: 3 (75 %)" in texts and "declined: 0 (0 %)" in texts
    assert any(t.endswith("…") for t in texts)


def _event(sender: str, kind: str, t: float, **data) -> StoredEvent:
    return StoredEvent(sender, kind, t, {"event": kind, "timestamp": t, **data})


def _user(sender: str, t: float, text: str, intent: str, channel: str = "rest", **entities):
    return _event(
        sender,
        "user",
        t,
        text=text,
        input_channel=channel,
        parse_data={
            "intent": {"name": intent},
            "intent_ranking": [{"name": intent, "confidence": 0.4}],
            "entities": [{"entity": k, "value": v} for k, v in entities.items()],
        },
    )


def _slot(sender: str, t: float, name: str, value) -> StoredEvent:
    return _event(sender, "slot", t, name=name, value=value)


def test_turns_read_outcomes_and_feedback_follows_a_clarified_question():
    t = dt.datetime(2026, 11, 28, 10, tzinfo=dt.timezone.utc).timestamp()
    events = [
        _event("p1", "session_started", t),
        _slot("p1", t, "last_topic", "cost"),  # carried over at session start: no turn
        _user("p1", t + 1, "the deal with meetings", "nlu_fallback"),
        _slot("p1", t + 1, "fallback_stage", "clarifying"),
        _user("p1", t + 2, "/ask_scheduling", "ask_scheduling"),
        _slot("p1", t + 2, "last_topic", "scheduling"),
        _user("p1", t + 3, '/feedback{"helpful":"no","topic":"scheduling"}', "feedback",
              helpful="no", topic="scheduling"),
        _user("p1", t + 4, "what's the weather", "out_of_scope"),
        _event("p1", "bot", t + 4, metadata={"utter_action": "utter_out_of_scope"}),
        _slot("p1", t + 4, "fallback_stage", "declined"),
        _event("p1", "session_started", t + 5000),
        _user("p1", t + 5001, "hi", "greet", channel="socketio"),
    ]  # fmt: skip
    turns = read_turns(events)
    assert [turn.outcome for turn in turns] == [CLARIFIED, ANSWERED, OTHER, DECLINED, OTHER]
    figures = compute(turns, Period(TODAY, TODAY))
    assert figures.conversations == 2 and figures.messages == 5
    assert figures.per_channel["rest"].conversations == 1
    assert figures.per_channel["socketio"].messages == 1
    # "Did you mean…", a tap on a topic, then "not helpful": the question is the first one.
    assert figures.feedback["scheduling"].not_helpful_questions == ["the deal with meetings"]
    assert [q.text for q in figures.not_helpful] == ["the deal with meetings"]
    assert [(q.text, q.suggested_intent) for q in figures.declined] == [
        ("what's the weather", "out_of_scope")
    ]
    assert (
        compute(turns, Period(TODAY + dt.timedelta(days=1), TODAY + dt.timedelta(days=1))).messages
        == 0
    )


def test_the_sign_in_guard_counts_wrong_tokens_per_address_within_the_window():
    guard = SignInGuard(limit=3, window=60)
    for second in (0, 1, 2):
        assert guard.wait_seconds("a", now=second) == 0
        guard.failed("a", now=second)
    assert guard.wait_seconds("a", now=3) == 57  # until the first failure is 60 s old
    assert guard.wait_seconds("b", now=3) == 0  # another address is not affected
    assert guard.wait_seconds("a", now=60) == 0  # the first failure has aged out
    guard.failed("b", now=4)
    guard.succeeded("b")
    assert guard.wait_seconds("b", now=5) == 0
