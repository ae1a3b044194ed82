"""What the claims report needs to know about approval and sign-off for a month: the current time
entries each patient-month's claim stands on, which of them a supervisor approved, and the latest
signature (rules in :mod:`workbench.rules.approval`; tables in :mod:`workbench.store.approvals`)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, tzinfo

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ..rules.approval import Hold, Signature, claim_holds
from ..rules.months import month_bounds
from ..store import queries as q
from ..store import schema as s


@dataclass
class MonthApprovals:
    """Approval facts of one month, per patient."""

    required: bool
    entries: dict[str, dict[str, list[int]]] = field(default_factory=dict)  #: pid -> service -> ids
    approved: set[int] = field(default_factory=set)
    signatures: dict[str, Signature] = field(default_factory=dict)  #: pid -> the latest signature

    def entry_ids(self, pid: str, service: str) -> list[int]:
        return sorted(self.entries.get(pid, {}).get(service, []))

    def holds(self, pid: str, service: str, codes: str) -> list[Hold]:
        return claim_holds(self.entry_ids(pid, service), self.approved, codes, self.signatures.get(pid),
                           required=self.required)


def approval_required(conn: Connection) -> bool:
    """The practice setting ``approval_required`` ("on" or "off"; off when never set)."""
    value = conn.execute(select(s.settings.c.value).where(s.settings.c.key == "approval_required")).scalar()
    return value == "on"


def month_approvals(conn: Connection, month: str, pids, tz: tzinfo = UTC) -> MonthApprovals:
    """Current entries, approvals and latest signatures of ``month`` for the patients ``pids``;
    a signature's day is its day in ``tz`` (the practice's zone: a claim signed at 7 pm in
    Chicago was signed that day, not the next UTC day)."""
    pids = sorted(set(pids))
    out = MonthApprovals(required=approval_required(conn))
    if not pids:
        return out
    first, last = month_bounds(month)
    te, ta, cs = s.time_entries, s.time_approvals, s.claim_signoffs
    entries: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for row in conn.execute(select(te.c.id, te.c.patient_id, te.c.service).where(
            te.c.patient_id.in_(pids), te.c.service_date >= first, te.c.service_date <= last, q.current(te))):
        entries[row.patient_id][row.service].append(row.id)
    out.entries = {k: dict(v) for k, v in entries.items()}
    ids = [i for by in out.entries.values() for lst in by.values() for i in lst]
    if ids:
        out.approved = {row.time_entry_id for row in conn.execute(
            select(ta.c.time_entry_id).where(ta.c.time_entry_id.in_(ids)))}
    for row in conn.execute(select(cs).where(cs.c.patient_id.in_(pids), cs.c.month == month).order_by(cs.c.id)):
        out.signatures[row.patient_id] = Signature(row.recorded_by, row.recorded_at.astimezone(tz).date(), row.codes,
                                                   frozenset(int(i) for i in row.entry_ids))
    return out
