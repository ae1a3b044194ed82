"""The month report's reads: the one-pass SQL aggregate of a month's time, and the consents,
conditions, attestations, visits and entries the rules need, each read once for all patients.
``workbench.reports.month`` re-exports every name here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from operator import le, lt

from sqlalchemy import String, and_, case, func, literal_column, select, type_coerce
from sqlalchemy.engine import Connection

from .. import records as r
from ..rules import assess_eligibility
from ..store import queries as q
from ..store import schema as s
from .month_fast import _BILLED, _CREDENTIALS, _consent_key, _StatusCache


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
