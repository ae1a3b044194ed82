"""Read an attempt's records back through the service, as plain facts the rubric can check.

Grading never trusts the engine's own idea of what happened: it reads the store, the way a
supervisor or an auditor would. A ``Fact`` is one record (or one escalation step) with its
type, id, time and the fields a rubric may filter on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from training.attempts import AttemptRecord


@dataclass(frozen=True)
class Fact:
    type: str  #: one of training.format.RECORD_TYPES
    id: int | str  #: record id; "<escalation id>.<step index>" for escalation steps
    at: datetime | None  #: when it happened (UTC), if known
    fields: dict = field(default_factory=dict)
    label: str = ""  #: a short description for evidence (no note text)

    @property
    def key(self) -> str:
        return f"{self.type}:{self.id}"


def _months(wb, record: AttemptRecord) -> list[str]:
    tz = ZoneInfo(wb.settings.timezone)
    end = record.transcript[-1].at if record.transcript else record.sim_start
    day, last = record.sim_start.astimezone(tz).date(), (end + timedelta(days=1)).astimezone(tz).date()
    months: list[str] = []
    while day <= last:
        if (m := day.strftime("%Y-%m")) not in months:
            months.append(m)
        day += timedelta(days=1)
    return months


def _when(record: AttemptRecord, key: str, own: datetime | None) -> datetime | None:
    if own is not None:
        return own
    logged = record.record_times.get(key)
    return datetime.fromisoformat(logged) if logged else None


def collect_facts(wb, record: AttemptRecord) -> list[Fact]:
    """Every record of the attempt's patient, read through the service, oldest first."""
    pid = record.patient_id
    tz = ZoneInfo(wb.settings.timezone)
    facts: list[Fact] = []

    def add(type_: str, rid, own_at, fields: dict, label: str) -> None:
        facts.append(Fact(type_, rid, _when(record, f"{type_}:{rid}", own_at), fields, label))

    for month in _months(wb, record):
        for t in wb.time_entries(pid, month=month):
            add("time_entry", t.id, t.started_at or t.recorded_at,
                {"activity": str(t.activity), "note": t.note or "", "minutes": t.minutes},
                f"time entry {t.id}: {t.minutes:g} min, {t.activity}")
    chart = wb.chart(pid)
    for c in chart.contacts:
        add("contact", c.id, c.contacted_at,
            {"channel": str(c.channel), "outcome": str(c.outcome), "with_whom": c.with_whom,
             "note": c.note or ""}, f"contact {c.id}: {c.channel} with {c.with_whom}, {c.outcome}")
    for c in chart.consents:
        if c.revoked_on is not None:
            add("consent_revoked", c.id, None, {"reason": c.revocation_reason or ""},
                f"consent {c.id}: revoked on {c.revoked_on}")
        else:
            add("consent", c.id, None,
                {"method": str(c.method), "all_disclosures": all(c.disclosures.values())},
                f"consent {c.id}: {c.method}, dated {c.consent_date}")
    for rev in wb.care_plan_history(pid):
        goals = rev.plan.goals
        add("care_plan_revision", rev.id, rev.recorded_at,
            {"reason": rev.reason, "version": rev.version,
             "goals_measurable": bool(goals) and all(g.measurable for g in goals)},
            f"care-plan version {rev.version}")
    for esc in wb.escalations(pid):
        add("escalation", esc.id, esc.opened_at,
            {"severity": str(esc.severity), "reason": esc.reason},
            f"escalation {esc.id} ({esc.severity})")
        for i, s in enumerate(esc.steps):
            add("escalation_step", f"{esc.id}.{i}", s.at,
                {"step": str(s.step), "patient_consent": s.patient_consent, "note": s.note or ""},
                f"escalation {esc.id} step {s.step} at {s.at.astimezone(tz):%H:%M}")
    for b in wb.barriers(pid):
        add("barrier", b.id, None,
            {"domain": str(b.domain), "status": str(b.status), "action": b.action or ""},
            f"barrier {b.id}: {b.domain}, {b.status}")
    return facts


def attempt_facts(wb, record: AttemptRecord) -> list[Fact]:
    """The facts the attempt itself produced (what was there before play is left out)."""
    before = {f"{t}:{i}" for t, ids in record.baseline.items() for i in ids}
    return [f for f in collect_facts(wb, record) if f.key not in before]
