"""The month report: one row per patient with time in a calendar month.

Reference, "Monthly codes and time thresholds": one claim per patient-month, ever; the report
makes a second claim impossible because it has exactly one row per patient and each row is one
:class:`workbench.rules.MonthBill` (one code family or none).

Speed: time is aggregated in SQL, per patient, staff member, credential
and service, and fed to the rules' stage 2 (:func:`workbench.rules.choose_codes`) through a
:class:`workbench.rules.MonthTime` built from those sums. That shortcut is exact only when every
second of the month counts as logged, so a patient goes through the rules' stage 1
(:func:`workbench.rules.summarize_month`, entry by entry) whenever the month needs it:

- two timed entries of one service may overlap, and consent held on some day of the month (each start compared with the previous entry's
  end, from the same pass: :func:`_overlaps`);
- a timed entry has no end time;
- an entry has no credential recorded (stage 1 then reads the staff member's credential);
- time counted for another service (TCM, BHI, RPM).

When consent may change inside the month (a consent dated, or revoked, after the first day, or
dated in the future), the patient's sums are read again by service date, each day with its own
consent status (:func:`_daily_groups`), still without reading entries one by one.

The state staffing flag (reference, "Who may do the work") is computed from the sums on the fast
path, with the same words as stage 1.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select

from ..rules import MonthBill, MonthTime, StaffingRule, rule_table_for, summarize_month
from ..rules.billing import with_initiation
from ..rules.minutes import whole_minutes
from ..rules.months import month_bounds
from ..store import queries as q
from ..store import schema as s
from .month_programme import ProgrammeInputs, apcm_enrolled, enrolment_events
from .month_fast import _constant_consent, _fast_time, _StatusCache
from .month_sql import (_aggregate, _attested, _consents, _daily_groups, _eligibilities, _exact_entries,
                        _initiations)

#: Columns of the month report, in order.
REPORT_COLUMNS = ["patient_id", "month", "codes", "billable_minutes", "amount_usd", "counted_minutes",
                  "total_minutes", "minutes_by_staff", "flags", "reasons", "alternative", "programme",
                  "programme_why"]


def code_units(lines) -> list[dict]:
    """Billed lines as typed values: ``[{"code": "99490", "units": 1}, {"code": "99439", "units": 2}]``."""
    return [{"code": ln.code, "units": int(ln.units)} for ln in lines]


def _columns(bills: list[tuple[MonthBill, MonthTime]]) -> dict[str, list]:
    """The report's columns (:data:`REPORT_COLUMNS`), built column by column (no dict per row).

    Values are typed (lists, dicts, numbers); :mod:`workbench.reports.formats` turns them into
    text for CSV, XLSX and the aligned table.
    """
    def reasons(bill: MonthBill) -> list[str]:
        return list(bill.unbilled or ([] if bill.lines else [bill.reason]))

    def alternative(bill: MonthBill) -> dict | None:
        alt = bill.alternative
        return None if alt is None else {"codes": code_units(alt.lines), "amount_usd": float(alt.amount)}

    only = [bill for bill, _time in bills]
    return {
        "patient_id": [b.patient_id for b in only],
        "month": [b.month for b in only],
        "codes": [code_units(b.lines) for b in only],
        "billable_minutes": [whole_minutes(b.billable_seconds) for b in only],
        "amount_usd": [float(b.amount) for b in only],
        "counted_minutes": [whole_minutes(b.counted_seconds) for b in only],
        "total_minutes": [whole_minutes(t.logged_seconds) for _b, t in bills],
        "minutes_by_staff": [{str(k): int(v) for k, v in b.minutes_by_staff.items()} for b in only],
        "flags": [list(b.flags) for b in only],
        "reasons": [reasons(b) for b in only],
        "alternative": [alternative(b) for b in only],
        "programme": [b.programme for b in only],
        "programme_why": [b.programme_why for b in only],
    }


def month_bills(wb, month: str, scope: str = "live", *, staffing: StaffingRule | None = None,
                force_exact: bool = False, only=None) -> tuple[list[tuple[MonthBill, MonthTime]], int]:
    """Every patient-month bill of ``scope`` with time in ``month``, and how many took the exact path.
    ``only`` (a set of patient ids) limits it to those patients.

    ``force_exact`` sends every patient through stage 1 entry by entry (for tests that prove
    the two paths agree).
    """
    first, last = month_bounds(month)
    table = rule_table_for(month)
    staffing = staffing or StaffingRule()
    today = wb.today()
    status = _StatusCache(today)
    with wb.read() as conn:
        in_scope = {row[0] for row in conn.execute(select(s.patients.c.id).where(s.patients.c.scope == scope))}
        if only is not None:
            in_scope &= set(only)
        sums = {pid: x for pid, x in _aggregate(conn, first, last).items() if pid in in_scope}
        events = enrolment_events(conn, in_scope)
        pids = set(sums) | (apcm_enrolled(events, month) & in_scope)  # APCM bills without logged time
        if not pids:
            return [], 0
        consents = _consents(conn, pids)
        eligibility = _eligibilities(conn, pids, {})
        attested = _attested(conn, month)
        users = {u.id: u for u in (q.to_user(x) for x in conn.execute(select(s.users)))}
        consent = {pid: _constant_consent(consents.get(pid, []), first, last, today, status) for pid in pids}
        programmes = ProgrammeInputs(conn, pids, month, events)
        exact_set = {pid for pid in pids if force_exact or pid not in sums or sums[pid].needs_exact
                     or ((consent[pid] is None or consent[pid].valid) and sums[pid].overlap)}
        daily = _daily_groups(conn, sorted(pid for pid in pids if consent[pid] is None and pid not in exact_set),
                              first, last, consents, status)
        entries = _exact_entries(conn, sorted(exact_set), first, last)
        initiation = _initiations(conn, pids, consents, month)
    staff_flags: dict = {}
    out = []
    for pid in sorted(pids):
        if pid in exact_set:
            time = summarize_month(entries.get(pid, []), patient_id=pid, month=month,
                                   consents=consents.get(pid, []), staff=users, staffing=staffing,
                                   today=today)
        else:
            groups = daily[pid] if consent[pid] is None else \
                [(*group, consent[pid]) for group in sums[pid].groups]
            time = _fast_time(pid, month, groups, users, staffing, staff_flags)
        bill = with_initiation(programmes.bill(time, consents=consents.get(pid, []), eligibility=eligibility[pid],
                                               complex_attested=pid in attested, table=table, today=today),
                               initiation.get(pid))
        out.append((bill, time))
    return out, len(exact_set)


def month_report(wb, month: str, scope: str = "live", *, staffing: StaffingRule | None = None,
                 force_exact: bool = False) -> pd.DataFrame:
    """One row per patient of ``scope`` with time in ``month`` (columns :data:`REPORT_COLUMNS`).

    Reference, "Monthly codes and time thresholds": ``codes`` lists each code once with its
    units (``[{"code": "99490", "units": 1}, {"code": "99439", "units": 2}]``, empty when nothing
    is billable); ``minutes_by_staff`` maps staff id to minutes; ``flags`` and ``reasons`` (why
    every unbilled minute was not billed) are lists of sentences; ``alternative`` is the
    runner-up combination (``{"codes": [...], "amount_usd": 45.93}``) when more than one was
    billable, else None; ``programme`` is the programme billed ("CCM", "PCM", "APCM", "" when
    nothing) and ``programme_why`` why, or the enrolment block's code and sentence (docs/reference.md,
    "Enrolment and programmes"). Patients enrolled in APCM appear without logged time. Text versions (``99490;99439x2``) come only from
    :mod:`workbench.reports.formats`. Training patients (another scope) never appear. ``df.attrs["exact_patients"]``
    says how many patients needed the entry-by-entry path.
    """
    bills, n_exact = month_bills(wb, month, scope, staffing=staffing, force_exact=force_exact)
    df = pd.DataFrame(_columns(bills), columns=REPORT_COLUMNS)
    df = df.astype({"billable_minutes": "int64", "counted_minutes": "int64", "total_minutes": "int64",
                    "amount_usd": "float64"})
    df.attrs["exact_patients"] = n_exact
    df.attrs["month"] = month
    return df
