"""`make run`'s supervisor, for real: service/servers/supervisord.conf filled in as scripts/run.sh
fills it, on free ports; each server killed by PID must be answering again by itself.

How fast is a speed figure, not a test: a restart is a start-up, which `make benchmark`
prints ("Rasa server start-up (model load)"). The deadline here only tells a server that
never comes back from a slow one (a restart took 17 s on a machine running 2.7 times
slower than usual, 2026-12-08)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Callable

import pytest

from harness.ports import free_port
from harness.servers import ENV, MODEL, REPO, _wait
from service.servers.supervisor_config import render

pytestmark = pytest.mark.skipif(not MODEL.exists(), reason="no trained model: run `make test`")
SUPERVISORD = Path(sys.executable).parent / "supervisord"
SUPERVISORCTL = Path(sys.executable).parent / "supervisorctl"


@pytest.fixture(scope="module")
def supervised(tmp_path_factory):
    from scripts.build_site import build

    work = tmp_path_factory.mktemp("supervised")
    ports = {"ACTION_PORT": free_port(), "RASA_PORT": free_port(), "SITE_PORT": free_port()}
    endpoints = work / "endpoints.yml"
    endpoints.write_text(
        (REPO / "endpoints.yml")
        .read_text()
        .replace("localhost:5055", f"localhost:{ports['ACTION_PORT']}")
        .replace('"var/tracker.db"', f'"{work / "tracker.db"}"')
    )
    rasa_url = f"http://localhost:{ports['RASA_PORT']}"
    build(work / "site", rasa_url)
    env = {
        **ENV,
        **{k: str(v) for k, v in ports.items()},
        "ROOT": str(REPO),
        "VENV_PY": sys.executable,
        "MODEL": str(MODEL),
        "LOGS": str(work),
        "VAR_DIR": str(work),
        "RASA_URL": rasa_url,
        "SITE_ROOT": str(work / "site"),
        "ENDPOINTS": str(endpoints),
        "CREDENTIALS": str(REPO / "credentials.yml"),
    }
    conf = work / "supervisord.conf"
    conf.write_text(render((REPO / "service" / "servers" / "supervisord.conf").read_text(), env))
    proc = subprocess.Popen(
        [str(SUPERVISORD), "-c", str(conf)],
        env=env,
        cwd=REPO,
        stdout=(work / "supervisord.out").open("w"),
        stderr=subprocess.STDOUT,
    )
    _wait(f"{rasa_url}/", proc, work / "rasa.log", timeout=180)
    yield conf, ports, rasa_url
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)


def pid_of(conf: Path, program: str) -> int:
    """The program's PID, or 0 between a death and its restart.

    supervisorctl prints 0 and exits with status 7 while a program is not running; that window
    is short, but a poll can land in it, so the status is not an error here."""
    out = subprocess.run(
        [str(SUPERVISORCTL), "-c", str(conf), "pid", program],
        capture_output=True,
        text=True,
    ).stdout.strip()
    return int(out) if out.isdigit() else 0


def answers_cost(rasa_url: str) -> bool:
    body = json.dumps(
        {"sender": "sup-" + str(time.time()), "message": "is mediation free?"}
    ).encode()
    request = urllib.request.Request(
        f"{rasa_url}/webhooks/rest/webhook", body, {"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            messages = json.loads(response.read())
    except OSError:
        return False
    return any((m.get("custom") or {}).get("topic") == "cost" for m in messages)


def site_serves(url: str) -> Callable[[], bool]:
    def check() -> bool:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    return check


def wait_until(check: Callable[[], bool], limit: float = 30) -> bool:
    deadline = time.perf_counter() + limit
    while time.perf_counter() < deadline:
        if check():
            return True
        time.sleep(0.25)
    return False


# Long enough for a model load on a loaded machine; a server that never comes back fails.
BACK_DEADLINE = 120


@pytest.mark.parametrize("program", ["actions", "rasa", "site"])
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_a_killed_server_is_restarted_and_answers_again(supervised, program, how):
    conf, ports, rasa_url = supervised
    # Each case starts from a bot that answers, so one slow restart fails one case, not the rest.
    assert wait_until(lambda: answers_cost(rasa_url), limit=BACK_DEADLINE)
    old = pid_of(conf, program)
    os.kill(old, how)
    assert wait_until(lambda: pid_of(conf, program) not in (0, old))  # a new process
    if program == "site":
        check = site_serves(f"http://localhost:{ports['SITE_PORT']}/faq/")
    else:
        check = lambda: answers_cost(rasa_url)  # noqa: E731
    assert wait_until(check, limit=BACK_DEADLINE)
