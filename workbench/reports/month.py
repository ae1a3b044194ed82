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

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from operator import le, lt

import pandas as pd
from sqlalchemy import String, and_, case, func, literal_column, select, type_coerce
from sqlalchemy.engine import Connection

from .. import records as r
from ..rules.billing import with_initiation
from ..rules import (Excluded, MonthBill, MonthTime, ServiceTime, StaffingRule, assess_eligibility, choose_codes,
                     consent_status, rule_table_for, summarize_month)
from ..rules._text import duration
from ..service import month_bounds
from ..store import queries as q
from ..store import schema as s

#: Columns of the month report, in order.
REPORT_COLUMNS = ["patient_id", "month", "codes", "billable_minutes", "amount_usd", "counted_minutes",
                  "total_minutes", "minutes_by_staff", "flags", "reasons", "alternative"]

_BILLED = (r.Service.CCM.value, r.Service.PCM.value)
_PRACTITIONER = frozenset(c.value for c in r.PRACTITIONER_CREDENTIALS)
_CREDENTIALS = frozenset(c.value for c in r.Credential)


def current_entries(te=s.time_entries):
    """WHERE clause for current (not voided, not amended) time entries: the store's own rule."""
    from workbench.store.queries import current

    return current(te)


#: The covering index the month scan reads (migration 0002): ordered like the GROUP BY, so SQLite
#: aggregates while it scans, without a sort and without visiting the table.
MONTH_SCAN_INDEX = "ix_time_entries_month_scan"


@dataclass
class _Sums:
    """One patient's month from the SQL aggregate."""

    groups: list[tuple[str, str, str, int]] = field(default_factory=list)  #: staff, credential, service, seconds
    spans: dict[str, list[str]] = field(default_factory=dict)  #: service -> "start/end,start/end" per group
    needs_exact: bool = False

    @property
    def overlap(self) -> bool:
        """Two timed entries of one service may overlap (see :func:`_overlaps`). Computed only
        for the patients whose month it can change (valid or changing consent)."""
        return not self.needs_exact and any(_overlaps(parts) for parts in self.spans.values())


def _in_month(te, first: date, last: date, dialect: str):
    """The month condition. On SQLite the date is written ``+service_date``, which keeps the
    planner off the date indexes: with them it reads the table and sorts a million rows for the
    GROUP BY (1.7 s); without, it streams :data:`MONTH_SCAN_INDEX` in GROUP BY order, index only
    (0.4 s), with or without ANALYZE statistics. The scan covers every month in the table (about
    0.4 s per million entries), read from the index alone."""
    day = literal_column(f"+{te.name}.service_date", type_=te.c.service_date.type) if dialect == "sqlite" \
        else te.c.service_date
    return and_(day >= first, day <= last)


def _aggregate(conn: Connection, first: date, last: date) -> dict[str, _Sums]:
    """One pass over the month's current entries, grouped by patient, service, staff member and
    credential: seconds, timed entries with no end, and every timed entry's ``start/end`` as one
    string per group (for :func:`_overlaps`)."""
    te = s.time_entries
    timed_no_end = func.sum(case((and_(te.c.started_at.is_not(None), te.c.ended_at.is_(None)), 1), else_=0))
    start, end = type_coerce(te.c.started_at, String), type_coerce(te.c.ended_at, String)
    spans = func.aggregate_strings(start + "/" + end, ",")  # NULL parts (manual, no end) drop out
    stmt = (select(te.c.patient_id, te.c.service, te.c.staff_id, te.c.staff_credential,
                   func.sum(te.c.seconds), timed_no_end, spans)
            .where(_in_month(te, first, last, conn.dialect.name), current_entries(te))
            .group_by(te.c.patient_id, te.c.service, te.c.staff_id, te.c.staff_credential))
    out: dict[str, _Sums] = defaultdict(_Sums)
    for pid, service, staff_id, cred, seconds, no_end, text in conn.execute(stmt):
        sums = out[pid]
        sums.groups.append((staff_id, cred or "", service, int(seconds or 0)))
        if no_end or service not in _BILLED or (cred or "") not in _CREDENTIALS or (seconds or 0) < 0:
            sums.needs_exact = True
        if text:
            sums.spans.setdefault(service, []).append(text)
    return out


