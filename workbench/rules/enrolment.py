"""Enrolment status on a day, the programme of a month, and when enrolment blocks billing
(docs/reference.md, "Enrolment and programmes").

- The status on a day is the latest event effective on or before it (ties: the later record).
  A patient with no event has no recorded status: billing is decided by consent and eligibility
  alone, as before enrolment was recorded.
- **Enrolled elsewhere** blocks the whole month when it holds on any day of it: another practice
  may bill care management that month, and only one practice may (the consent's disclosure).
- **Declined** blocks the month when it holds on the month's last day: the patient said no.
- The programme billed in a month (CCM or APCM) is the one the patient is enrolled in on the
  month's last day; without an enrolment, CCM (time-based) rules apply. One programme per
  patient per month: the other programme's work that month is not billed, with the reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from workbench.records import ENROLMENT_STATUS_LABELS, EnrolmentEvent, EnrolmentStatus, Programme
from workbench.rules.months import month_bounds

#: Reason codes the month report and the claims file carry when enrolment blocks a month.
BLOCK_CODES = {
    EnrolmentStatus.ENROLLED_ELSEWHERE: "ENR-ELSEWHERE",
    EnrolmentStatus.DECLINED: "ENR-DECLINED",
}


@dataclass(frozen=True)
class EnrolmentBlock:
    code: str  #: "ENR-ELSEWHERE" | "ENR-DECLINED"
    sentence: str  #: why nothing is billed, for the billing office

    @property
    def text(self) -> str:
        return f"{self.code}: {self.sentence}"


def _ordered(events: Sequence[EnrolmentEvent]) -> list[EnrolmentEvent]:
    return sorted(events, key=lambda e: (e.effective_on, e.recorded_at is not None, e.recorded_at or 0,
                                         e.id or 0))


def status_on(events: Sequence[EnrolmentEvent], day: date) -> EnrolmentEvent | None:
    """The event in force on ``day`` (None: no status recorded by then)."""
    before = [e for e in _ordered(events) if e.effective_on <= day]
    return before[-1] if before else None


def statuses_in_month(events: Sequence[EnrolmentEvent], month: str) -> list[EnrolmentEvent]:
    """Every event in force on some day of ``month``: the one in force on its first day and
    those effective inside it."""
    first, last = month_bounds(month)
    at_start = status_on(events, first)
    inside = [e for e in _ordered(events) if first < e.effective_on <= last]
    return ([at_start] if at_start else []) + inside


def billing_block(events: Sequence[EnrolmentEvent], month: str) -> EnrolmentBlock | None:
    """Why enrolment forbids billing ``month`` for the patient, or None."""
    _, last = month_bounds(month)
    elsewhere = [e for e in statuses_in_month(events, month) if e.status == EnrolmentStatus.ENROLLED_ELSEWHERE]
    if elsewhere:
        e = elsewhere[-1]
        return EnrolmentBlock(BLOCK_CODES[e.status],
                              f"the patient is enrolled in care management with another practice "
                              f"(from {e.effective_on}; {e.reason}); only one practice may bill a month, "
                              "so nothing is billed here.")
    end = status_on(events, last)
    if end is not None and end.status == EnrolmentStatus.DECLINED:
        return EnrolmentBlock(BLOCK_CODES[end.status],
                              f"the patient declined care management (from {end.effective_on}; "
                              f"{end.reason}); nothing is billed while declined.")
    return None


def programme_for_month(events: Sequence[EnrolmentEvent], month: str) -> tuple[Programme, str]:
    """The programme billed in ``month`` and why, in one sentence."""
    _, last = month_bounds(month)
    end = status_on(events, last)
    if end is not None and end.status == EnrolmentStatus.ENROLLED:
        return end.programme, f"enrolled in {end.programme} from {end.effective_on}"
    if end is None:
        return Programme.CCM, "no enrolment recorded: CCM rules apply"
    return Programme.CCM, f"{ENROLMENT_STATUS_LABELS[end.status].lower()} from {end.effective_on}: CCM rules apply"


def status_label(event: EnrolmentEvent | None) -> str:
    """"Enrolled (APCM)", "Declined", or "Not recorded"."""
    if event is None:
        return "Not recorded"
    label = ENROLMENT_STATUS_LABELS[event.status]
    return f"{label} ({event.programme})" if event.status == EnrolmentStatus.ENROLLED else label
