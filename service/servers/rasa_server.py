"""Run the Rasa server as ``rasa run`` does, with the assistant's checks in front of it.

``rasa run`` cannot be told to check messages before NLU, to cap request bodies, to send
CORS without credentials for a list of origins, or to stay quiet about its version. This
entry point builds the same Sanic app from Rasa's own pieces (channels from the
credentials file, the agent loaded at start, the same endpoints file) and adds:

- ``channels.input_guard.GuardedHandler`` between every channel and the agent;
- a failed save raised to the guard, never kept in memory (``service.stores.strict_tracker_store``);
- Rasa's internals patched where it has no hook, all through ``rasa_ext.install`` (its
  docstring lists each one);
- bodies over ``MAX_BODY_BYTES`` refused with 413 before they are read whole;
- CORS and hardening headers from ``service.http.response_headers`` (origins: ``ALLOWED_ORIGINS``);
- no Rasa HTTP API (as ``rasa run`` without ``--enable-api``) and no version banner;
- log lines redacted (``service.privacy.redaction``) and old conversations deleted at start and
  daily (``service.privacy.retention``).

Usage: python -m service.servers.rasa_server --model models/iep.tar.gz --port 5005 \
           --endpoints endpoints.yml --credentials credentials.yml
"""

from __future__ import annotations

import os

# One BLAS thread per server, set before NumPy loads: the server answers many parents at
# once on few cores, and a second BLAS thread per embedding only adds contention. Measured
# by `make loadtest` under load: CPU per turn 59-62 ms with two threads, 42-45 ms with one.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import argparse  # noqa: E402
import logging  # noqa: E402
import warnings  # noqa: E402
from functools import partial  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any, Dict, Iterable, List, Optional, Sequence, Text  # noqa: E402

from sanic import Sanic, response  # noqa: E402
from sanic.request import Request  # noqa: E402
from sanic.response import HTTPResponse  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
MAX_BODY_BYTES = 64 * 1024
logger = logging.getLogger("service.servers.rasa_server")


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=str(REPO / "models" / "iep.tar.gz"))
    parser.add_argument("--port", type=int, default=5005)
    parser.add_argument("--interface", default=os.environ.get("RASA_INTERFACE", "0.0.0.0"))
    parser.add_argument("--endpoints", default=str(REPO / "endpoints.yml"))
    parser.add_argument("--credentials", default=str(REPO / "credentials.yml"))
    parser.add_argument("--log-level", default=os.environ.get("LOG_LEVEL", "INFO"))
    return parser.parse_args(argv)


def unavailable_text(app: Sanic) -> Text:
    """The apology with the help contacts: the Rasa server's own words, so it needs
    neither the action server nor the model's actions to say it."""
    from channels.input_guard import UNAVAILABLE_RESPONSE
    from knowledge_base import default as default_kb

    agent = getattr(app.ctx, "agent", None)
    responses = agent.domain.responses if agent is not None and agent.domain else {}
    variants = responses.get(UNAVAILABLE_RESPONSE) or [{}]
    apology = variants[0].get("text") or "Sorry, something went wrong on our side."
    return f"{apology}\n{default_kb().help_contacts_text()}"


async def tracker_events(
    app: Sanic, sender_id: Text, all_sessions: bool = False
) -> List[Dict[Text, Any]]:
    """The stored events of a conversation (as dicts): the recent part Rasa loads for a
    turn (the typed-payload and retry checks), or with ``all_sessions`` every event."""
    store = app.ctx.agent.tracker_store
    if all_sessions:
        tracker = await store.retrieve_full_tracker(sender_id)
    else:
        tracker = await store.retrieve(sender_id)
    return [event.as_dict() for event in tracker.events] if tracker else []


