"""Every Rasa internal the project touches is fenced in ``rasa_ext`` and pinned here.

A Rasa upgrade that renames, re-signs or stops calling one of them fails here, with a
message naming the ``rasa_ext`` entry to revisit (its table is in ``rasa_ext/__init__.py``
and in docs/architecture.md). Signatures are read from Rasa's source (``ast``), so a
method patched at start-up by another test is still compared as Rasa wrote it.
"""

from __future__ import annotations

import ast
import asyncio
import importlib.util
import json
import os
import re
import subprocess
import sys
from functools import lru_cache
from pathlib import Path
from typing import List, NamedTuple, Optional

import pytest
import rasa
from rasa.core.tracker_store import (
    AwaitableTrackerStore,
    FailSafeTrackerStore,
    InMemoryTrackerStore,
    SQLTrackerStore,
)
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet, UserUttered

import rasa_ext
from rasa_ext import actions, connectors, nlu, stores

REPO = Path(__file__).resolve().parents[3]
DOCS = REPO / "docs" / "architecture.md"


class Pin(NamedTuple):
    """A Rasa function we patch, override or call: where it is, the parameters it must
    have, the methods of Rasa that must still call it (for an override to take effect),
    and the rasa_ext entry that depends on it."""

    module: str
    qualname: str
    parameters: List[str]
    called_by: List[str]
    ours: str


PINS = [
    Pin(
        "rasa.core.actions.action",
        "RemoteAction.run",
        ["self", "output_channel", "nlg", "tracker", "domain"],
        [],
        "actions.wrap_remote_action_run",
    ),
    Pin(
        "rasa.core.actions.action",
        "RemoteAction._validate_action_result",
        ["self", "result"],
        ["RemoteAction.run"],
        "actions.use_cached_validation",
    ),
    Pin(
        "rasa.core.actions.action",
        "RemoteAction.__init__",
        ["self", "name", "action_endpoint"],
        [],
        "actions.action_endpoint",
    ),
    Pin(
        "rasa.core.tracker_store",
        "FailSafeTrackerStore.save",
        ["self", "tracker"],
        [],
        "stores.replace_failsafe_save",
    ),
    Pin(
        "rasa.core.tracker_store",
        "SQLTrackerStore._additional_events",
        ["self", "session", "tracker"],
        ["SQLTrackerStore.save"],
        "stores.SQLStoreHooks",
    ),
    Pin(
        "rasa.shared.core.events",
        "Event._from_parameters",
        ["cls", "parameters"],
        ["Event.from_parameters"],
        "stores.event_from_parameters",
    ),
    Pin(
        "rasa.core.lock_store",
        "LockStore._acquire_lock",
        ["self", "conversation_id", "ticket", "wait_time_in_seconds"],
        ["LockStore.lock"],
        "stores.LockStoreHooks",
    ),
    Pin(
        "rasa.core.channels.channel",
        "register",
        ["input_channels", "app", "route"],
        [],
        "connectors.register",
    ),
    Pin(
        "rasa.core.channels.socketio",
        "SocketIOOutput._send_message",
        ["self", "socket_id", "response"],
        ["SocketIOOutput.send_text_message", "SocketIOOutput.send_text_with_buttons"],
        "connectors.SocketIOOutputHooks",
    ),
    Pin(
        "rasa.core.channels.twilio",
        "TwilioOutput._send_message",
        ["self", "message_data"],
        ["TwilioOutput.send_image_url", "TwilioOutput.send_custom_json"],
        "connectors.TwilioOutputHooks",
    ),
    Pin(
        "rasa.core.channels.slack",
        "SlackBot._post_message",
        ["self", "channel", "**kwargs"],
        ["SlackBot.send_text_message", "SlackBot.send_image_url", "SlackBot.send_custom_json"],
        "connectors.SlackBotHooks",
    ),
    Pin(
        "rasa.core.channels.slack",
        "SlackInput._is_interactive_message",
        ["payload"],
        [],
        "connectors.slack_button_text",
    ),
    Pin(
        "rasa.core.channels.slack",
        "SlackInput._get_interactive_response",
        ["action"],
        [],
        "connectors.slack_button_text",
    ),
    Pin(
        "rasa.core.channels.slack",
        "SlackInput._sanitize_user_message",
        ["text", "uids_to_remove"],
        [],
        "connectors.slack_clean_text",
    ),
    Pin(
        "rasa.core.channels.slack",
        "SlackInput._is_supported_channel",
        ["self", "slack_event", "metadata"],
        [],
        "connectors.slack_channel_supported",
    ),
    Pin(
        "rasa.core.channels.slack",
        "SlackInput._get_conversation_id",
        ["self", "sender_id", "channel_id", "thread_id"],
        [],
        "connectors.slack_conversation_id",
    ),
    Pin(
        "rasa.core.channels.facebook",
        "Messenger._handle_user_message",
        ["self", "text", "sender_id", "metadata"],
        ["Messenger.message", "Messenger.postback"],
        "connectors.MessengerHooks",
    ),
    Pin(
        "rasa.core.channels.facebook",
        "Messenger._is_quick_reply_message",
        ["message"],
        [],
        "connectors.is_quick_reply",
    ),
    Pin(
        "rasa.core.channels.facebook",
        "MessengerBot._add_postback_info",
        ["buttons"],
        [],
        "connectors.add_postback_info",
    ),
    Pin(
        "rasa.core.channels.telegram",
        "TelegramOutput.__init__",
        ["self", "access_token"],
        [],
        "connectors.init_telegram_output",
    ),
]

