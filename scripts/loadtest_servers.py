"""Start and stop the servers `make loadtest` measures, on free ports, and always stop them.

Apart from harness/servers.py on purpose: the load test starts the assistant exactly as
scripts/run.sh does (under supervisord's commands), which the tests need not.
Every server runs in its own process group so a stop also ends anything it spawned.
"""

from __future__ import annotations

import configparser
import os
import re
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple

import yaml

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


def machine_busy_seconds() -> float:
    """CPU seconds all cores spent busy since boot (/proc/stat), to see what else ran."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    return (sum(values[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def log_tail(log: Path, lines: int = 30) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


@dataclass
class Server:
    """One server process: its name, pid, log and how long it took to answer."""

    name: str
    pid: int
    log: Path
    start_seconds: float = 0.0
    proc: Optional[subprocess.Popen] = None  # None: started by someone else (the cluster)


@dataclass
class Fleet:
    """Every process this run started, so one ``stop()`` ends them all, even on Ctrl-C;
    ``cleanups`` stop what was started through another script (the cluster)."""

    servers: List[Server] = field(default_factory=list)
    cleanups: List[Callable[[], None]] = field(default_factory=list)

    def start(
        self,
        name: str,
        cmd: List[str],
        cwd: Path,
        env: Dict[str, str],
        log: Path,
        ready_url: str,
        timeout: float = 240.0,
    ) -> Server:
        """Start ``cmd`` quietly (output to ``log``) and wait until ``ready_url`` answers."""
        log.parent.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        with log.open("w") as out:
            proc = subprocess.Popen(
                cmd,
                cwd=cwd,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        server = Server(name, proc.pid, log, proc=proc)
        self.servers.append(server)
        deadline = time.time() + timeout
        while not answers(ready_url):
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited at start-up; {log} ends with:\n{log_tail(log)}")
            if time.time() > deadline:
                raise RuntimeError(
                    f"{name} did not answer in {timeout:.0f} s; {log} ends with:\n"
                    f"{log_tail(log)}"
                )
            time.sleep(0.2)
        server.start_seconds = time.perf_counter() - started
        return server

    def stop(self) -> None:
        """SIGTERM each process group, then SIGKILL what is left after a grace period."""
        own = [s.proc for s in reversed(self.servers) if s.proc is not None]
        for proc in own:
            _signal_group(proc, signal.SIGTERM)
        deadline = time.time() + 20
        for proc in own:
            try:
                proc.wait(timeout=max(0.1, deadline - time.time()))
            except subprocess.TimeoutExpired:
                pass
            _signal_group(proc, signal.SIGKILL)
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        while self.cleanups:
            self.cleanups.pop()()
        self.servers.clear()


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)  # its own session: the group id is its pid
    except (ProcessLookupError, PermissionError):
        pass


def base_env() -> Dict[str, str]:
    """The environment scripts/setup.sh exports to every server it starts."""
    return {
        **os.environ,
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "PYTHONWARNINGS": "ignore",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }


# --- our assistant, as scripts/run.sh starts it --------------------------------------------

SUPERVISOR_CONF = REPO / "service" / "servers" / "supervisord.conf"


def supervisor_commands(conf: str, env: Dict[str, str]) -> Dict[str, List[str]]:
    """Each ``[program:NAME]``'s command from a supervisord template, ``%(ENV_X)s`` filled
    in from ``env`` (a missing variable is an error, as in supervisord)."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(conf)
    fill = lambda m: env[m.group(1)]
    return {
        section.split(":", 1)[1]: shlex.split(
            re.sub(r"%\(ENV_(\w+)\)s", fill, parser[section]["command"])
        )
        for section in parser.sections()
        if section.startswith("program:")
    }


