"""Advanced Primary Care Management (APCM) and the one programme a patient-month bills
(docs/reference.md, "Enrolment and programmes" and "APCM").

- APCM is billed monthly, not by time (HCPCS G0556/G0557/G0558, CY 2025 PFS final rule
  CMS-1807-F): level 1 (G0556) for a patient with one chronic condition or none, level 2 (G0557)
  for two or more, level 3 (G0558) for a Qualified Medicare Beneficiary (QMB) with two or more.
  It needs the patient's APCM consent.
- Behavioural-health add-ons (CY 2026 PFS final rule CMS-1832-F: G0568, G0569, G0570) are billed
  only with an APCM base code, by the same practitioner, in the same month; at most one unit each;
  G0568 (first month of collaborative care) and G0569 (a later month) never together.
- One programme per patient per month: APCM is never billed with CCM or PCM. :func:`bill_programme`
  is the one place a month's bill is made from the programme, so a month carries codes of one
  programme only; enrolment's blocks (:mod:`workbench.rules.enrolment`) clear it, with the reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from workbench.records import Programme
from workbench.rules._text import duration
from workbench.rules.billing import BillLine, MonthBill, Unbilled, choose_codes, codes_text
from workbench.rules.consent import ConsentStatus
from workbench.rules.eligibility import Eligibility
from workbench.rules.enrolment import EnrolmentBlock
from workbench.rules.rule_table import RuleTable
from workbench.rules.time_summary import MonthTime

CENT = Decimal("0.01")
APCM_CODES = {1: "G0556", 2: "G0557", 3: "G0558"}
#: Behavioural-health add-ons to an APCM base code (CMS-1832-F), with what each stands for.
BH_ADDONS = {
    "G0568": "behavioural health add-on: collaborative care, first month",
    "G0569": "behavioural health add-on: collaborative care, a later month",
    "G0570": "behavioural health add-on: general behavioural health integration",
}
#: Codes that belong to the APCM programme (a month with one of them bills no CCM or PCM code).
APCM_PROGRAMME_CODES = frozenset(APCM_CODES.values()) | frozenset(BH_ADDONS)


@dataclass(frozen=True)
class ApcmLevel:
    level: int
    code: str
    why: str


@dataclass(frozen=True)
class BhService:
    """A behavioural-health add-on service furnished in the month, and who bills it."""

    code: str
    practitioner_id: str | None


@dataclass(frozen=True)
class ApcmFacts:
    """What the APCM rules read for one patient-month."""

    consent: ConsentStatus  #: APCM consent on the month's last day
    chronic_conditions: int  #: distinct chronic conditions on record
    qmb: bool  #: Qualified Medicare Beneficiary in the month
    practitioner_id: str | None  #: the billing practitioner of the base code
    bh: tuple[BhService, ...] = ()


def apcm_level(chronic_conditions: int, qmb: bool) -> ApcmLevel:
    """The APCM level and code for the patient (levels as in the rule's code descriptors)."""
    if chronic_conditions >= 2 and qmb:
        return ApcmLevel(3, APCM_CODES[3], "a Qualified Medicare Beneficiary with two or more chronic conditions")
    if chronic_conditions >= 2:
        return ApcmLevel(2, APCM_CODES[2], "two or more chronic conditions")
    why = "one chronic condition" if chronic_conditions == 1 else "no chronic condition on record"
    if qmb:
        why += " (QMB, but level 3 needs two or more chronic conditions)"
    return ApcmLevel(1, APCM_CODES[1], why)


def bh_addons(services: Sequence[BhService], *, base_billed: bool,
              base_practitioner: str | None) -> tuple[list[str], list[str]]:
    """``(codes billed, sentences for those refused)`` for the month's behavioural-health services."""
    billed: list[str] = []
    refused: list[str] = []
    for svc in services:
        if svc.code not in BH_ADDONS:
            refused.append(f"{svc.code} is not an APCM behavioural-health add-on.")
        elif not base_billed:
            refused.append(f"{svc.code} not billed: a behavioural-health add-on needs an APCM base code "
                           "billed the same month.")
        elif svc.practitioner_id != base_practitioner:
            refused.append(f"{svc.code} not billed: it must be billed by the practitioner who bills the "
                           f"APCM base code ({base_practitioner or 'none'}), not {svc.practitioner_id or 'none'}.")
        elif svc.code in billed:
            refused.append(f"{svc.code} not billed twice: at most one unit a month.")
        elif {svc.code, *billed} >= {"G0568", "G0569"}:
            refused.append(f"{svc.code} not billed: G0568 (first month of collaborative care) and G0569 "
                           "(a later month) are never billed in the same month.")
        else:
            billed.append(svc.code)
    return billed, refused


def _line(code: str, table: RuleTable) -> BillLine:
    unit = table.amount(code)
    return BillLine(code, 1, unit, unit.quantize(CENT) if unit is not None else Decimal("0.00"),
                    code in table.provisional)


def _flags(lines: Sequence[BillLine], table: RuleTable) -> list[str]:
    out = []
    for line in lines:
        if line.unit_amount is None:
            out.append(f"{line.code} amount not set in the {table.year} table: shown as $0.00")
        elif line.provisional:
            out.append(f"{line.code} provisional amount: {table.provisional_note(line.code)}; "
                       "confirm in the CMS PFS Look-Up Tool before billing")
    return out


def apcm_bill(time: MonthTime, facts: ApcmFacts, table: RuleTable) -> MonthBill:
    """The APCM month: the level's base code and the add-ons that pair with it; every second of
    CCM or PCM time is not billed (one programme per patient-month)."""
    unbilled = [Unbilled(e.seconds, e.text) for e in time.excluded]
    for service_time, name in ((time.ccm, "CCM"), (time.pcm, "PCM")):
        if service_time.all_seconds:
            unbilled.append(Unbilled(service_time.all_seconds,
                                     f"{duration(service_time.all_seconds)} of {name} time not billed: APCM is "
                                     "billed this month (one programme per patient-month)"))
    flags = list(time.flags)
    level = apcm_level(facts.chronic_conditions, facts.qmb)
    lines: list[BillLine] = []
    if facts.consent.valid:
        lines.append(_line(level.code, table))
    addons, refused = bh_addons(facts.bh, base_billed=bool(lines), base_practitioner=facts.practitioner_id)
    lines += [_line(code, table) for code in addons]
    flags += refused + _flags(lines, table)
    amount = sum((ln.amount for ln in lines), Decimal("0.00"))
    if lines:
        reason = f"APCM level {level.level} ({level.why}): {codes_text(lines)}, ${amount}."
    else:
        reason = f"Nothing billed: APCM needs the patient's APCM consent. {facts.consent.reason}"
    return MonthBill(patient_id=time.patient_id, month=time.month, lines=tuple(lines), amount=amount,
                     codes_text=codes_text(lines), family=f"apcm_level{level.level}" if lines else None,
                     billable_seconds=0, counted_seconds=time.counted_seconds, unbilled_items=tuple(unbilled),
                     flags=tuple(dict.fromkeys(flags)), alternative=None,
                     minutes_by_staff=time.minutes_by_staff, reason=reason)


def blocked(bill: MonthBill, block: EnrolmentBlock, time: MonthTime) -> MonthBill:
    """``bill`` with nothing billed because enrolment forbids the month: every counted second is
    held with the block's code and sentence; time the rules excluded keeps its own reason."""
    held = Unbilled(time.counted_seconds, f"{duration(time.counted_seconds)} not billed: {block.text}") \
        if time.counted_seconds else Unbilled(0, block.text)
    return replace(bill, lines=(), amount=Decimal("0.00"), codes_text="", family=None, billable_seconds=0,
                   alternative=None, flags=tuple(time.flags),
                   unbilled_items=(*(Unbilled(e.seconds, e.text) for e in time.excluded), held),
                   reason=f"Nothing billed: {block.text}")


def bill_programme(time: MonthTime, *, programme: Programme, block: EnrolmentBlock | None,
                   eligibility: Eligibility, complex_attested: bool, table: RuleTable,
                   apcm: ApcmFacts | None = None) -> MonthBill:
    """The one bill of a patient-month: the programme's codes (CCM/PCM by time, or APCM), cleared
    with the reason when enrolment blocks the month."""
    if programme == Programme.APCM:
        if apcm is None:
            raise ValueError("an APCM month needs its ApcmFacts")
        bill = apcm_bill(time, apcm, table)
    else:
        bill = choose_codes(time, eligibility=eligibility, complex_attested=complex_attested, table=table)
    return blocked(bill, block, time) if block is not None else bill
