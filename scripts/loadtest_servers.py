"""Start and stop the servers `make loadtest` measures, on free ports, and always stop them.

Kept apart from tests/servers.py on purpose: scripts must not import from tests/, and the
load test starts the assistant exactly as scripts/run.sh does (which the tests need not).
Every server runs in its own process group so a stop also ends anything it spawned.
"""
from __future__ import annotations

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

REPO = Path(__file__).resolve().parent.parent
RUN_SH = REPO / "scripts" / "run.sh"
CLUSTER_SH = REPO / "scripts" / "cluster.sh"
VENV_BIN = Path(sys.executable).parent  # .venv/bin: the loadtest runs with the venv's Python
LOGS = REPO / "var" / "logs"


def free_port() -> int:
    """A port nothing listens on now (the OS picks it, so parallel runs do not collide)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(url: str) -> bool:
    """True when an HTTP GET to ``url`` gets any response (the server is up)."""
    try:
        urllib.request.urlopen(url, timeout=1)
        return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far, to show which process is busy under load."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def log_tail(log: Path, lines: int = 30) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


@dataclass
class Server:
    """One started process: its name, its log and how long it took to answer."""

    name: str
    proc: subprocess.Popen
    log: Path
    start_seconds: float = 0.0


@dataclass
class Fleet:
    """Every process this run started, so one ``stop()`` ends them all, even on Ctrl-C."""

    servers: List[Server] = field(default_factory=list)

    def start(self, name: str, cmd: List[str], cwd: Path, env: Dict[str, str], log: Path,
              ready_url: str, timeout: float = 240.0) -> Server:
        """Start ``cmd`` quietly (output to ``log``) and wait until ``ready_url`` answers."""
        log.parent.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        with log.open("w") as out:
            proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, start_new_session=True)
        server = Server(name, proc, log)
        self.servers.append(server)
        deadline = time.time() + timeout
        while not answers(ready_url):
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited at start-up; {log} ends with:\n{log_tail(log)}")
            if time.time() > deadline:
                raise RuntimeError(f"{name} did not answer in {timeout:.0f} s; {log} ends with:\n"
                                   f"{log_tail(log)}")
            time.sleep(0.2)
        server.start_seconds = time.perf_counter() - started
        return server

    def stop(self) -> None:
        """SIGTERM each process group, then SIGKILL what is left after a grace period."""
        for server in reversed(self.servers):
            _signal_group(server.proc, signal.SIGTERM)
        deadline = time.time() + 20
        for server in reversed(self.servers):
            try:
                server.proc.wait(timeout=max(0.1, deadline - time.time()))
            except subprocess.TimeoutExpired:
                pass
            _signal_group(server.proc, signal.SIGKILL)
            try:
                server.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        self.servers.clear()


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)  # its own session: the group id is its pid
    except (ProcessLookupError, PermissionError):
        pass


def base_env() -> Dict[str, str]:
    """The environment scripts/setup.sh exports to every server it starts."""
    return {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONWARNINGS": "ignore",
            "PIP_DISABLE_PIP_VERSION_CHECK": "1"}


# --- our assistant, as scripts/run.sh starts it --------------------------------------------

@dataclass
class RunShCommands:
    """How scripts/run.sh starts the two servers, read from the script itself at run time."""

    hardened: bool          # `-m service.rasa_server` / `-m service.action_server`
    uses_token: bool        # ACTION_SERVER_TOKEN is set for both servers
    cors: bool              # `--cors "*"`


def read_run_sh(text: Optional[str] = None) -> RunShCommands:
    """Which of the two known forms run.sh uses; fails loudly on a third, so the load test
    never measures servers started differently from `make run`."""
    text = RUN_SH.read_text() if text is None else text
    hardened = "service.rasa_server" in text and "service.action_server" in text
    stock = re.search(r"rasa\"?\s+run\s+actions", text) is not None
    if not hardened and not stock:
        raise RuntimeError("scripts/run.sh starts its servers in a way loadtest does not know; "
                           "update scripts/loadtest_servers.py")
    return RunShCommands(hardened=hardened, uses_token="ACTION_SERVER_TOKEN" in text,
                         cors='--cors' in text)


def write_endpoints(path: Path, action_port: int, tracker_db: Optional[Path]) -> Path:
    """endpoints.yml with the chosen action port and, for ours, a throw-away SQLite tracker."""
    text = f'action_endpoint:\n  url: "http://localhost:{action_port}/webhook"\n'
    if tracker_db is not None:
        text += f'tracker_store:\n  type: SQL\n  dialect: "sqlite"\n  db: "{tracker_db}"\n'
    path.write_text(text)
    return path


def start_ours(fleet: Fleet, workdir: Path, model: Path, tag: str) -> Dict[str, object]:
    """The action server and the Rasa server with run.sh's commands and environment; only
    the ports, the endpoints file (tracker database in ``workdir``) and the credentials file
    path differ. Returns what the report needs (port, tracker db, servers)."""
    how = read_run_sh()
    action_port, rasa_port = free_port(), free_port()
    tracker_db = workdir / "tracker.db"
    endpoints = write_endpoints(workdir / "endpoints.yml", action_port, tracker_db)
    env = base_env()
    if how.uses_token:
        env["ACTION_SERVER_TOKEN"] = os.environ.get("ACTION_SERVER_TOKEN") or secrets.token_hex(24)
    credentials = workdir / "credentials.yml"
    subprocess.run([sys.executable, "-m", "channels.app_settings", str(credentials)], cwd=REPO,
                   env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if how.hardened:
        action_cmd = [sys.executable, "-m", "service.action_server", "--port", str(action_port)]
        rasa_cmd = [sys.executable, "-m", "service.rasa_server"]
    else:
        action_cmd = [str(VENV_BIN / "rasa"), "run", "actions", "--port", str(action_port)]
        rasa_cmd = [str(VENV_BIN / "rasa"), "run"]
    rasa_cmd += ["--model", str(model), "--port", str(rasa_port)]
    if how.cors:
        rasa_cmd += ["--cors", "*"]
    rasa_cmd += ["--endpoints", str(endpoints), "--credentials", str(credentials)]
    actions = fleet.start("action server", action_cmd, REPO, env,
                          LOGS / f"loadtest-{tag}-actions.log",
                          f"http://localhost:{action_port}/health")
    rasa = fleet.start("Rasa server", rasa_cmd, REPO, env, LOGS / f"loadtest-{tag}-rasa.log",
                       f"http://localhost:{rasa_port}/")
    return {"url": f"http://localhost:{rasa_port}", "tracker_db": tracker_db,
            "servers": [rasa, actions],
            "tracker_store": f"SQL (SQLite, throw-away {tracker_db.name} in a temp folder)",
            "commands": "hardened service.*" if how.hardened else "rasa run / rasa run actions"}


# --- the stock `rasa init` bot --------------------------------------------------------------

def train_stock(init_dir: Path, log: Path) -> float:
    """`rasa init --no-prompt` (creates and trains the starter bot); returns seconds taken."""
    started = time.perf_counter()
    with log.open("w") as out:
        result = subprocess.run([str(VENV_BIN / "rasa"), "init", "--no-prompt", "--init-dir",
                                 str(init_dir)], cwd=init_dir, env=base_env(), stdout=out,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    if result.returncode != 0 or not list((init_dir / "models").glob("*.tar.gz")):
        raise RuntimeError(f"rasa init failed; {log} ends with:\n{log_tail(log)}")
    return time.perf_counter() - started


def start_stock(fleet: Fleet, init_dir: Path, tag: str) -> Dict[str, object]:
    """Plain `rasa run` (REST from its own credentials.yml, default in-memory tracker store)
    and `rasa run actions`, as the starter project would be run."""
    action_port, rasa_port = free_port(), free_port()
    endpoints = write_endpoints(init_dir / "endpoints.loadtest.yml", action_port, None)
    env = base_env()
    actions = fleet.start("stock action server",
                          [str(VENV_BIN / "rasa"), "run", "actions", "--port", str(action_port)],
                          init_dir, env, LOGS / f"loadtest-{tag}-actions.log",
                          f"http://localhost:{action_port}/health")
    rasa = fleet.start("stock Rasa server",
                       [str(VENV_BIN / "rasa"), "run", "--port", str(rasa_port), "--endpoints",
                        str(endpoints), "--credentials", "credentials.yml"],
                       init_dir, env, LOGS / f"loadtest-{tag}-rasa.log",
                       f"http://localhost:{rasa_port}/")
    return {"url": f"http://localhost:{rasa_port}", "tracker_db": None,
            "servers": [rasa, actions], "tracker_store": "InMemoryTrackerStore (Rasa default)",
            "commands": "rasa run / rasa run actions"}
