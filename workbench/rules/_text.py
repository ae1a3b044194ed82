"""Small helpers shared by the rules: durations written for a care manager."""

from __future__ import annotations


def duration(seconds: int) -> str:
    """``1230`` -> ``"20 min 30 s"``; whole minutes print without seconds ("12 min")."""
    minutes, rest = divmod(int(seconds), 60)
    if rest and not minutes:
        return f"{rest} s"
    if rest:
        return f"{minutes} min {rest} s"
    return f"{minutes} min"


def minutes_of(seconds: int) -> str:
    """Like :func:`duration` but a whole number of minutes prints bare: ``840`` -> ``"14"``,
    for phrases such as "14 of 20 minutes"."""
    return str(seconds // 60) if seconds % 60 == 0 else duration(seconds)
