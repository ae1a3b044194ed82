"""The audit packet of one patient-month (docs/billing-approval.md): everything an auditor asks
for to see why a CCM, PCM or APCM claim was billed, in one document (JSON here; the PDF is
:mod:`workbench.export.packet_pdf`):

- the patient (id, name, date of birth, member id) and the billing practitioner;
- the consent in force (its id, date, method, who obtained it, its text version when the record
  keeps one, revocation);
- the care plan in force at the end of the month (version, date, author; its CMS elements present,
  and its text for a reader who may open charts);
- every time entry of the month, voided ones with the reason, with author, role and credential,
  and its approval (who, when, as part of which timesheet);
- the claim: codes, units, amounts, the practitioner's signature, status and hold reasons;
- the rules applied: the year's rule table and, for each code, the rule that made it billable.

Ids are given beside names; notes and care-plan text only for readers with chart access.
"""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select

from .. import records as r
from ..rules import rule_table_for
from ..rules.apcm import APCM_CODES, BH_ADDONS
from ..rules.careplan import CARE_PLAN_ELEMENTS, missing_elements
from ..rules.months import month_bounds
from ..store import queries as q
from ..store import schema as s
from ..store.corrections import corrected

PACKET_VERSION = 1


def _iso(value, tz=None) -> str | None:
    """ISO text; an aware time is given in ``tz`` (the practice's zone, with its offset), so the
    day a reader takes from its first ten characters is the practice's day."""
    if value is None:
        return None
    if tz is not None and isinstance(value, datetime) and value.tzinfo is not None:
        value = value.astimezone(tz)
    return value.isoformat()


def _why(code: str, units: int, table) -> str:
    """The rule that made ``code`` billable (the year's table: thresholds and caps)."""
    for fam in table.families:
        if code == fam.base_code:
            who = "clinical staff" if fam.performer == "staff" else "the physician or qualified professional"
            return (f"{fam.label}: base code, met by {fam.base_minutes} minutes or more of {who} time "
                    f"in the calendar month ({table.year} table)")
        if code == fam.addon_code:
            cap = f", at most {fam.addon_cap} unit(s)" if fam.addon_cap else ""
            return (f"{fam.label}: add-on, one unit for each further full {fam.addon_minutes} minutes{cap}; "
                    f"{units} unit(s) billed ({table.year} table)")
    level = {c: n for n, c in APCM_CODES.items()}.get(code)
    if level is not None:
        return (f"APCM level {level}: monthly, not by time, with the patient's APCM consent; level by chronic "
                f"conditions and QMB status ({table.year} table)")
    if code in BH_ADDONS:
        return (f"{BH_ADDONS[code]}: with the APCM base code, by the same practitioner, the same month "
                f"({table.year} table)")
    return f"{code}: in the {table.year} rule table"


def _consent(row, revocation, tz) -> dict:
    return {"id": row.id, "programme": row.programme, "language": row.language or None,
            "date": _iso(row.consent_date), "method": row.method, "obtained_by": row.obtained_by,
            "billing_practitioner": row.billing_practitioner_id, "recorded_at": _iso(row.recorded_at, tz),
            "text_version": row.text_version, "disclosures": dict(row.disclosures),
            "given_by": row.given_by, "representative": row.representative or None,
            "revoked_on": _iso(revocation.revoked_on) if revocation is not None else None}


