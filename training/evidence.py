"""Read an attempt's records back from the store, as facts the rubric can check.

Grading never trusts the engine's idea of what happened: it reads the record the way a
supervisor or an auditor would. Each ``Fact`` carries who wrote it (``by``): only records the
trainee wrote count for the trainee (``trainee_facts``); world events are written by the
system user, the patient's history by whoever seeded it, a supervisor's edits by the
supervisor. Voided and superseded rows are left out (a time entry marked entered-in-error
does not count; a barrier's latest row stands for it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from workbench.store import queries as q
from workbench.store import schema as s


@dataclass(frozen=True)
class Fact:
    type: str  #: training.checks_model.RECORD_TYPES, plus "timer"
    id: int | str
    patient_id: str
    at: datetime  #: when it was written (attempt clock, UTC); steps: when they happened
    by: str  #: user id of the author
    fields: dict = field(default_factory=dict)
    text: str = ""  #: the record's own words (note, reason, description, action)
    label: str = ""  #: a short description for evidence (no note text)

    @property
    def key(self) -> str:
        return f"{self.type}:{self.id}"


def _rows(conn, table, pids, current: bool = True):
    stmt = select(table).where(table.c.patient_id.in_(pids))
    if current:
        stmt = stmt.where(q.current(table))
    return list(conn.execute(stmt.order_by(table.c.id)))


def _goal_facts(add, rows) -> None:
    """A goal fact for each goal a revision added or changed (compared with the version before;
    a goal closed, its status changed, is a change)."""
    before: dict[str, set] = {}
    for row in sorted(rows, key=lambda r: (r.patient_id, r.version)):
        plan = q.plan_from_json(row.content)
        seen = before.setdefault(row.patient_id, set())
        for i, g in enumerate(plan.goals):
            sig = (g.description, g.target, g.due_date, g.status)
            if sig in seen:
                continue
            add("goal", f"{row.id}.{i}", row, row.recorded_at,
                {"target": g.target, "due_date": g.due_date, "measurable": g.measurable,
                 "description": g.description, "status": g.status},
                " ".join((g.description, g.measure, g.target)),
                f"goal in care-plan version {row.version}")
        before[row.patient_id] = {(g.description, g.target, g.due_date, g.status) for g in plan.goals}


def _plan_part_facts(add, rows) -> None:
    """An intervention fact for each intervention a revision added or changed, and a
    care_plan_text fact for each text element it changed (compared with the version before)."""
    from workbench import records as r

    elements = [k for k in (*r.CARE_PLAN_ELEMENTS, *r.CARE_PLAN_EXTRA_ELEMENTS) if k not in ("goals", "interventions")]
    before: dict[str, tuple[set, dict]] = {}
    for row in sorted(rows, key=lambda x: (x.patient_id, x.version)):
        plan = q.plan_from_json(row.content)
        seen, texts = before.get(row.patient_id, (set(), {}))
        for i, item in enumerate(plan.interventions):
            sig = (item.description, item.responsible, item.frequency)
            if sig not in seen:
                add("intervention", f"{row.id}.i{i}", row, row.recorded_at,
                    {"responsible": item.responsible, "frequency": item.frequency},
                    " ".join(sig), f"intervention in care-plan version {row.version}")
        for k in elements:
            value = str(getattr(plan, k, "") or "")
            if value.strip() and value != texts.get(k, ""):
                add("care_plan_text", f"{row.id}.{k}", row, row.recorded_at, {"element": k}, value,
                    f"care-plan {k.replace('_', ' ')} in version {row.version}")
        before[row.patient_id] = ({(x.description, x.responsible, x.frequency) for x in plan.interventions},
                                  {k: str(getattr(plan, k, "") or "") for k in elements})


def _medication_facts(add, conn, pids) -> None:
    rows = _rows(conn, s.medications, pids, current=False)
    by_id = {r.id: r for r in rows}
    for row in rows:
        if row.status != "active":
            continue
        old = by_id.get(row.supersedes_id)
        if old is None:
            change = "added"
        elif row.med_status != "active":
            change = "stopped"
        elif row.dose != old.dose:
            change = "dose_changed"
        elif row.frequency != old.frequency:
            change = "frequency_changed"
        else:
            change = "other"
        add("medication_change", row.id, row, row.recorded_at,
            {"name": row.name, "change": change, "dose": row.dose, "frequency": row.frequency},
            " ".join((row.name, row.reason or "")), f"medicine {row.id}: {row.name} {change}")


def scope_facts(wb, patient_ids: list[str]) -> list[Fact]:
    """Every current record of these patients, by anyone, oldest first."""
    pids = list(patient_ids)
    facts: list[Fact] = []

    def add(type_, rid, row, at, fields, text, label):
        facts.append(Fact(type_, rid, row.patient_id, at, row.recorded_by, fields, text or "",
                          label))

    with wb.read() as conn:
        for t in _rows(conn, s.time_entries, pids):
            add("time_entry", t.id, t, t.recorded_at,
                {"activity": t.activity, "minutes": t.seconds / 60, "started_at": t.started_at,
                 "ended_at": t.ended_at, "manual": t.manual}, t.note,
                f"time entry {t.id}: {t.seconds / 60:.1f} min, {t.activity}")
        for t in conn.execute(select(s.timers).where(s.timers.c.patient_id.in_(pids))):
            add("timer", t.id, t, t.recorded_at, {"activity": t.activity}, "",
                f"timer {t.id} started")
        for c in _rows(conn, s.contacts, pids):
            add("contact", c.id, c, c.recorded_at,
                {"channel": c.channel, "outcome": c.outcome, "with_whom": c.with_whom}, c.note,
                f"contact {c.id}: {c.channel} with {c.with_whom}, {c.outcome}")
        for c in _rows(conn, s.consents, pids):
            add("consent", c.id, c, c.recorded_at, {"method": c.method,
                                                     "all_disclosures": all(c.disclosures.values()),
                                                     "disclosures": dict(c.disclosures),
                                                     "given_by": c.given_by},
                c.representative, f"consent {c.id}: {c.method}, given by {c.given_by.replace('_', ' ')}")
        for c in conn.execute(select(s.consent_revocations)
                              .where(s.consent_revocations.c.patient_id.in_(pids))):
            add("consent_revoked", c.id, c, c.recorded_at, {}, c.revocation_reason,
                f"consent revoked on {c.revoked_on}")
        plans = list(conn.execute(select(s.care_plan_revisions)
                                  .where(s.care_plan_revisions.c.patient_id.in_(pids))))
        for p in plans:
            add("care_plan_revision", p.id, p, p.recorded_at, {"version": p.version}, p.reason,
                f"care-plan version {p.version}")
        _goal_facts(add, plans)
        _plan_part_facts(add, plans)
        _medication_facts(add, conn, pids)
        for x in _rows(conn, s.questionnaire_responses, pids):
            add("phq" if x.instrument.startswith("PHQ") else "questionnaire", x.id, x,
                x.recorded_at, {"instrument": x.instrument, "answers": x.answers,
                                "score": x.score}, "", f"{x.instrument} score {x.score}")
        escs = list(conn.execute(select(s.escalations).where(s.escalations.c.patient_id.in_(pids))))
        for e in escs:
            add("escalation", e.id, e, e.recorded_at, {"severity": e.severity, "kind": e.kind,
                                                        "source": e.source}, e.reason,
                f"escalation {e.id} ({e.severity})")
        owner = {e.id: e.patient_id for e in escs}
        parent = {e.id: e for e in escs}
        if owner:
            steps = conn.execute(select(s.escalation_steps)
                                 .where(s.escalation_steps.c.escalation_id.in_(list(owner)))
                                 .order_by(s.escalation_steps.c.id))
            for st in steps:
                facts.append(Fact("escalation_step", st.id, owner[st.escalation_id], st.at,
                                  st.recorded_by, {"step": st.step, "escalation": st.escalation_id,
                                                   "severity": parent[st.escalation_id].severity,
                                                   "kind": parent[st.escalation_id].kind,
                                                   "patient_consent": st.patient_consent,
                                                   "recorded_at": st.recorded_at},
                                  st.note or "", f"escalation {st.escalation_id}: {st.step}"))
        for b in _rows(conn, s.barriers, pids):
            add("barrier", b.id, b, b.recorded_at,
                {"domain": b.domain, "status": b.barrier_status, "has_action": bool(b.action.strip())},
                " ".join((b.description, b.action)), f"barrier {b.id}: {b.domain}, {b.barrier_status}")
        follow_ups = getattr(s, "follow_ups", None)
        if follow_ups is not None:
            for f in _rows(conn, follow_ups, pids):
                add("follow_up", f.id, f, f.recorded_at, {"due_at": f.due_at, "channel": f.channel},
                    f.purpose, f"follow-up {f.id} due {f.due_at:%Y-%m-%d %H:%M}")
    facts.sort(key=lambda f: (f.at, f.key))
    return facts


def trainee_facts(facts: list[Fact], trainee_id: str) -> list[Fact]:
    """The facts the trainee wrote themselves."""
    return [f for f in facts if f.by == trainee_id]


def as_date(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))
