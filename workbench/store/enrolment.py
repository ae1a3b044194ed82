"""Enrolment tables (migration 0010): a patient's enrolment status changes, the outreach attempts
that invite them, their QMB status, and the behavioural-health services furnished in an APCM month
(billed as add-ons to the APCM code). All four are clinical: append-only (database triggers),
every row attributed; a status is changed by a new row with its effective date, never edited.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, ForeignKey, Index, String, Table, Text

from .columns import _audit, _patient_fk, _pk, metadata

#: tables the database keeps append-only, added by migration 0010
ENROLMENT_TABLES = ("enrolment_events", "outreach_attempts", "qmb_statuses", "bh_services")

enrolment_events = Table(
    "enrolment_events",
    metadata,
    _pk(),
    _patient_fk(),
    Column("status", String(24), nullable=False),  #: records.EnrolmentStatus
    Column("programme", String(8), nullable=False),  #: records.Programme: CCM | APCM
    Column("effective_on", Date, nullable=False),  #: first day the status holds
    Column("reason", Text, nullable=False),  #: why (required)
    *_audit(),
)
Index("ix_enrolment_events_effective", enrolment_events.c.patient_id, enrolment_events.c.effective_on)

outreach_attempts = Table(
    "outreach_attempts",
    metadata,
    _pk(),
    _patient_fk(),
    Column("attempted_on", Date, nullable=False),
    Column("channel", String(16), nullable=False),  #: records.Channel
    Column("outcome", String(24), nullable=False),  #: records.ContactOutcome or "declined"/"interested"
    Column("programme", String(8), nullable=False),  #: the programme offered
    *_audit(),
)

qmb_statuses = Table(
    "qmb_statuses",
    metadata,
    _pk(),
    _patient_fk(),
    Column("qmb", Boolean, nullable=False),  #: Qualified Medicare Beneficiary from effective_on
    Column("effective_on", Date, nullable=False),
    Column("reason", Text, nullable=False),  #: where it was learned (eligibility check, Medicaid card)
    *_audit(),
)

bh_services = Table(
    "bh_services",
    metadata,
    _pk(),
    _patient_fk(),
    Column("month", String(7), nullable=False),  #: YYYY-MM, the service month
    Column("code", String(8), nullable=False),  #: G0568 | G0569 | G0570 (rules/apcm.py)
    Column("practitioner_id", String(64), ForeignKey("users.id"), nullable=False),  #: who bills it
    *_audit(),
)