def audit_packet(wb, pid: str, month: str, *, chart_access: bool) -> dict:
    """The packet of ``pid`` in ``month`` as plain JSON values. ``wb`` reads as the workbench
    (the caller checked the person's access); ``chart_access``: include notes and plan text."""
    first, last = month_bounds(month)
    tz = ZoneInfo(wb.settings.timezone)
    end = datetime.combine(last, time(23, 59, 59), tzinfo=tz)
    table = rule_table_for(month)
    te, ta, cs, cp = s.time_entries, s.time_approvals, s.claim_signoffs, s.care_plan_revisions
    with wb.read() as conn:
        patient = corrected(conn, [q.to_patient(conn.execute(select(s.patients).where(s.patients.c.id == pid)).one())])[0]
        users = {u.id: u for u in (q.to_user(x) for x in conn.execute(select(s.users)))}
        revs = {x.consent_id: x for x in conn.execute(
            select(s.consent_revocations).where(s.consent_revocations.c.patient_id == pid))}
        consents = [_consent(x, revs.get(x.id), tz) for x in q.current_rows(conn, s.consents, pid)
                    if x.consent_date <= last]
        plans = conn.execute(select(cp).where(cp.c.patient_id == pid, cp.c.recorded_at <= end)
                             .order_by(cp.c.version)).all()
        entries = conn.execute(select(te).where(te.c.patient_id == pid, te.c.service_date >= first,
                                                te.c.service_date <= last).order_by(te.c.service_date, te.c.id)).all()
        current = {x.id for x in conn.execute(select(te.c.id).where(
            te.c.patient_id == pid, te.c.service_date >= first, te.c.service_date <= last, q.current(te)))}
        approvals = {x.time_entry_id: x for x in conn.execute(
            select(ta).where(ta.c.time_entry_id.in_([e.id for e in entries])))} if entries else {}
        sig = conn.execute(select(cs).where(cs.c.patient_id == pid, cs.c.month == month)
                           .order_by(cs.c.id.desc())).first()
    superseded_by = {e.supersedes_id: e for e in entries if e.supersedes_id}

    def name(uid):
        return users[uid].name if uid in users else uid

    plan = None
    if plans:
        row = plans[-1]
        rev = q.to_revision(row, name(row.recorded_by))
        missing = {k for k, _label in missing_elements(rev.plan, revised=rev.version > 1)}
        plan = {"version": rev.version, "recorded_at": _iso(rev.recorded_at, tz), "author": rev.author_id,
                "author_name": rev.author_name, "reason": rev.reason if chart_access else None,
                "elements_present": [label for key, label in CARE_PLAN_ELEMENTS.items() if key not in missing],
                "elements_missing": [label for key, label in CARE_PLAN_ELEMENTS.items() if key in missing],
                "content": dict(row.content) if chart_access else None}
    time_log = []
    for e in entries:
        a = approvals.get(e.id)
        later = superseded_by.get(e.id)
        void = r.RecordStatus.ENTERED_IN_ERROR.value
        state = ("current" if e.id in current else
                 "void record" if e.status == void else  # the row that voids entry e.supersedes_id
                 ("voided" if later.status == void else "amended") if later is not None else "superseded")
        time_log.append({
            "entry_id": e.id, "service_date": _iso(e.service_date), "minutes": e.seconds // 60,
            "seconds": e.seconds, "service": e.service, "activity": e.activity,
            "started_at": _iso(e.started_at, tz), "ended_at": _iso(e.ended_at, tz), "mode": e.mode,
            "staff_id": e.staff_id, "staff_name": name(e.staff_id), "role": e.staff_role,
            "credential": e.staff_credential, "recorded_by": e.recorded_by, "recorded_at": _iso(e.recorded_at, tz),
            "state": state, "supersedes": e.supersedes_id,
            "correction_reason": e.reason if e.supersedes_id else "",
            "note": e.note if chart_access else None,
            "approval": None if a is None else {"by": a.recorded_by, "by_name": name(a.recorded_by),
                                                "role": a.recorded_role, "credential": a.recorded_credential,
                                                "at": _iso(a.recorded_at, tz), "timesheet_week": _iso(a.week_start)}})
    bill = wb.month_bill(pid, month)
    claim_rows = [x for x in wb.claims(month).to_dict("records") if x["patient_id"] == pid]
    practitioner = users.get(patient.billing_practitioner_id or "")
    return {
        "packet": PACKET_VERSION, "month": month, "generated_at": _iso(wb.now(), tz),
        "patient": {"id": patient.id, "name": patient.name, "birth_date": _iso(patient.birth_date),
                    "member_id": patient.member_id, "payer": patient.payer or "Medicare Part B"},
        "billing_practitioner": {"id": practitioner.id, "name": practitioner.name,
                                 "credential": practitioner.credential, "npi": practitioner.npi}
        if practitioner else None,
        "approval_required": wb.approval_required,
        "consents": consents, "care_plan": plan, "time_entries": time_log,
        "claim": {"codes": [{"code": ln.code, "units": ln.units, "amount_usd": str(ln.amount),
                             "why": _why(ln.code, ln.units, table)} for ln in bill.lines],
                  "programme": bill.programme, "programme_why": bill.programme_why,
                  "amount_usd": str(bill.amount), "billable_minutes": bill.billable_minutes,
                  "counted_minutes": bill.counted_minutes, "summary": bill.reason,
                  "not_billed": list(bill.unbilled), "flags": list(bill.flags),
                  "lines": [{k: x[k] for k in ("service", "codes", "date_of_service", "status", "reasons",
                                               "reason_codes")} for x in claim_rows],
                  "signature": None if sig is None else {
                      "by": sig.recorded_by, "by_name": name(sig.recorded_by), "credential": sig.recorded_credential,
                      "at": _iso(sig.recorded_at, tz), "codes": sig.codes, "entry_ids": list(sig.entry_ids)}},
        "rules": {"table_year": table.year, "table_source": table.source,
                  "thresholds_minutes": table.staff_thresholds()},
    }
