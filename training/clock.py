"""The attempt's clock: simulated minutes that the trainee moves on, or wall-clock speed.

Every reading is strictly later than the one before (by at least a microsecond), so two
things done in the same simulated minute keep the order they were done in: the transcript
and the store's ``recorded_at`` come from this one clock, and ``order`` checks compare them.

In ``wall`` mode the clock runs at real speed while a call is on (``run``/``pause``), so the
real timer measures the trainee's real call; ``advance`` moves it on between calls. Real time is
read from ``real``, the workbench's clock (:mod:`workbench.clock`; the attempt passes the
service's own), never from the machine directly, so a test or the demo's clock controls it.

Readings are thread-safe: the work bar's once-a-second tick reads the clock from its own thread.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from workbench.clock import Clock, SystemClock

_TICK = timedelta(microseconds=1)


class AttemptClock:
    def __init__(self, start: datetime, wall: bool = False, state: dict | None = None, real: Clock | None = None):
        self.wall = wall
        self.real = real or SystemClock()  #: where real time comes from (the workbench's clock)
        self._lock = threading.Lock()
        self._base = start.astimezone(UTC)  #: simulated time at the anchor
        self._anchor: datetime | None = None  #: real time the clock started running
        self._last = self._base - _TICK
        if state:
            self.wall = state.get("wall", wall)
            self._base = datetime.fromisoformat(state["base"])
            self._last = datetime.fromisoformat(state["last"])
            self._anchor = datetime.fromisoformat(state["anchor"]) if state.get("anchor") else None

    def _raw(self) -> datetime:
        if self._anchor is None:
            return self._base
        return self._base + (self.real.now() - self._anchor)

    def now(self) -> datetime:
        with self._lock:
            value = max(self._raw(), self._last + _TICK)
            self._last = value
            return value

    def peek(self) -> datetime:
        """The time now without consuming a tick (for display)."""
        return max(self._raw(), self._last)

    def advance(self, minutes: float) -> datetime:
        self._base += timedelta(minutes=minutes)
        return self.peek()

    @property
    def running(self) -> bool:
        return self._anchor is not None

    def run(self) -> None:
        """Wall mode: start moving at real speed (a call begins)."""
        if self.wall and self._anchor is None:
            self._base = self.peek()
            self._anchor = self.real.now()

    def pause(self) -> None:
        if self._anchor is not None:
            self._base = self._raw()
            self._anchor = None

    def state(self) -> dict:
        return {"wall": self.wall, "base": self._base.isoformat(), "last": self._last.isoformat(),
                "anchor": self._anchor.isoformat() if self._anchor else None}
