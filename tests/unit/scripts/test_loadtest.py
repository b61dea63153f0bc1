"""The pure parts of `make loadtest`: statistics, cross-talk checks, traffic scripts.

These decide whether a load-test run says 'met' or 'NOT met', so a wrong percentile or a
cross-talk check that never fires would hide a real regression."""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
from pathlib import Path

import pytest

from scripts import loadtest as lt
from scripts import loadtest_servers as ls


def turn(sender: str, outcome: str = "ok", ms: float = 10.0, recipients=None) -> lt.Turn:
    return lt.Turn(
        sender,
        "hi",
        outcome,
        ms,
        200 if outcome in ("ok", "empty") else 500,
        [sender] if recipients is None else recipients,
    )


# --- statistics ------------------------------------------------------------------------------


def test_percentile_is_nearest_rank():
    values = list(range(1, 101))  # 1..100
    assert lt.percentile(values, 0.50) == 50
    assert lt.percentile(values, 0.95) == 95
    assert lt.percentile(values, 1.0) == 100
    assert lt.percentile([7.0], 0.95) == 7.0
    assert lt.percentile(list(reversed(values)), 0.95) == 95  # order of arrival does not matter


def test_percentile_of_nothing_is_nan_not_zero():
    assert lt.percentile([], 0.5) != lt.percentile([], 0.5)


def test_summarize_counts_each_error_kind_apart():
    turns = [turn("a", ms=float(i)) for i in range(1, 9)] + [
        turn("a", "empty", 9.0),
        turn("b", "non200", 100.0),
        turn("b", "timeout", 60000.0),
        turn("b", "error", 1.0),
    ]
    s = lt.summarize(turns, wall_s=2.0)
    assert (s["non200"], s["timeouts"], s["other_errors"], s["empty"]) == (1, 1, 1, 1)
    assert s["turns"] == 12
    assert s["msgs_per_s"] == pytest.approx(9 / 2.0)  # 8 ok + 1 empty answered, in 2 s
    assert s["max_ms"] == 100.0  # timeouts and connection errors are not latencies
    assert s["p50_ms"] == 5.0


# --- cross-talk --------------------------------------------------------------------------------


def test_cpu_ms_per_turn():
    stats = {"msgs_per_s": 20.0, "wall_s": 10.0}  # 200 turns in 10 s
    assert lt.cpu_ms_per_turn(100.0, stats) == pytest.approx(50.0)  # one core for 10 s / 200
    assert lt.cpu_ms_per_turn(100.0, {"msgs_per_s": 0.0, "wall_s": 10.0}) != 0


def test_recipient_mismatch_is_counted_once_per_turn():
    turns = [
        turn("a"),
        turn("b", recipients=["b", "a"]),
        turn("c", recipients=["x", "y"]),
        turn("d", recipients=[]),
    ]
    assert lt.recipient_mismatches(turns) == 2


def test_stored_conversations_must_match_exactly():
    sent = {"p1": ["hi", "is it free", "2"], "p2": ["hello"]}
    assert (
        lt.stored_conversation_problems(sent, {"p1": ["hi", "is it free", "2"], "p2": ["hello"]})
        == []
    )
    swapped = lt.stored_conversation_problems(
        sent, {"p1": ["hi", "2", "is it free"], "p2": ["hello"]}
    )
    assert len(swapped) == 1 and swapped[0].startswith("p1") and "order" in swapped[0]
    leaked = lt.stored_conversation_problems(
        sent, {"p1": ["hi", "is it free", "2", "hello"], "p2": []}
    )
    assert [p.split(":")[0] for p in leaked] == ["p1", "p2"]
    stranger = lt.stored_conversation_problems(
        sent, {**{"p1": sent["p1"], "p2": sent["p2"]}, "p3": ["hello"]}
    )
    assert stranger == ["p3: stored but never sent"]


def test_read_user_turns_keeps_order_and_prefix(tmp_path: Path):
    db = tmp_path / "tracker.db"
    conn = sqlite3.connect(db)
    conn.execute(
        "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, type_name TEXT, " "data TEXT)"
    )
    rows = [
        ("rest:lt-1-a", "user", {"text": "first"}),
        ("rest:lt-1-a", "bot", {"text": "reply"}),
        ("rest:other", "user", {"text": "not ours"}),
        ("socketio:lt-1-b", "user", {"text": "another channel"}),
        ("rest:lt-1-a", "user", {"text": "second"}),
    ]
    conn.executemany(
        "INSERT INTO events (sender_id, type_name, data) VALUES (?, ?, ?)",
        [(s, t, json.dumps(d)) for s, t, d in rows],
    )
    conn.commit()
    conn.close()
    assert lt.read_user_turns(db, "lt-1-") == {"lt-1-a": ["first", "second"]}


