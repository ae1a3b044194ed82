"""Clocks: the service takes time from one of these, so tests and scenarios control it.

The demo's clock is settable: ``WORKBENCH_NOW`` (an ISO 8601 date and time with its UTC offset,
e.g. ``2026-12-01T11:00:00-05:00``) moves :class:`SystemClock` to that moment, and from there
it runs at the normal pace, so a timer started in the demo still counts real minutes.
``WORKBENCH_NOW_SINCE`` (seconds since the epoch, real time) says when ``WORKBENCH_NOW`` was
"now": ``workbench demo --today`` sets both, so every kernel of one demo shares one clock.
Neither is set in a real deployment; ``workbench serve`` prints a warning when they are.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol

NOW_ENV = "WORKBENCH_NOW"
SINCE_ENV = "WORKBENCH_NOW_SINCE"


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""


def parse_now(text: str) -> datetime:
    """``WORKBENCH_NOW``'s value as an aware datetime; InvalidInput (a ValueError) with a plain
    message if bad."""
    from .errors import InvalidInput  # a ValueError, and a sentence at the error boundary

    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"{NOW_ENV}={text!r} is not an ISO 8601 date and time, e.g. "
                         "2026-12-01T11:00:00-05:00") from None
    if when.tzinfo is None:
        raise InvalidInput(f"{NOW_ENV}={text!r} needs its UTC offset, e.g. 2026-12-01T11:00:00-05:00")
    return when.astimezone(UTC)


def env_offset(environ=None) -> timedelta:
    """How far the environment moves the system clock (zero when ``WORKBENCH_NOW`` is unset)."""
    environ = os.environ if environ is None else environ
    text = environ.get(NOW_ENV, "").strip()
    if not text:
        return timedelta(0)
    since = environ.get(SINCE_ENV, "").strip()
    real = float(since) if since else time.time()
    return parse_now(text) - datetime.fromtimestamp(real, UTC)


class SystemClock:
    """The real time, moved by ``WORKBENCH_NOW`` when that is set (the demo's clock)."""

    def __init__(self, offset: timedelta | None = None):
        self.offset = env_offset() if offset is None else offset

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


class FixedClock:
    """A clock that stands still until moved: for tests and the scenario's simulated time."""

    def __init__(self, start: datetime):
        if start.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, **kwargs) -> datetime:
        self._now += timedelta(**kwargs)
        return self._now

    def set(self, when: datetime) -> None:
        self._now = when.astimezone(UTC)
