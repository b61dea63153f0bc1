"""A hung action server gets the same apology as a dead one (issue 18, item 5).

The wrapper of ``RemoteAction.run`` (``service/servers/degraded_actions.py``) with a fake
slow action and with Rasa's own call against a server that takes connections and never
answers; then the real servers with the action server stopped by SIGSTOP and resumed by
SIGCONT."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import socket
import time
import urllib.request
import uuid
from typing import Any, Dict, List, Optional, Tuple

import pytest
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from actions import handoff_mail
from contract.conversations import log_tag
from harness.servers import MODEL, Servers
from service.servers import degraded_actions
from service.servers.degraded_actions import DEFAULT_TIMEOUT, action_timeout, guard
from tests.conftest import topics_in
from tests.smtp_sink import SmtpSink

APOLOGY = "Sorry, the assistant has a problem right now. Call the helpline."
SECRET = "my son Sam's IEP at Lincoln Elementary"  # message text: never in a log line


def apology() -> str:
    return APOLOGY


def tracker(sender: str = "parent-1") -> DialogueStateTracker:
    return DialogueStateTracker.from_events(sender, [UserUttered(SECRET)])


# -- the setting ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, seconds",
    [
        (None, DEFAULT_TIMEOUT),
        ("2", 2.0),
        (" 0.5 ", 0.5),
        ("", DEFAULT_TIMEOUT),
        ("six", DEFAULT_TIMEOUT),
        ("0", DEFAULT_TIMEOUT),
        ("-3", DEFAULT_TIMEOUT),
        ("nan", DEFAULT_TIMEOUT),
        ("inf", DEFAULT_TIMEOUT),
    ],
)
def test_the_timeout_comes_from_the_environment_and_a_bad_value_means_the_default(raw, seconds):
    env = {} if raw is None else {"ACTION_TIMEOUT_SECONDS": raw}
    assert action_timeout(env) == seconds
    assert DEFAULT_TIMEOUT < 300  # Rasa's own: five minutes of silence


def test_the_callback_e_mail_fits_in_the_action_timeout():
    """The e-mail is sent inside its action: connecting and the slowest step of the send,
    each at most SEND_TIMEOUT, finish before the Rasa server gives up on the action."""
    assert 2 * handoff_mail.SEND_TIMEOUT + 1 <= DEFAULT_TIMEOUT


# -- the wrapper, with a fake slow action --------------------------------------------------


def test_a_slow_action_gets_the_apology_promptly_is_cancelled_and_logged_once(caplog):
    calls: Dict[str, Any] = {"started": 0, "cancelled": False}

    async def slow(action, output_channel, nlg, tracker, domain):
        calls["started"] += 1
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            calls["cancelled"] = True
            raise
        return []

    action = RemoteAction("action_answer_topic", EndpointConfig("http://127.0.0.1:9/webhook"))
    run = guard(slow, apology, timeout=0.2)

    async def scenario() -> Tuple[List[Any], float, List[asyncio.Task]]:
        started = time.perf_counter()
        events = await run(action, None, None, tracker(), Domain.empty())
        elapsed = time.perf_counter() - started
        return events, elapsed, [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]

    with caplog.at_level(logging.INFO, logger="service.servers.degraded_actions"):
        events, elapsed, pending = asyncio.run(scenario())
    assert events == [BotUttered(APOLOGY)]
    assert elapsed < 5  # the behaviour: the 0.2 s limit, not the action's 30 s
    assert calls == {"started": 1, "cancelled": True} and pending == []
    [line] = [r.getMessage() for r in caplog.records]
    tag = log_tag("parent-1")
    assert line.startswith(f"action.timeout conversation={tag} action=action_answer_topic")
    assert SECRET not in line and "parent-1" not in line and "\n" not in line


def test_a_session_start_that_times_out_still_starts_the_session():
    async def slow(*_: Any) -> List[Any]:
        await asyncio.sleep(30)
        return []

    action = RemoteAction("action_session_start", EndpointConfig("http://127.0.0.1:9/webhook"))
    events = asyncio.run(
        guard(slow, apology, timeout=0.2)(action, None, None, tracker(), Domain.empty())
    )
    assert isinstance(events[0], SessionStarted)
    assert events[-1] == ActionExecuted("action_listen")
    assert not any(isinstance(e, BotUttered) for e in events)


# -- Rasa's own call, against an action server that takes connections and never answers --


class HangingServer:
    """A TCP server that reads HTTP requests and answers only when ``answering`` is set
    (``/health``: 200; the webhook: one bot message). Records each request and whether the
    client closed the connection it left unanswered."""

    def __init__(self) -> None:
        self.answering = False
        self.requests: List[Tuple[str, str]] = []
        self.closed_by_client = 0
        self.server: Optional[asyncio.base_events.Server] = None

    async def start(self) -> str:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        port = self.server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}/webhook"

    async def stop(self) -> None:
        assert self.server is not None
        self.server.close()
        await self.server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        method, path, *_ = head.decode("latin-1").split(" ", 2)
        length = 0
        for line in head.decode("latin-1").split("\r\n"):
            if line.lower().startswith("content-length:"):
                length = int(line.split(":", 1)[1])
        if length:
            await reader.readexactly(length)
        self.requests.append((method, path.split("?")[0]))
        if not self.answering:
            await reader.read()  # b"" once the client gives up and closes the connection
            self.closed_by_client += 1
            writer.close()
            return
        body = (
            b'{"status": "ok"}'
            if path.startswith("/health")
            else json.dumps({"events": [], "responses": [{"text": "An answer."}]}).encode()
        )
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        await writer.drain()
        writer.close()


def test_rasa_s_call_to_a_hung_action_server_is_cancelled_and_the_next_one_goes_through(
    monkeypatch, caplog
):
    monkeypatch.setattr(degraded_actions, "PROBE_SECONDS", 0.2)
    original = getattr(RemoteAction.run, "__wrapped__", RemoteAction.run)
    run = guard(original, apology, timeout=0.3)
    hanging = HangingServer()

    async def scenario() -> Dict[str, Any]:
        url = await hanging.start()
        action = RemoteAction("action_answer_topic", EndpointConfig(url))
        seen: Dict[str, Any] = {}
        started = time.perf_counter()
        seen["first"] = await run(action, None, None, tracker(), Domain.empty())
        seen["first_seconds"] = time.perf_counter() - started
        for _ in range(100):  # the connection Rasa's call left is closed, not kept waiting
            if hanging.closed_by_client:
                break
            await asyncio.sleep(0.02)
        seen["closed_after_first"] = hanging.closed_by_client
        seen["pending"] = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        await asyncio.sleep(0.25)  # past the moment of the timeout: the next call probes
        started = time.perf_counter()
        seen["while_hung"] = await run(action, None, None, tracker(), Domain.empty())
        seen["while_hung_seconds"] = time.perf_counter() - started
        seen["requests_while_hung"] = list(hanging.requests)
        hanging.answering = True  # SIGCONT
        seen["resumed"] = await run(action, None, None, tracker(), Domain.empty())
        seen["requests"] = list(hanging.requests)
        await hanging.stop()
        return seen

    with caplog.at_level(logging.INFO, logger="service.servers.degraded_actions"):
        seen = asyncio.run(scenario())
    assert seen["first"] == [BotUttered(APOLOGY)] and seen["first_seconds"] < 5
    assert seen["closed_after_first"] == 1 and seen["pending"] == []
    # While it hangs: only its /health is asked, and the apology comes without a new wait
    # for the action.
    assert seen["while_hung"] == [BotUttered(APOLOGY)] and seen["while_hung_seconds"] < 5
    assert seen["requests_while_hung"] == [("POST", "/webhook"), ("GET", "/health")]
    # Resumed: /health answers, and the action runs as usual.
    assert [e.text for e in seen["resumed"] if isinstance(e, BotUttered)] == ["An answer."]
    assert seen["requests"][2:] == [("GET", "/health"), ("POST", "/webhook")]
    lines = [r.getMessage() for r in caplog.records]
    assert [line.split(" ", 1)[0] for line in lines] == [
        "action.timeout",
        "action.skipped",
        "action.server_back",
    ]
    assert not any(SECRET in line for line in lines)


# -- the real servers, the action server stopped with SIGSTOP ------------------------------

TIMEOUT = 2  # ACTION_TIMEOUT_SECONDS for these servers
MARGIN = 3  # NLU, the policies, the store and the probe, on a busy 2-core machine


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    if not MODEL.exists():
        pytest.skip("no trained model: run `make test`")
    with SmtpSink() as sink:
        running = Servers(
            tmp_path_factory.mktemp("action_timeout"),
            env={"ACTION_TIMEOUT_SECONDS": str(TIMEOUT), **sink.env()},
        )
        running.sink = sink  # type: ignore[attr-defined]
        yield running
        running.stop()


def ask(servers: Servers, sender: str, text: str, wait: float = 60) -> List[Dict[str, Any]]:
    """The replies to one REST message; fails (socket timeout) after ``wait`` seconds."""
    request = urllib.request.Request(
        f"http://localhost:{servers.rasa_port}/webhooks/rest/webhook",
        json.dumps({"sender": sender, "message": text}).encode(),
        {"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=wait) as response:
        assert response.status == 200
        return json.loads(response.read() or b"[]")


def texts(messages: List[Dict[str, Any]]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def timed_ask(servers: Servers, sender: str, text: str) -> Tuple[str, float]:
    started = time.perf_counter()
    try:
        said = texts(ask(servers, sender, text, wait=TIMEOUT + MARGIN + 5))
    except (socket.timeout, TimeoutError) as error:
        raise AssertionError(f"no reply within {TIMEOUT + MARGIN + 5} s") from error
    return said, time.perf_counter() - started


def test_a_stopped_action_server_gets_the_apology_fast_and_answers_again_once_resumed(servers, kb):
    known = "timeout-" + uuid.uuid4().hex
    assert topics_in(ask(servers, known, "is mediation free?")) == ["cost"]
    os.kill(servers.actions.pid, signal.SIGSTOP)
    try:
        new_said, new_seconds = timed_ask(servers, "timeout-" + uuid.uuid4().hex, "hello")
        known_said, known_seconds = timed_ask(servers, known, "do i need a lawyer")
    finally:
        os.kill(servers.actions.pid, signal.SIGCONT)
    print(f"stopped action server: new conversation {new_seconds:.2f} s, "
          f"ongoing {known_seconds:.2f} s (ACTION_TIMEOUT_SECONDS={TIMEOUT})")  # fmt: skip
    for said, seconds in ((new_said, new_seconds), (known_said, known_seconds)):
        assert said.startswith("Sorry, the assistant has a problem right now"), said[:200]
        assert kb.help_contacts[0].name in said
        assert seconds < TIMEOUT + MARGIN
    # Resumed: the next question is answered as usual, in both conversations.
    assert topics_in(ask(servers, known, "is mediation free?", wait=TIMEOUT + MARGIN)) == ["cost"]
    assert topics_in(ask(servers, "timeout-" + uuid.uuid4().hex, "do i need a lawyer")) == [
        "attorneys"
    ]
    log = (servers.workdir / "rasa.log").read_text(encoding="utf-8")
    timeouts = [line for line in log.splitlines() if "action.timeout" in line]
    assert len(timeouts) == 1, timeouts
    assert "is mediation free" not in timeouts[0] and "lawyer" not in timeouts[0]


def test_the_callback_e_mail_is_sent_within_a_short_action_timeout(servers):
    """Normal operation under ACTION_TIMEOUT_SECONDS=2: the form's actions and the e-mail
    sent inside the last one all finish in time."""
    sender = "timeout-" + uuid.uuid4().hex
    offer = ask(servers, sender, "talk to a person")
    assert any(b["payload"] == "/request_callback" for m in offer for b in m.get("buttons", []))
    assert "OK to send" in texts(ask(servers, sender, "/request_callback"))
    assert "What would you like to ask" in texts(ask(servers, sender, "yes"))
    ask(servers, sender, "Can someone help me prepare for mediation?")
    ask(servers, sender, "skip")
    done = texts(ask(servers, sender, "jane.parent@example.com"))
    assert "contact you at jane.parent@example.com" in done, done[:300]
    [mail] = servers.sink.wait_for(1)  # type: ignore[attr-defined]
    assert "Can someone help me prepare for mediation?" in mail.get_content()