def _overlaps(parts: list[str]) -> bool:
    """Whether any two of one service's timed entries may overlap.

    ``parts`` are ``"start/end,start/end,..."`` strings (one per staff group). Sorted by start,
    some two entries overlap only if some entry starts before its predecessor ends (if entry i
    overlaps a later j, entry i+1 starts between them), so one comparison per adjacent pair
    decides. Times are compared as the database writes them (ISO text, ordered like time). A
    false alarm only sends the patient to the exact path; an overlap is never missed because
    ``ended_at`` is never before ``started_at + seconds``.
    """
    flat = ",".join(parts).replace(",", "/").split("/")
    starts, ends = flat[0::2], flat[1::2]
    if not all(map(le, starts, starts[1:])):
        # Sorted by (start, end): among equal starts the shorter comes first, which can only
        # remove a false alarm between zero-length entries (they count for nothing either way).
        starts, ends = zip(*sorted(zip(starts, ends)))
    return any(map(lt, starts[1:], ends))


def _consents(conn: Connection, pids: set[str] | None) -> dict[str, list[r.Consent]]:
    c, rv = s.consents, s.consent_revocations
    revs = {x.consent_id: x for x in conn.execute(select(rv))}
    out: dict[str, list[r.Consent]] = defaultdict(list)
    for row in conn.execute(select(c).where(current_entries(c)).order_by(c.c.consent_date, c.c.id)):
        if pids is None or row.patient_id in pids:
            out[row.patient_id].append(q.to_consent(row, revs.get(row.id)))
    return out


def _conditions(conn: Connection, pids: set[str]) -> dict[str, list[r.Condition]]:
    c = s.conditions
    out: dict[str, list[r.Condition]] = defaultdict(list)
    for row in conn.execute(select(c).where(current_entries(c)).order_by(c.c.id)):
        if row.patient_id in pids:
            out[row.patient_id].append(q.to_condition(row))
    return out


def _eligibilities(conn: Connection, pids: set[str], cache: dict) -> dict[str, object]:
    """Each patient's :func:`eligibility_of`, reading only the columns the rule reads and
    building conditions only once per distinct list (the same key as :func:`eligibility_of`)."""
    c = s.conditions
    lists: dict[str, list[tuple]] = defaultdict(list)
    stmt = (select(c.c.patient_id, c.c.icd10, c.c.display, c.c.chronic, c.c.chronic_reason)
            .where(current_entries(c)).order_by(c.c.id))
    for pid, icd10, display, chronic, reason in conn.execute(stmt):
        if pid in pids:
            lists[pid].append((icd10, display, chronic, reason))
    out = {}
    for pid in pids:
        key = tuple(lists.get(pid, ()))
        if key not in cache:
            cache[key] = assess_eligibility([r.Condition(icd10=i, display=d, chronic=ch, chronic_reason=cr)
                                             for i, d, ch, cr in key])
        out[pid] = cache[key]
    return out


def eligibility_of(conditions: list[r.Condition], cache: dict) -> object:
    """:func:`workbench.rules.assess_eligibility`, computed once per distinct list of conditions
    (a panel has few distinct lists; the catalog look-up is the slow part)."""
    key = tuple((c.icd10, c.display, c.chronic, c.chronic_reason) for c in conditions)
    if key not in cache:
        cache[key] = assess_eligibility(conditions)
    return cache[key]


def _attested(conn: Connection, month: str) -> set[str]:
    """Patients whose billing practitioner attested complex CCM for the month (latest row wins)."""
    ma = s.month_attestations
    latest: dict[str, object] = {}
    for row in conn.execute(select(ma).where(ma.c.month == month, current_entries(ma)).order_by(ma.c.id)):
        latest[row.patient_id] = row
    return {pid for pid, row in latest.items()
            if row.moderate_or_high_complexity and row.plan_established_or_substantially_revised}


