"""The initiating visit and G0506 (docs/reference.md, "Initiating visit" and "G0506").

CMS (Chronic Care Management Services booklet, MLN909188; CY 2017 PFS final rule, 81 FR 80245):
a face-to-face visit with the billing practitioner (an E/M visit, an annual wellness visit or
an initial preventive physical exam) at which CCM is discussed must come before CCM is billed
for a patient who is new to the practitioner or was not seen in the 12 months before CCM
began. G0506 is an add-on to that initiating visit for extensive care planning done by the
billing practitioner, billable once per patient.

How the workbench applies it:

- CCM begins on the date of the consent in force in the service month (the latest consent
  dated on or before the month's last day).
- A patient "was seen" when the record has any face-to-face visit in the 12 months up to and
  including that date (same day one year earlier, clamped): no initiating visit needed.
- Otherwise the month is billable only once an initiating visit (a visit kind above, CCM
  discussed, by the billing practitioner when one is named) is recorded dated on or before the
  month's last day; until then the month is flagged with that date ("needed by").
- G0506: the first visit with ``extensive_care_planning`` that is by the billing practitioner
  and at which CCM was discussed; any later one is refused with a reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from workbench.records import Consent, Visit, VisitKind
from workbench.rules.months import add_months, end_of_month, parse_month

INITIATING_KINDS = frozenset(VisitKind)
_KINDS_TEXT = "an office visit (E/M), an annual wellness visit or an initial preventive exam"


@dataclass(frozen=True)
class Initiation:
    """Whether the initiating-visit rule lets ``month`` be billed."""

    month: str
    ccm_start: date | None  #: the consent date CCM began on; None without consent
    required: bool  #: new patient or not seen in the 12 months before ``ccm_start``
    met: bool  #: the month may be billed as far as this rule goes
    visit: Visit | None  #: the initiating visit, or the visit that made one unnecessary
    needed_by: date | None  #: when not met: record an initiating visit on or before this date
    text: str  #: one sentence for the bill ("" when nothing needs saying)


def _ccm_start(consents: Sequence[Consent], last: date) -> date | None:
    dates = [c.consent_date for c in consents if c.consent_date <= last]
    return max(dates) if dates else None


def initiation_status(visits: Sequence[Visit], consents: Sequence[Consent], month: str,
                      billing_practitioner_id: str | None = None) -> Initiation:
    """The initiating-visit rule for one patient-month (docs/reference.md, "Initiating visit")."""
    year, mon = parse_month(month)
    last = end_of_month(date(year, mon, 1))
    start = _ccm_start(consents, last)
    if start is None:
        return Initiation(month, None, False, True, None, None, "")
    year_before = add_months(start, -12)
    seen = [v for v in visits if year_before <= v.visit_date <= start]
    if seen:
        latest = max(seen, key=lambda v: (v.visit_date, v.id or 0))
        return Initiation(month, start, False, True, latest, None, "")
    candidates = sorted((v for v in visits
                         if v.ccm_discussed and v.kind in INITIATING_KINDS and v.visit_date >= year_before
                         and (billing_practitioner_id is None or v.practitioner_id == billing_practitioner_id)),
                        key=lambda v: (v.visit_date, v.id or 0))
    done = [v for v in candidates if v.visit_date <= last]
    if done:
        return Initiation(month, start, True, True, done[0], None,
                          f"Initiating visit on {done[0].visit_date.isoformat()}")
    who = " with the billing practitioner" if billing_practitioner_id else ""
    text = (f"Initiating visit needed by {last.isoformat()}: no face-to-face visit in the 12 months before CCM "
            f"began on {start.isoformat()}; record {_KINDS_TEXT}{who} at which CCM is discussed, on or before "
            f"{last.isoformat()}, to bill {month}")
    return Initiation(month, start, True, False, None, last, text)


@dataclass(frozen=True)
class G0506Decision:
    """Which visit carries G0506 (if any) and why the others do not."""

    visit: Visit | None
    refused: tuple[tuple[Visit, str], ...]


def g0506_decision(visits: Sequence[Visit], billing_practitioner_id: str | None) -> G0506Decision:
    """G0506 once per patient, at initiation, by the billing practitioner (docs/reference.md, "G0506")."""
    chosen: Visit | None = None
    refused: list[tuple[Visit, str]] = []
    for v in sorted(visits, key=lambda v: (v.visit_date, v.id or 0)):
        if not v.extensive_care_planning:
            continue
        if chosen is not None:
            refused.append((v, f"G0506 not billed for {v.visit_date.isoformat()}: already billed once, "
                               f"on {chosen.visit_date.isoformat()} (once per patient)"))
        elif billing_practitioner_id is None or v.practitioner_id != billing_practitioner_id:
            refused.append((v, f"G0506 not billed for {v.visit_date.isoformat()}: care planning must be "
                               "done by the patient's billing practitioner"))
        elif not v.ccm_discussed:
            refused.append((v, f"G0506 not billed for {v.visit_date.isoformat()}: it is an add-on to the "
                               "visit that initiates CCM, and CCM was not discussed at this visit"))
        else:
            chosen = v
    return G0506Decision(chosen, tuple(refused))


def g0506_in_month(decision: G0506Decision, month: str) -> Visit | None:
    """The G0506 visit when it falls in ``month`` (the claim's month), else None."""
    v = decision.visit
    return v if v is not None and v.visit_date.strftime("%Y-%m") == month else None


def visit_row(visit: Visit, today: date) -> dict[str, object]:
    """The checked columns of a ``visits`` row (the store's one shape for a visit)."""
    from workbench.errors import InvalidInput

    if not isinstance(visit, Visit):
        raise InvalidInput("A visit must be a Visit record.", "visit")
    if not isinstance(visit.visit_date, date) or visit.visit_date > today or visit.visit_date.year < 2000:
        raise InvalidInput(f"Visit date {visit.visit_date!s} must be a date from 2000 to today.", "visit_date")
    try:
        kind = VisitKind(visit.kind)
    except ValueError:
        kinds = ", ".join(k.value for k in VisitKind)
        raise InvalidInput(f"Visit kind {str(visit.kind)[:40]!r} is not one of: {kinds}.", "kind") from None
    return dict(visit_date=visit.visit_date, kind=kind.value, practitioner_id=visit.practitioner_id,
                ccm_discussed=bool(visit.ccm_discussed),
                extensive_care_planning=bool(visit.extensive_care_planning))