# --- traffic ------------------------------------------------------------------------------------


def test_scripts_are_realistic_repeatable_and_unique_per_sender():
    bank = lt.load_bank()
    scenario = lt.Scenario(20, 20)
    first = lt.scripts_for(scenario, bank, "run1-")
    again = lt.scripts_for(scenario, bank, "run2-")
    assert list(first.values()) == list(again.values())  # every target gets the same traffic
    assert set(first).isdisjoint(again) and len(first) == 20
    assert all(len(s) == 20 and s[0] in bank["open"] for s in first.values())
    kinds = {
        kind for s in first.values() for text in s for kind, texts in bank.items() if text in texts
    }
    assert {"ask", "more", "pick", "followup"} <= kinds


def test_build_script_has_exactly_the_turns_asked():
    bank = lt.load_bank()
    for turns in (1, 2, 3, 10):
        assert len(lt.build_script(random.Random(turns), bank, turns)) == turns


def test_parse_scenarios_rejects_nonsense():
    assert lt.parse_scenarios("20x20, 50X10") == [lt.Scenario(20, 20), lt.Scenario(50, 10)]
    for bad in ("20", "0x5", "ax3", "20x"):
        with pytest.raises(argparse.ArgumentTypeError):
            lt.parse_scenarios(bad)


def test_ratio_and_error_verdicts():
    def result(target: str, rate: float, non200: int = 0) -> lt.Result:
        stats = {
            "turns": 1,
            "msgs_per_s": rate,
            "p50_ms": 1,
            "p95_ms": 1,
            "max_ms": 1,
            "non200": non200,
            "timeouts": 0,
            "other_errors": 0,
            "empty": 0,
            "wall_s": 1,
        }
        return lt.Result(target, "20x20", stats, 0, 0, 1.0, {})

    rs = [result("ours", 9.0, non200=1), result("stock", 10.0)]
    assert "NOT met" in lt.ratio_lines(rs, "ours", "stock", 1.0, "r")[0]
    assert "0.90x" in lt.ratio_lines(rs, "ours", "stock", 1.0, "r")[0]
    assert "NOT met" in lt.error_lines(rs, "ours")[0]
    assert (
        "met"
        in lt.ratio_lines([result("ours", 10.0), result("stock", 10.0)], "ours", "stock", 1.0, "r")[
            0
        ]
    )


ENV = {
    "VENV_PY": "/v/bin/python",
    "MODEL": "m.tar.gz",
    "RASA_PORT": "7001",
    "ACTION_PORT": "7002",
    "ENDPOINTS": "e.yml",
    "CREDENTIALS": "c.yml",
}


def test_commands_come_from_supervisord_conf_when_run_sh_uses_it():
    conf = (
        "[supervisord]\nnodaemon = true\n[program:actions]\n"
        "command = %(ENV_VENV_PY)s -m service.servers.action_server --port %(ENV_ACTION_PORT)s\n"
        "[program:rasa]\ncommand = %(ENV_VENV_PY)s -m service.servers.rasa_server --port "
        "%(ENV_RASA_PORT)s --endpoints %(ENV_ENDPOINTS)s\n"
    )
    actions, rasa, _ = ls.ours_commands(
        ENV, run_sh='"$VENV/bin/supervisord" -c x', supervisor_conf=conf
    )
    assert actions == ["/v/bin/python", "-m", "service.servers.action_server", "--port", "7002"]
    assert rasa == [
        "/v/bin/python",
        "-m",
        "service.servers.rasa_server",
        "--port",
        "7001",
        "--endpoints",
        "e.yml",
    ]
    with pytest.raises(KeyError):  # a variable run.sh would set but we do not: fail, not guess
        ls.ours_commands({}, run_sh="supervisord", supervisor_conf=conf)


def test_commands_from_run_sh_lines():
    plain = '"$VENV/bin/rasa" run actions --port "$ACTION_PORT"\n"$VENV/bin/rasa" run --cors "*"'
    actions, rasa, _ = ls.ours_commands(ENV, run_sh=plain)
    assert actions[1:3] == ["run", "actions"] and "--cors" in rasa and "7001" in rasa
    hardened = (
        '"$VENV_PY" -m service.servers.action_server\n'
        '"$VENV_PY" -m service.servers.rasa_server --model "$MODEL"'
    )
    actions, rasa, _ = ls.ours_commands(ENV, run_sh=hardened)
    assert rasa[:3] == ["/v/bin/python", "-m", "service.servers.rasa_server"]
    assert "--cors" not in rasa
    with pytest.raises(RuntimeError):
        ls.ours_commands(ENV, run_sh="gunicorn app:app")
