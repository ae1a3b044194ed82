"""Service methods for the medication list and scheduled follow-ups (a Workbench mixin).

The medication list changes the way every clinical record does: a change or a stop is a new
row superseding the old one, with the author, the time and a reason (docs/service-api.md).
A follow-up is a contact planned for a due time (the worklist and the grading read it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from .. import records as r
from .. import validate as v
from ..errors import InvalidInput, NotFound
from ..store import queries as q
from ..store import schema as s

MED_STATUSES = ("active", "stopped")


@dataclass(frozen=True)
class FollowUp:
    patient_id: str
    due_at: datetime  #: UTC
    reason: str
    channel: r.Channel = r.Channel.PHONE
    recorded_by: str = ""
    recorded_at: datetime | None = None
    id: int | None = None


def _to_follow_up(row) -> FollowUp:
    return FollowUp(patient_id=row.patient_id, due_at=row.due_at, reason=row.purpose,
                    channel=r.Channel(row.channel), recorded_by=row.recorded_by,
                    recorded_at=row.recorded_at, id=row.id)


class MedicationsMixin:
    """Medication list and follow-ups (writes through the Workbench's unit of work)."""

    def medications(self, pid: str) -> list[r.Medication]:
        """The current medication list (stopped medicines are shown as stopped)."""
        with self.read() as conn:
            self._patient_row(conn, pid)
            return [q.to_medication(x) for x in q.current_rows(conn, s.medications, pid)]

    def add_medication(self, pid: str, med: r.Medication, reason: str) -> r.Medication:
        """Add a medicine to the list (e.g. reconciled from a discharge list)."""
        reason = v.text(reason, "Why the list changes", field="reason")
        if not isinstance(med, r.Medication):
            raise InvalidInput(f"A medicine must be a Medication, not {type(med).__name__}.", "medication")
        name = v.short(med.name, "Medicine", field="name")
        with self.write() as conn:
            self._patient_row(conn, pid)
            rid = conn.add_row(s.medications, patient_id=pid, name=name, rxnorm=med.rxnorm or "",
                              dose=v.short(med.dose, "Dose", required=False),
                              frequency=v.short(med.frequency, "Frequency", required=False),
                              indication=med.indication or "", med_status="active",
                              status="active", reason=reason, supersedes_id=None)
        return r.Medication(name=name, rxnorm=med.rxnorm, dose=med.dose, frequency=med.frequency,
                            indication=med.indication, status="active", id=rid)

    def change_medication(self, med_id: int, dose: str | None = None,
                          frequency: str | None = None, stop: bool = False,
                          reason: str = "") -> r.Medication:
        """A new row for a medicine: another dose or frequency, or stopped; with a reason."""
        reason = v.text(reason, "Why the medicine changes", field="reason")
        med_id = v.row_id(med_id, "Medicine id", "med_id")
        changes: dict = {}
        if dose is not None:
            changes["dose"] = v.short(dose, "Dose")
        if frequency is not None:
            changes["frequency"] = v.short(frequency, "Frequency")
        if stop:
            changes["med_status"] = "stopped"
        if not changes:
            raise InvalidInput("Say what changes: a new dose, a new frequency, or stop it.")
        with self.write() as conn:
            row = conn.execute(select(s.medications).where(s.medications.c.id == med_id)).first()
            if row is None:
                raise NotFound(f"No medicine {med_id}.")
            self._patient_row(conn, row.patient_id)
            if row.med_status == "stopped" and not stop:
                raise InvalidInput("That medicine is stopped; add it again if it restarts.")
            new_id = conn.supersede(s.medications, med_id, reason, void=False, changes=changes)
            return q.to_medication(conn.execute(select(s.medications)
                                                .where(s.medications.c.id == new_id)).first())

    def schedule_follow_up(self, pid: str, due_at: datetime, reason: str,
                           channel: r.Channel | str = r.Channel.PHONE) -> FollowUp:
        """Plan the next contact with a patient, due at a time."""
        reason = v.text(reason, "What the follow-up is for", max_len=1000, field="reason")
        channel = v.choice(channel, r.Channel, "Channel", "channel")
        if not isinstance(due_at, datetime) or due_at.tzinfo is None:
            raise InvalidInput("The follow-up needs a due date and time with a time zone.", "due_at")
        due_at = v.a_datetime(due_at, "The follow-up's due time", field="due_at")
        now = self.now()
        if due_at < now:
            raise InvalidInput("A follow-up is due in the future.", "due_at")
        with self.write() as conn:
            self._patient_row(conn, pid)
            fid = conn.add_row(s.follow_ups, patient_id=pid, due_at=due_at, channel=channel.value,
                              purpose=reason, status="active", reason="", supersedes_id=None)
            stamp = conn.stamp
        return FollowUp(pid, due_at, reason, channel, stamp["recorded_by"], stamp["recorded_at"], fid)

    def follow_ups(self, pid: str) -> list[FollowUp]:
        with self.read() as conn:
            self._patient_row(conn, pid)
            return [_to_follow_up(x) for x in q.current_rows(conn, s.follow_ups, pid,
                                                             [s.follow_ups.c.due_at])]
