"""End to end against the real scale-out: Rasa instances behind nginx, conversations in
PostgreSQL, Redis as the lock store (scripts/cluster.sh, on ports of its own).

- one conversation whose turns alternate between two instances keeps its order and context;
- an instance killed (SIGTERM, then SIGKILL) during a load run through nginx loses no turn;
- after stopping and starting everything, every conversation is still there.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import threading
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest

from contract.conversations import conversation_key

pytestmark = pytest.mark.cluster

REPO = Path(__file__).resolve().parents[2]
CLUSTER = REPO / "scripts" / "cluster.sh"
PACKAGES = ("postgresql", "redis-server", "nginx")
# Ports and folders of their own, so a developer's `make run` or `make run-cluster` keeps running.
ENV = {
    **os.environ,
    "CLUSTER_DIR": str(REPO / "var" / "test-cluster"),
    "CLUSTER_LOGS": str(REPO / "var" / "logs" / "test-cluster"),
    "CLUSTER_PORT": os.environ.get("TEST_CLUSTER_PORT", "18188"),
    "CLUSTER_RASA_PORT": os.environ.get("TEST_CLUSTER_RASA_PORT", "18105"),
    "CLUSTER_ACTION_PORT": os.environ.get("TEST_CLUSTER_ACTION_PORT", "18155"),
    "CLUSTER_PG_PORT": os.environ.get("TEST_CLUSTER_PG_PORT", "18433"),
    "CLUSTER_REDIS_PORT": os.environ.get("TEST_CLUSTER_REDIS_PORT", "18380"),
    "CLUSTER_INSTANCES": "2",
}
ENV.pop("CLUSTER_PUBLIC_URL", None)
CLUSTER_DIR = Path(ENV["CLUSTER_DIR"])
NGINX = int(ENV["CLUSTER_PORT"])
RASA = [int(ENV["CLUSTER_RASA_PORT"]), int(ENV["CLUSTER_RASA_PORT"]) + 1]
# Direct connections: a proxy from the environment must not sit between us and localhost.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))

# One conversation of the load runs: distinct texts, so their stored order can be checked.
LOAD_TURNS = [
    "hi",
    "is mediation free?",
    "tell me more",
    "who attends a mediation session?",
    "is the agreement binding?",
    "tell me more",
    "can I bring an advocate?",
    "how long does mediation take?",
    "what if we don't agree?",
    "thanks",
]


def cluster(*args: str, timeout: float = 900) -> subprocess.CompletedProcess:
    """Run scripts/cluster.sh with the test ports; its output is captured."""
    return subprocess.run(
        [str(CLUSTER), *args], cwd=REPO, env=ENV, capture_output=True, text=True, timeout=timeout
    )


def must(result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert result.returncode == 0, f"{result.args} failed:\n{result.stdout}\n{result.stderr}"
    return result


def ask(port: int, sender: str, text: str, timeout: float = 120) -> List[Dict[str, Any]]:
    """One REST turn; the reply's messages."""
    body = json.dumps({"sender": sender, "message": text}).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/webhooks/rest/webhook", body, {"Content-Type": "application/json"}
    )
    with OPENER.open(request, timeout=timeout) as response:
        assert response.status == 200
        return json.loads(response.read() or b"[]")


def answers(messages: List[Dict[str, Any]]) -> List[tuple]:
    """(topic, kind) of each answer-contract message."""
    return [
        (m["custom"].get("topic"), m["custom"].get("kind"))
        for m in messages
        if isinstance(m.get("custom"), dict) and m["custom"].get("topic")
    ]


def secrets() -> Dict[str, str]:
    lines = (CLUSTER_DIR / "secrets.env").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line and not line.startswith("#"))


def connect():  # -> psycopg2 connection to the cluster's database
    import psycopg2

    return psycopg2.connect(
        host="127.0.0.1",
        port=int(ENV["CLUSTER_PG_PORT"]),
        dbname="rasa",
        user="rasa",
        password=secrets()["CLUSTER_PG_PASSWORD"],
    )


