"""Contacts: calls, messages and visits with the patient or their caregiver."""

from __future__ import annotations

from datetime import datetime


from .. import records as r
from .. import validate as v
from .policy import Action
from ..store import queries as q
from ..store import schema as s


class ContactsMixin:
    """Logging and listing contacts."""


    def log_contact(self, pid: str, channel: r.Channel | str, outcome: r.ContactOutcome | str,
                    note: str = "", with_whom: str = "patient",
                    contacted_at: datetime | None = None) -> r.Contact:
        channel = v.choice(channel, r.Channel, "Channel", "channel")
        outcome = v.choice(outcome, r.ContactOutcome, "Outcome", "outcome")
        note = v.text(note, "Note", required=False, field="note")
        with_whom = v.short(with_whom, "With whom", field="with_whom", max_len=v.limit_of(s.contacts.c.with_whom))
        now = self.now()
        contacted_at = v.a_datetime(contacted_at or now, "Contact time", now=now, earliest=v.EARLIEST_SERVICE,
                                    field="contacted_at")
        with self.write() as conn:
            self._patient_row(conn, pid, Action.WRITE_RECORD)
            rid = conn.add_row(s.contacts, patient_id=pid, staff_id=self.user.id,
                              channel=channel.value, outcome=outcome.value, with_whom=with_whom,
                              note=note, contacted_at=contacted_at)
        return r.Contact(patient_id=pid, staff_id=self.user.id, channel=channel, outcome=outcome,
                         contacted_at=contacted_at, note=note, with_whom=with_whom,
                         id=rid)

    def contacts(self, pid: str) -> list[r.Contact]:
        with self.read() as conn:
            self._patient_row(conn, pid)
            return [q.to_contact(x) for x in q.current_rows(conn, s.contacts, pid, [s.contacts.c.contacted_at])]
