"""A scenario played inside a shift happens at the shift's time of day: its situation names no
clock time other than when it plays, and the patient never speaks of a part of the day still
to come as past ("after lunch" in a call at 09:14)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from training.library import load_library
from training.shifts import load_shifts

LIBRARY = load_library()
_CLOCK = re.compile(r"\b(\d{1,2})(?::(\d\d))?\s*(am|pm)\b", re.I)
#: phrases that put an event earlier today, and the earliest hour they can be said
_PAST = {"after lunch": 13, "this afternoon": 12, "this evening": 18, "after supper": 18,
         "after dinner": 18, "at lunch": 12}
#: a sentence about later or about a habit ("I'll...", "every...", "walking after lunch")
_LATER = re.compile(r"\b(will|going to|tomorrow|every|each)\b|'ll\b|\w+ing (after|this|at)\b")


def clock_times(text: str) -> list[float]:
    out = []
    for h, m, half in _CLOCK.findall(text):
        hour = int(h) % 12 + (12 if half.lower() == "pm" else 0)
        out.append(hour + int(m or 0) / 60)
    return out


def problems(scenario, start: datetime, end: datetime) -> list[str]:
    """What in the scenario's words cannot be true when it plays between start and end."""
    lo, hi = start.hour + start.minute / 60, end.hour + end.minute / 60
    out = [f"situation says {t:g} h" for t in clock_times(scenario.situation) if not lo - 1 <= t <= hi + 1]
    spoken = [p for n in scenario.conversation.nodes for p in n.patient] + \
        [x for o in scenario.options for x in o.reply]
    for sentence in (x for text in spoken for x in re.split(r"(?<=[.?!])\s+", text.lower())):
        if _LATER.search(sentence):
            continue  # "I'll send it this afternoon", "walking after lunch": not what happened today
        for phrase, earliest in _PAST.items():
            if re.search(rf"\b{phrase}\b", sentence) and lo < earliest:
                out.append(f"'{phrase}' said at {lo:g} h: {sentence[:60]}")
    return out


def plays():
    """(label, scenario, start, end): every scenario on its own clock, and every shift case
    during the shift's first three hours."""
    for sc in LIBRARY.values():
        if sc.clock is not None:
            start = sc.clock.start
            yield sc.id, sc, start, start + timedelta(minutes=30)
    for shift in load_shifts(LIBRARY).values():
        for case in shift.cases:
            start = shift.clock.start
            yield f"{shift.id}:{case.scenario}", LIBRARY[case.scenario], start, start + timedelta(hours=3)


@pytest.mark.parametrize("label, scenario, start, end", list(plays()), ids=lambda x: x if isinstance(x, str) else "")
def test_the_words_fit_the_time_of_day_the_case_is_played(label, scenario, start, end):
    assert problems(scenario, start, end) == []


def test_the_check_sees_a_3pm_call_played_at_9am():
    sc = LIBRARY["overdose-confusion"]
    late = sc.model_copy(update={"situation": "Her monthly check-in call at 3 pm."})
    nine = datetime.fromisoformat("2026-11-16T09:14:00-05:00")
    assert problems(late, nine, nine + timedelta(minutes=30)) == ["situation says 15 h"]
    assert problems(late, nine + timedelta(hours=6), nine + timedelta(hours=6, minutes=30)) == []


@pytest.mark.parametrize("reply, flagged", [
    ("The sleeping ones... four, maybe? After lunch. And my usual ones.", True),   # the old overdose line
    ("I took them after lunch.", True),
    ("I'll scan it and send it this afternoon.", False),                          # later today
    ("Walking after lunch, three days a week.", False),                           # a habit
    ("An hour ago, I think.", False),
])
def test_a_past_part_of_the_day_is_read_from_what_the_patient_says(reply, flagged):
    from types import SimpleNamespace

    sc = SimpleNamespace(situation="", conversation=SimpleNamespace(nodes=[]),
                         options=[SimpleNamespace(reply=[reply])])
    nine = datetime.fromisoformat("2026-11-16T09:14:00-05:00")
    assert bool(problems(sc, nine, nine + timedelta(minutes=30))) is flagged