def _consent_key(consents: list[r.Consent]) -> tuple:
    """What :func:`workbench.rules.consent_status` reads of a patient's consents (dates,
    method, disclosures, revocation), in order: patients with equal keys get equal statuses."""
    return tuple((c.consent_date, c.method, c.revoked_on, repr(sorted((c.disclosures or {}).items())))
                 for c in consents)


class _StatusCache:
    """:func:`workbench.rules.consent_status` once per distinct (consents, day): a panel's
    consents repeat (same date, same disclosures), and the rule is the slow part of the
    day-by-day path. Only ``valid``, ``short`` and the consent's date, method and revocation
    are read from a shared status."""

    def __init__(self, today: date) -> None:
        self.today = today
        self._done: dict[tuple, object] = {}

    def __call__(self, consents: list[r.Consent], on: date, key: tuple | None = None):
        k = (_consent_key(consents) if key is None else key, on)
        if k not in self._done:
            self._done[k] = consent_status(consents, on, self.today)
        return self._done[k]


def _constant_consent(consents: list[r.Consent], first: date, last: date, today: date,
                      status: _StatusCache | None = None):
    """The consent status that holds on every day of the month, or None when it may change.

    Reference, "Consent": validity changes only on a consent's date or at the end of a
    revocation's month, so with no consent dated in ``(first, last]`` or in the future, and no
    revocation inside the month, the status on the first day holds all month.
    """
    for c in consents:
        if c.consent_date > today or first < c.consent_date <= last:
            return None
        if c.revoked_on is not None and c.revoked_on >= first:
            return None
    return consent_status(consents, first, today) if status is None else status(consents, first)


def _staff_flag(staff_id: str, cred: str, users: dict[str, r.User], staffing: StaffingRule,
                flags: dict[tuple[str, str], str | None]) -> str | None:
    """The state staffing flag for one staff member working under ``cred``, once per pair."""
    key = (staff_id, cred)
    if key not in flags:
        user = users.get(staff_id)
        flags[key] = None if user is None else \
            staffing.flag(r.User(user.id, user.name, user.role, r.Credential(cred), user.state))
    return flags[key]


def _fast_time(pid: str, month: str, groups, users: dict[str, r.User], staffing: StaffingRule,
               staff_flags: dict | None = None) -> MonthTime:
    """Stage 1 from SQL sums: ``groups`` are ``(staff_id, credential, service, seconds, consent)``
    with the consent status that held on those seconds' dates. Exact (the same numbers, words
    and order as :func:`workbench.rules.summarize_month`) for a month with credentials on every
    entry, CCM/PCM time only, and no overlap among the counted entries."""
    pools = {svc: [0, 0] for svc in _BILLED}  # [staff, practitioner]
    by_staff: dict[str, int] = defaultdict(int)
    flagged: dict[str, int] = defaultdict(int)
    excluded: dict[str, int] = defaultdict(int)
    for staff_id, cred, service, seconds, consent in groups:
        if seconds <= 0:
            continue
        if not consent.valid:
            excluded[consent.short] += seconds
            continue
        pools[service][cred in _PRACTITIONER] += seconds
        by_staff[staff_id] += seconds
        flag = _staff_flag(staff_id, cred, users, staffing, {} if staff_flags is None else staff_flags)
        if flag:
            flagged[f"{flag} ({staff_id}"] += seconds

    def service_time(svc: str) -> ServiceTime:
        staff, pract = pools[svc]
        return ServiceTime(staff, pract, staff + pract)

    return MonthTime(patient_id=pid, month=month, ccm=service_time("CCM"), pcm=service_time("PCM"),
                     excluded=tuple(Excluded(x, phrase) for phrase, x in sorted(excluded.items())),
                     flags=tuple(f"{head}, {duration(x)})" for head, x in sorted(flagged.items())),
                     seconds_by_staff=dict(sorted(by_staff.items())))


