"""Approval and sign-off before a claim (migration 0009). Both tables are append-only like the
clinical tables (database triggers): a supervisor's approval of a time entry, and the billing
practitioner's signature on a patient-month's claim.

* ``time_approvals``: one row per approved time entry (unique: an entry is approved once). The
  approver is the row's author (``recorded_by``, role and credential then); ``week_start`` is
  the Monday of the timesheet when the entry was approved as part of a person's week. An approval
  names one entry row: a voided entry is no longer current, and an amendment is a new row, so
  neither carries the old approval (docs/billing-approval.md).
* ``claim_signoffs``: the billing practitioner signs a patient-month's claim as it stood: the
  codes and the time entry ids it stood on. A signature holds while the claim is the same; a later
  change (an entry added, voided or amended, other codes) needs a new signature.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, Date, ForeignKey, Index, Integer, String, Table

from .columns import SHORT_MAX, _audit, _patient_fk, _pk, metadata

#: append-only tables of migration 0009
APPROVAL_TABLES = ("time_approvals", "claim_signoffs")

time_approvals = Table(
    "time_approvals",
    metadata,
    _pk(),
    Column("time_entry_id", Integer, ForeignKey("time_entries.id"), nullable=False, unique=True),
    Column("entry_staff_id", String(64), nullable=False),  #: whose time it is (never the approver)
    Column("week_start", Date, nullable=True),  #: Monday of the timesheet approved whole, else None
    *_audit(),
)

claim_signoffs = Table(
    "claim_signoffs",
    metadata,
    _pk(),
    _patient_fk(index=False),
    Column("month", String(7), nullable=False),  #: YYYY-MM
    Column("codes", String(SHORT_MAX), nullable=False),  #: the codes signed, e.g. "99490;99439x2"
    Column("entry_ids", JSON, nullable=False),  #: ids of the time entries the claim stood on
    *_audit(),
)
Index("ix_claim_signoffs_patient_month", claim_signoffs.c.patient_id, claim_signoffs.c.month)
