"""The insights report on the site, for the organisation only: /insights/.

Off unless a token is configured (``INSIGHTS_TOKEN``): without one every /insights/ path
answers 404. The owner types the token once in a small form; it is compared in constant
time and never stored in the browser: the cookie (HttpOnly, SameSite=Strict,
Path=/insights, 12 hours) holds the time it was issued and an HMAC of that time keyed by
the token, so changing the token signs everyone out. A wrong token is a 403 that says so;
after 5 wrong tokens in 15 minutes from one address, that address gets 429 until the
oldest of them is 15 minutes old (``SignInGuard``), so the token cannot be found by trying.
Nothing here is cached (``Cache-Control: no-store``).

The tracker store is the one the Rasa server uses (``$ENDPOINTS``, else endpoints.yml),
opened read-only (insights/store.py). The report is built off the event loop.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import os
import time
from collections import deque
from html import escape
from pathlib import Path
from typing import Deque, Dict, Optional
from urllib.parse import urlencode

import sqlalchemy as sa
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from insights import html_report, tsv
from insights.period import Period, parse_period
from insights.report import build_from_config
from knowledge_base import default as default_kb

PREFIX = "/insights"
COOKIE = "insights_session"
COOKIE_SECONDS = 12 * 3600
STYLESHEET = f"{PREFIX}/report.css"
# The store missing (no conversation yet), unreachable or without its table.
UNREADABLE = (OSError, KeyError, ValueError, sa.exc.SQLAlchemyError)
STORE_PROBLEM = (
    "The conversation store could not be read (the site server's log says why). "
    "If the assistant has had no conversation yet, there is nothing to report."
)
logger = logging.getLogger(__name__)


MAX_FAILURES = 5
FAILURE_WINDOW_SECONDS = 15 * 60
MAX_TRACKED_ADDRESSES = 10_000  # memory bound: beyond it, addresses with no recent failure go


class SignInGuard:
    """Wrong tokens per client address, in memory: enough for one site server, and a restart
    only forgives a few guesses."""

    def __init__(self, limit: int = MAX_FAILURES, window: float = FAILURE_WINDOW_SECONDS) -> None:
        self.limit = limit
        self.window = window
        self._failures: Dict[str, Deque[float]] = {}

    def _recent(self, address: str, now: float) -> Deque[float]:
        times = self._failures.get(address, deque())
        while times and now - times[0] >= self.window:
            times.popleft()
        return times

    def wait_seconds(self, address: str, now: Optional[float] = None) -> int:
        """0 when this address may try a token; else how long until it may."""
        now = time.time() if now is None else now
        times = self._recent(address, now)
        if len(times) < self.limit:
            return 0
        return max(1, int(times[0] + self.window - now + 0.999))

    def failed(self, address: str, now: Optional[float] = None) -> None:
        now = time.time() if now is None else now
        if len(self._failures) >= MAX_TRACKED_ADDRESSES:
            self._failures = {a: t for a, t in self._failures.items() if self._recent(a, now)}
        times = self._recent(address, now)
        times.append(now)
        self._failures[address] = times

    def succeeded(self, address: str) -> None:
        self._failures.pop(address, None)


def no_store() -> Dict[str, str]:
    """A fresh header dict (Sanic's ``redirect`` adds ``Location`` to the one it is given)."""
    return {"Cache-Control": "no-store"}


def _mac(token: str, issued: str) -> str:
    return hmac.new(
        token.encode(), f"insights-session:{issued}".encode(), hashlib.sha256
    ).hexdigest()


def session_cookie(token: str, now: Optional[float] = None) -> str:
    """The cookie's value: when it was issued, and an HMAC of that keyed by the token."""
    issued = str(int(now if now is not None else time.time()))
    return f"{issued}.{_mac(token, issued)}"


def cookie_is_valid(token: str, value: str, now: Optional[float] = None) -> bool:
    issued, _, mac = value.partition(".")
    if not issued.isdigit() or not hmac.compare_digest(mac, _mac(token, issued)):
        return False
    age = (now if now is not None else time.time()) - int(issued)
    return 0 <= age < COOKIE_SECONDS


def _page(title: str, body: str, status: int = 200) -> HTTPResponse:
    html = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="icon" href="data:,">'
        f'<meta name="robots" content="noindex"><title>{escape(title)}</title>'
        f'<link rel="stylesheet" href="{STYLESHEET}"></head><body><main>{body}</main></body></html>'
    )
    return response.html(html, status=status, headers=no_store())


def _login_page(request: Request, error: str = "", status: int = 200) -> HTTPResponse:
    action = PREFIX + "/" + (f"?{request.query_string}" if request.query_string else "")
    message = f'<p class="error" role="alert">{escape(error)}</p>' if error else ""
    return _page(
        "Assistant report: sign in",
        "<h1>Assistant report</h1>"
        "<p>For the organisation running the assistant. Enter the report token.</p>"
        f'{message}<form class="login" method="post" action="{escape(action)}">'
        '<label for="token">Token</label>'
        '<input id="token" name="token" type="password" autocomplete="current-password" required>'
        '<button type="submit">Open the report</button></form>',
        status,
    )


