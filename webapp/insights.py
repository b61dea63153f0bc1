"""The insights report on the site, for the organisation only: /insights/ (the routes).

Off unless a token is configured (``INSIGHTS_TOKEN``): without one every /insights/ path
answers 404. Signing in is ``webapp/insights_auth.py`` (token, cookie, the limit on wrong
tokens: a wrong token is a 403 that says so, too many from one address a 429); the pages
are ``webapp/insights_pages.py``. Nothing here is cached (``Cache-Control: no-store``).

The tracker store is the one the Rasa server uses (``$ENDPOINTS``, else endpoints.yml),
opened read-only (insights/store.py). The report is built off the event loop.
"""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path

import sqlalchemy as sa
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from insights import html_report, tsv
from insights.period import Period, parse_period
from insights.report import Report, build_from_config
from knowledge_base import default as default_kb
from webapp import insights_pages as pages
from webapp.insights_auth import SignInGuard, is_signed_in, set_session_cookie, token_matches
from webapp.insights_pages import PREFIX, STYLESHEET, no_store

# The store missing (no conversation yet), unreachable or without its table.
UNREADABLE = (OSError, KeyError, ValueError, sa.exc.SQLAlchemyError)
STORE_PROBLEM = (
    "The conversation store could not be read (the site server's log says why). "
    "If the assistant has had no conversation yet, there is nothing to report."
)
logger = logging.getLogger(__name__)


def _period(request: Request) -> Period:
    return parse_period(request.args.get("since"), request.args.get("until"))


def _not_found() -> HTTPResponse:
    return response.text("Not found", status=404, headers=no_store())


async def _build(period: Period) -> Report:
    """The report for ``period``, built off the event loop (it reads the whole store)."""
    return await asyncio.to_thread(build_from_config, period)


class InsightsRoutes:
    """The /insights/ handlers, sharing the token, the knowledge base and the sign-in limit."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.kb = default_kb()
        self.guard = SignInGuard()

    async def report_page(self, request: Request) -> HTTPResponse:
        if not self.token:
            return _not_found()
        if not is_signed_in(self.token, request.cookies):
            return pages.login_page(request)
        try:
            period = _period(request)
        except ValueError as error:
            return pages.error_page(str(error), 400)
        try:
            report = await _build(period)
        except UNREADABLE as error:
            logger.warning("insights.store_unreadable error=%s", error)
            return pages.error_page(STORE_PROBLEM, 503)
        return pages.report_page(report, self.kb, period)

    async def sign_in(self, request: Request) -> HTTPResponse:
        if not self.token:
            return _not_found()
        address = request.remote_addr or request.ip
        wait = self.guard.wait_seconds(address)
        if wait:
            logger.warning("insights.sign_in_locked address=%s", address)
            minutes = (wait + 59) // 60
            page = pages.login_page(
                request, f"Too many wrong tokens. Try again in {minutes} minutes.", 429
            )
            page.headers["Retry-After"] = str(wait)
            return page
        if not token_matches((request.form or {}).get("token") or "", self.token):
            self.guard.failed(address)
            return pages.login_page(
                request, "That token is not right. Ask whoever runs the assistant for it.", 403
            )
        self.guard.succeeded(address)
        resp = response.redirect(pages.report_url(request), status=303, headers=no_store())
        set_session_cookie(resp, self.token, path=PREFIX, secure=request.scheme == "https")
        return resp

    async def declined_tsv(self, request: Request) -> HTTPResponse:
        if not self.token:
            return _not_found()
        if not is_signed_in(self.token, request.cookies):
            return response.text("Sign in at /insights/ first.", status=403, headers=no_store())
        try:
            period = _period(request)
        except ValueError as error:
            return response.text(str(error), status=400, headers=no_store())
        try:
            report = await _build(period)
        except UNREADABLE as error:
            logger.warning("insights.store_unreadable error=%s", error)
            return response.text(STORE_PROBLEM, status=503, headers=no_store())
        name = f"declined-{period.since}-{period.until}.tsv"
        return response.text(
            tsv.declined_tsv(report.clusters, period),
            content_type="text/tab-separated-values; charset=utf-8",
            headers={**no_store(), "Content-Disposition": f'attachment; filename="{name}"'},
        )

    async def stylesheet(self, request: Request) -> HTTPResponse:
        if not self.token:
            return _not_found()
        css = Path(html_report.STYLESHEET).read_text(encoding="utf-8")
        return response.text(css, content_type="text/css; charset=utf-8", headers=no_store())

    async def with_slash(self, request: Request) -> HTTPResponse:
        if not self.token:
            return _not_found()
        return response.redirect(PREFIX + "/", status=301, headers=no_store())


def install(app: Sanic) -> None:
    """Add the /insights/ routes to the site's app (they answer 404 without a token)."""
    routes = InsightsRoutes(os.environ.get("INSIGHTS_TOKEN", ""))
    # strict_slashes: else the site's catch-all file route takes "/insights/".
    app.add_route(
        routes.with_slash, PREFIX, methods=["GET"], name="insights_slash", strict_slashes=True
    )
    app.add_route(
        routes.report_page,
        PREFIX + "/",
        methods=["GET"],
        name="insights_report",
        strict_slashes=True,
    )
    app.add_route(
        routes.sign_in, PREFIX + "/", methods=["POST"], name="insights_sign_in", strict_slashes=True
    )
    app.add_route(
        routes.declined_tsv, PREFIX + "/declined.tsv", methods=["GET"], name="insights_tsv"
    )
    app.add_route(routes.stylesheet, STYLESHEET, methods=["GET"], name="insights_css")
