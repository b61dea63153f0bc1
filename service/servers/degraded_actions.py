"""When the action server cannot answer, the Rasa server answers for it.

Rasa logs a failed custom action with a traceback, drops its events and lets the turn
go on: the parent gets nothing, or Rasa's generic "something went wrong" from the
fallback. Installed by ``service/servers/rasa_server.py``, this wraps ``RemoteAction.run`` so that
a failed call becomes one log line and, instead of the action's reply, a short apology
with the help contacts (fixed text the Rasa server holds itself). A failed
``action_session_start`` falls back to Rasa's built-in session start, so the
conversation still starts and keeps its slots.

A hung action server (stopped with SIGSTOP, deadlocked, its machine swapping) accepts the
connection and never answers; Rasa would wait 300 s (``DEFAULT_REQUEST_TIMEOUT``) and the
parent would get silence. So each call waits at most ``ACTION_TIMEOUT_SECONDS`` (the Rasa
server's environment; default 6, a malformed, non-finite or non-positive value means the
default). 6 s: far above a normal action (milliseconds; the callback e-mail, sent inside
its action, at most about 4 s, see ``actions/handoff_mail.py``), and below the widget's
10 s "this is taking longer" note. A call past it is cancelled (aiohttp closes its
connection: no request is left pending), logged as one line with the conversation's log
tag, the action and the seconds (never message text), and answered like a failed one.

While the action server is known to hang (a call timed out and nothing has answered
since), each later call first asks its ``GET /health`` (open without the token), waiting at
most ``PROBE_SECONDS``: no answer means the apology at once, one log line; any answer means
it is back, and the call goes ahead as usual. The conversation whose call just timed out
skips the probe for ``PROBE_SECONDS``, so a turn that needs two calls (a new conversation's
session start, then the answer) waits one timeout, not two. So the first parent waits
``ACTION_TIMEOUT_SECONDS``, the next ones about a second, and the first call after the
action server resumes is answered normally.

The wrapper is installed by ``rasa_ext.install`` (``rasa_ext/actions.py`` holds the
patch of ``RemoteAction.run``; its table lists what a Rasa upgrade must re-check).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import math
import os
import time
from typing import Any, Callable, Dict, List, Mapping, Optional, Text, Tuple
from urllib.parse import urlsplit, urlunsplit

import aiohttp
from rasa.core.actions.action import ActionExecutionRejection, ActionSessionStart, RemoteAction
from rasa.shared.core.events import BotUttered, Event
from rasa.shared.exceptions import RasaException
from rasa.utils.endpoints import EndpointConfig

from contract.conversations import log_tag
from rasa_ext.actions import Run, action_endpoint

logger = logging.getLogger(__name__)
SESSION_START = "action_session_start"
TIMEOUT_VARIABLE = "ACTION_TIMEOUT_SECONDS"
DEFAULT_TIMEOUT = 6.0
PROBE_SECONDS = 1.0  # how long a hung action server's /health may take to show it is back


def action_timeout(env: Mapping[str, str] = os.environ) -> float:
    """``ACTION_TIMEOUT_SECONDS`` in seconds; the default when unset, malformed, non-finite
    or not positive."""
    raw = env.get(TIMEOUT_VARIABLE)
    if raw is None or not raw.strip():
        return DEFAULT_TIMEOUT
    try:
        seconds = float(raw)
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and seconds > 0):
        logger.warning(
            "action.timeout_misconfigured %s is not a positive number of seconds: using %g",
            TIMEOUT_VARIABLE,
            DEFAULT_TIMEOUT,
        )
        return DEFAULT_TIMEOUT
    return seconds


def _health_endpoint(endpoint: EndpointConfig) -> EndpointConfig:
    """``GET /health`` on the action server's host, with the same TLS settings."""
    parts = urlsplit(endpoint.url)
    return EndpointConfig(
        urlunsplit((parts.scheme, parts.netloc, "/health", "", "")), cafile=endpoint.cafile
    )


async def _answers(endpoint: EndpointConfig) -> bool:
    """False only when the action server takes the request and says nothing within
    ``PROBE_SECONDS`` (it hangs); any answer, even an error, or a refused connection is
    left to the real call."""
    try:
        await _health_endpoint(endpoint).request(
            method="get", timeout=aiohttp.ClientTimeout(total=PROBE_SECONDS)
        )
    except asyncio.TimeoutError:  # aiohttp's timeouts included
        return False
    except Exception:  # an error answer, a refused connection: the real call handles it
        return True
    return True


def guard(original: Run, apology: Callable[[], Text], timeout: float) -> Run:
    """``original`` (``RemoteAction.run``) with a time limit, the apology instead of a
    failure, and the fast path while the action server hangs."""
    # action server URL -> when a call to it timed out, and for which conversation
    hung_since: Dict[str, Tuple[float, Text]] = {}

    async def fallback(
        action: RemoteAction, output_channel: Any, nlg: Any, tracker: Any, domain: Any
    ) -> List[Event]:
        if action.name() == SESSION_START:
            return await ActionSessionStart().run(output_channel, nlg, tracker, domain)
        return [BotUttered(apology())]

    async def still_hung(endpoint: Optional[EndpointConfig], sender: Text) -> bool:
        if endpoint is None or endpoint.url not in hung_since:
            return False
        since, timed_out_for = hung_since[endpoint.url]
        same_turn = sender == timed_out_for and time.monotonic() - since < PROBE_SECONDS
        if same_turn or not await _answers(endpoint):
            return True
        hung_since.pop(endpoint.url, None)
        logger.warning(
            "action.server_back the action server answers again after %.1fs",
            time.monotonic() - since,
        )
        return False

    async def run(
        self: RemoteAction, output_channel: Any, nlg: Any, tracker: Any, domain: Any
    ) -> List[Event]:
        endpoint = action_endpoint(self)
        if await still_hung(endpoint, tracker.sender_id):
            logger.error(
                "action.skipped conversation=%s action=%s: the action server is not answering",
                log_tag(tracker.sender_id),
                self.name(),
            )
            return await fallback(self, output_channel, nlg, tracker, domain)
        try:
            return await asyncio.wait_for(
                original(self, output_channel, nlg, tracker, domain), timeout
            )
        except ActionExecutionRejection:
            raise  # another policy may pick a different action: Rasa's normal path
        except asyncio.TimeoutError:
            if endpoint is not None:
                hung_since[endpoint.url] = (time.monotonic(), tracker.sender_id)
            logger.error(
                "action.timeout conversation=%s action=%s: no answer from the action server "
                "within %gs",
                log_tag(tracker.sender_id),
                self.name(),
                timeout,
            )
        except RasaException as error:
            logger.error(
                "action.failed conversation=%s action=%s: %s",
                log_tag(tracker.sender_id),
                self.name(),
                str(error).splitlines()[0][:200],
            )
        return await fallback(self, output_channel, nlg, tracker, domain)

    return functools.wraps(original)(run)


def wrapper(apology: Callable[[], Text], timeout: Optional[float] = None) -> Callable[[Run], Run]:
    """What ``rasa_ext.install`` wraps ``RemoteAction.run`` with: ``apology`` gives the text
    to send instead, and each call waits at most ``timeout`` seconds (default:
    ``action_timeout()``, read when ``RemoteAction.run`` is wrapped)."""

    def wrap(original: Run) -> Run:
        return guard(original, apology, action_timeout() if timeout is None else timeout)

    return wrap
