"""The running servers as a careless client or an attacker would use them: bad input on
REST and socket.io, typed intent payloads, CORS and security headers, the action server's
door, and an action server that is down. (Messaging apps: tests/e2e/test_messaging_*.py.)"""

from __future__ import annotations

import asyncio
import json
import socket
import sqlite3
import threading
import time
import urllib.error
import urllib.request
import uuid
from typing import Any, Dict, List, Optional, Tuple

import pytest

from channels import input_guard
from contract.conversations import conversation_key
from harness.servers import MODEL, Servers
from harness.socketio_client import socketio_steps
from tests.bad_inputs import BAD_METADATA, BAD_TEXTS

pytestmark = pytest.mark.skipif(not MODEL.exists(), reason="no trained model: run `make test`")


@pytest.fixture
def servers(shared_servers):
    """The session's default stack (tests/stacks.py): no settings of this module's own."""
    return shared_servers


def sender() -> str:
    return "hard-" + uuid.uuid4().hex


def post(
    port: int,
    body: bytes,
    path: str = "/webhooks/rest/webhook",
    headers: Optional[Dict[str, str]] = None,
) -> Tuple[int, Dict[str, str], Any]:
    request = urllib.request.Request(
        f"http://localhost:{port}{path}",
        body,
        {"Content-Type": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, dict(response.headers), json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read() or b"null")


def ask(servers: Servers, who: str, text: str) -> List[Dict[str, Any]]:
    status, _, messages = post(
        servers.rasa_port, json.dumps({"sender": who, "message": text}).encode()
    )
    assert status == 200
    return messages


def texts(messages: List[Dict[str, Any]]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def topics(messages: List[Dict[str, Any]]) -> List[str]:
    return [
        m["custom"]["topic"]
        for m in messages
        if isinstance(m.get("custom"), dict) and m["custom"].get("topic")
    ]


@pytest.mark.parametrize("name", sorted(BAD_TEXTS))
def test_every_bad_text_gets_a_clear_non_empty_reply_over_rest(servers, name):
    case, who = BAD_TEXTS[name], sender()
    ask(servers, who, "hello")  # the session (and its notice) has started
    said = texts(ask(servers, who, case.text))
    assert said.strip() and case.expect in said, (name, said[:300])
    assert case.forbid not in said, (name, said[:300])


@pytest.mark.parametrize(
    "body, reason",
    [
        (b'{"message": "is mediation free?"}', "'sender'"),
        (b'{"sender": "", "message": "hi"}', "'sender'"),
        (b'{"sender": "' + b"x" * 200 + b'", "message": "hi"}', "'sender'"),
        (b'{"sender": "a\\nb", "message": "hi"}', "'sender'"),
        (b'{"sender": "p1", "message": 42}', "'message'"),
        (b'{"sender": "p1", "message": null}', "'message'"),
        (b'{"sender": "p1"}', "'message'"),
        (b'{"sender": "p1", "message": "hi", "metadata": "x"}', "'metadata'"),
        (b'["p1", "hi"]', "JSON object"),
        (b"not json at all", "JSON"),
        (b'{"sender": "p1", "message": "\xff\xfe is mediation free"}', "JSON"),
    ],
)
def test_malformed_rest_requests_get_400_with_a_json_reason(servers, body, reason):
    status, _, answer = post(servers.rasa_port, body)
    assert status == 400
    assert answer["error"] == "bad_request" and reason in answer["reason"]


def test_an_oversized_body_is_refused_with_413_before_it_is_read(servers):
    body = json.dumps({"sender": sender(), "message": "x" * 2_000_000}).encode()
    started = time.perf_counter()
    status, _, answer = post(servers.rasa_port, body)
    assert status == 413 and "size" in json.dumps(answer).lower()
    assert time.perf_counter() - started < 2


def test_a_long_message_is_answered_politely_and_stored_cut(servers, tmp_path):
    who = sender()
    said = texts(ask(servers, who, "My son is in 4th grade and " * 300))
    assert "shorten" in said
    with sqlite3.connect(f"file:{servers.workdir / 'tracker.db'}?mode=ro", uri=True) as db:
        stored = [
            json.loads(d)["text"]
            for (d,) in db.execute(
                "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user'",
                (conversation_key("rest", who),),
            )
        ]
    assert [len(t) for t in stored] == [input_guard.MAX_MESSAGE_CHARS]


def test_a_normal_question_is_answered_within_a_second_while_a_bad_one_is_processed(servers):
    ask(servers, "warm-" + uuid.uuid4().hex, "is mediation free?")  # a first turn starts a session
    normal = "warm-" + uuid.uuid4().hex
    ask(servers, normal, "hello")
    body = json.dumps({"sender": sender(), "message": "é" * 30_000}).encode()  # ~60 KB, allowed
    flood = threading.Thread(target=lambda: [post(servers.rasa_port, body) for _ in range(5)])
    flood.start()
    try:
        started = time.perf_counter()
        messages = ask(servers, normal, "is mediation free?")
        elapsed = time.perf_counter() - started
    finally:
        flood.join()
    assert topics(messages) == ["cost"]
    assert elapsed < 1.0, elapsed


@pytest.mark.parametrize("name", sorted(BAD_METADATA))
def test_rest_refuses_metadata_over_the_limits_at_once(servers, name):
    body = json.dumps(
        {"sender": sender(), "message": "is mediation free?", "metadata": BAD_METADATA[name]}
    ).encode()
    status, _, answer = post(servers.rasa_port, body)
    assert status == 400 and "'metadata'" in answer["reason"], (status, answer)


def stored_user_events(servers: Servers, key: str) -> List[Dict[str, Any]]:
    with sqlite3.connect(f"file:{servers.workdir / 'tracker.db'}?mode=ro", uri=True) as db:
        return [
            json.loads(d)
            for (d,) in db.execute(
                "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user'", (key,)
            )
        ]


@pytest.mark.parametrize("name", sorted(BAD_METADATA))
def test_socketio_answers_but_drops_metadata_over_the_limits(servers, name):
    session = uuid.uuid4().hex
    *_, reply = socketio_steps(
        servers.rasa_port,
        site_origin(servers),
        [
            ("session_request", {"session_id": session}),
            (
                "user_uttered",
                {
                    "message": "is mediation free?",
                    "session_id": session,
                    # As a JSON string (which the channel accepts): the client library
                    # itself cannot encode 900 levels.
                    "customData": json.dumps(BAD_METADATA[name]),
                },
            ),
        ],
    )
    assert "Mediation is free" in "\n".join(m.get("text") or "" for m in reply)
    [event] = stored_user_events(servers, conversation_key("socketio", session))
    # Only what Rasa adds itself and the guard's guess of the words' language: nothing of
    # what was sent, and not the client's tag.
    allowed = {"assistant_id", "model_id", "language_guess"}
    assert set(event["metadata"]) <= allowed, event["metadata"]


def test_a_request_retried_by_the_proxy_is_answered_again_but_stored_once(servers):
    # nginx retries a POST whose instance died with the same X-Request-ID (scripts/cluster.sh);
    # here the first attempt completes, as it had when the instance died before replying.
    who = sender()
    body = json.dumps({"sender": who, "message": "is mediation free?"}).encode()
    retried = {"X-Request-ID": uuid.uuid4().hex}
    first = post(servers.rasa_port, body, headers=retried)
    again = post(servers.rasa_port, body, headers=retried)
    assert first[0] == again[0] == 200 and "Mediation is free" in texts(first[2])
    assert again[2] == first[2]  # the notice and the answer, buttons and all
    fresh = post(servers.rasa_port, body, headers={"X-Request-ID": uuid.uuid4().hex})
    assert "Mediation is free" in texts(fresh[2])
    stored = stored_user_events(servers, conversation_key("rest", who))
    assert [e["text"] for e in stored] == ["is mediation free?", "is mediation free?"]
    assert stored[0]["metadata"]["request_id"] == retried["X-Request-ID"]


def test_a_turn_that_cannot_be_stored_gets_the_apology_and_one_log_line(servers, kb):
    who = "savefail-" + uuid.uuid4().hex
    key = conversation_key("rest", who)
    trigger = "refuse_" + uuid.uuid4().hex
    with sqlite3.connect(servers.workdir / "tracker.db") as db:
        db.execute(
            f"CREATE TRIGGER {trigger} BEFORE INSERT ON events WHEN NEW.sender_id = '{key}' "
            "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"
        )
    try:
        said = texts(ask(servers, who, "is mediation free? my son Mateo"))
    finally:
        with sqlite3.connect(servers.workdir / "tracker.db") as db:
            db.execute(f"DROP TRIGGER {trigger}")
    # Not the answer, which the assistant would not remember: the apology with contacts.
    assert said.startswith("Sorry, the assistant has a problem right now"), said[:200]
    assert kb.help_contacts[0].name in said and "Mediation is free" not in said
    log = (servers.workdir / "rasa.log").read_text()
    failures = [line for line in log.splitlines() if "save_failed" in line]
    assert len(failures) == 1 and "Traceback" not in log
    assert who not in log and "Mateo" not in log
    # The database works again: the next turn is answered and stored.
    assert topics(ask(servers, who, "is mediation free?")) == ["cost"]
    assert stored_user_events(servers, key)


def test_an_erased_conversation_leaves_nothing_in_the_logs_at_the_default_level(servers):
    who = sender()
    ask(servers, who, "my son Mateo Quispe has autism. is mediation free?")
    ask(servers, who, "<b>/restart")  # a refused payload: logged, by a tag only
    socket_session = uuid.uuid4().hex
    socketio_steps(
        servers.rasa_port,
        site_origin(servers),
        [
            ("session_request", {"session_id": socket_session}),
            (
                "user_uttered",
                {
                    "message": "Quispe again",
                    "session_id": socket_session,
                    "customData": json.dumps(BAD_METADATA["nested 900 deep"]),
                },
            ),
        ],
    )
    ask(servers, who, "delete my conversation")
    assert "deleted" in texts(ask(servers, who, "/confirm_erase"))
    logs = "\n".join(p.read_text() for p in servers.workdir.glob("*.log"))
    for trace in (who, socket_session, "Mateo", "Quispe", "restart"):
        assert trace not in logs, trace


def test_typed_restart_and_feedback_do_not_act_but_offered_buttons_do(servers):
    who = sender()
    first = ask(servers, who, "is mediation free?")
    assert topics(first) == ["cost"]
    assert "Thanks for telling us" not in texts(
        ask(servers, who, '/feedback{"helpful": "no", "topic": "attorneys"}')
    )
    ask(servers, who, "/restart")
    ask(servers, who, "/session_start")
    assert topics(ask(servers, who, "tell me more")) == ["cost"]  # the context survived
    assert "Thanks for telling us" in texts(
        ask(servers, who, '/feedback{"helpful": "yes", "topic": "cost"}')
    )
    button = next(b["payload"] for m in first for b in m.get("buttons") or [])
    assert topics(ask(servers, who, button)) == [button[len("/ask_") :]]


ORIGIN = "http://localhost:{site_port}"


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("GET", "/", None),
        ("GET", "/webhooks/faq_search/search?q=who%20pays", None),
        ("POST", "/webhooks/rest/webhook", b'{"sender": "cors-1", "message": "hi"}'),
        ("OPTIONS", "/webhooks/rest/webhook", None),
        ("GET", "/socket.io/?EIO=4&transport=polling", None),
    ],
)
def test_every_route_sends_exactly_one_allow_origin_for_the_site_and_no_credentials(
    servers, method, path, body
):
    origin = ORIGIN.format(site_port=servers.site_port)
    for asked, allowed in ((origin, True), ("http://evil.example", False)):
        request = urllib.request.Request(
            f"http://localhost:{servers.rasa_port}{path}",
            body,
            {
                "Origin": asked,
                "Content-Type": "application/json",
                "Access-Control-Request-Method": "POST",
            },
            method=method,
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                headers = response.headers
        except urllib.error.HTTPError as error:
            headers = error.headers
        values = headers.get_all("Access-Control-Allow-Origin") or []
        assert values == ([origin] if allowed else []), (path, asked, values)
        assert headers.get("Access-Control-Allow-Credentials") is None
        assert "Rasa" not in (headers.get("Server") or "")


def test_the_action_server_listens_on_localhost_only_and_wants_the_token(servers):
    url = f"http://localhost:{servers.action_port}/webhook"
    body = json.dumps({"next_action": "action_greet", "sender_id": "x", "tracker": {}}).encode()
    for headers in ({}, {"Authorization": "Bearer wrong"}):
        status, _, _ = post(servers.action_port, body, "/webhook", headers)
        assert status == 401, headers
    assert post(servers.action_port, b"", "/actions", {})[0] == 401
    with urllib.request.urlopen(f"http://localhost:{servers.action_port}/health", timeout=5) as ok:
        assert ok.status == 200
    outward = [
        ip for ip in socket.gethostbyname_ex(socket.gethostname())[2] if not ip.startswith("127.")
    ]
    for ip in outward:
        with socket.socket() as probe:
            probe.settimeout(1)
            assert probe.connect_ex((ip, servers.action_port)) != 0, ip
    assert url  # the Rasa server itself gets through: every other test here depends on it


def site_origin(servers: Servers) -> str:
    return f"http://localhost:{servers.site_port}"


@pytest.mark.parametrize("name", sorted(BAD_TEXTS))
def test_every_bad_text_gets_a_clear_non_empty_reply_over_socketio(servers, name):
    session = uuid.uuid4().hex
    case = BAD_TEXTS[name]
    *_, reply = socketio_steps(
        servers.rasa_port,
        site_origin(servers),
        [
            ("session_request", {"session_id": session}),
            ("user_uttered", {"message": "hello", "session_id": session}),
            ("user_uttered", {"message": case.text, "session_id": session}),
        ],
    )
    said = "\n".join(m.get("text") or "" for m in reply if isinstance(m, dict))
    assert said.strip() and case.expect in said, (name, said[:300])
    assert case.forbid not in said, (name, said[:300])


@pytest.mark.parametrize(
    "data",
    [
        {"message": "is mediation free?", "session_id": "short"},
        {"message": "is mediation free?", "session_id": "../../etc/passwd" + "0" * 20},
        {"message": "is mediation free?"},
        "just a string",
        ["a", "list"],
    ],
)
def test_socketio_refuses_bad_session_ids_and_malformed_events_with_a_message(servers, data):
    [received] = socketio_steps(servers.rasa_port, site_origin(servers), [("user_uttered", data)])
    assert [m.get("text") for m in received] == [
        "Sorry, this chat lost its place. Please reload the page and ask again."
    ]


def test_socketio_gives_a_fresh_session_id_for_a_malformed_one(servers):
    import socketio

    async def go() -> List[str]:
        confirmed: List[str] = []
        client = socketio.AsyncClient()
        client.on("session_confirm", lambda sid: confirmed.append(sid))
        await client.connect(
            f"http://localhost:{servers.rasa_port}",
            transports=["websocket"],
            headers={"Origin": site_origin(servers)},
        )
        for asked in ("abc", None, 12, uuid.uuid4().hex):
            await client.emit("session_request", {"session_id": asked})
        for _ in range(50):
            if len(confirmed) == 4:
                break
            await asyncio.sleep(0.1)
        await client.disconnect()
        return confirmed

    confirmed = asyncio.run(go())
    assert len(confirmed) == 4 and all(len(c) == 32 for c in confirmed)
    assert "abc" not in confirmed and len(set(confirmed)) == 4


def test_socketio_refuses_other_origins(servers):
    import socketio

    async def go() -> bool:
        client = socketio.AsyncClient()
        try:
            await client.connect(
                f"http://localhost:{servers.rasa_port}",
                transports=["websocket"],
                headers={"Origin": "http://evil.example"},
            )
        except socketio.exceptions.ConnectionError:
            return False
        await client.disconnect()
        return True

    assert asyncio.run(go()) is False


def test_a_closed_websocket_leaves_no_traceback_in_the_log(servers):
    """Runs after the socket.io tests above: none of their connections, closed normally
    or after a refused message, may have left a traceback."""
    session = uuid.uuid4().hex
    socketio_steps(
        servers.rasa_port,
        site_origin(servers),
        [
            ("session_request", {"session_id": session}),
            ("user_uttered", {"message": "hello", "session_id": session}),
        ],
    )
    time.sleep(1)
    assert "Traceback" not in (servers.workdir / "rasa.log").read_text()


def test_site_sends_csp_frame_ancestors_nosniff_and_no_version_banner(servers, shared_site):
    site = shared_site  # the shared stack's site, on the port its Rasa server allows
    for path in ("/demo/", "/faq/", "/widget/iep-chat.js", "/faq.json"):
        with urllib.request.urlopen(site.url(path), timeout=10) as response:
            headers = response.headers
        csp = headers["Content-Security-Policy"]
        assert "frame-ancestors 'self'" in csp and "script-src 'self'" in csp
        assert f"http://localhost:{servers.rasa_port}" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert not (headers.get("Server") or "").strip()
        assert headers.get("Access-Control-Allow-Origin") is None
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(site.url("/../../etc/passwd"), timeout=10)
    assert missing.value.code == 404


def test_with_the_action_server_down_every_reply_is_the_apology_with_contacts_fast(servers, kb):
    """Last in this module: it stops the action server, then brings it back."""
    servers.actions.terminate()
    servers.actions.wait(timeout=30)
    try:
        for question in ("is mediation free?", "hello", "talk to a person", "tell me more"):
            started = time.perf_counter()
            said = texts(ask(servers, sender(), question))
            assert time.perf_counter() - started < 2
            assert said.startswith("Sorry, the assistant has a problem right now"), said[:200]
            assert kb.help_contacts[0].name in said
        session = uuid.uuid4().hex
        started = time.perf_counter()
        *_, reply = socketio_steps(
            servers.rasa_port,
            site_origin(servers),
            [
                ("session_request", {"session_id": session}),
                ("user_uttered", {"message": "do i need a lawyer", "session_id": session}),
            ],
        )
        said = "\n".join(m.get("text") or "" for m in reply)
        assert said.startswith("Sorry, the assistant has a problem right now"), said[:200]
        assert kb.help_contacts[0].name in said
        assert time.perf_counter() - started < 3  # connecting included
    finally:
        servers.start_actions()
    assert topics(ask(servers, sender(), "is mediation free?")) == ["cost"]
