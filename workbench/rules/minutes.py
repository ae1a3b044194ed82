"""One rounding rule for minutes: whole minutes, never rounded up.

Reference, "Monthly codes and time thresholds": a threshold (20/40/60 minutes) is met only by
time actually spent, so 19 min 59 s is 19 minutes, not 20. Every bar, label, report and export
shows minutes through :func:`whole_minutes`, so the work bar's number, its "9 min" label and the
worklist agree at 9 min 49 s.
"""

from __future__ import annotations

import math


def whole_minutes(seconds: float | int | None) -> int:
    """Whole minutes in ``seconds`` (floor; negative and missing count as 0)."""
    if seconds is None or seconds != seconds or seconds <= 0:  # None, NaN, nothing
        return 0
    return int(math.floor(seconds + 1e-9)) // 60


def whole_of(minutes: float | int | None) -> int:
    """Whole minutes of a fractional minute count (``9.82`` -> 9), by :func:`whole_minutes`."""
    if minutes is None or minutes != minutes:
        return 0
    return whole_minutes(round(float(minutes) * 60, 6))


def minutes_text(seconds: float | int | None) -> str:
    """``"9 min"``: the label every screen uses for a running total."""
    return f"{whole_minutes(seconds)} min"
