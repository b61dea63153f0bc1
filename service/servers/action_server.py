"""Run the action server (rasa-sdk's own app) bound to localhost and behind a shared secret.

``rasa run actions`` listens on every interface and lets anyone call ``/webhook``. Here:
- it binds ``ACTION_SERVER_HOST`` (default 127.0.0.1: only the Rasa server on this
  machine needs it);
- every request but ``GET /health`` must carry ``Authorization: Bearer <ACTION_SERVER_TOKEN>``,
  which endpoints.yml makes the Rasa server send; without a token set, it refuses to start
  on anything but localhost;
- its log lines are redacted (``service.privacy.redaction``), like the Rasa server's.

Usage: ACTION_SERVER_TOKEN=... python -m service.servers.action_server --port 5055
"""

from __future__ import annotations

import argparse
import hmac
import logging
import os
import sys
from typing import Optional, Sequence

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

OPEN_PATHS = frozenset({"/health"})
logger = logging.getLogger("service.servers.action_server")


def token_is_valid(header: str, token: str) -> bool:
    """Constant-time check of ``Authorization: Bearer <token>``."""
    scheme, _, given = (header or "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip(), token)


def require_token(app: Sanic, token: str) -> None:
    @app.on_request
    async def check(request: Request) -> Optional[HTTPResponse]:
        if request.path in OPEN_PATHS:
            return None
        if not token_is_valid(request.headers.get("authorization", ""), token):
            logger.warning("action_server.refused path=%s from=%s", request.path, request.ip)
            return response.json({"error": "unauthorized"}, status=401)
        return None


def build_app(token: str) -> Sanic:
    from rasa_sdk.endpoint import create_app

    from service.http import response_headers

    app = create_app("actions", cors_origins=None)
    app.config.FALLBACK_ERROR_FORMAT = "json"
    if token:
        require_token(app, token)
    response_headers.install(app, origins=[])
    return app


def main(argv: Optional[Sequence[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=5055)
    parser.add_argument("--host", default=os.environ.get("ACTION_SERVER_HOST", "127.0.0.1"))
    args = parser.parse_args(argv)
    token = os.environ.get("ACTION_SERVER_TOKEN", "")
    if not token and args.host not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("action server: set ACTION_SERVER_TOKEN before listening on " + args.host)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("sanic.access").setLevel(logging.WARNING)
    from service.privacy.redaction import install_log_redaction

    install_log_redaction()  # no log line keeps a parent's contact details
    app = build_app(token)
    logger.info(
        "Action server on %s:%s (token %s)",
        args.host,
        args.port,
        "required" if token else "not set: localhost only",
    )
    app.run(host=args.host, port=args.port, workers=1, access_log=False)


if __name__ == "__main__":
    main()
