"""The insights report's HTML on the site: the sign-in form, error pages and the report.

Every page is uncached (``Cache-Control: no-store``) and links the report's stylesheet
from the site (its CSP allows styles only from its own files). The report itself is
``insights/html_report.py``'s; this module frames it for /insights/.
"""

from __future__ import annotations

from html import escape
from typing import Dict
from urllib.parse import urlencode

from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

from insights import html_report
from insights.period import Period
from insights.report import Report
from knowledge_base import KnowledgeBase

PREFIX = "/insights"
STYLESHEET = f"{PREFIX}/report.css"
TITLE = "Assistant report"


def no_store() -> Dict[str, str]:
    """A fresh header dict (Sanic's ``redirect`` adds ``Location`` to the one it is given)."""
    return {"Cache-Control": "no-store"}


def report_url(request: Request) -> str:
    """The report's address with this request's query (its period), for forms and redirects."""
    return PREFIX + "/" + (f"?{request.query_string}" if request.query_string else "")


def page(title: str, body: str, status: int = 200) -> HTTPResponse:
    html = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="icon" href="data:,">'
        f'<meta name="robots" content="noindex"><title>{escape(title)}</title>'
        f'<link rel="stylesheet" href="{STYLESHEET}"></head><body><main>{body}</main></body></html>'
    )
    return response.html(html, status=status, headers=no_store())


def error_page(message: str, status: int) -> HTTPResponse:
    return page(TITLE, f'<p class="error">{escape(message)}</p>', status)


def login_page(request: Request, error: str = "", status: int = 200) -> HTTPResponse:
    message = f'<p class="error" role="alert">{escape(error)}</p>' if error else ""
    return page(
        f"{TITLE}: sign in",
        f"<h1>{TITLE}</h1>"
        "<p>For the organisation running the assistant. Enter the report token.</p>"
        f'{message}<form class="login" method="post" action="{escape(report_url(request))}">'
        '<label for="token">Token</label>'
        '<input id="token" name="token" type="password" autocomplete="current-password" required>'
        '<button type="submit">Open the report</button></form>',
        status,
    )


def report_page(report: Report, kb: KnowledgeBase, period: Period) -> HTTPResponse:
    """The report for ``period``, its TSV link carrying the same period."""
    query = urlencode({"since": period.since, "until": period.until})
    html = html_report.render(
        report.insights,
        report.clusters,
        kb,
        tsv_href=f"{PREFIX}/declined.tsv?{query}",
        stylesheet_href=STYLESHEET,
        form_action=PREFIX + "/",
    )
    return response.html(html, headers=no_store())
