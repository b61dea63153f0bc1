"""Serve the built site (demo pages, widget, FAQ) on its own port, with a strict CSP.

The FAQ page is served here, not by the Rasa server, so it still opens, and its search
falls back to a text match, when the assistant is down. Sanic (already installed with
Rasa) rather than ``http.server``: async, and no version banner.

Headers on every response: a Content-Security-Policy that allows scripts, styles and
frames only from this site and connections only to it and the assistant
(``--rasa-url``), ``frame-ancestors 'self'``, ``nosniff``, no referrer.

Request bodies are limited to ``MAX_BODY_BYTES`` (8 KB, not Sanic's default 100 MB): the
site's only form that posts is the insights sign-in (one token; the period picker uses GET).
A bigger body gets 413 before it is read: at once from its ``Content-Length``, or as soon
as a chunked one passes the limit.

Text files go out compressed (brotli or gzip, as the browser accepts; ``file_cache``) with
an ETag, and a repeat request with ``If-None-Match`` gets an empty 304. Pages and
``faq.json`` are revalidated on every use (``no-cache``: they change with the knowledge
base); the widget, the vendored client and the FAQ's CSS and JS may be reused for
``SHORT_MAX_AGE`` seconds, so an edit reaches the sites that embed the widget within minutes.

Usage: python -m webapp.server --root build/site --port 8080 --rasa-url http://localhost:5005
"""

from __future__ import annotations

import argparse
import mimetypes
import os
from pathlib import Path
from typing import Optional
from urllib.parse import urlsplit

from sanic import Sanic, response
from sanic.exceptions import NotFound
from sanic.request import Request
from sanic.response import HTTPResponse

from webapp import insights
from webapp.file_cache import FileCache, not_modified

TYPES = {
    ".js": "text/javascript",
    ".json": "application/json",
    ".css": "text/css",
    ".html": "text/html; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}
SHORT_MAX_AGE = 300
# The largest request body read: the sign-in form's token with room to spare.
MAX_BODY_BYTES = 8 * 1024
# URL paths whose files may be reused without asking for SHORT_MAX_AGE seconds.
SHORT_LIVED = ("/widget/", "/vendor/", "/faq/faq.css", "/faq/faq.js")


def content_security_policy(rasa_url: str) -> str:
    """Only this site's own files; connections to it and to the assistant (HTTP and WebSocket)."""
    parts = urlsplit(rasa_url)
    ws = ("wss" if parts.scheme == "https" else "ws") + "://" + parts.netloc
    origin = f"{parts.scheme}://{parts.netloc}"
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"connect-src 'self' {origin} {ws}; frame-ancestors 'self'; base-uri 'none'; "
        "form-action 'self'; object-src 'none'"
    )


def resolve(root: Path, path: str) -> Optional[Path]:
    """The file a URL path names under ``root`` (a folder means its index.html), or None;
    never anything outside ``root``."""
    target = (root / path.lstrip("/")).resolve()
    if target != root and root not in target.parents:
        return None
    if target.is_dir():
        target = target / "index.html"
    return target if target.is_file() else None


def cache_control(url_path: str, mime: str) -> str:
    """Pages and data are revalidated every time; the widget's files for a few minutes."""
    if mime.startswith("text/html") or not url_path.startswith(SHORT_LIVED):
        return "no-cache"
    return f"public, max-age={SHORT_MAX_AGE}"


def vary_on_encoding(response: HTTPResponse) -> None:
    """Add ``Accept-Encoding`` to ``Vary`` (the shared header code sets ``Vary: Origin``)."""
    names = [v.strip() for v in response.headers.get("Vary", "").split(",") if v.strip()]
    if "Accept-Encoding" not in names:
        response.headers["Vary"] = ", ".join([*names, "Accept-Encoding"])


def build_app(root: Path, rasa_url: str) -> Sanic:
    from service.http import response_headers

    app = Sanic("iep_site", configure_logging=False)
    app.config.REQUEST_MAX_SIZE = MAX_BODY_BYTES
    root = root.resolve()
    files = FileCache()

    async def serve(request: Request, path: str = "") -> HTTPResponse:
        target = resolve(root, path)
        if target is None:
            raise NotFound("Not found")
        if target.name == "index.html" and path and not path.endswith(("/", ".html")):
            return response.redirect("/" + path.strip("/") + "/")
        mime = (
            TYPES.get(target.suffix)
            or mimetypes.guess_type(target.name)[0]
            or "application/octet-stream"
        )
        sent = await files.get(target, mime, request.headers.get("accept-encoding", ""))
        headers = {"ETag": sent.etag, "Cache-Control": cache_control(request.path, mime)}
        if not_modified(request.headers.get("if-none-match"), sent.etag):
            return HTTPResponse(status=304, headers=headers)
        if sent.coding:
            headers["Content-Encoding"] = sent.coding
        return HTTPResponse(body=sent.body, headers=headers, content_type=mime)

    # HEAD too: uptime monitors check the site with it.
    app.add_route(serve, "/", methods=["GET", "HEAD"], name="home")
    app.add_route(serve, "/<path:path>", methods=["GET", "HEAD"], name="file")

    # Registered before the shared headers, so it runs after them (Sanic runs response
    # middleware in reverse order) and keeps their ``Vary: Origin``.
    @app.on_response
    async def vary(request: Request, resp: HTTPResponse) -> None:
        vary_on_encoding(resp)

    insights.install(app)  # /insights/, only when INSIGHTS_TOKEN is set
    response_headers.install(
        app,
        origins=[],
        extra=[
            ("Content-Security-Policy", content_security_policy(rasa_url)),
            ("Cache-Control", "no-cache"),
            ("X-Frame-Options", "SAMEORIGIN"),
        ],
    )
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path("build/site"))
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--host", default=os.environ.get("SITE_HOST", "0.0.0.0"))
    parser.add_argument("--rasa-url", default="http://localhost:5005")
    args = parser.parse_args()
    build_app(args.root, args.rasa_url.rstrip("/")).run(
        host=args.host, port=args.port, workers=1, access_log=False
    )


if __name__ == "__main__":
    main()
