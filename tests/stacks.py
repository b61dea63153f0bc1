"""Server stacks that several test modules share (fixtures; tests/conftest.py offers them).

Starting the action server and the Rasa server (the model's load) costs 6-10 s, so a module
that needs no settings of its own uses the session's default stack instead of starting one;
its tests stay apart by using a conversation id (sender, session id) of their own. Under
pytest-xdist each worker has its own session, so its own stacks. A module that needs other
settings (an SMTP inbox, another public URL, a messaging app, an empty store) starts its own.
"""

from __future__ import annotations

from typing import Any, Iterator, Tuple

import pytest

import harness.servers
from harness.servers import Servers, Site

# The harness's environment before any module patched it (some patch it for their own
# stack while their tests run): a shared stack must start with the defaults.
DEFAULT_ENV = dict(harness.servers.ENV)


def _check_default_env() -> None:
    changed = sorted(
        k
        for k in DEFAULT_ENV.keys() | harness.servers.ENV.keys()
        if DEFAULT_ENV.get(k) != harness.servers.ENV.get(k)
    )
    if changed:
        raise RuntimeError(f"a shared stack would start with {changed} changed by a module")


@pytest.fixture(scope="session")
def _session_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    _check_default_env()
    running = Servers(tmp_path_factory.mktemp("shared-stack"))
    yield running
    running.stop()


@pytest.fixture
def shared_servers(_session_servers: Servers) -> Servers:
    """The session's action server and Rasa server, default settings, both up: a test
    before may have stopped one (and failed before starting it again)."""
    _session_servers.ensure_running()
    return _session_servers


@pytest.fixture(scope="session")
def shared_site(
    _session_servers: Servers, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    """The built site on the shared stack's site port (the origin its Rasa server allows)."""
    _check_default_env()
    site = Site(
        tmp_path_factory.mktemp("shared-site"),
        _session_servers.rasa_port,
        _session_servers.site_port,
    )
    yield site
    site.stop()


@pytest.fixture(scope="session")
def shared_twilio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tuple[Servers, Any]]:
    """A stack with Twilio on, its API a local fake (``harness.fake_apps``): the SMS tests
    of test_messaging_twilio and test_fallback_e2e (one xdist group, so one worker)."""
    from harness.fake_apps import running_app
    from harness.twilio_webhook import APP_ENV

    _check_default_env()
    yield from running_app(tmp_path_factory.mktemp("shared-twilio"), APP_ENV)


@pytest.fixture(scope="session")
def insights_filled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    """A stack of its own whose store holds exactly the insights script's conversations
    (``run_script``): what the report tests of test_insights_e2e and the insights page
    of tests/browser read (one xdist group, so one worker)."""
    from tests.e2e.test_insights_e2e import run_script

    _check_default_env()
    servers = Servers(tmp_path_factory.mktemp("insights"))
    try:
        run_script(servers)
        yield servers
    finally:
        servers.stop()


# Modules that share a session stack other than the default one: one xdist work unit each,
# so that the stack starts once (see pytest_xdist_make_scheduler in tests/conftest.py).
SHARED_STACK_GROUPS = {
    "tests/e2e/test_messaging_twilio.py": "shared_twilio",
    "tests/e2e/test_fallback_e2e.py": "shared_twilio",
    "tests/e2e/test_insights_e2e.py": "insights_filled",
    "tests/browser/test_insights_page.py": "insights_filled",
}
