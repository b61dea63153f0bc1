"""A limit on callback requests (issue 18), so that the callback form is no relay to the
organisation's inbox: per conversation and per client address (the channel's ``client_tag``
pseudonym, web clients only), ``CALLBACK_LIMIT_PER_HOUR`` requests each (default 3), and
``CALLBACK_LIMIT_TOTAL_PER_HOUR`` in all (default 30), so that new conversation ids cannot
flood it either. Both are read from the action server's environment; a value that is not a
whole number of at least 1 means the default.

The state is the action server's memory: per key, the times of its requests in the last hour
(a sliding window). Keys are hashed, hold at most a limit's worth of times each, and at most
``MAX_KEYS`` are kept (the least recently used goes first), so memory stays bounded whatever
the number of conversations or addresses. ``acquire`` checks and counts in one step before a
request is sent; ``release`` takes it back when sending failed, so only what was e-mailed
counts. The clock is injectable, for tests.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass
from typing import Callable, Deque, Iterable, Mapping, Optional, Tuple

logger = logging.getLogger(__name__)

WINDOW_SECONDS = 3600.0
DEFAULT_PER_KEY = 3
DEFAULT_TOTAL = 30
MAX_KEYS = 10_000
PER_KEY_ENV = "CALLBACK_LIMIT_PER_HOUR"
TOTAL_ENV = "CALLBACK_LIMIT_TOTAL_PER_HOUR"

# Scopes, in the order they are checked; a refusal names the first one that is full.
CONVERSATION, CLIENT, TOTAL = "conversation", "client", "total"

Key = Tuple[str, str]  # (scope, value), e.g. ("conversation", sender id)


def _whole_number(env: Mapping[str, str], name: str, default: int) -> int:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        logger.warning(
            "handoff.limit_misconfigured %s is not a whole number of at least 1: using %d",
            name,
            default,
        )
        return default
    return value


@dataclass(frozen=True)
class Limits:
    per_key: int = DEFAULT_PER_KEY
    total: int = DEFAULT_TOTAL


def limits_from(env: Mapping[str, str] = os.environ) -> Limits:
    """The limits the environment sets (a missing or malformed value means the default)."""
    return Limits(
        per_key=_whole_number(env, PER_KEY_ENV, DEFAULT_PER_KEY),
        total=_whole_number(env, TOTAL_ENV, DEFAULT_TOTAL),
    )


def _digest(key: Key) -> bytes:
    """A short fixed-size stand-in for a key: no conversation id or address is kept."""
    return hashlib.blake2b("\0".join(key).encode("utf-8", "replace"), digest_size=16).digest()


class CallbackLimiter:
    """Sliding one-hour windows per key and in all; see the module's docstring."""

    def __init__(
        self,
        limits: Limits = Limits(),
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = MAX_KEYS,
        window: float = WINDOW_SECONDS,
    ) -> None:
        self.limits = limits
        self._clock = clock
        self._max_keys = max_keys
        self._window = window
        self._keys: "OrderedDict[bytes, Deque[float]]" = OrderedDict()
        self._all: Deque[float] = deque(maxlen=limits.total)
        self._lock = threading.Lock()

    def __len__(self) -> int:
        """How many keys are tracked (for tests: memory stays bounded)."""
        return len(self._keys)

    def _recent(self, times: Deque[float], now: float) -> int:
        while times and times[0] <= now - self._window:
            times.popleft()
        return len(times)

    def _full(self, keys: Iterable[Key], now: float) -> Optional[str]:
        for key in keys:
            times = self._keys.get(_digest(key))
            if times is not None and self._recent(times, now) >= self.limits.per_key:
                return key[0]
        if self._recent(self._all, now) >= self.limits.total:
            return TOTAL
        return None

    def check(self, keys: Iterable[Key]) -> Optional[str]:
        """The scope whose limit is reached (``conversation``, ``client`` or ``total``), or
        None when a request for these keys may be sent. Counts nothing, stores nothing."""
        with self._lock:
            return self._full(list(keys), self._clock())

    def acquire(self, keys: Iterable[Key]) -> Optional[str]:
        """Like ``check``, and when the request may be sent, count it now (before it is sent,
        so two at once cannot both pass); ``release`` it if sending fails."""
        keys = list(keys)
        with self._lock:
            now = self._clock()
            full = self._full(keys, now)
            if full is not None:
                return full
            for key in keys:
                digest = _digest(key)
                times = self._keys.pop(digest, None)
                if times is None:
                    times = deque(maxlen=self.limits.per_key)
                times.append(now)
                self._keys[digest] = times  # now the most recently used
            self._all.append(now)
            self._forget_old(now)
            return None

    def release(self, keys: Iterable[Key]) -> None:
        """Take back the latest request counted for these keys (it was not sent)."""
        with self._lock:
            for key in keys:
                times = self._keys.get(_digest(key))
                if times:
                    times.pop()
            if self._all:
                self._all.pop()

    def _forget_old(self, now: float) -> None:
        """Drop keys with nothing in the window (oldest first), then any beyond ``max_keys``."""
        while self._keys:
            digest, times = next(iter(self._keys.items()))
            if self._recent(times, now) and len(self._keys) <= self._max_keys:
                break
            del self._keys[digest]


_shared: Optional[CallbackLimiter] = None


def limiter() -> CallbackLimiter:
    """The action server's limiter, made from its environment on first use."""
    global _shared
    if _shared is None:
        _shared = CallbackLimiter(limits_from())
    return _shared


def reset(new: Optional[CallbackLimiter] = None) -> None:
    """Replace the shared limiter (tests); None makes a fresh one from the environment."""
    global _shared
    _shared = new