def register_channels(app: Sanic, channels: Iterable[Any], route: Text = "/webhooks/") -> None:
    """Rasa's ``channel.register``, with every message going through the input guard."""
    from channels.input_guard import GuardedHandler
    from rasa_ext.connectors import register

    async def handle_message(message: Any) -> None:
        await app.ctx.agent.handle_message(message)

    guard = GuardedHandler(
        handle_message,
        partial(tracker_events, app),
        partial(unavailable_text, app),
        all_events=partial(tracker_events, app, all_sessions=True),
    )
    app.ctx.guard = guard  # given the store's own request-id query at start (use_store)
    register(app, channels, guard, route)


def build_app(model: Text, endpoints_file: Text, credentials_file: Text) -> Sanic:
    import rasa.core.run
    from rasa.core.utils import AvailableEndpoints

    import rasa_ext
    from channels.app_settings import allowed_origins
    from service.http import response_headers
    from service.servers import degraded_actions
    from service.stores import strict_tracker_store

    app = Sanic("iep_assistant", configure_logging=False)
    app.config.REQUEST_MAX_SIZE = MAX_BODY_BYTES
    app.config.FALLBACK_ERROR_FORMAT = "json"

    @app.get("/")
    async def health(_: Request) -> HTTPResponse:
        return response.json({"status": "ok"})

    rasa_ext.install(
        wrap_action_run=degraded_actions.wrapper(partial(unavailable_text, app)),
        failsafe_save=strict_tracker_store.save,
    )
    endpoints = AvailableEndpoints.read_endpoints(endpoints_file)
    register_channels(app, rasa.core.run.create_http_input_channels(None, credentials_file))
    response_headers.install(app, allowed_origins(), skip_prefixes=("/socket.io",))
    app.register_listener(
        partial(rasa.core.run.load_agent_on_start, model, endpoints, None), "before_server_start"
    )
    app.register_listener(use_store, "after_server_start")
    app.register_listener(rasa.core.run.close_resources, "after_server_stop")
    return app


async def use_store(app: Sanic, _: Any) -> None:
    """Once the agent is loaded, find our store under Rasa's wrappers (once, not per turn):
    the retry check reads request ids with its query, and the conversations past the
    retention period are deleted now, then daily."""
    from contract.limits import retention_days
    from service.privacy import retention

    store = retention.windowed_store(app.ctx.agent.tracker_store)
    if store is None:
        logger.warning("retention.off: the tracker store cannot delete old conversations")
        return
    app.ctx.guard.use_request_ids(store.recent_request_ids)
    app.add_task(retention.run_daily(store, retention_days()))


class ClosedWebsocketFilter(logging.Filter):
    """Drops the traceback Sanic logs each time a socket.io websocket closes: python-engineio's
    Sanic handler returns nothing after a websocket ends, which Sanic 21.12 reports as
    "Invalid response type None". A normal event, not an error."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        return not (
            error is not None
            and "Invalid response type None" in str(error)
            and "/socket.io/" in record.getMessage()
        )


def configure_logging(level: Text) -> None:
    """Rasa's logging set-up, as ``rasa run`` does it (telemetry stays off), without the
    noise that buries real errors."""
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    numeric = logging.getLevelName(level.upper())
    configure_logging_and_warnings(numeric, None, warn_only_once=True, filter_repeated_logs=True)
    configure_structlog(numeric)
    for noisy in ("sanic.access", "engineio.server", "socketio.server", "websockets"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    logging.getLogger("sanic.error").addFilter(ClosedWebsocketFilter())
    from service.privacy.redaction import install_log_redaction

    install_log_redaction()


def main(argv: Optional[Sequence[str]] = None) -> None:
    args = parse_args(argv)
    warnings.filterwarnings("ignore", category=DeprecationWarning)  # libraries' own, at import
    configure_logging(args.log_level)
    app = build_app(args.model, args.endpoints, args.credentials)
    logger.info("Starting the assistant's Rasa server on %s:%s", args.interface, args.port)
    app.run(
        host=args.interface,
        port=args.port,
        workers=1,
        access_log=False,
        backlog=int(os.environ.get("SANIC_BACKLOG", "100")),
    )


if __name__ == "__main__":
    main()
