"""Tables that record who did what with the record, and where imported rows came from
(migration 0007). Both are append-only like the clinical tables (database triggers), and neither
names a staff member by foreign key: a row outlives the person's removal from the staff list.

* ``access_log``: every chart opened, report run, export and import: who (id, name and role
  then), when (UTC), which patients (ids only), from which page or command. Never note text.
* ``deaths``: the EHR says a patient died (a correction supersedes, like every clinical row).
* ``fhir_links``: one row per FHIR resource an import read, with the digest of its content and
  the record row it became (or why none: not classified). A re-import compares digests: the same
  resource writes nothing, a changed one supersedes the row it made (docs/import.md, "FHIR").
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, String, Table

from sqlalchemy import Date

from .columns import SHORT_MAX, UTCDateTime, _audit, _correctable, _patient_fk, _pk, metadata

#: tables the database keeps append-only besides those of the first record (migration 0007)
LOG_TABLES = ("access_log", "fhir_links", "deaths")

#: the EHR says the patient died (and when, if it says): a deceased patient is kept with the reason
deaths = Table(
    "deaths",
    metadata,
    _pk(),
    _patient_fk(),
    Column("deceased_on", Date, nullable=True),  #: the day, when known
    *_audit(),
    *_correctable("deaths"),
)

access_log = Table(
    "access_log",
    metadata,
    _pk(),
    Column("at", UTCDateTime, nullable=False),  #: when (UTC, the service's clock)
    Column("user_id", String(64), nullable=False),  #: who: staff id (no foreign key: survives removal)
    Column("user_name", String(SHORT_MAX), nullable=False),  #: their name then
    Column("user_role", String(32), nullable=False),  #: their role then
    Column("action", String(16), nullable=False),  #: chart | report | export | import
    Column("place", String(SHORT_MAX), nullable=False),  #: page or command, e.g. "page:chart"
    Column("patient_ids", JSON, nullable=False),  #: ids of the patients read (never names)
    Column("detail", String(SHORT_MAX), nullable=False, default=""),  #: e.g. "month 2026-11" (no note text)
)
Index("ix_access_log_at", access_log.c.at)
Index("ix_access_log_user", access_log.c.user_id, access_log.c.at)

fhir_links = Table(
    "fhir_links",
    metadata,
    _pk(),
    Column("patient_id", String(32), ForeignKey("patients.id"), nullable=False, index=True),
    Column("resource_type", String(32), nullable=False),  #: e.g. Condition
    Column("resource_id", String(64), nullable=False),  #: the resource's id in the source system
    Column("digest", String(64), nullable=False),  #: sha256 of the resource's canonical JSON
    Column("table_name", String(32), nullable=False, default=""),  #: record table written, "" for none
    Column("row_id", Integer, nullable=True),  #: the row written there
    Column("outcome", String(16), nullable=False),  #: imported | superseded | not classified | kept as recorded ...
    Column("codings", JSON, nullable=False),  #: every coding with its display, as sent
    *_audit(),
)
Index("ix_fhir_links_resource", fhir_links.c.resource_type, fhir_links.c.resource_id)