# Private attributes read or set (not functions), pinned by behaviour below.
PRIVATE_ATTRIBUTES = ["_tracker_store", "_identifier"]


def private_names() -> List[str]:
    """Every private Rasa name the project may touch only inside rasa_ext."""
    names = {p.qualname.split(".")[-1] for p in PINS} | set(PRIVATE_ATTRIBUTES)
    return sorted(n for n in names if n.startswith("_") and not n.startswith("__"))


@lru_cache(maxsize=None)
def rasa_source(module: str) -> ast.Module:
    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.origin, module
    return ast.parse(Path(spec.origin).read_text(encoding="utf-8"))


def find_def(module: str, qualname: str) -> Optional[ast.AST]:
    """The ``def`` of ``Class.method`` or ``function`` in Rasa's source, as written."""
    scope: List[ast.stmt] = rasa_source(module).body
    *classes, name = qualname.split(".")
    for class_name in classes:
        found = [n for n in scope if isinstance(n, ast.ClassDef) and n.name == class_name]
        if not found:
            return None
        scope = found[0].body
    defs = [n for n in scope if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    return next((d for d in defs if d.name == name), None)


def parameters_of(node: ast.AST) -> List[str]:
    assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    args = node.args
    names = [a.arg for a in args.posonlyargs + args.args + args.kwonlyargs]
    if args.vararg:
        names.append("*" + args.vararg.arg)
    if args.kwarg:
        names.append("**" + args.kwarg.arg)
    return names


def revisit(pin: Pin) -> str:
    return (
        f"Rasa {rasa.__version__} changed {pin.module}.{pin.qualname}: revisit "
        f"rasa_ext.{pin.ours} (checked against Rasa {rasa_ext.CHECKED_AGAINST_RASA})"
    )


def test_rasa_is_the_version_the_fence_was_checked_against():
    assert rasa.__version__ == rasa_ext.CHECKED_AGAINST_RASA, (
        f"Rasa is now {rasa.__version__}: re-check every row of rasa_ext's table, then "
        "update CHECKED_AGAINST_RASA there and in docs/architecture.md"
    )


@pytest.mark.parametrize("pin", PINS, ids=lambda p: p.qualname)
def test_each_rasa_function_we_touch_keeps_its_signature(pin: Pin):
    node = find_def(pin.module, pin.qualname)
    assert node is not None, revisit(pin) + " (it is gone)"
    assert parameters_of(node) == pin.parameters, revisit(pin)


@pytest.mark.parametrize(
    "pin", [p for p in PINS if p.called_by], ids=lambda p: p.qualname.split(".")[-1]
)
def test_rasa_still_calls_each_private_method_we_override(pin: Pin):
    name = pin.qualname.split(".")[-1]
    for caller in pin.called_by:
        node = find_def(pin.module, caller)
        assert node is not None, revisit(pin) + f" ({caller} is gone)"
        called = {
            n.func.attr
            for n in ast.walk(node)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
        }
        assert name in called, revisit(pin) + f" ({caller} no longer calls {name})"


def test_the_private_methods_we_route_through_rasa_ext_are_the_pinned_ones():
    """Every override in a hook class is pinned (so none is added without a pin)."""
    overridden = {
        name
        for hook in (
            stores.SQLStoreHooks,
            stores.LockStoreHooks,
            connectors.SocketIOOutputHooks,
            connectors.TwilioOutputHooks,
            connectors.SlackBotHooks,
            connectors.MessengerHooks,
        )
        for name in vars(hook)
        if name.startswith("_") and not name.startswith("__")
    }
    assert overridden <= set(private_names())


# Behaviour of what is read or set rather than called.


def test_failsafe_and_awaitable_stores_keep_their_primary_in_tracker_store():
    primary = InMemoryTrackerStore(Domain.empty())
    assert stores.wrapped_store(FailSafeTrackerStore(primary)) is primary
    assert stores.wrapped_store(AwaitableTrackerStore(primary)) is primary
    assert stores.wrapped_store(primary) is None


def test_event_from_parameters_builds_the_same_event_as_rasa():
    for event in (SlotSet("us_state", "PA"), UserUttered("hello", {"name": "greet"})):
        data = event.as_dict()
        assert stores.event_from_parameters(type(event), data) == type(event).from_parameters(data)


def test_unsaved_events_default_is_rasas_count(tmp_path):
    store = type("Store", (stores.SQLStoreHooks,), {})(
        Domain.empty(), dialect="sqlite", db=str(tmp_path / "t.db")
    )
    tracker = store.init_tracker("rest:a")
    tracker.update(UserUttered("hi"))
    asyncio.run(SQLTrackerStore.save(store, tracker))  # Rasa's save goes through the hook
    tracker.update(UserUttered("again"))
    with store.session_scope() as session:
        assert [e.text for e in store.unsaved_events(session, tracker)] == ["again"]


def test_lock_store_hook_is_what_rasas_lock_waits_with():
    calls = []

    class Store(stores.LockStoreHooks, type(rasa_lock_store())):
        async def acquire_lock(self, conversation_id, ticket, wait_time_in_seconds):
            calls.append(conversation_id)
            return await super().acquire_lock(conversation_id, ticket, wait_time_in_seconds)

    async def take() -> None:
        async with Store().lock("rest:a", wait_time_in_seconds=0.01):
            pass

    asyncio.run(take())
    assert calls == ["rest:a"]


def test_the_cluster_lock_store_waits_with_its_own_acquire_lock(tmp_path, monkeypatch):
    """SafeRedisLockStore's renewing wait is what Rasa's ``lock`` runs (a real Redis)."""
    import shutil
    import time

    from harness.ports import free_port
    from service.stores.lock_store import SafeRedisLockStore

    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    port = free_port()
    redis = subprocess.Popen(
        ["redis-server", "--port", str(port), "--save", "", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    try:
        store = SafeRedisLockStore(host="127.0.0.1", port=port)
        for _ in range(100):
            try:
                store.red.ping()
                break
            except Exception:  # noqa: BLE001 - not listening yet
                time.sleep(0.05)
        waited = []
        original = SafeRedisLockStore.acquire_lock

        async def spy(self, conversation_id, ticket, wait_time_in_seconds):
            waited.append(ticket)
            return await original(self, conversation_id, ticket, wait_time_in_seconds)

        monkeypatch.setattr(SafeRedisLockStore, "acquire_lock", spy)

        async def take() -> None:
            async with store.lock("rest:a", wait_time_in_seconds=0.01):
                assert store.get_lock("rest:a") is not None

        asyncio.run(take())
        assert waited == [0] and store.get_lock("rest:a") is None
    finally:
        redis.terminate()
        redis.wait(timeout=10)


def rasa_lock_store():
    from rasa.core.lock_store import InMemoryLockStore

    return InMemoryLockStore()


def test_action_endpoint_is_read_from_the_action():
    from rasa.core.actions.action import RemoteAction
    from rasa.utils.endpoints import EndpointConfig

    endpoint = EndpointConfig("http://localhost:5055/webhook")
    assert actions.action_endpoint(RemoteAction("action_x", endpoint)) is endpoint


def test_cached_action_result_validation_accepts_and_rejects_like_rasa():
    from jsonschema import ValidationError
    from rasa.core.actions.action import RemoteAction

    action = RemoteAction("action_answer_topic", None)
    good = {
        "events": [{"event": "slot", "name": "last_topic", "value": "cost"}],
        "responses": [{"text": "Mediation is free for you."}],
    }
    assert actions.validate_action_result(action, good) is True
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        actions.validate_action_result(action, {"events": [{"event": "no_such_event"}]})


def test_the_rasa_server_installs_the_cached_validation(monkeypatch):
    from rasa.core.actions.action import RemoteAction

    from service.servers.rasa_server import build_app

    monkeypatch.setenv("ACTION_SERVER_TOKEN", "test-token")
    build_app("models/iep.tar.gz", "endpoints.yml", "credentials.yml")
    assert RemoteAction._validate_action_result is actions.validate_action_result


INSTALL_PROBE = """
import json
from rasa.core.actions.action import RemoteAction
from rasa.core.tracker_store import FailSafeTrackerStore
import rasa_ext

def wrap(original):
    async def run(*args):
        return await original(*args)
    return run

async def save(primary, tracker):
    pass

before = RemoteAction.run
rasa_ext.install(wrap_action_run=wrap, failsafe_save=save)
first = (RemoteAction.run, FailSafeTrackerStore.save, RemoteAction._validate_action_result)
rasa_ext.install(wrap_action_run=wrap, failsafe_save=save)
second = (RemoteAction.run, FailSafeTrackerStore.save, RemoteAction._validate_action_result)
print(json.dumps({
    "patched": RemoteAction.run is not before and RemoteAction.run.__name__ == "run",
    "idempotent": first == second,
    "cached": RemoteAction._validate_action_result.__module__ == "rasa_ext.actions",
}))
"""


def test_install_patches_once_and_a_second_call_changes_nothing():
    """In a fresh process: install patches Rasa, and calling it again keeps the first."""
    result = subprocess.run(
        [sys.executable, "-c", INSTALL_PROBE],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "patched": True,
        "idempotent": True,
        "cached": True,
    }


def test_socketio_engine_takes_our_settings():
    from rasa.core.channels.socketio import SocketIOInput

    channel = SocketIOInput()

    async def handler(_message) -> None:
        return None

    channel.blueprint(handler)
    sio = channel.sio
    connectors.configure_socketio_engine(sio, ["https://example.org"], 4096)
    assert sio.eio.cors_allowed_origins == ["https://example.org"]
    assert sio.eio.cors_credentials is False
    assert sio.eio.max_http_buffer_size == 4096


def test_slack_helpers_read_messages_as_rasa_does():
    click = {"actions": [{"type": "button", "value": "/choose_option"}]}
    assert connectors.slack_button_text(click) == "/choose_option"
    assert connectors.slack_button_text({"actions": [{"type": "unknown"}]}) is None
    assert connectors.slack_clean_text("<@U1> hello", ["U1"]) == "hello"


def test_messenger_helpers_read_and_fill_as_rasa_does():
    tap = {"message": {"text": "Yes", "quick_reply": {"payload": "/affirm"}}}
    assert connectors.is_quick_reply(tap)
    assert not connectors.is_quick_reply({"message": {"text": "Yes"}})
    buttons = [{"title": "Yes", "payload": "/affirm"}]
    connectors.add_postback_info(buttons)
    assert buttons[0]["type"] == "postback"


def test_messenger_client_url_is_replaced_in_its_host_part():
    from fbmessenger import MessengerClient

    client = MessengerClient("token")
    version = client.api_version
    connectors.point_messenger_at(client, "http://127.0.0.1:9/")
    assert client.graph_url == f"http://127.0.0.1:9/v{version}"


def test_twilio_and_slack_clients_take_our_base_url():
    from rasa.core.channels.slack import SlackBot
    from rasa.core.channels.twilio import TwilioOutput
    from slack_sdk.web.async_client import AsyncWebClient

    twilio = TwilioOutput("AC123", "token", "+15550000000")
    http_client = object()
    connectors.point_twilio_at(twilio, http_client, "http://127.0.0.1:9/")
    assert twilio.http_client is http_client and twilio.api.base_url == "http://127.0.0.1:9"
    bot = SlackBot("xoxb-test")
    client = AsyncWebClient("xoxb-test", base_url="http://127.0.0.1:9/api/")
    connectors.use_slack_client(bot, client)
    assert bot.client is client


def test_telegram_output_takes_a_server_and_a_timeout():
    from aiogram.bot.api import TelegramAPIServer
    from rasa.core.channels.telegram import TelegramOutput

    output = TelegramOutput.__new__(TelegramOutput)
    server = TelegramAPIServer.from_base("http://127.0.0.1:9")
    connectors.init_telegram_output(output, "123:abc", server, 3.0)
    assert output.server is server and output.timeout.total == 3.0


def test_featurizer_origin_is_its_name_or_alias():
    from nlu_components.minilm_featurizer import MiniLMFeaturizer

    config = {**MiniLMFeaturizer.get_default_config()}
    featurizer = MiniLMFeaturizer(config, "minilm", encoder=object())  # type: ignore[arg-type]
    assert nlu.feature_origin(featurizer) == "minilm"


# The fence: no module outside rasa_ext names one of these private attributes.

SKIP_DIRS = {".venv", "node_modules", "build", "var", "models", ".git", "rasa_ext"}


def project_sources() -> List[Path]:
    """The project's Python files (not the virtualenv, build output or rasa_ext)."""
    found = []
    for folder, subfolders, files in os.walk(REPO):
        subfolders[:] = [d for d in subfolders if d not in SKIP_DIRS]
        found += [Path(folder) / f for f in files if f.endswith(".py")]
    return [path for path in found if path != Path(__file__).resolve()]


def test_no_module_outside_rasa_ext_names_a_fenced_private_attribute():
    pattern = re.compile(r"(?<![\w])(" + "|".join(map(re.escape, private_names())) + r")\b")
    found = [
        f"{path.relative_to(REPO)}:{number}: {line.strip()}"
        for path in project_sources()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert found == [], "use rasa_ext's functions and hook classes instead:\n" + "\n".join(found)


def test_no_module_outside_rasa_ext_replaces_a_rasa_attribute():
    """``SomeRasaClass.name = ...`` (a monkeypatch) only in rasa_ext."""
    patch = re.compile(r"^\s*(RemoteAction|FailSafeTrackerStore|\w*TrackerStore|\w*Output)\.\w+ =")
    found = [
        f"{path.relative_to(REPO)}:{number}"
        for path in project_sources()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if patch.search(line)
    ]
    assert found == []


def test_the_table_lists_every_pinned_name_in_the_docstring_and_the_docs():
    doc = rasa_ext.__doc__ or ""
    architecture = DOCS.read_text(encoding="utf-8")
    assert "Rasa internals we touch" in architecture
    for pin in PINS:
        if pin.qualname.endswith("__init__") and pin.ours == "actions.action_endpoint":
            name = "RemoteAction.action_endpoint"
        else:
            name = pin.qualname
        assert name in doc, f"{name} missing from rasa_ext's table"
        assert name in architecture, f"{name} missing from docs/architecture.md's table"
    for attribute in PRIVATE_ATTRIBUTES:
        assert attribute in doc and attribute in architecture
    assert f"Rasa {rasa_ext.CHECKED_AGAINST_RASA}" in doc
    assert f"Rasa {rasa_ext.CHECKED_AGAINST_RASA}" in architecture
