"""PHQ-2 and PHQ-9 scoring (reference, "Screening instruments").

- PHQ-2: two items 0-3, total 0-6; positive at 3 or more (go on to PHQ-9). It has no
  severity band (the bands belong to PHQ-9): ``severity`` is None.
- PHQ-9: nine items 0-3, total 0-27; bands none 0-4, mild 5-9, moderate 10-14, moderately
  severe 15-19, severe 20-27; positive at 10 or more. Any answer above 0 on item 9
  (thoughts of self-harm) requires same-day escalation whatever the total.
- Due yearly (our choice, documented: docs/reference.md names no interval; Medicare's
  depression screening is annual): due again on the anniversary of the last screen.
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from workbench.errors import InvalidInput
from workbench.rules.months import add_months

BANDS = ((20, "severe"), (15, "moderately severe"), (10, "moderate"), (5, "mild"), (0, "none"))


@dataclass(frozen=True)
class PhqResult:
    instrument: str  #: "PHQ-2" | "PHQ-9"
    answers: tuple[int, ...]
    total: int
    severity: str | None  #: PHQ-9 band; None for PHQ-2
    positive: bool
    escalation_required: bool  #: PHQ-9 item 9 above 0

    @property
    def message(self) -> str:
        parts = [f"{self.instrument} total {self.total}"]
        if self.severity:
            parts.append(f"{self.severity} depression symptoms")
        parts.append("positive screen" if self.positive else "negative screen")
        if self.escalation_required:
            parts.append("item 9 answered above 0: same-day suicide-risk follow-up required")
        return "; ".join(parts)


def answers_in_order(answers: Any, count: int, instrument: str) -> tuple[int, ...]:
    """The answers as a tuple in item order, from any reasonable shape: a list, tuple or other
    sequence (numpy arrays included) in item order, or a mapping keyed by item number (``1``,
    ``"q1"``, ``"Q1"``, ``"item_1"`` ...). Each answer is a whole number 0-3 (numpy integers too)."""
    if isinstance(answers, (str, bytes)) or answers is None or isinstance(answers, (set, frozenset)):
        raise InvalidInput(f"{instrument} answers must be a list of {count} numbers in question order, "
                           f"or a mapping q1..q{count} (got {type(answers).__name__}).", "answers")
    if isinstance(answers, Mapping):
        numbered: dict[int, object] = {}
        for key in answers:
            match = re.fullmatch(r"\s*(?:[A-Za-z]+[_ -]?)?0*(\d{1,2})\s*", str(key))
            if isinstance(key, bool) or not match:
                raise InvalidInput(f"{instrument}: answer key {str(key)[:20]!r} does not name a question "
                                   f"(use q1..q{count}).", "answers")
            n = int(match.group(1))
            if n in numbered:
                raise InvalidInput(f"{instrument}: question {n} is answered twice.", "answers")
            numbered[n] = answers[key]
        if sorted(numbered) != list(range(1, count + 1)):
            got = ", ".join(str(n) for n in sorted(numbered)) or "none"
            raise InvalidInput(f"{instrument} needs answers to questions 1 to {count} (got {got}).", "answers")
        values = [numbered[n] for n in range(1, count + 1)]
    else:
        try:
            values = list(answers)
        except TypeError:
            raise InvalidInput(f"{instrument} answers must be a list of {count} numbers in question order, "
                               f"or a mapping q1..q{count} (got {type(answers).__name__}).", "answers") from None
    if len(values) != count:
        raise InvalidInput(f"{instrument} has {count} questions; {len(values)} answers were given.", "answers")
    out = []
    for n, value in enumerate(values, 1):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or not 0 <= int(value) <= 3:
            shown = value if isinstance(value, numbers.Number) else type(value).__name__
            raise InvalidInput(f"{instrument} question {n}: the answer must be 0, 1, 2 or 3 (got {shown}).",
                               "answers")
        out.append(int(value))
    return tuple(out)


def severity_band(total: int) -> str:
    """PHQ-9 severity band for a total 0-27 (reference, "Screening instruments")."""
    if not 0 <= total <= 27:
        raise InvalidInput(f"A PHQ-9 total is between 0 and 27 (got {total}).")
    return next(name for floor, name in BANDS if total >= floor)


def score_phq2(answers: Sequence[int] | Mapping[object, int]) -> PhqResult:
    """PHQ-2: total 0-6, positive at 3 or more (reference, "Screening instruments")."""
    values = answers_in_order(answers, 2, "PHQ-2")
    total = sum(values)
    return PhqResult("PHQ-2", values, total, None, total >= 3, False)


def score_phq9(answers: Sequence[int] | Mapping[object, int]) -> PhqResult:
    """PHQ-9: total, band, positive at 10 or more, escalation when item 9 > 0
    (reference, "Screening instruments")."""
    values = answers_in_order(answers, 9, "PHQ-9")
    total = sum(values)
    return PhqResult("PHQ-9", values, total, severity_band(total), total >= 10, values[8] > 0)


def phq_due_date(last_screen_date: date | None, today: date) -> date:
    """When the next depression screen is due: a year after the last one (today if never)."""
    return today if last_screen_date is None else add_months(last_screen_date, 12)


def phq_due(last_screen_date: date | None, today: date) -> bool:
    """True when a PHQ screen is due: never screened, or a year or more since the last one.

    Reference, "Screening instruments"; the yearly interval is our documented choice.
    """
    return phq_due_date(last_screen_date, today) <= today
