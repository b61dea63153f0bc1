"""Who may read the insights report: the token, the session cookie and the sign-in limit.

The owner types the token once; it is compared in constant time and never stored in the
browser: the cookie (HttpOnly, SameSite=Strict, Path=/insights, 12 hours) holds the time it
was issued and an HMAC of that time keyed by the token, so changing the token signs
everyone out. After 5 wrong tokens in 15 minutes from one address, that address waits
until the oldest of them is 15 minutes old (``SignInGuard``), so the token cannot be found
by trying. No HTML and no routes here (``webapp/insights.py`` has the routes).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections import deque
from typing import Deque, Dict, Optional

from sanic.response import HTTPResponse

COOKIE = "insights_session"
COOKIE_SECONDS = 12 * 3600
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


def token_matches(given: str, token: str) -> bool:
    """The typed token against the configured one, in constant time."""
    return hmac.compare_digest(given.encode(), token.encode())


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


def is_signed_in(token: str, cookies: Dict[str, str]) -> bool:
    """A token is configured and the request carries a valid cookie for it."""
    return bool(token) and cookie_is_valid(token, cookies.get(COOKIE, ""))


def set_session_cookie(resp: HTTPResponse, token: str, path: str, secure: bool) -> None:
    """Sign the browser in: the cookie only this path sees, never readable by a script."""
    resp.cookies[COOKIE] = session_cookie(token)
    cookie = resp.cookies[COOKIE]
    cookie["httponly"] = True
    cookie["samesite"] = "Strict"
    cookie["path"] = path
    cookie["max-age"] = COOKIE_SECONDS
    cookie["secure"] = secure