def stored_user_turns(sender: str) -> List[str]:
    """The user texts PostgreSQL holds for ``sender``, in storage order."""
    with closing(connect()) as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT data FROM events WHERE sender_id = %s AND type_name = 'user' ORDER BY id",
            (conversation_key("rest", sender),),
        )
        return [json.loads(data)["text"] for (data,) in cur.fetchall()]


def user_turn_counts() -> Dict[str, int]:
    with closing(connect()) as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT sender_id, count(*) FROM events WHERE type_name = 'user' GROUP BY sender_id"
        )
        return dict(cur.fetchall())


def pid_of(name: str) -> int:
    return int((CLUSTER_DIR / "pids" / f"{name}.pid").read_text())


def packages_or_skip() -> None:
    """Skip (only) when the Debian packages are missing and cannot be installed here."""
    check = subprocess.run(
        [
            "bash",
            "-c",
            '. scripts/system_packages.sh && ensure_debian_packages "$@"',
            "ensure",
            *PACKAGES,
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if check.returncode != 0:
        if os.geteuid() == 0:  # root may install: a failure here is a real failure
            pytest.fail(f"could not install {' '.join(PACKAGES)}:\n{check.stderr}")
        pytest.skip(
            f"cluster tests need the Debian packages {', '.join(PACKAGES)}, which are missing "
            f"and cannot be installed without root: {check.stderr.strip()}"
        )


@pytest.fixture(scope="module")
def running() -> Iterator[Dict[str, float]]:
    """A fresh two-instance cluster; stopped at the end. Yields measured timings."""
    packages_or_skip()
    cluster("stop", timeout=120)
    shutil.rmtree(CLUSTER_DIR, ignore_errors=True)
    started = time.perf_counter()
    must(cluster("start", "--instances", "2"))
    timings = {"first start (initdb included)": time.perf_counter() - started}
    try:
        yield timings
    finally:
        cluster("stop", timeout=120)
        for name, seconds in timings.items():
            print(f"cluster: {name}: {seconds:.1f} s")


def test_status_lists_every_server(running: Dict[str, float]) -> None:
    status = must(cluster("status")).stdout
    for name in ("postgres", "redis", "actions-1", "rasa-1", "actions-2", "rasa-2", "nginx"):
        assert f"{name} " in status and "stopped" not in status, status


def test_site_and_socketio_through_nginx(running: Dict[str, float]) -> None:
    with OPENER.open(f"http://127.0.0.1:{NGINX}/faq.json", timeout=10) as response:
        assert json.loads(response.read())["areas"]
    # The socket.io handshake (long polling) reaches an instance through the sticky upstream.
    with OPENER.open(
        f"http://127.0.0.1:{NGINX}/socket.io/?EIO=4&transport=polling", timeout=10
    ) as response:
        assert b'"sid"' in response.read()


def test_turns_alternating_between_instances_keep_order_and_context(
    running: Dict[str, float],
) -> None:
    sender = f"alternate-{uuid.uuid4().hex[:8]}"
    assert ("cost", "answer") in answers(ask(RASA[0], sender, "is mediation free?"))
    # The other instance knows the topic just discussed: the cost details, not "which topic?".
    assert ("cost", "details") in answers(ask(RASA[1], sender, "tell me more"))
    assert ("agreement_binding", "answer") in answers(
        ask(RASA[0], sender, "is the agreement binding?")
    )
    assert ("agreement_binding", "details") in answers(ask(RASA[1], sender, "tell me more"))
    assert stored_user_turns(sender) == [
        "is mediation free?",
        "tell me more",
        "is the agreement binding?",
        "tell me more",
    ]


def test_nginx_gives_each_rest_request_an_id_that_is_stored_with_the_message(
    running: Dict[str, float],
) -> None:
    # The id a retry to another instance carries again (channels/request_replay.py).
    sender = f"reqid-{uuid.uuid4().hex[:8]}"
    ask(NGINX, sender, "is mediation free?")
    ask(NGINX, sender, "tell me more")
    with closing(connect()) as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT data FROM events WHERE sender_id = %s AND type_name = 'user' ORDER BY id",
            (conversation_key("rest", sender),),
        )
        ids = [json.loads(data)["metadata"].get("request_id") for (data,) in cur.fetchall()]
    assert len(ids) == 2 and ids[0] != ids[1]
    assert all(re.fullmatch(r"[0-9a-f]{32}", i or "") for i in ids), ids


def run_load(victim: int, sig: signal.Signals, conversations: int = 10) -> Dict[str, Any]:
    """``conversations`` concurrent conversations through nginx; kill Rasa instance ``victim``
    with ``sig`` once a fifth of the turns are answered. Returns each sender's sent texts
    and the slowest turn's seconds."""
    prefix = f"load-{sig.name.lower()}-{uuid.uuid4().hex[:6]}"
    senders = [f"{prefix}-{n}" for n in range(conversations)]
    answered = threading.Semaphore(0)
    empty: List[str] = []
    slowest = [0.0]

    def converse(sender: str) -> None:
        for text in LOAD_TURNS:
            started = time.perf_counter()
            reply = ask(NGINX, sender, text)
            slowest[0] = max(slowest[0], time.perf_counter() - started)
            if not reply:
                empty.append(f"{sender}: {text!r}")
            answered.release()

    with ThreadPoolExecutor(conversations) as pool:
        futures = [pool.submit(converse, sender) for sender in senders]
        for _ in range(conversations * len(LOAD_TURNS) // 5):
            assert answered.acquire(timeout=120), "the load run stalled before the kill"
        os.kill(pid_of(f"rasa-{victim}"), sig)
        for future in futures:
            future.result()  # re-raises a failed request (non-200, timeout)
    assert not empty, f"empty replies: {empty}"
    return {"sent": {sender: list(LOAD_TURNS) for sender in senders}, "slowest": slowest[0]}


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["sigterm", "sigkill"])
def test_killing_an_instance_under_load_loses_no_turn(
    running: Dict[str, float], sig: signal.Signals
) -> None:
    started = time.perf_counter()
    load = run_load(victim=2, sig=sig)
    running[f"load run with {sig.name} ({10 * len(LOAD_TURNS)} turns)"] = (
        time.perf_counter() - started
    )
    running[f"slowest turn of the load run with {sig.name}"] = load["slowest"]
    for sender, texts in load["sent"].items():
        assert stored_user_turns(sender) == texts, sender
    # Back to two instances: `start` starts only what is not running.
    started = time.perf_counter()
    must(cluster("start", "--instances", "2"))
    running[f"restart of one instance after {sig.name}"] = time.perf_counter() - started
    assert answers(ask(RASA[1], f"after-{sig.name}-{uuid.uuid4().hex[:6]}", "is mediation free?"))


def test_stop_and_start_keeps_every_conversation(running: Dict[str, float]) -> None:
    sender = f"restart-{uuid.uuid4().hex[:8]}"
    assert ("cost", "answer") in answers(ask(NGINX, sender, "is mediation free?"))
    before = user_turn_counts()

    started = time.perf_counter()
    must(cluster("stop", timeout=120))
    running["stop"] = time.perf_counter() - started
    assert cluster("status").returncode != 0
    started = time.perf_counter()
    must(cluster("start", "--instances", "2"))
    running["start after stop"] = time.perf_counter() - started

    assert user_turn_counts() == before
    assert ("cost", "details") in answers(ask(NGINX, sender, "tell me more"))
    after = user_turn_counts()
    key = conversation_key("rest", sender)
    assert after[key] == before[key] + 1
    assert {k: v for k, v in after.items() if k != key} == {
        k: v for k, v in before.items() if k != key
    }
