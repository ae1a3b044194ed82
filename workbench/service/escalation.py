"""Escalation: opening one, recording protocol steps with their times, listing them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select

from .. import records as r
from .. import validate as v
from ..errors import InvalidInput, NotFound
from ..store import queries as q
from ..store import schema as s


class EscalationMixin:
    """Escalations and their steps."""


    def _open_escalation(self, conn, pid, reason, severity, source) -> int:
        return conn.execute(insert(s.escalations).values(
            patient_id=pid, reason=reason, severity=severity.value, source=source,
            opened_at=self.now(), **conn.stamp)).inserted_primary_key[0]

    def open_escalation(self, pid: str, reason: str, severity: r.Severity | str = r.Severity.URGENT,
                        source: str = "manual") -> r.Escalation:
        reason = v.text(reason, "The reason for escalating", max_len=1000, field="reason")
        severity = v.choice(severity, r.Severity, "Severity", "severity")
        source = v.short(source, "Source", field="source", max_len=v.limit_of(s.escalations.c.source))
        with self.write() as conn:
            self._patient_row(conn, pid)
            eid = self._open_escalation(conn, pid, reason, severity, source)
        return self.escalation(eid)

    def record_escalation_step(self, escalation_id: int, step: r.EscalationStep | str, note: str = "",
                               patient_consent: bool | None = None, at: datetime | None = None) -> r.Escalation:
        """Record one protocol step with its time. EMS and emergency contacts need an explicit
        yes/no for the patient's consent (scenario notes, situation 3)."""
        escalation_id = v.row_id(escalation_id, "Escalation id", "escalation_id")
        step = v.choice(step, r.EscalationStep, "Step", "step")
        note = v.text(note, "Note", required=False, field="note")
        now = self.now()
        at = v.a_datetime(at or now, "Time of the step", now=now, field="at")
        if step in r.CONSENT_GATED_STEPS and patient_consent is None:
            raise InvalidInput("Record whether the patient agreed (if they cannot respond and life "
                               "is at risk, say no and explain in the note).", "patient_consent")
        if patient_consent is not None:
            v.boolean(patient_consent, "Patient consent")
        if step in r.CONSENT_GATED_STEPS and patient_consent is False and not note:
            raise InvalidInput("Without the patient's consent, the note must say why this step was "
                               "taken (e.g. patient cannot respond, life at risk).", "note")
        with self.write() as conn:
            esc = conn.execute(select(s.escalations).where(s.escalations.c.id == escalation_id)).first()
            if esc is None:
                raise NotFound(f"No escalation {escalation_id}.")
            if at < esc.opened_at:
                raise InvalidInput("That step is timed before the escalation was opened.", "at")
            if conn.execute(select(s.escalation_steps.c.id).where(
                    s.escalation_steps.c.escalation_id == escalation_id,
                    s.escalation_steps.c.step == r.EscalationStep.CLOSED.value)).first():
                raise InvalidInput("This escalation is closed; open a new one.")
            conn.execute(insert(s.escalation_steps).values(
                escalation_id=escalation_id, step=step.value, at=at, note=note,
                patient_consent=patient_consent, **conn.stamp))
        return self.escalation(escalation_id)

    def escalation(self, escalation_id: int) -> r.Escalation:
        escalation_id = v.row_id(escalation_id, "Escalation id", "escalation_id")
        with self.read() as conn:
            rows = list(conn.execute(select(s.escalations).where(s.escalations.c.id == escalation_id)))
            if not rows:
                raise NotFound(f"No escalation {escalation_id}.")
            return q.escalation_with_steps(conn, rows)[0]

    def escalations(self, pid: str | None = None, open_only: bool = False) -> list[r.Escalation]:
        stmt = select(s.escalations).order_by(s.escalations.c.opened_at)
        if pid is not None:
            stmt = stmt.where(s.escalations.c.patient_id == pid)
        with self.read() as conn:
            out = q.escalation_with_steps(conn, list(conn.execute(stmt)))
        return [e for e in out if e.is_open] if open_only else out