def ours_commands(
    env: Dict[str, str], run_sh: Optional[str] = None, supervisor_conf: Optional[str] = None
) -> Tuple[List[str], List[str], str]:
    """The action server's and the Rasa server's commands as `make run` starts them: from
    service/servers/supervisord.conf when run.sh runs supervisord, else from run.sh's own lines.
    Fails loudly on an unknown form, so the load test never measures something else."""
    text = RUN_SH.read_text() if run_sh is None else run_sh
    if "supervisord" in text:
        conf = SUPERVISOR_CONF.read_text() if supervisor_conf is None else supervisor_conf
        programs = supervisor_commands(conf, env)
        return programs["actions"], programs["rasa"], "service/servers/supervisord.conf's commands"
    common = ["--model", env["MODEL"], "--port", env["RASA_PORT"]]
    common += ["--cors", "*"] if "--cors" in text else []
    common += ["--endpoints", env["ENDPOINTS"], "--credentials", env["CREDENTIALS"]]
    if "service.servers.rasa_server" in text:
        return (
            [env["VENV_PY"], "-m", "service.servers.action_server", "--port", env["ACTION_PORT"]],
            [env["VENV_PY"], "-m", "service.servers.rasa_server"] + common,
            "run.sh's service.* commands",
        )
    if re.search(r"rasa\"?\s+run\s+actions", text):
        rasa = str(Path(env["VENV_PY"]).parent / "rasa")
        return (
            [rasa, "run", "actions", "--port", env["ACTION_PORT"]],
            [rasa, "run"] + common,
            "run.sh's rasa run commands",
        )
    raise RuntimeError(
        "scripts/run.sh starts its servers in a way loadtest does not know; "
        "update scripts/loadtest_servers.py"
    )


def run_sh_env(workdir: Path, model: Path, action_port: int, rasa_port: int) -> Dict[str, str]:
    """What scripts/run.sh exports to its servers, with this run's ports and files."""
    site_port = free_port()
    env = {
        **base_env(),
        "ROOT": str(REPO),
        "VENV_PY": sys.executable,
        "MODEL": str(model),
        "LOGS": str(LOGS),
        "VAR_DIR": str(workdir),
        "RASA_PORT": str(rasa_port),
        "SITE_PORT": str(site_port),
        "ACTION_PORT": str(action_port),
        "RASA_URL": f"http://localhost:{rasa_port}",
        "SITE_ROOT": str(workdir / "site"),
        "ENDPOINTS": str(workdir / "endpoints.yml"),
        "CREDENTIALS": str(workdir / "credentials.yml"),
        "ALLOWED_ORIGINS": os.environ.get("ALLOWED_ORIGINS")
        or f"http://localhost:{site_port},http://127.0.0.1:{site_port}",
        "ACTION_SERVER_TOKEN": os.environ.get("ACTION_SERVER_TOKEN") or secrets.token_urlsafe(32),
    }
    return env


def write_endpoints(path: Path, action_port: int, tracker_db: Optional[Path]) -> Path:
    """endpoints.yml for the stock bot: its action server, Rasa's default tracker store."""
    path.write_text(f'action_endpoint:\n  url: "http://localhost:{action_port}/webhook"\n')
    return path


def ours_endpoints(path: Path, action_port: int, tracker_db: Path) -> str:
    """The repo's endpoints.yml as `make run` reads it (tracker store type, action headers,
    ``${VAR}`` references left for Rasa to fill in), with only the action server's port and
    the SQLite file changed. Returns the tracker store's type, for the report."""
    config = yaml.safe_load((REPO / "endpoints.yml").read_text(encoding="utf-8")) or {}
    action = config.setdefault("action_endpoint", {})
    action["url"] = re.sub(
        r"//[^/]+/",
        f"//localhost:{action_port}/",
        action.get("url") or "http://localhost:5055/webhook",
        count=1,
    )
    store = config.get("tracker_store") or {}
    if store.get("dialect") != "sqlite":
        raise RuntimeError(
            "endpoints.yml no longer uses a SQLite tracker store; loadtest cannot "
            "give the run a throw-away one"
        )
    store["db"] = str(tracker_db)
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return str(store.get("type", "SQL"))


