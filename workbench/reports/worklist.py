"""The worklist: who most needs a call today.

One row per patient of a scope, built from a handful of set-based queries (one per table, never
one per patient) and the pure rules, so that 5,000 patients take well under a second or two.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import pandas as pd
from sqlalchemy import and_, exists, func, select

from .. import records as r
from ..rules import care_gaps, consent_status, phq_due, rule_table_for
from ..rules.catalog import chronic_category
from ..rules.months import month_bounds
from ..rules.why_now import Facts, reasons, urgency
from ..store import queries as q
from ..store import schema as s
from ..store.corrections import corrected
from .month import month_bills
from .month_sql import _conditions, _consents, current_entries, eligibility_of

#: Columns of the worklist, in order.
WORKLIST_COLUMNS = ["patient_id", "name", "age", "n_chronic", "eligibility", "consent", "consent_valid",
                    "minutes", "next_threshold", "minutes_to_next", "days_left", "last_contact",
                    "last_outcome", "open_escalations", "care_gaps", "phq_due", "open_timer", "days_since_discharge",
                    "priority", "why", "urgency", "flags", "care_team", "icd10", "conditions"]

#: ``contacts.with_whom`` of a contact with the hospital (a discharge): a care transition.
HOSPITAL = "hospital"

#: Weights of the priority formula (see :func:`priority`).
ESCALATION_WEIGHT = 1000.0
OWED_BASE = 100.0
FIRST_THRESHOLD_BONUS = 20.0
OWED_PER_MINUTE_PER_DAY = 10.0
CONSENT_CALL = 60.0
SILENCE_MAX = 10.0
CARE_GAP_WEIGHT = 2.0
PHQ_DUE_WEIGHT = 5.0


def priority(*, open_escalations: int, billable_program: bool, consent_valid: bool, minutes: int,
             minutes_to_next: int | None, days_left: int, days_since_contact: int | None,
             care_gaps: int, phq_is_due: bool) -> float:
    """Who most needs a call today: a higher number means call sooner.

    1. Every open escalation adds 1000: a patient with an open escalation is always first
       (reference, "Screening instruments": item 9 needs same-day follow-up).
    2. An eligible (CCM or PCM) patient with valid consent who still owes minutes to the next
       threshold (20/40/60, reference "Monthly codes and time thresholds") gets
       ``100 + 10 x minutes_to_next / days_left``: the fewer days left to reach the threshold,
       the higher; plus 20 while the first threshold (20 min) is not met, because until then
       nothing at all can be billed and time never carries over.
    3. An eligible patient without valid consent gets 60: a consent call is needed before any
       time can count (reference, "Consent").
    4. Everyone gets up to 10 more for time since the last contact (1 per 3 days; never
       contacted counts as 10), 2 per open care gap and 5 when a PHQ screen is due.
    Patients who are not eligible, or who reached the last threshold, keep only step 1 and 4.
    """
    score = ESCALATION_WEIGHT * open_escalations
    if billable_program and consent_valid and minutes_to_next is not None:
        score += OWED_BASE + OWED_PER_MINUTE_PER_DAY * minutes_to_next / max(days_left, 1)
        if minutes < 20:
            score += FIRST_THRESHOLD_BONUS
    elif billable_program and not consent_valid:
        score += CONSENT_CALL
    silence = SILENCE_MAX if days_since_contact is None else min(days_since_contact / 3, SILENCE_MAX)
    score += silence + CARE_GAP_WEIGHT * care_gaps + (PHQ_DUE_WEIGHT if phq_is_due else 0.0)
    return round(score, 2)


class _Catalog:
    """:func:`workbench.rules.catalog.chronic_category` once per distinct code, and the parts
    of a patient's condition list the rules can use (the catalog look-up is the slow part of
    both rules, and a panel repeats the same few hundred codes).

    - :meth:`for_eligibility`: the conditions :func:`workbench.rules.assess_eligibility` may
      count (reference, "Who is eligible": a catalog code not marked non-chronic, or a code a
      clinician marked chronic with a reason), in order; the rule skips every other one, so
      its answer is the same and patients differing only in skipped conditions share it.
    - :meth:`for_care_gaps`: the diabetes conditions, the only use
      :func:`workbench.rules.care_gaps` makes of conditions (reference, "Care gaps commonly
      tracked"). ``tests/reports/test_worklist.py`` checks both against the full lists.
    """

    def __init__(self) -> None:
        self._category: dict[str, str | None] = {}

    def category(self, icd10: str) -> str | None:
        if icd10 not in self._category:
            self._category[icd10] = chronic_category(icd10)
        return self._category[icd10]

    def for_eligibility(self, conditions: list[r.Condition]) -> list[r.Condition]:
        return [c for c in conditions if c.chronic is not False and (
            self.category(c.icd10) is not None or (c.chronic is True and c.chronic_reason.strip()))]

    def for_care_gaps(self, conditions: list[r.Condition]) -> list[r.Condition]:
        return [c for c in conditions if c.chronic is not False and self.category(c.icd10) == "Diabetes"]


def _grouped(conn, table, pids: set[str], to) -> dict[str, list]:
    out: dict[str, list] = defaultdict(list)
    for row in conn.execute(select(table).where(current_entries(table))):
        if row.patient_id in pids:
            out[row.patient_id].append(to(row))
    return out


def _last_contacts(conn, pids: set[str]) -> dict[str, tuple]:
    c = s.contacts
    out: dict[str, tuple] = {}
    stmt = select(c.c.patient_id, c.c.contacted_at, c.c.outcome).where(current_entries(c)).order_by(c.c.contacted_at, c.c.id)
    for pid, at, outcome in conn.execute(stmt):
        if pid in pids:
            out[pid] = (at, outcome)
    return out


def _last_discharges(conn, pids: set[str]) -> dict[str, object]:
    """The latest hospital contact (a discharge notice or summary) of each patient, UTC."""
    c = s.contacts
    stmt = (select(c.c.patient_id, func.max(c.c.contacted_at))
            .where(c.c.with_whom == HOSPITAL, current_entries(c)).group_by(c.c.patient_id))
    return {pid: at for pid, at in conn.execute(stmt) if pid in pids}


def _open_escalations(conn) -> dict[str, int]:
    e, st = s.escalations, s.escalation_steps
    closed = exists().where(and_(st.c.escalation_id == e.c.id, st.c.step == r.EscalationStep.CLOSED.value))
    stmt = select(e.c.patient_id, func.count()).where(~closed).group_by(e.c.patient_id)
    return {pid: int(n) for pid, n in conn.execute(stmt)}


def _last_phq(conn) -> dict[str, object]:
    qr = s.questionnaire_responses
    stmt = (select(qr.c.patient_id, func.max(qr.c.recorded_at))
            .where(qr.c.instrument.in_(("PHQ-2", "PHQ-9")), current_entries(qr)).group_by(qr.c.patient_id))
    return dict(conn.execute(stmt).all())


def _open_timer_patients(conn) -> set[str]:
    t, ts = s.timers, s.timer_stops
    stmt = select(t.c.patient_id).outerjoin(ts, ts.c.timer_id == t.c.id).where(ts.c.id.is_(None))
    return {row[0] for row in conn.execute(stmt)}


def _consent_text(status) -> str:
    if status.consent is None:
        return "none"
    c = status.consent
    if not status.valid:
        return status.short
    text = f"{c.method} {c.consent_date}"
    return f"{text}, revoked {c.revoked_on}" if c.revoked_on else text


def _flags(row: dict) -> list[str]:
    parts = []
    if row["open_escalations"]:
        parts.append("escalation open" if row["open_escalations"] == 1
                     else f"{row['open_escalations']} escalations open")
    if row["eligibility"] != "none" and not row["consent_valid"]:
        parts.append("consent call needed")
    if row["open_timer"]:
        parts.append("timer running")
    if row["care_gaps"]:
        parts.append(f"{row['care_gaps']} care gap{'s' if row['care_gaps'] != 1 else ''}")
    if row["phq_due"]:
        parts.append("PHQ due")
    return parts


def worklist(wb, day: date, scope: str = "live", patient_ids=None) -> pd.DataFrame:
    """The panel for ``day``, sorted by why now (:func:`workbench.rules.why_now.urgency`, highest
    first), then :func:`priority`, then patient id. ``patient_ids`` limits it to those patients
    (the rows a write touched; the screen merges them into the frame it shows).

    ``minutes`` are the minutes counted (reference, "Monthly codes and time thresholds": after
    consent, overlap and service exclusions) in the calendar month of ``day``; ``next_threshold``
    is the next staff-CCM threshold (20/40/60) and ``minutes_to_next`` what is still owed to it
    (both empty once the last threshold is met); ``days_left`` counts the days left in the
    month including ``day``. ``last_contact`` is a UTC datetime or NaT. ``flags`` is a list of
    short sentences (for the command line); ``why`` the reasons to call now
    (:class:`workbench.rules.why_now.Reason`: code, sentence, weight, tone), most urgent first,
    and ``urgency`` their sort key; ``care_team`` the staff ids on the patient's care team (care-team member,
    then billing practitioner); ``icd10`` and ``conditions`` the current conditions' codes and
    names (for search).
    """
    month = day.strftime("%Y-%m")
    thresholds = rule_table_for(month).staff_thresholds()
    days_left = (month_bounds(month)[1] - day).days + 1
    with wb.read() as conn:
        stmt = select(s.patients).where(s.patients.c.scope == scope).order_by(s.patients.c.id)
        if patient_ids is not None:
            stmt = stmt.where(s.patients.c.id.in_(sorted(set(patient_ids))))
        patients = corrected(conn, [q.to_patient(x) for x in conn.execute(stmt)])
        pids = {p.id for p in patients}
        conditions = _conditions(conn, pids)
        consents = _consents(conn, pids)
        screenings = _grouped(conn, s.screenings, pids, q.to_screening)
        immunizations = _grouped(conn, s.immunizations, pids, q.to_immunization)
        contacts = _last_contacts(conn, pids)
        escalations = _open_escalations(conn)
        last_phq = _last_phq(conn)
        timers = _open_timer_patients(conn)
        discharges = _last_discharges(conn, pids)
    bills, _ = month_bills(wb, month, scope, only=pids if patient_ids is not None else None)
    counted = {bill.patient_id: bill.counted_minutes for bill, _time in bills}
    rows, cache, catalog = [], {}, _Catalog()
    for p in patients:
        elig = eligibility_of(catalog.for_eligibility(conditions.get(p.id, [])), cache)
        status = consent_status(consents.get(p.id, []), day, today=day)
        if not status.valid:  # a patient who consented to APCM only (docs/reference.md, "Consent")
            status = next((x for x in [consent_status(consents.get(p.id, []), day, day, "APCM")] if x.valid), status)
        minutes = counted.get(p.id, 0)
        nxt = next((t for t in thresholds if minutes < t), None)
        age = p.age_on(day)
        gaps = care_gaps(age=age, sex=p.sex, conditions=catalog.for_care_gaps(conditions.get(p.id, [])),
                         screenings=screenings.get(p.id, []), immunizations=immunizations.get(p.id, []),
                         on=day)
        contact = contacts.get(p.id)
        last_at = contact[0] if contact else None
        phq_last = last_phq.get(p.id)
        due = phq_due(wb.local_date(phq_last) if phq_last is not None else None, day)
        program = elig.program if elig.ccm_eligible or elig.pcm_possible else "none"
        row = {
            "patient_id": p.id, "name": p.name, "age": age, "n_chronic": len(elig.categories),
            "eligibility": program, "consent": _consent_text(status), "consent_valid": status.valid,
            "minutes": minutes, "next_threshold": nxt, "minutes_to_next": None if nxt is None else nxt - minutes,
            "days_left": days_left, "last_contact": last_at,
            "last_outcome": contact[1] if contact else "",
            "open_escalations": escalations.get(p.id, 0), "care_gaps": len(gaps), "phq_due": due,
            "open_timer": p.id in timers,
            "days_since_discharge": (day - wb.local_date(discharges[p.id])).days if p.id in discharges else None,
        }
        since = None if last_at is None else (day - wb.local_date(last_at)).days
        row["priority"] = priority(
            open_escalations=row["open_escalations"], billable_program=program != "none",
            consent_valid=status.valid, minutes=minutes, minutes_to_next=row["minutes_to_next"],
            days_left=days_left, days_since_contact=since, care_gaps=len(gaps), phq_is_due=due)
        row["why"] = list(reasons(Facts(
            open_escalations=row["open_escalations"], billable_program=program != "none",
            consent_valid=status.valid, minutes=minutes, thresholds=tuple(thresholds), days_left=days_left,
            days_since_discharge=row["days_since_discharge"], phq_due=due, care_gaps=len(gaps),
            timer_running=row["open_timer"])))
        row["urgency"] = urgency(row["why"])
        row["flags"] = _flags(row)
        row["care_team"] = [x for x in (p.care_team_member_id, p.billing_practitioner_id) if x]
        conds = conditions.get(p.id, [])
        row["icd10"] = [c.icd10 for c in conds]
        row["conditions"] = [c.display for c in conds if c.display]
        rows.append(row)
    df = pd.DataFrame(rows, columns=WORKLIST_COLUMNS)
    df["last_contact"] = pd.to_datetime(df["last_contact"], utc=True)
    df = df.astype({"next_threshold": "Int64", "minutes_to_next": "Int64", "days_since_discharge": "Int64"})
    return sort_worklist(df)


def sort_worklist(df: pd.DataFrame) -> pd.DataFrame:
    """Why now first (``urgency``), then ``priority``, then patient id."""
    df = df.sort_values(["urgency", "priority", "patient_id"], ascending=[False, False, True],
                        kind="stable").reset_index(drop=True)
    return df
