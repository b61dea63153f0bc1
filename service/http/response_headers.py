"""The HTTP headers every server of the assistant sends: CORS and hardening.

One place decides ``Access-Control-Allow-Origin``: a browser refuses a response that
carries two (that is how the FAQ search once failed in every browser while its HTTP
test passed). Credentials are never allowed: nothing here uses cookies.
"""

from __future__ import annotations

from typing import Iterable, Sequence

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

HARDENING = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
PREFLIGHT = {
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type",
    "Access-Control-Max-Age": "600",
}


def allowed_origin(origin: str, origins: Sequence[str]) -> str:
    """The value for ``Access-Control-Allow-Origin``, or "" when this origin is not allowed."""
    if "*" in origins:
        return "*"
    return origin if origin and origin.rstrip("/") in origins else ""


def install(
    app: Sanic,
    origins: Sequence[str],
    skip_prefixes: Iterable[str] = (),
    extra: Iterable[tuple] = (),
) -> None:
    """Add CORS for ``origins`` and the hardening headers to every response of ``app``;
    paths under ``skip_prefixes`` set their own CORS (socket.io does)."""
    origins = [o.rstrip("/") for o in origins]
    skipped = tuple(skip_prefixes)
    extra_headers = dict(extra)

    @app.on_request
    async def preflight(request: Request) -> HTTPResponse | None:
        if request.method == "OPTIONS" and not request.path.startswith(skipped):
            return response.empty(status=204)
        return None

    @app.on_response
    async def headers(request: Request, resp: HTTPResponse) -> None:
        for name, value in {**HARDENING, **extra_headers}.items():
            resp.headers.setdefault(name, value)
        resp.headers.pop("Server", None)
        if request.path.startswith(skipped):
            return
        resp.headers.pop("Access-Control-Allow-Origin", None)
        resp.headers.pop("Access-Control-Allow-Credentials", None)
        value = allowed_origin(request.headers.get("origin", ""), origins)
        resp.headers["Vary"] = "Origin"
        if value:
            resp.headers["Access-Control-Allow-Origin"] = value
            if request.method == "OPTIONS":
                resp.headers.update(PREFLIGHT)
