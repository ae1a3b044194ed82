"""The claim-ready month: what a billing person needs to file each patient-month's claim.

docs/reference.md, "A claim-ready month". One row per claim line of the month:

- a **CCM/PCM row** for each patient whose month bills a code family (the month report's bill,
  :func:`workbench.reports.month.month_bills`: one family per patient-month, ever);
- a **G0506 row** when the patient's G0506 care planning visit falls in the month (once per
  patient, by the billing practitioner: :func:`workbench.rules.initiation.g0506_decision`);
  it is an add-on billed on the initiating visit's claim, dated that day.

Each row carries name, date of birth, sex, Medicare member id (MBI) and payer, the billing
practitioner and NPI, up to four ICD-10-CM codes of the chronic conditions managed, the codes
with units, the date of service (the practice's choice: the day the claim's codes were all met,
or the last day of the month), place of service, amount, and a status: ``ready``, or ``hold``
with the reasons (initiating visit needed, member id or NPI missing, amount not set, time not
approved, not signed, ...): each reason's sentence in ``reasons`` and its code, in the same order,
in ``reason_codes`` (:data:`REASON_CODES`).
Provisional amounts are named in ``notes`` but do not hold a claim.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

import pandas as pd
from sqlalchemy import select

from .. import records as r
from ..errors import InvalidInput
from ..rules import bill_month, rule_table_for
from ..rules.approval import Hold
from ..rules.identifiers import mbi_problem, npi_problem
from ..rules.initiation import g0506_decision, g0506_in_month, initiation_status
from ..rules.staffing import StaffingRule
from ..rules.months import month_bounds
from ..store import queries as q
from ..store import schema as s
from ..store.corrections import corrected

CLAIM_COLUMNS = ["patient_id", "last_name", "first_name", "birth_date", "sex", "member_id", "payer",
                 "billing_practitioner", "billing_npi", "dx1", "dx2", "dx3", "dx4", "service", "codes",
                 "date_of_service", "place_of_service", "amount_usd", "status", "reasons", "reason_codes",
                 "notes"]

#: How the date of service is chosen (docs/reference.md, "A claim-ready month").
DATE_OF_SERVICE = ("month-end", "threshold")
#: Office (CMS Place of Service code set): where the billing practitioner usually sees patients.
DEFAULT_PLACE_OF_SERVICE = "11"


#: the codes of ``reason_codes`` (with those of :data:`workbench.rules.approval.HOLD_CODES`)
REASON_CODES = {"PATIENT_ID": "the patient's Medicare member id is missing or malformed",
                "PRACTITIONER": "the billing practitioner, their credential or NPI is missing or wrong",
                "NO_DIAGNOSIS": "no chronic condition code on record",
                "INITIATION": "an initiating visit is needed", "AMOUNT_NOT_SET": "no amount in the year's table"}


def dotted_icd10(code: str) -> str:
    """``E119`` -> ``E11.9`` (the form a person reads; the code itself is the same)."""
    code = code.replace(".", "").strip().upper()
    return code if len(code) <= 3 else f"{code[:3]}.{code[3:]}"


def diagnoses(eligibility, limit: int = 4) -> list[str]:
    """Up to ``limit`` ICD-10-CM codes of the chronic conditions managed: the qualifying
    conditions (complex ones first, for PCM), each code once, in record order."""
    quals = sorted(eligibility.qualifying, key=lambda x: not x.complex) if eligibility.program == "PCM" \
        else list(eligibility.qualifying)
    codes = list(dict.fromkeys(dotted_icd10(x.condition.icd10) for x in quals))
    return codes[:limit]


def _units_text(lines) -> str:
    return ";".join(f"{ln.code}x{ln.units}" for ln in lines)


def _threshold_day(wb, pid: str, month: str, bill, consents, staff, eligibility, attested, table) -> date:
    """The first day of the month by which every code on the claim was met (entries up to that
    day bill the same codes and units)."""
    entries = wb.time_entries(pid, month)
    target = [(ln.code, ln.units) for ln in bill.lines]
    for day in sorted({e.service_date for e in entries}):
        part = bill_month([e for e in entries if e.service_date <= day], patient_id=pid, month=month,
                          consents=consents, staff=staff, eligibility=eligibility, complex_attested=attested,
                          table=table, staffing=StaffingRule(), today=wb.today())
        if [(ln.code, ln.units) for ln in part.lines] == target:
            return day
    return month_bounds(month)[1]


def _identity_problems(patient: r.Patient, practitioner: r.User | None) -> list[Hold]:
    out = []
    if not patient.member_id:
        out.append(Hold("PATIENT_ID", "Medicare member id (MBI) missing"))
    elif mbi_problem(patient.member_id):
        out.append(Hold("PATIENT_ID", f"Medicare member id (MBI) {mbi_problem(patient.member_id)}"))
    if practitioner is None:
        out.append(Hold("PRACTITIONER", "no billing practitioner on record"))
    else:
        if not practitioner.is_practitioner:
            out.append(Hold("PRACTITIONER", f"billing practitioner {practitioner.id} holds no practitioner credential"))
        if not practitioner.npi:
            out.append(Hold("PRACTITIONER", f"NPI missing for {practitioner.id}"))
        elif npi_problem(practitioner.npi):
            out.append(Hold("PRACTITIONER", f"NPI of {practitioner.id} {npi_problem(practitioner.npi)}"))
    return out


def _held(holds: list[Hold]) -> dict:
    """The status, reasons and reason codes of a claim row held for ``holds`` (ready if none)."""
    return {"status": "hold" if holds else "ready", "reasons": "; ".join(h.text for h in holds),
            "reason_codes": ";".join(h.code for h in holds)}


def claims_report(wb, month: str, *, date_of_service: str = "month-end",
                  place_of_service: str = DEFAULT_PLACE_OF_SERVICE, scope: str = "live") -> pd.DataFrame:
    """Claim lines of ``month`` (columns :data:`CLAIM_COLUMNS`), patients in id order."""
    from .approvals import month_approvals
    from .month import month_bills

    if date_of_service not in DATE_OF_SERVICE:
        raise InvalidInput(f"Date of service must be one of {', '.join(DATE_OF_SERVICE)} "
                           f"(got {str(date_of_service)[:20]!r}).", "date_of_service")
    if not (isinstance(place_of_service, str) and len(place_of_service) == 2 and place_of_service.isdigit()):
        raise InvalidInput(f"Place of service must be a two-digit CMS code such as 11 (got "
                           f"{str(place_of_service)[:20]!r}).", "place_of_service")
    table = rule_table_for(month)
    first, last = month_bounds(month)
    bills, _ = month_bills(wb, month, scope)
    billed = {bill.patient_id: bill for bill, _time in bills if bill.lines}
    with wb.read() as conn:
        planning = {row.patient_id for row in conn.execute(
            select(s.visits.c.patient_id).where(s.visits.c.extensive_care_planning.is_(True),
                                                s.visits.c.visit_date >= first, s.visits.c.visit_date <= last,
                                                q.current(s.visits)))}
        pids = sorted(set(billed) | planning)
        patients = {p.id: p for p in corrected(conn, [q.to_patient(row) for row in conn.execute(
            select(s.patients).where(s.patients.c.id.in_(pids), s.patients.c.scope == scope))])} if pids else {}
        users = {u.id: u for u in (q.to_user(x) for x in conn.execute(select(s.users)))}
        visits: dict[str, list[r.Visit]] = defaultdict(list)
        conds: dict[str, list[r.Condition]] = defaultdict(list)
        if pids:
            for row in conn.execute(select(s.visits).where(s.visits.c.patient_id.in_(pids), q.current(s.visits))):
                visits[row.patient_id].append(q.to_visit(row))
            for row in conn.execute(select(s.conditions).where(s.conditions.c.patient_id.in_(pids),
                                                               q.current(s.conditions)).order_by(s.conditions.c.id)):
                conds[row.patient_id].append(q.to_condition(row))
        approvals = month_approvals(conn, month, [p for p in pids if p in billed], wb.tz)
    from ..rules import assess_eligibility

    rows = []
    entries_of: dict[str, list[int]] = {}  #: the time entries each CCM/PCM/APCM claim stands on
    for pid in pids:
        patient = patients.get(pid)
        if patient is None:
            continue
        practitioner = users.get(patient.billing_practitioner_id or "")
        eligibility = assess_eligibility(conds[pid])
        dx = diagnoses(eligibility)
        base = {"patient_id": pid, "last_name": patient.last_name, "first_name": patient.first_name,
                "birth_date": patient.birth_date.isoformat(), "sex": patient.sex,
                "member_id": patient.member_id,  # as claims take it: 11 characters, no dashes
                "payer": patient.payer or "Medicare Part B",
                "billing_practitioner": practitioner.name if practitioner else "",
                "billing_npi": practitioner.npi if practitioner else "",
                **{f"dx{i + 1}": (dx[i] if i < len(dx) else "") for i in range(4)},
                "place_of_service": place_of_service}
        who = _identity_problems(patient, practitioner)
        if not dx:
            who.append(Hold("NO_DIAGNOSIS", "no chronic condition code on record"))
        bill = billed.get(pid)
        if bill is not None:
            consents = wb.consents(pid)
            init = initiation_status(visits[pid], consents, month, patient.billing_practitioner_id)
            hold = list(who)
            if not init.met:
                hold.append(Hold("INITIATION", init.text))
            hold += [Hold("AMOUNT_NOT_SET", f) for f in bill.flags if "amount not set" in f]
            notes = [f for f in bill.flags if f not in {h.text for h in hold} and f != init.text]
            if date_of_service == "threshold":
                attested = bill.family == "ccm_complex"
                dos = _threshold_day(wb, pid, month, bill, consents, users, eligibility, attested, table)
            else:
                dos = last
            service = bill.programme or ("PCM" if (bill.family or "").startswith("pcm") else "CCM")
            hold += approvals.holds(pid, service, _units_text(bill.lines))
            entries_of[pid] = approvals.entry_ids(pid, service)
            rows.append({**base, "service": service, "codes": _units_text(bill.lines),
                         "date_of_service": dos.isoformat(), "amount_usd": float(bill.amount),
                         **_held(hold), "notes": "; ".join(notes)})
        visit = g0506_in_month(g0506_decision(visits[pid], patient.billing_practitioner_id), month)
        if visit is not None:
            amount = table.amount("G0506")
            hold = list(who)
            if amount is None:
                hold.append(Hold("AMOUNT_NOT_SET", f"G0506 amount not set in the {table.year} table"))
            notes = [f"add-on to the initiating visit of {visit.visit_date.isoformat()}: bill with that "
                     "visit's E/M, AWV or IPPE code"]
            if "G0506" in table.provisional:
                notes.append(f"G0506 provisional amount: {table.provisional_note('G0506')}")
            rows.append({**base, "service": "G0506", "codes": "G0506x1",
                         "date_of_service": visit.visit_date.isoformat(),
                         "amount_usd": float(amount or Decimal("0.00")),
                         **_held(hold), "notes": "; ".join(notes)})
    df = pd.DataFrame(rows, columns=CLAIM_COLUMNS)
    df = df.astype({"amount_usd": "float64"})
    df.attrs["month"] = month
    df.attrs["entries"] = entries_of
    return df


def write_claims(df: pd.DataFrame, fmt: str, out) -> None:
    """Write the claims as ``csv`` or ``xlsx`` (sheets "claims" and "totals"); spreadsheet-safe."""
    from ..export.cells import write_csv, write_xlsx

    if fmt == "csv":
        write_csv(out, CLAIM_COLUMNS, df.to_dict("records"))
    elif fmt == "xlsx":
        totals = pd.DataFrame([{"month": df.attrs.get("month", ""), "claim_lines": len(df),
                                "ready": int((df["status"] == "ready").sum()),
                                "hold": int((df["status"] == "hold").sum()),
                                "amount_ready_usd": round(float(df.loc[df["status"] == "ready", "amount_usd"].sum()), 2)}])
        write_xlsx(out, {"claims": df, "totals": totals})
    else:
        raise InvalidInput(f"Unknown claims format {str(fmt)[:20]!r}: use csv or xlsx.", "format")
