"""Start the assistant's servers for end-to-end tests: action server, Rasa server and,
for browser tests, the site server, on free ports with a throw-away tracker store."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional

from harness.ports import free_port

REPO = Path(__file__).resolve().parent.parent
MODEL = REPO / "models" / "iep.tar.gz"
PYTHON = [sys.executable, "-m"]
ACTION_SERVER_TOKEN = secrets.token_urlsafe(16)
ENV = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "ACTION_SERVER_TOKEN": ACTION_SERVER_TOKEN}


def _wait(url: str, proc: subprocess.Popen, log: Path, timeout: float = 120) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {log.read_text()[-3000:]}")
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"server did not start: {log.read_text()[-3000:]}")


class Servers:
    """The action server and the Rasa server, as the run command starts them."""

    def __init__(
        self,
        workdir: Path,
        credentials: Callable[[int], Path] = lambda port: REPO / "credentials.yml",
        model: Path = MODEL,
        env: Optional[Mapping[str, str]] = None,
    ) -> None:
        """``credentials`` gives the credentials file for the Rasa port chosen here;
        ``env`` adds to (or overrides) both servers' environment."""
        self.workdir = workdir
        self.model = model
        self.start_seconds: Dict[str, float] = {}  # how long each server took to come up
        self.action_port, self.rasa_port = free_port(), free_port()
        # The site's port, chosen now: browsers may call the Rasa server only from there.
        self.site_port = free_port()
        self.env = {
            **ENV,
            "ALLOWED_ORIGINS": f"http://localhost:{self.site_port},"
            f"http://127.0.0.1:{self.site_port}",
            **(env or {}),
        }
        self.credentials = credentials(self.rasa_port)
        self.endpoints = workdir / "endpoints.yml"
        self.endpoints.write_text(
            (REPO / "endpoints.yml")
            .read_text()
            .replace("localhost:5055", f"localhost:{self.action_port}")
            .replace('"var/tracker.db"', f'"{workdir / "tracker.db"}"')
        )
        self.start_actions()
        self.rasa = None
        self.start_rasa()

    def _start(self, name: str, args: List[str], ready: str) -> subprocess.Popen:
        log = self.workdir / f"{name}.log"
        started = time.perf_counter()
        proc = subprocess.Popen(
            PYTHON + args, cwd=REPO, env=self.env, stdout=log.open("w"), stderr=subprocess.STDOUT
        )
        _wait(ready, proc, log)
        self.start_seconds[name] = time.perf_counter() - started
        return proc

    def start_actions(self) -> None:
        self.actions = self._start(
            "actions",
            ["service.servers.action_server", "--port", str(self.action_port)],
            f"http://localhost:{self.action_port}/health",
        )

    def start_rasa(self) -> None:
        self.rasa = self._start(
            "rasa",
            [
                "service.servers.rasa_server",
                "--model",
                str(self.model),
                "--port",
                str(self.rasa_port),
                "--endpoints",
                str(self.endpoints),
                "--credentials",
                str(self.credentials),
            ],
            f"http://localhost:{self.rasa_port}/",
        )

    def stop_rasa(self) -> None:
        self.rasa.terminate()
        self.rasa.wait(timeout=30)

    def ensure_running(self) -> None:
        """Start again whichever server a test stopped (or that died), so that the next
        test of a stack that several share finds both up."""
        if self.actions.poll() is not None:
            self.start_actions()
        if self.rasa.poll() is not None:
            self.start_rasa()

    def stop(self) -> None:
        for proc in (self.rasa, self.actions):
            proc.terminate()
            proc.wait(timeout=30)

    def ask(
        self, sender: str, text: str, metadata: Optional[Dict[str, Any]] = None
    ) -> List[Dict[str, Any]]:
        payload: Dict[str, Any] = {"sender": sender, "message": text}
        if metadata is not None:
            payload["metadata"] = metadata
        body = json.dumps(payload).encode()
        request = urllib.request.Request(
            f"http://localhost:{self.rasa_port}/webhooks/rest/webhook",
            body,
            {"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            assert response.status == 200
            return json.loads(response.read() or b"[]")


def build_site(root: Path, rasa_url: str) -> None:
    """Build the site as ``make run`` does, by running ``scripts/build_site.py``: the
    harness sits below ``scripts`` (whose benchmarks import it), so it runs the build
    rather than importing it. The environment is this process's, as of now."""
    result = subprocess.run(
        [*PYTHON, "scripts.build_site", str(root), "--rasa-url", rasa_url],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(f"site build failed: {result.stderr[-3000:]}")


class Site:
    """The built site (demo pages, widget, FAQ) served as the run command serves it."""

    def __init__(self, workdir: Path, rasa_port: int, port: int = 0) -> None:
        self.root = workdir / "site"
        build_site(self.root, f"http://localhost:{rasa_port}")
        self.port = port or free_port()
        log = workdir / "site.log"
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "webapp.server",
                "--root",
                str(self.root),
                "--port",
                str(self.port),
                "--rasa-url",
                f"http://localhost:{rasa_port}",
            ],
            cwd=REPO,
            env=ENV,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        _wait(self.url("/faq.json"), self.proc, log)

    def url(self, path: str) -> str:
        return f"http://localhost:{self.port}{path}"

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)
