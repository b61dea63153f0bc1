"""The insights page's HTML on the site (webapp/insights_pages.py): the sign-in form keeps
the period, escapes what it shows and is never cached."""

from __future__ import annotations

from types import SimpleNamespace

from webapp import insights_pages


def test_the_sign_in_form_keeps_the_period_and_escapes_what_it_shows():
    request = SimpleNamespace(query_string="since=2024-01-01&until=2024-01-31")
    page = insights_pages.login_page(request, "<b>wrong</b>", 403)
    body = page.body.decode()
    assert page.status == 403 and page.headers["Cache-Control"] == "no-store"
    assert 'action="/insights/?since=2024-01-01&amp;until=2024-01-31"' in body
    assert "&lt;b&gt;wrong&lt;/b&gt;" in body and "<b>wrong" not in body
    assert f'href="{insights_pages.STYLESHEET}"' in body
    bare = insights_pages.login_page(SimpleNamespace(query_string=""))
    assert 'action="/insights/"' in bare.body.decode() and 'role="alert"' not in bare.body.decode()