def start_ours(fleet: Fleet, workdir: Path, model: Path, tag: str) -> Dict[str, object]:
    """The action server and the Rasa server with `make run`'s commands and environment;
    only the ports, the endpoints file (tracker database in ``workdir``) and the credentials
    file path differ. Returns what the report needs (URL, tracker db, servers)."""
    action_port, rasa_port = free_port(), free_port()
    env = run_sh_env(workdir, model, action_port, rasa_port)
    tracker_db = workdir / "tracker.db"
    store_type = ours_endpoints(Path(env["ENDPOINTS"]), action_port, tracker_db)
    subprocess.run(
        [sys.executable, "-m", "channels.app_settings", env["CREDENTIALS"]],
        cwd=REPO,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    action_cmd, rasa_cmd, source = ours_commands(env)
    actions = fleet.start(
        "action server",
        action_cmd,
        REPO,
        env,
        LOGS / f"loadtest-{tag}-actions.log",
        f"http://localhost:{action_port}/health",
    )
    rasa = fleet.start(
        "Rasa server",
        rasa_cmd,
        REPO,
        env,
        LOGS / f"loadtest-{tag}-rasa.log",
        f"http://localhost:{rasa_port}/",
    )
    return {
        "url": f"http://localhost:{rasa_port}",
        "tracker_db": tracker_db,
        "servers": [rasa, actions],
        "tracker_store": f"{store_type} (SQLite, throw-away {tracker_db.name} in a temp folder)",
        "commands": f"{source} ({' '.join(rasa_cmd[1:3])}, {' '.join(action_cmd[1:3])})",
    }


# --- the stock `rasa init` bot --------------------------------------------------------------


def train_stock(init_dir: Path, log: Path) -> float:
    """`rasa init --no-prompt` (creates and trains the starter bot); returns seconds taken."""
    started = time.perf_counter()
    with log.open("w") as out:
        result = subprocess.run(
            [str(VENV_BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(init_dir)],
            cwd=init_dir,
            env=base_env(),
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    if result.returncode != 0 or not list((init_dir / "models").glob("*.tar.gz")):
        raise RuntimeError(f"rasa init failed; {log} ends with:\n{log_tail(log)}")
    return time.perf_counter() - started


def start_stock(fleet: Fleet, init_dir: Path, tag: str) -> Dict[str, object]:
    """Plain `rasa run` (REST from its own credentials.yml, default in-memory tracker store)
    and `rasa run actions`, as the starter project would be run."""
    action_port, rasa_port = free_port(), free_port()
    endpoints = write_endpoints(init_dir / "endpoints.loadtest.yml", action_port, None)
    env = base_env()
    actions = fleet.start(
        "stock action server",
        [str(VENV_BIN / "rasa"), "run", "actions", "--port", str(action_port)],
        init_dir,
        env,
        LOGS / f"loadtest-{tag}-actions.log",
        f"http://localhost:{action_port}/health",
    )
    rasa = fleet.start(
        "stock Rasa server",
        [
            str(VENV_BIN / "rasa"),
            "run",
            "--port",
            str(rasa_port),
            "--endpoints",
            str(endpoints),
            "--credentials",
            "credentials.yml",
        ],
        init_dir,
        env,
        LOGS / f"loadtest-{tag}-rasa.log",
        f"http://localhost:{rasa_port}/",
    )
    return {
        "url": f"http://localhost:{rasa_port}",
        "tracker_db": None,
        "servers": [rasa, actions],
        "tracker_store": "InMemoryTrackerStore (Rasa default)",
        "commands": "rasa run / rasa run actions",
    }


# --- the cluster (scripts/cluster.sh), 2 instances behind nginx -----------------------------


def consecutive_free_ports(count: int) -> int:
    """A base port with ``count`` free ports from it (cluster.sh numbers instances from it)."""
    for _ in range(200):
        base = free_port()
        if base + count < 65536 and all(_port_free(base + i) for i in range(count)):
            return base
    raise RuntimeError(f"no {count} consecutive free ports")


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def cluster_env(workdir: Path, tag: str, instances: int) -> Dict[str, str]:
    """cluster.sh's own settings, pointed at a private folder and free ports, so a cluster
    someone runs with `make run-cluster` is neither disturbed nor measured."""
    # Under var/, not the temp folder: PostgreSQL runs as the `postgres` user, which cannot
    # enter a private (0700) temporary folder.
    return {
        **base_env(),
        "CLUSTER_DIR": str(LOGS.parent / f"loadtest-cluster-{tag}"),
        "CLUSTER_LOGS": str(LOGS / f"loadtest-{tag}"),
        "CLUSTER_PORT": str(free_port()),
        "CLUSTER_RASA_PORT": str(consecutive_free_ports(instances)),
        "CLUSTER_ACTION_PORT": str(consecutive_free_ports(instances)),
        "CLUSTER_PG_PORT": str(free_port()),
        "CLUSTER_REDIS_PORT": str(free_port()),
    }


def start_cluster(fleet: Fleet, workdir: Path, tag: str, instances: int = 2) -> Dict[str, object]:
    """`scripts/cluster.sh start --instances N` in a private folder; stopped with its own
    `stop` (its servers are setsid'd: they are not our children)."""
    env = cluster_env(workdir, tag, instances)
    env["CLUSTER_PUBLIC_URL"] = f"http://localhost:{env['CLUSTER_PORT']}"
    workdir.chmod(0o711)  # PostgreSQL runs as its own OS user and must reach its data folder
    log = LOGS / f"loadtest-{tag}.log"
    stop = lambda: subprocess.run(
        ["bash", str(CLUSTER_SH), "stop"],
        cwd=REPO,
        env=env,
        stdout=log.open("a"),
        stderr=subprocess.STDOUT,
        timeout=180,
    )
    fleet.cleanups.append(stop)
    started = time.perf_counter()
    with log.open("w") as out:
        result = subprocess.run(
            ["bash", str(CLUSTER_SH), "start", "--instances", str(instances)],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            timeout=900,
        )
    if result.returncode != 0:
        lines = [
            line
            for line in log.read_text(errors="replace").splitlines()
            if line.startswith("cluster:")
        ]
        raise RuntimeError(
            (lines[0] if lines else f"cluster.sh start exited {result.returncode}")
            + f" (log {log})"
        )
    seconds = time.perf_counter() - started
    pids = Path(env["CLUSTER_DIR"]) / "pids"
    for kind, label in (("rasa", "Rasa instance"), ("actions", "action server")):
        for i in range(1, instances + 1):
            pid = int((pids / f"{kind}-{i}.pid").read_text().strip())
            fleet.servers.append(Server(f"{label} {i}", pid, Path(env["CLUSTER_LOGS"]), seconds))
    store = "PostgreSQL"
    endpoints = (Path(env["CLUSTER_DIR"]) / "endpoints.yml").read_text()
    found = re.search(r"tracker_store:\s*\n\s*type:\s*(\S+)", endpoints)
    password = re.search(
        r"CLUSTER_PG_PASSWORD=(\S+)", (Path(env["CLUSTER_DIR"]) / "secrets.env").read_text()
    )
    db_url = (
        f"postgresql://rasa:{password.group(1)}@127.0.0.1:{env['CLUSTER_PG_PORT']}/rasa"
        if password
        else None
    )
    return {
        "url": env["CLUSTER_PUBLIC_URL"],
        "tracker_db": db_url,
        "servers": [s for s in fleet.servers if s.proc is None],
        "tracker_store": f"{found.group(1) if found else 'SQL'} on {store}, Redis lock store, "
        f"{instances} instances behind nginx",
        "commands": f"scripts/cluster.sh start --instances {instances} (ready in {seconds:.0f} s)",
    }
