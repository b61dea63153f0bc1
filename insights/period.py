"""The period a report covers: whole days, in UTC, both ends included."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional

DEFAULT_DAYS = 30


@dataclass(frozen=True)
class Period:
    since: dt.date
    until: dt.date

    @property
    def start(self) -> float:
        """Unix seconds at the first moment of ``since``."""
        return _midnight(self.since)

    @property
    def end(self) -> float:
        """Unix seconds just after the last moment of ``until``."""
        return _midnight(self.until + dt.timedelta(days=1))

    def __contains__(self, timestamp: float) -> bool:
        return self.start <= timestamp < self.end


def _midnight(day: dt.date) -> float:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc).timestamp()


def day_of(timestamp: float) -> dt.date:
    return dt.datetime.fromtimestamp(timestamp, dt.timezone.utc).date()


def parse_period(
    since: Optional[str], until: Optional[str], today: Optional[dt.date] = None
) -> Period:
    """``YYYY-MM-DD`` bounds; missing ones mean the last 30 days up to today. A bad date
    or ``since`` after ``until`` is a ``ValueError`` that says which."""
    today = today or dt.datetime.now(dt.timezone.utc).date()
    try:
        end = dt.date.fromisoformat(until) if until else today
        start = dt.date.fromisoformat(since) if since else end - dt.timedelta(days=DEFAULT_DAYS - 1)
    except ValueError:
        raise ValueError("dates are written YYYY-MM-DD, e.g. 2026-11-01") from None
    if start > end:
        raise ValueError(f"the period starts ({start}) after it ends ({end})")
    return Period(start, end)
