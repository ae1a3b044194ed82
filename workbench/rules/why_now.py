"""Why call this patient now: the worklist's reasons, as typed values (a code and a sentence).

Pure: the worklist report gathers each patient's facts (:class:`Facts`) and this module says
which reasons apply, how urgent each is and in what order (:func:`reasons`, :func:`urgency`).
The screens choose a badge colour from :attr:`Reason.tone` and never read the sentence.

Reasons, most urgent first (each cites the reference section it comes from):

- ``escalation``: an open escalation ("Screening instruments": PHQ-9 item 9 needs same-day
  follow-up; every escalation is open until closed with its protocol's steps).
- ``post_discharge``: a hospital contact (a discharge) in the last :data:`DISCHARGE_WINDOW_DAYS`
  days ("What counts": care transitions; the 30 days follow CMS's transitional care period),
  sooner on the first days.
- ``threshold``: minutes still owed to the next staff-CCM threshold of the month's rule table
  (20/40/60 in 2026, "Monthly codes and time thresholds"), with the days left in the month:
  time never carries over, so a patient a few minutes from a threshold comes before one who
  owes a whole threshold, and fewer days left is sooner.
- ``consent_call``: an eligible patient without valid consent ("Consent": no time counts before).
- ``phq_due``: a depression screen is due ("Screening instruments", yearly).
- ``care_gaps``: open care gaps ("Care gaps commonly tracked").
- ``timer_running``: a timer is running for the patient (a state, not a reason to call: weight 0).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

#: Days after a discharge during which the patient is a care-transition call.
DISCHARGE_WINDOW_DAYS = 30
#: Minutes from a threshold that count as "close" (one short call reaches it).
CLOSE_MINUTES = 10

#: Reason codes, most urgent kind first.
CODES = ("escalation", "post_discharge", "threshold", "consent_call", "phq_due", "care_gaps", "timer_running")

#: Badge tone per code (the screens map a tone to a colour).
TONES = {"escalation": "danger", "post_discharge": "danger", "threshold": "warn", "consent_call": "warn",
         "phq_due": "info", "care_gaps": "info", "timer_running": "ok"}


@dataclass(frozen=True)
class Facts:
    """What the worklist knows about one patient on one day."""

    open_escalations: int = 0
    billable_program: bool = False  #: CCM or PCM eligible
    consent_valid: bool = False
    minutes: int = 0  #: whole minutes counted this month
    thresholds: Sequence[int] = ()  #: the month's staff thresholds, ascending (from the rule table)
    days_left: int = 1  #: days left in the month, today included
    days_since_discharge: int | None = None  #: 0 on the day of the discharge contact
    phq_due: bool = False
    care_gaps: int = 0
    timer_running: bool = False


@dataclass(frozen=True)
class Reason:
    code: str  #: one of :data:`CODES`
    sentence: str  #: what the screen shows
    weight: float  #: higher is sooner
    tone: str  #: danger | warn | info | ok

    def __post_init__(self) -> None:
        if self.code not in TONES:
            raise ValueError(f"unknown reason code {self.code!r}")


def _reason(code: str, sentence: str, weight: float) -> Reason:
    return Reason(code, sentence, round(weight, 2), TONES[code])


def next_threshold(minutes: int, thresholds: Sequence[int]) -> int | None:
    """The first threshold above ``minutes`` (None once the last is met)."""
    return next((t for t in thresholds if minutes < t), None)


def threshold_reason(minutes: int, thresholds: Sequence[int], days_left: int) -> Reason | None:
    """Minutes owed to the next threshold with the days left, or None when none is owed."""
    nxt = next_threshold(minutes, thresholds)
    if nxt is None:
        return None
    owed, days = nxt - minutes, max(days_left, 1)
    left = f"{days} day{'s' if days != 1 else ''} left"
    sentence = f"{owed} min to reach {nxt}, {left}"
    if owed <= CLOSE_MINUTES:
        weight = 400.0 - owed  # one call reaches it: closest first
    else:
        weight = 200.0 + min(100.0, 10.0 * owed / days)  # a whole threshold owed: fewer days is sooner
    if thresholds and nxt == thresholds[0]:
        weight += 20.0  # until the first threshold nothing can be billed at all
    return _reason("threshold", sentence, weight)


def reasons(f: Facts) -> tuple[Reason, ...]:
    """Every reason that applies to ``f``, most urgent first (ties in :data:`CODES` order)."""
    out: list[Reason] = []
    if f.open_escalations > 0:
        n = f.open_escalations
        out.append(_reason("escalation", "Escalation open" if n == 1 else f"{n} escalations open", 1000.0 + n))
    if f.days_since_discharge is not None and 0 <= f.days_since_discharge < DISCHARGE_WINDOW_DAYS:
        day = f.days_since_discharge
        out.append(_reason("post_discharge", f"Post-discharge day {day}", 800.0 - 10.0 * day))
    if f.billable_program and f.consent_valid:
        owed = threshold_reason(f.minutes, f.thresholds, f.days_left)
        if owed is not None:
            out.append(owed)
    elif f.billable_program:
        out.append(_reason("consent_call", "Consent call needed", 150.0))
    if f.phq_due:
        out.append(_reason("phq_due", "PHQ due", 100.0))
    if f.care_gaps > 0:
        out.append(_reason("care_gaps", f"{f.care_gaps} care gap{'s' if f.care_gaps != 1 else ''}",
                           50.0 + min(f.care_gaps, 5)))
    if f.timer_running:
        out.append(_reason("timer_running", "Timer running", 0.0))
    return tuple(sorted(out, key=lambda x: (-x.weight, CODES.index(x.code))))


def urgency(found: Sequence[Reason]) -> float:
    """The sort key of a patient: the most urgent reason's weight plus a hundredth of the
    others' (they order patients whose most urgent reasons weigh about the same)."""
    if not found:
        return 0.0
    top = max(x.weight for x in found)
    return round(top + 0.01 * (sum(x.weight for x in found) - top), 2)
