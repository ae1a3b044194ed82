"""Monthly CCM/PCM code selection for one patient-month (reference, "Monthly codes and time thresholds").

Two stages, so the month report can feed stage 2 from SQL aggregates:

1. :func:`summarize_month` (in :mod:`workbench.rules.time_summary`): which seconds count.
2. :func:`choose_codes`: which ONE code family is claimed, with units and amounts, and a
   reason for every second not billed.

Rules (all from docs/reference.md, "Monthly codes and time thresholds"):

- No rounding up: below a threshold nothing is billed; each add-on unit needs its full
  increment (99439: 20 min, at most 2 units; 99437, 99489, 99425, 99427: 30 min).
- One claim per patient-month, ever: complex and non-complex CCM never together; 99491
  never with 99490/99487/99489; PCM by physician never with PCM by staff; CCM never with
  PCM (same billing practitioner). So exactly one family is chosen, or none.
- Physician/QHP time may also count as clinical-staff time (99490/99487/99426 pools use the
  union of both); 99491/99424 use physician/QHP time only.
- Complex CCM (99487/+99489) needs the billing practitioner's attestation.
- When several families are billable, the one that pays most under the year's table is
  chosen (ties: the order of :func:`workbench.rules.rule_table.standard_families`) and the
  runner-up is reported as the alternative.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from workbench.errors import InvalidInput
from workbench.records import Consent, Service, TimeEntry, User
from workbench.rules._text import duration, minutes_of
from workbench.rules.eligibility import Eligibility
from workbench.rules.initiation import Initiation
from workbench.rules.minutes import whole_minutes
from workbench.rules.months import parse_month
from workbench.rules.rule_table import STAFF, CodeFamily, RuleTable
from workbench.rules.staffing import StaffingRule
from workbench.rules.tables import rule_table_for
from workbench.rules.time_summary import Excluded, MonthTime, ServiceTime, summarize_month

CENT = Decimal("0.01")
__all__ = ["BillLine", "Option", "MonthBill", "Unbilled", "choose_codes", "bill_month",
           "summarize_month", "next_threshold", "with_initiation", "MonthTime", "ServiceTime", "Excluded"]


@dataclass(frozen=True)
class BillLine:
    code: str
    units: int
    unit_amount: Decimal | None  #: None: the table has no amount for this code yet
    amount: Decimal  #: units x unit amount ($0.00 when the amount is not set)
    provisional: bool = False  #: amount not confirmed (docs/reference.md, "Payment amounts")


@dataclass(frozen=True)
class Option:
    """One billable family for the month: its lines, amount and the seconds its codes use."""

    family: str
    label: str
    lines: tuple[BillLine, ...]
    amount: Decimal
    billed_seconds: int

    @property
    def codes_text(self) -> str:
        return codes_text(self.lines)


@dataclass(frozen=True)
class Unbilled:
    seconds: int
    text: str


@dataclass(frozen=True)
class MonthBill:
    patient_id: str
    month: str
    lines: tuple[BillLine, ...]
    amount: Decimal
    codes_text: str  #: "99490;99439x2", "" when nothing is billed
    family: str | None  #: the chosen family key, None when nothing is billed
    billable_seconds: int  #: seconds the billed codes stand on (thresholds met)
    counted_seconds: int  #: countable seconds after exclusions
    unbilled_items: tuple[Unbilled, ...]  #: every second not billed, with its reason
    flags: tuple[str, ...]
    alternative: Option | None
    minutes_by_staff: Mapping[str, int]
    reason: str  #: one sentence: what was billed, or why nothing was
    programme: str = ""  #: the programme billed: "CCM", "PCM", "APCM", "" when nothing is billed
    programme_why: str = ""  #: which programme the month falls under and why (or the enrolment block)

    @property
    def billable_minutes(self) -> int:
        return whole_minutes(self.billable_seconds)

    @property
    def counted_minutes(self) -> int:
        return whole_minutes(self.counted_seconds)

    @property
    def unbilled(self) -> list[str]:
        return [u.text for u in self.unbilled_items]


def codes_text(lines: Sequence[BillLine]) -> str:
    """Each code once with its units: ``99490;99439x2`` (reference, month report format)."""
    return ";".join(line.code if line.units == 1 else f"{line.code}x{line.units}" for line in lines)


def _line(code: str, units: int, table: RuleTable) -> BillLine:
    unit = table.amount(code)
    amount = (unit * units).quantize(CENT) if unit is not None else Decimal("0.00")
    return BillLine(code, units, unit, amount, code in table.provisional)


def _option(fam: CodeFamily, seconds: int, table: RuleTable) -> Option:
    base, addon = fam.units(seconds)
    lines: list[BillLine] = []
    if base:
        lines.append(_line(fam.base_code, 1, table))
    if addon:
        lines.append(_line(fam.addon_code, addon, table))
    billed = (fam.base_minutes + addon * fam.addon_minutes) * 60 if base else 0
    return Option(fam.key, fam.label, tuple(lines), sum((ln.amount for ln in lines), Decimal("0.00")), billed)


def _pool(fam: CodeFamily, time: MonthTime) -> int:
    service_time = time.ccm if fam.service == Service.CCM else time.pcm
    return service_time.all_seconds if fam.performer == STAFF else service_time.practitioner_seconds


def _remainder_text(fam: CodeFamily, option: Option, rest: int) -> str:
    """Why the seconds of the chosen pool beyond the billed codes are not billed."""
    if not option.lines:
        need = fam.base_minutes * 60 - rest
        return f"{minutes_of(rest)} of {fam.base_minutes} minutes for {fam.base_code}: {minutes_of(need)} more needed"
    addon_units = option.lines[1].units if len(option.lines) > 1 else 0
    if fam.addon_cap is not None and addon_units >= fam.addon_cap:
        return f"{duration(rest)} beyond the +{fam.addon_code} cap of {fam.addon_cap} units"
    need = fam.addon_minutes * 60 - rest
    return f"{minutes_of(rest)} of {fam.addon_minutes} minutes for +{fam.addon_code}: {minutes_of(need)} more needed"


def _families(time: MonthTime, eligibility: Eligibility, complex_attested: bool,
              table: RuleTable) -> list[CodeFamily]:
    out = []
    for fam in table.families:
        if fam.service == Service.CCM and not eligibility.ccm_eligible:
            continue
        if fam.service == Service.PCM and not eligibility.pcm_possible:
            continue
        if fam.needs_complex and not complex_attested:
            continue
        out.append(fam)
    return out


def choose_codes(time: MonthTime, *, eligibility: Eligibility, complex_attested: bool,
                 table: RuleTable) -> MonthBill:
    """Choose the one code family to claim for the month, with a reason for every unbilled second.

    Reference, "Monthly codes and time thresholds" (thresholds, caps, exclusions, no rounding
    up) and "Who is eligible" (CCM needs two chronic conditions; PCM one complex one).
    """
    year, _ = parse_month(time.month)
    if table.year != year:
        raise InvalidInput(f"The {table.year} rule table cannot bill {time.month}: use the {year} table.",
                           field="table")
    families = _families(time, eligibility, complex_attested, table)
    options = [(fam, _option(fam, _pool(fam, time), table)) for fam in families]
    billable = [(i, fam, opt) for i, (fam, opt) in enumerate(options) if opt.lines]
    billable.sort(key=lambda item: (-item[2].amount, item[0]))

    unbilled = [Unbilled(e.seconds, e.text) for e in time.excluded]
    flags = list(time.flags)
    chosen: tuple[CodeFamily, Option] | None = None
    alternative = None
    if billable:
        chosen = (billable[0][1], billable[0][2])
        if len(billable) > 1:
            alternative = billable[1][2]

    if chosen:
        fam, opt = chosen
        pool = _pool(fam, time)
        if pool > opt.billed_seconds:
            unbilled.append(Unbilled(pool - opt.billed_seconds, _remainder_text(fam, opt, pool - opt.billed_seconds)))
        own = time.ccm if fam.service == Service.CCM else time.pcm
        other, other_name = (time.pcm, "PCM") if fam.service == Service.CCM else (time.ccm, "CCM")
        if fam.performer != STAFF and own.staff_only_seconds:
            unbilled.append(Unbilled(own.staff_only_seconds,
                                     f"{duration(own.staff_only_seconds)} of clinical-staff time not billed: "
                                     f"{fam.base_code} by physician/QHP pays more and cannot be billed with "
                                     "staff codes in the same month"))
        if other.all_seconds:
            unbilled.append(Unbilled(other.all_seconds,
                                     f"{duration(other.all_seconds)} of {other_name} time not billed: "
                                     f"{fam.service} is billed this month (one claim per patient-month)"))
        lines = opt.lines
        for line in lines:
            if line.unit_amount is None:
                flags.append(f"{line.code} amount not set in the {table.year} table: shown as $0.00")
            elif line.provisional:
                flags.append(f"{line.code} provisional amount: {table.provisional_note(line.code)}; "
                             "confirm in the CMS PFS Look-Up Tool before billing")
        reason = f"{opt.label}: {opt.codes_text}, ${opt.amount}."
        if alternative:
            reason += f" Alternative: {alternative.codes_text}, ${alternative.amount}."
    else:
        lines = ()
        reason = _nothing_reason(time, eligibility, families, unbilled)

    amount = sum((ln.amount for ln in lines), Decimal("0.00"))
    return MonthBill(
        patient_id=time.patient_id, month=time.month, lines=tuple(lines), amount=amount,
        codes_text=codes_text(lines), family=chosen[0].key if chosen else None,
        billable_seconds=chosen[1].billed_seconds if chosen else 0,
        counted_seconds=time.counted_seconds, unbilled_items=tuple(unbilled),
        flags=tuple(dict.fromkeys(flags)), alternative=alternative,
        minutes_by_staff=time.minutes_by_staff, reason=reason,
    )


def _nothing_reason(time: MonthTime, eligibility: Eligibility, families: list[CodeFamily],
                    unbilled: list[Unbilled]) -> str:
    """Fill ``unbilled`` for counted time when no family reaches its threshold; return the sentence."""
    for service_time, service in ((time.ccm, Service.CCM), (time.pcm, Service.PCM)):
        seconds = service_time.all_seconds
        if not seconds:
            continue
        candidates = [f for f in families if f.service == service and not f.needs_complex]
        if not candidates:
            why = eligibility.reason if service == Service.CCM else \
                f"PCM needs a complex chronic condition. {eligibility.reason}"
            unbilled.append(Unbilled(seconds, f"{duration(seconds)} of {service} time not billed: {why}"))
            continue
        fam = candidates[0]
        if service == Service.PCM and service_time.practitioner_seconds == seconds:
            fam = next((f for f in candidates if f.performer != STAFF), fam)
        unbilled.append(Unbilled(seconds, _remainder_text(fam, Option(fam.key, fam.label, (), Decimal(0), 0),
                                                          seconds)))
    if not time.logged_seconds:
        return "Nothing billed: no time logged this month."
    if not time.counted_seconds:
        return "Nothing billed: no countable time (see the reasons)."
    if not eligibility.ccm_eligible and not eligibility.pcm_possible:
        return f"Nothing billed: {eligibility.reason}"
    return "Nothing billed: no threshold met this month (time never carries over)."


def bill_month(entries: Sequence[TimeEntry], *, patient_id: str, month: str, consents: Sequence[Consent],
               staff: Mapping[str, User], eligibility: Eligibility, complex_attested: bool = False,
               table: RuleTable | None = None, staffing: StaffingRule | None = None,
               today: date | None = None) -> MonthBill:
    """Both stages for one patient-month: :func:`summarize_month` then :func:`choose_codes`.

    Reference, "Monthly codes and time thresholds". ``table`` defaults to the service
    month's table (:func:`workbench.rules.tables.rule_table_for`).
    """
    time = summarize_month(entries, patient_id=patient_id, month=month, consents=consents,
                           staff=staff, staffing=staffing, today=today)
    return choose_codes(time, eligibility=eligibility, complex_attested=complex_attested,
                        table=table or rule_table_for(month))


def with_initiation(bill: MonthBill, initiation: Initiation | None) -> MonthBill:
    """``bill`` with the initiating-visit flag when the rule is not met (docs/reference.md,
    "Initiating visit"). The codes stay, so the month shows what it would bill; a claim is held
    until the visit is recorded (:mod:`workbench.reports.claims`)."""
    from dataclasses import replace

    if initiation is None or initiation.met or not bill.lines:
        return bill
    return replace(bill, flags=tuple(dict.fromkeys((*bill.flags, initiation.text))))


def next_threshold(counted_minutes: float, table: RuleTable) -> float | None:
    """Minutes still owed to the next staff-CCM threshold (20/40/60), for the worklist.

    None when the last threshold (99439 cap) is already met. Reference, "Monthly codes and
    time thresholds": time never carries over, so this resets each month.
    """
    for threshold in table.staff_thresholds():
        if counted_minutes < threshold:
            return threshold - counted_minutes
    return None