def _daily_groups(conn: Connection, pids: list[str], first: date, last: date,
                  consents: dict[str, list[r.Consent]], status: _StatusCache) -> dict[str, list[tuple]]:
    """For patients whose consent status may change inside the month: the month's sums also by
    service date, each with the consent status of its day (reference, "Consent": validity is a
    property of the date of service)."""
    te = s.time_entries
    out: dict[str, list[tuple]] = defaultdict(list)
    keys = {pid: _consent_key(consents.get(pid, [])) for pid in pids}
    for i in range(0, len(pids), 500):
        stmt = (select(te.c.patient_id, te.c.staff_id, te.c.staff_credential, te.c.service, te.c.service_date,
                       func.sum(te.c.seconds))
                .where(te.c.patient_id.in_(pids[i:i + 500]), _in_month(te, first, last, conn.dialect.name),
                       current_entries(te))
                .group_by(te.c.patient_id, te.c.service, te.c.staff_id, te.c.staff_credential,
                          te.c.service_date))
        for pid, staff_id, cred, service, day, seconds in conn.execute(stmt):
            out[pid].append((staff_id, cred or "", service, int(seconds or 0),
                             status(consents.get(pid, []), day, keys[pid])))
    return out


def _exact_entries(conn: Connection, pids: list[str], first: date, last: date) -> dict[str, list[r.TimeEntry]]:
    te = s.time_entries
    out: dict[str, list[r.TimeEntry]] = defaultdict(list)
    for i in range(0, len(pids), 500):
        stmt = (select(te).where(te.c.patient_id.in_(pids[i:i + 500]), te.c.service_date >= first,
                                 te.c.service_date <= last, current_entries(te))
                .order_by(te.c.service_date, te.c.started_at, te.c.id))
        for row in conn.execute(stmt):
            out[row.patient_id].append(q.to_time_entry(row))
    return out


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
        "billable_minutes": [b.billable_seconds // 60 for b in only],
        "amount_usd": [float(b.amount) for b in only],
        "counted_minutes": [b.counted_seconds // 60 for b in only],
        "total_minutes": [t.logged_seconds // 60 for _b, t in bills],
        "minutes_by_staff": [{str(k): int(v) for k, v in b.minutes_by_staff.items()} for b in only],
        "flags": [list(b.flags) for b in only],
        "reasons": [reasons(b) for b in only],
        "alternative": [alternative(b) for b in only],
    }


def _initiations(conn: Connection, pids: set[str], consents: dict[str, list[r.Consent]], month: str) -> dict:
    """Each patient's initiating-visit status for the month (docs/reference.md, "Initiating visit")."""
    from ..rules.initiation import initiation_status

    visits: dict[str, list[r.Visit]] = defaultdict(list)
    for row in conn.execute(select(s.visits).where(current_entries(s.visits))):
        if row.patient_id in pids:
            visits[row.patient_id].append(q.to_visit(row))
    billing = dict(conn.execute(select(s.patients.c.id, s.patients.c.billing_practitioner_id)).all())
    return {pid: initiation_status(visits.get(pid, []), consents.get(pid, []), month, billing.get(pid))
            for pid in pids}


def month_bills(wb, month: str, scope: str = "live", *, staffing: StaffingRule | None = None,
                force_exact: bool = False) -> tuple[list[tuple[MonthBill, MonthTime]], int]:
    """Every patient-month bill of ``scope`` with time in ``month``, and how many took the exact path.

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
        sums = {pid: x for pid, x in _aggregate(conn, first, last).items() if pid in in_scope}
        pids = set(sums)
        if not pids:
            return [], 0
        consents = _consents(conn, pids)
        eligibility = _eligibilities(conn, pids, {})
        attested = _attested(conn, month)
        users = {u.id: u for u in (q.to_user(x) for x in conn.execute(select(s.users)))}
        consent = {pid: _constant_consent(consents.get(pid, []), first, last, today, status) for pid in pids}
        exact_set = {pid for pid in pids if force_exact or sums[pid].needs_exact
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
        bill = with_initiation(choose_codes(time, eligibility=eligibility[pid], complex_attested=pid in attested,
                                            table=table), initiation.get(pid))
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
    billable, else None. Text versions (``99490;99439x2``) come only from
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