def _period(request: Request) -> Period:
    return parse_period(request.args.get("since"), request.args.get("until"))


def install(app: Sanic) -> None:
    """Add the /insights/ routes to the site's app (they answer 404 without a token)."""
    token = os.environ.get("INSIGHTS_TOKEN", "")
    kb = default_kb()
    guard = SignInGuard()

    def signed_in(request: Request) -> bool:
        return bool(token) and cookie_is_valid(token, request.cookies.get(COOKIE, ""))

    def not_found() -> HTTPResponse:
        return response.text("Not found", status=404, headers=no_store())

    async def report_page(request: Request) -> HTTPResponse:
        if not token:
            return not_found()
        if not signed_in(request):
            return _login_page(request)
        try:
            period = _period(request)
        except ValueError as error:
            return _page("Assistant report", f'<p class="error">{escape(str(error))}</p>', 400)
        try:
            report = await asyncio.to_thread(build_from_config, period)
        except UNREADABLE as error:
            logger.warning("insights.store_unreadable error=%s", error)
            return _page("Assistant report", f'<p class="error">{escape(STORE_PROBLEM)}</p>', 503)
        query = urlencode({"since": period.since, "until": period.until})
        page = html_report.render(
            report.insights,
            report.clusters,
            kb,
            tsv_href=f"{PREFIX}/declined.tsv?{query}",
            stylesheet_href=STYLESHEET,
            form_action=PREFIX + "/",
        )
        return response.html(page, headers=no_store())

    async def sign_in(request: Request) -> HTTPResponse:
        if not token:
            return not_found()
        address = request.remote_addr or request.ip
        wait = guard.wait_seconds(address)
        if wait:
            logger.warning("insights.sign_in_locked address=%s", address)
            page = _login_page(
                request,
                f"Too many wrong tokens. Try again in {(wait + 59) // 60} minutes.",
                429,
            )
            page.headers["Retry-After"] = str(wait)
            return page
        given = (request.form or {}).get("token") or ""
        if not hmac.compare_digest(given.encode(), token.encode()):
            guard.failed(address)
            return _login_page(
                request, "That token is not right. Ask whoever runs the assistant for it.", 403
            )
        guard.succeeded(address)
        target = PREFIX + "/" + (f"?{request.query_string}" if request.query_string else "")
        resp = response.redirect(target, status=303, headers=no_store())
        resp.cookies[COOKIE] = session_cookie(token)
        cookie = resp.cookies[COOKIE]
        cookie["httponly"] = True
        cookie["samesite"] = "Strict"
        cookie["path"] = PREFIX
        cookie["max-age"] = COOKIE_SECONDS
        cookie["secure"] = request.scheme == "https"
        return resp

    async def declined_tsv(request: Request) -> HTTPResponse:
        if not token:
            return not_found()
        if not signed_in(request):
            return response.text("Sign in at /insights/ first.", status=403, headers=no_store())
        try:
            period = _period(request)
        except ValueError as error:
            return response.text(str(error), status=400, headers=no_store())
        try:
            report = await asyncio.to_thread(build_from_config, period)
        except UNREADABLE as error:
            logger.warning("insights.store_unreadable error=%s", error)
            return response.text(STORE_PROBLEM, status=503, headers=no_store())
        name = f"declined-{period.since}-{period.until}.tsv"
        return response.text(
            tsv.declined_tsv(report.clusters, period),
            content_type="text/tab-separated-values; charset=utf-8",
            headers={**no_store(), "Content-Disposition": f'attachment; filename="{name}"'},
        )

    async def stylesheet(request: Request) -> HTTPResponse:
        if not token:
            return not_found()
        css = Path(html_report.STYLESHEET).read_text(encoding="utf-8")
        return response.text(css, content_type="text/css; charset=utf-8", headers=no_store())

    async def with_slash(request: Request) -> HTTPResponse:
        if not token:
            return not_found()
        return response.redirect(PREFIX + "/", status=301, headers=no_store())

    app.add_route(with_slash, PREFIX, methods=["GET"], name="insights_slash", strict_slashes=True)
    # strict_slashes: else the site's catch-all file route takes "/insights/".
    app.add_route(
        report_page, PREFIX + "/", methods=["GET"], name="insights_report", strict_slashes=True
    )
    app.add_route(
        sign_in, PREFIX + "/", methods=["POST"], name="insights_sign_in", strict_slashes=True
    )
    app.add_route(declined_tsv, PREFIX + "/declined.tsv", methods=["GET"], name="insights_tsv")
    app.add_route(stylesheet, STYLESHEET, methods=["GET"], name="insights_css")
