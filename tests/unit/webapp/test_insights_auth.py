"""Signing in to the site's insights page (webapp/insights_auth.py): the token, the session
cookie and its flags, the limit on wrong tokens. The routes, end to end:
tests/e2e/test_insights_e2e.py and tests/browser/test_insights_page.py."""

from __future__ import annotations

from sanic.response import HTTPResponse

from webapp.insights_auth import (
    COOKIE,
    COOKIE_SECONDS,
    SignInGuard,
    cookie_is_valid,
    is_signed_in,
    session_cookie,
    set_session_cookie,
    token_matches,
)


def test_the_cookie_holds_an_hmac_that_expires_and_dies_with_the_token():
    value = session_cookie("token-a", now=1_000_000)
    assert "token-a" not in value
    assert cookie_is_valid("token-a", value, now=1_000_000 + 60)
    assert not cookie_is_valid("token-a", value, now=1_000_000 + COOKIE_SECONDS)
    assert not cookie_is_valid("token-b", value, now=1_000_000 + 60)
    issued, mac = value.split(".")
    assert not cookie_is_valid("token-a", f"{int(issued) + 1}.{mac}", now=1_000_000 + 60)
    assert not cookie_is_valid("token-a", "", now=1_000_000)


def test_the_sign_in_guard_counts_wrong_tokens_per_address_within_the_window():
    guard = SignInGuard(limit=3, window=60)
    for second in (0, 1, 2):
        assert guard.wait_seconds("a", now=second) == 0
        guard.failed("a", now=second)
    assert guard.wait_seconds("a", now=3) == 57  # until the first failure is 60 s old
    assert guard.wait_seconds("b", now=3) == 0  # another address is not affected
    assert guard.wait_seconds("a", now=60) == 0  # the first failure has aged out
    guard.failed("b", now=4)
    guard.succeeded("b")
    assert guard.wait_seconds("b", now=5) == 0


def test_only_the_configured_token_signs_in_and_only_with_its_cookie():
    assert token_matches("s3cret", "s3cret")
    assert not token_matches("s3cre", "s3cret") and not token_matches("", "s3cret")
    cookie = session_cookie("s3cret")
    assert is_signed_in("s3cret", {COOKIE: cookie})
    assert not is_signed_in("other", {COOKIE: cookie})
    assert not is_signed_in("s3cret", {})
    assert not is_signed_in("", {COOKIE: cookie})  # no token configured: nobody is signed in


def test_the_session_cookie_is_http_only_strict_and_scoped_to_the_report():
    resp = HTTPResponse()
    set_session_cookie(resp, "s3cret", path="/insights", secure=True)
    cookie = resp.cookies[COOKIE]
    assert cookie_is_valid("s3cret", cookie.value)
    assert cookie["httponly"] is True and cookie["samesite"] == "Strict"
    assert cookie["path"] == "/insights" and cookie["max-age"] == COOKIE_SECONDS
    assert cookie["secure"] is True
