"""Screening (PHQ-2/9, AHC HRSN) and the social needs (barriers) it finds."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from .. import records as r
from .. import validate as v
from ..errors import InvalidInput
from .policy import Action
from ..store import queries as q
from ..store import schema as s


#: A questionnaire with the same answers for the same patient within this many seconds is a repeat.
REPEAT_SECONDS = 60


class ScreeningMixin:
    """Questionnaires and barriers."""


    def record_phq(self, pid: str, instrument: str, answers) -> tuple[r.QuestionnaireResponse, r.Escalation | None]:
        """Score and store a PHQ-2 or PHQ-9. PHQ-9 item 9 above 0 opens an escalation in the same
        transaction (reference, "Screening instruments")."""
        from ..rules import score_phq2, score_phq9

        answers = list(v.phq_answers(answers, instrument))  # any reasonable shape, in item order
        result = (score_phq2 if instrument == "PHQ-2" else score_phq9)(answers)
        esc = None
        with self.write() as conn:
            audit = conn.stamp
            self._patient_row(conn, pid, Action.WRITE_RECORD)
            conn.lock_staff(self.user.id)  # two clicks of one person take turns
            self._refuse_repeat(conn, pid, instrument, list(answers), audit["recorded_at"])
            rid = conn.add_row(s.questionnaire_responses, patient_id=pid, instrument=instrument,
                              answers=list(answers), score=result.total)
            if getattr(result, "escalation_required", False):
                esc_id = self._open_escalation(
                    conn, pid, f"PHQ-9 item 9 (thoughts of self-harm) answered {answers[8]}: "
                    "same-day suicide-risk follow-up", r.Severity.URGENT, "phq9")
        qr = r.QuestionnaireResponse(patient_id=pid, instrument=instrument, answers=list(answers),
                                     score=result.total, recorded_at=audit["recorded_at"],
                                     recorded_by=self.user.id, id=rid)
        if getattr(result, "escalation_required", False):
            esc = self.escalation(esc_id)
        return qr, esc

    def _refuse_repeat(self, conn, pid: str, instrument: str, answers: list, now) -> None:
        """Refuse the same answers to the same questionnaire for the same patient recorded in the
        last :data:`REPEAT_SECONDS` (a double click, or the form sent twice): nothing is written."""
        qr = s.questionnaire_responses
        rows = conn.execute(select(qr.c.answers, qr.c.recorded_at).where(
            qr.c.patient_id == pid, qr.c.instrument == instrument, qr.c.status == "active",
            qr.c.recorded_at >= now - timedelta(seconds=REPEAT_SECONDS))).all()
        if any(list(row.answers) == answers for row in rows):
            raise InvalidInput(f"This {instrument} with the same answers was recorded for {pid} less than a "
                               "minute ago: it was not recorded twice.", field="answers")

    def record_sdoh(self, pid: str, answers: dict, note: str = "") -> list[r.Barrier]:
        """AHC HRSN core domains screen: each need found becomes an open barrier."""
        if not isinstance(answers, dict):
            raise InvalidInput("SDOH answers must map each domain to yes/no.")
        parsed = {v.choice(k, r.BarrierDomain, "Domain", "answers"): v.boolean(val, f"Answer for {v.show(k)}")
                  for k, val in answers.items()}
        note = v.text(note, "Note", required=False)
        found = [d for d, yes in parsed.items() if yes]
        out = []
        with self.write() as conn:
            self._patient_row(conn, pid, Action.WRITE_RECORD)
            conn.add_row(s.questionnaire_responses, patient_id=pid, instrument="AHC-HRSN",
                        answers={d.value: y for d, y in parsed.items()}, score=len(found))
            for d in found:
                out.append(self._insert_barrier(conn, pid, d, note or f"Screened positive: {d.value.replace('_', ' ')}",
                                                r.BarrierStatus.OPEN, ""))
        return out

    def _insert_barrier(self, conn, pid, domain, description, status, action, resolution="") -> r.Barrier:
        from ..rules.sdoh import z_code_for

        rid = conn.add_row(s.barriers, patient_id=pid, domain=domain.value, description=description,
                          barrier_status=status.value, z_code=z_code_for(domain), action=action,
                          resolution=resolution)
        return r.Barrier(patient_id=pid, domain=domain, description=description, status=status,
                         z_code=z_code_for(domain), action=action, id=rid, resolution=resolution)

    def add_barrier(self, pid: str, domain, description: str, status=r.BarrierStatus.OPEN,
                    action: str = "", resolution: str = "") -> r.Barrier:
        """A social need or other barrier found, with what was arranged (and, when it is already
        resolved, how)."""
        domain = v.choice(domain, r.BarrierDomain, "Domain", "domain")
        status = v.choice(status, r.BarrierStatus, "Status", "status")
        description = v.text(description, "Description", max_len=1000, field="description")
        action = v.text(action, "Action", required=False, field="action")
        resolution = v.text(resolution, "Resolution", required=False, field="resolution")
        if resolution and status != r.BarrierStatus.RESOLVED:
            raise InvalidInput("A resolution is recorded only when the barrier is resolved.", field="resolution")
        with self.write() as conn:
            self._patient_row(conn, pid, Action.WRITE_RECORD)
            return self._insert_barrier(conn, pid, domain, description, status, action, resolution)

    def update_barrier(self, barrier_id: int, status, action: str = "", description: str | None = None,
                       resolution: str = "") -> r.Barrier:
        """A new barrier row superseding the old one (the record is append-only): the new status,
        what was arranged, optionally a corrected description, and, when resolved, how. A barrier
        already resolved is reopened only by a new status; nothing changed is refused."""
        barrier_id = v.row_id(barrier_id, "Barrier id", "barrier_id")
        status = v.choice(status, r.BarrierStatus, "Status", "status")
        action = v.text(action, "What was arranged", required=status == r.BarrierStatus.RESOLVED, field="action")
        resolution = v.text(resolution, "Resolution", required=False, field="resolution")
        if resolution and status != r.BarrierStatus.RESOLVED:
            raise InvalidInput("A resolution is recorded only when the barrier is resolved.", field="resolution")
        changes = {"barrier_status": status.value, "action": action, "resolution": resolution}
        if description is not None:
            changes["description"] = v.text(description, "Description", max_len=1000, field="description")
        with self.write() as conn:
            self._patient_of(conn, s.barriers, barrier_id, Action.WRITE_RECORD, "barrier")
            old = conn.execute(select(s.barriers).where(s.barriers.c.id == barrier_id)).first()
            if all(getattr(old, k) == val for k, val in changes.items()):
                raise InvalidInput("Nothing changed: change the status, the action, the description "
                                   "or the resolution.", field="status")
            new_id = conn.supersede(s.barriers, barrier_id, f"status: {status.value}", void=False,
                                     changes=changes)
            return q.to_barrier(conn.execute(select(s.barriers).where(s.barriers.c.id == new_id)).first())

    def barriers(self, pid: str, open_only: bool = False) -> list[r.Barrier]:
        with self.read() as conn:
            self._patient_row(conn, pid)
            out = [q.to_barrier(x) for x in q.current_rows(conn, s.barriers, pid)]
        return [b for b in out if b.status != r.BarrierStatus.RESOLVED] if open_only else out
