"""A local stand-in for the messaging apps' HTTP APIs, on 127.0.0.1.

Rasa's connectors run unchanged; only their API base URL points here. Every call is
recorded (method, path, headers, parsed body) and answered the way the provider would
answer a successful send, so the connector goes on as in production.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Mapping, Tuple


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode("utf-8") if length else ""
        if "json" in (self.headers.get("Content-Type") or ""):
            body: Any = json.loads(raw or "{}")
        else:
            body = {k: v[0] if len(v) == 1 else v for k, v in urllib.parse.parse_qs(raw).items()}
        call = {
            "method": "POST",
            "path": self.path,
            "headers": dict(self.headers),
            "body": body,
            "at": time.perf_counter(),
        }
        self.server.calls.append(call)  # type: ignore[attr-defined]
        status, reply = self.server.reply(call)  # type: ignore[attr-defined]
        data = json.dumps(reply).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            # The sender hung up before reading the reply (a test stopped its server
            # mid-send). The call is recorded; a traceback in the test output is noise.
            pass


def provider_reply(call: Dict[str, Any]):
    """What each provider answers to a successful send."""
    path = call["path"]
    if "/Messages.json" in path:  # Twilio
        body = call["body"]
        return 201, {
            "sid": "SM" + "0" * 32,
            "to": body.get("To"),
            "from": body.get("From"),
            "body": body.get("Body"),
            "status": "queued",
            "num_segments": "1",
        }
    if path.startswith("/bot"):  # Telegram Bot API: /bot<token>/<method>
        method = path.rsplit("/", 1)[-1]
        if method == "sendMessage":
            chat_id = int(call["body"].get("chat_id", 0))
            return 200, {
                "ok": True,
                "result": {
                    "message_id": len(call.get("_seen", [])) + 1,
                    "date": 1700000000,
                    "chat": {"id": chat_id, "type": "private"},
                    "text": call["body"].get("text", ""),
                },
            }
        return 200, {"ok": True, "result": True}
    if "/me/messages" in path:  # Messenger Send API (messages and sender actions)
        recipient = (call["body"].get("recipient") or {}).get("id")
        if "sender_action" in call["body"]:
            return 200, {"recipient_id": recipient}
        return 200, {"recipient_id": recipient, "message_id": "m_" + "0" * 20}
    if path.endswith("/chat.postMessage"):  # Slack Web API
        body = call["body"]
        return 200, {
            "ok": True,
            "channel": body.get("channel"),
            "ts": "1700000000.000100",
            "message": {
                "type": "message",
                "text": body.get("text", ""),
                "bot_id": "B0000000000",
                "ts": "1700000000.000100",
            },
        }
    return 200, {"ok": True}


class FakeProvider:
    """Records the connector's outgoing calls; ``wait_for`` blocks until enough arrived."""

    def __init__(self, reply: Callable[[Dict[str, Any]], Any] = provider_reply) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.calls = []  # type: ignore[attr-defined]
        self.server.reply = reply  # type: ignore[attr-defined]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def calls(self) -> List[Dict[str, Any]]:
        return self.server.calls  # type: ignore[attr-defined]

    def clear(self) -> None:
        self.calls.clear()

    def wait_for(
        self, count: int, timeout: float = 30.0, quiet: float = 0.0
    ) -> List[Dict[str, Any]]:
        """The calls so far, once there are ``count`` (or ``timeout`` has passed), then once
        none came for ``quiet`` seconds. The webhooks of Twilio, Telegram and Messenger await
        the turn before they answer, so when the test's POST has returned the whole reply
        is here (``quiet`` 0); Slack's answers at once (Slack wants an answer within 3 s)
        and the reply follows, so its helpers wait for it to go quiet."""
        deadline = time.time() + timeout
        while time.time() < deadline and len(self.calls) < count:
            time.sleep(0.02)
        seen, since = len(self.calls), time.time()
        while quiet and time.time() < deadline and time.time() - since < quiet:
            time.sleep(0.02)
            if len(self.calls) != seen:
                seen, since = len(self.calls), time.time()
        return list(self.calls)

    def stop(self) -> None:
        self.server.shutdown()


def app_credentials(workdir: Path, env: Mapping[str, str], fake_url: str, rasa_port: int) -> Path:
    """Credentials with an app turned on by ``env`` ({fake} stands for the fake's URL)."""
    from channels import app_settings

    full = {key: value.replace("{fake}", fake_url) for key, value in env.items()}
    full["PUBLIC_URL"] = f"http://localhost:{rasa_port}"
    path = workdir / "credentials.yml"
    app_settings.write(path, full)
    return path


def running_app(workdir: Path, env: Mapping[str, str]) -> Iterator[Tuple[Any, "FakeProvider"]]:
    """The assistant's servers with one messaging app on, its API pointed at a fake."""
    from harness.servers import Servers

    fake = FakeProvider()
    servers = Servers(workdir, lambda port: app_credentials(workdir, env, fake.url, port))
    try:
        yield servers, fake
    finally:
        servers.stop()
        fake.stop()
