"""Escalation: opening one, recording protocol steps with their times, listing them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from .. import records as r
from .. import validate as v
from ..errors import InvalidInput, NotFound
from .policy import Action
from ..store import queries as q
from ..store import schema as s


class EscalationMixin:
    """Escalations and their steps."""


    def _open_escalation(self, conn, pid, reason, severity, source, kind: str | None = None) -> int:
        from ..rules.escalation import classify

        return conn.add_row(s.escalations, patient_id=pid, reason=reason, severity=severity.value,
                           source=source, kind=kind or classify(reason, source).key,
                           opened_at=self.now())

    @staticmethod
    def escalation_kinds() -> dict[str, str]:
        """The escalation types, key -> label, from the protocol table
        (rules/escalation_protocols.json; ``general`` is the fallback)."""
        from ..rules.escalation import protocols

        return {p.key: p.label for p in protocols().values()}

    def open_escalation(self, pid: str, reason: str, severity: r.Severity | str = r.Severity.URGENT,
                        source: str = "manual", kind: str | None = None) -> r.Escalation:
        """Open an escalation of type ``kind`` (a key of :meth:`escalation_kinds`); ``None``
        derives it from the source and reason (rules.escalation.classify), as before 0006."""
        reason = v.text(reason, "The reason for escalating", max_len=1000, field="reason")
        severity = v.choice(severity, r.Severity, "Severity", "severity")
        source = v.short(source, "Source", field="source", max_len=v.limit_of(s.escalations.c.source))
        if kind is not None:
            kinds = self.escalation_kinds()
            if not isinstance(kind, str) or kind.strip().lower() not in kinds:
                raise InvalidInput("The escalation type must be one of: " + ", ".join(
                    f"{k} ({label})" for k, label in kinds.items()) + ".", "kind")
            kind = kind.strip().lower()
        with self.write() as conn:
            self._patient_row(conn, pid, Action.WRITE_RECORD)
            eid = self._open_escalation(conn, pid, reason, severity, source, kind)
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
            self._patient_row(conn, esc.patient_id, Action.WRITE_RECORD)
            if at < esc.opened_at:
                raise InvalidInput("That step is timed before the escalation was opened.", "at")
            done = [row[0] for row in conn.execute(select(s.escalation_steps.c.step).where(
                s.escalation_steps.c.escalation_id == escalation_id))]
            if r.EscalationStep.CLOSED.value in done:
                raise InvalidInput("This escalation is closed; open a new one.")
            if step == r.EscalationStep.CLOSED:
                note = self._closing_note(esc, done, note)
            conn.add_row(s.escalation_steps, escalation_id=escalation_id, step=step.value, at=at,
                        note=note, patient_consent=patient_consent)
        return self.escalation(escalation_id)

    @classmethod
    def _closing_note(cls, esc, done: list[str], note: str) -> str:
        """Closing before the protocol's required steps (workbench.rules.escalation) needs a
        reason; the missing steps and the reason are kept in the closing step's note."""
        from ..rules.escalation import describe_missing, missing_steps

        protocol = cls._protocol_of(esc.kind)
        missing = missing_steps(protocol, done)
        if not missing:
            return note
        what = describe_missing(missing, protocol)
        if not note.strip():
            raise InvalidInput(f"This {protocol.label.lower()} escalation is missing required steps: {what}. "
                               "Record them, or give the reason for closing without them in the note.", "note")
        return f"Closed without required steps ({what}). Reason: {note}"

    @staticmethod
    def _protocol_of(kind: str):
        """The stored type's protocol; a type the protocol file no longer lists follows the
        general protocol (the stored type is kept as it was recorded)."""
        from ..rules.escalation import GENERAL, protocols

        table = protocols()
        return table.get(kind, table[GENERAL])

    def escalation_guide(self, escalation_id: int) -> dict:
        """The protocol an escalation follows, its next suggested step and the required steps
        still missing (``{"protocol": Protocol, "next": EscalationStep, "missing": [...],
        "missing_text": str}``)."""
        from ..rules.escalation import describe_missing, missing_steps, next_step

        e = self.escalation(escalation_id)
        protocol = self._protocol_of(e.kind)
        done = [x.step for x in e.steps]
        missing = missing_steps(protocol, done)
        return {"protocol": protocol, "next": next_step(protocol, done), "missing": missing,
                "missing_text": describe_missing(missing, protocol)}

    def escalation(self, escalation_id: int) -> r.Escalation:
        escalation_id = v.row_id(escalation_id, "Escalation id", "escalation_id")
        with self.read() as conn:
            rows = list(conn.execute(select(s.escalations).where(s.escalations.c.id == escalation_id)))
            if not rows:
                raise NotFound(f"No escalation {escalation_id}.")
            self._patient_row(conn, rows[0].patient_id)
            return q.escalation_with_steps(conn, rows)[0]

    def escalations(self, pid: str | None = None, open_only: bool = False) -> list[r.Escalation]:
        stmt = select(s.escalations).order_by(s.escalations.c.opened_at)
        if pid is not None:
            stmt = stmt.where(s.escalations.c.patient_id == pid)
        with self.read() as conn:
            if pid is not None:
                self._patient_row(conn, pid)
                rows = list(conn.execute(stmt))
            else:
                seen = {x.id for x in self._visible(conn, conn.execute(select(s.patients.c.id, s.patients.c.scope)))}
                rows = [x for x in conn.execute(stmt) if x.patient_id in seen]
            out = q.escalation_with_steps(conn, rows)
        return [e for e in out if e.is_open] if open_only else out
