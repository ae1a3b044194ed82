"""The tables of the CCM record (SQLAlchemy Core): **reference tables** (``users``, ``settings``: who
works here and how the practice is set up; they may be updated) and **clinical tables** (everything
in :data:`CLINICAL_TABLES`): append-only, the database refuses UPDATE and DELETE on them (see
:mod:`workbench.store.guards`). A correction is a new row whose ``supersedes_id`` names the row it
amends or voids; a void carries ``status = 'entered-in-error'`` and a ``reason``. Every row says who
recorded it, in which role and with which credential, and when (UTC).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from .columns import (  # noqa: F401 - NOTE_MAX, SHORT_MAX, UTCDateTime and metadata are part of this module's API
    NOTE_MAX,
    SHORT_MAX,
    UTCDateTime,
    _audit,
    _correctable,
    _patient_fk,
    _pk,
    metadata,
)

# --------------------------------------------------------------------------- reference tables

settings = Table(
    "settings",
    metadata,
    Column("key", String(64), primary_key=True),  #: setting name, e.g. 'timezone'
    Column("value", JSON, nullable=False),  #: its value
)

users = Table(
    "users",
    metadata,
    Column("id", String(64), primary_key=True),  #: external id or JupyterHub user name
    Column("name", String(SHORT_MAX), nullable=False),  #: display name
    Column("role", String(32), nullable=False),  #: records.Role
    Column("credential", String(8), nullable=True),  #: records.Credential or NULL
    Column("state", String(2), nullable=True),  #: practice state (licensure)
    Column("active", Boolean, nullable=False, default=True),  #: may sign in
    #: National Provider Identifier of a billing practitioner, "" when none (migration 0004)
    Column("npi", String(10), nullable=False, default="", server_default=""),
    #: direct line a patient may call, "" when none (migration 0004)
    Column("phone", String(32), nullable=False, default="", server_default=""),
)

# --------------------------------------------------------------------------- clinical tables

patients = Table(
    "patients",
    metadata,
    Column("id", String(32), primary_key=True),  #: external patient id, e.g. P00042
    Column("first_name", String(SHORT_MAX), nullable=False),
    Column("last_name", String(SHORT_MAX), nullable=False),
    Column("birth_date", Date, nullable=False),
    Column("sex", String(1), nullable=False),  #: F | M | X
    Column("state", String(2), nullable=False, default=""),
    Column("language", String(64), nullable=False, default="English"),
    Column("phone", String(64), nullable=False, default=""),
    Column("email", String(SHORT_MAX), nullable=False, default=""),
    Column("address", Text, nullable=False, default=""),
    Column("contact_preferences", JSON, nullable=False),  #: {"channel": ..., "best_time": ...}
    Column("caregiver", JSON, nullable=True),  #: records.Person as a dict
    Column("emergency_contacts", JSON, nullable=False),  #: list of records.Person dicts
    Column("billing_practitioner_id", String(64), ForeignKey("users.id"), nullable=True),
    Column("care_team_member_id", String(64), ForeignKey("users.id"), nullable=True),
    Column("persona", JSON, nullable=False),  #: simulated traits for training
    Column("scope", String(64), nullable=False, default="live", index=True),  #: live | training:<attempt>
    #: Medicare Beneficiary Identifier, "" when unknown (migration 0004)
    Column("member_id", String(11), nullable=False, default="", server_default=""),
    #: payer when not traditional Medicare, e.g. a Medicare Advantage plan (migration 0004)
    Column("payer", String(SHORT_MAX), nullable=False, default="", server_default=""),
    *_audit(),
)

conditions = Table(
    "conditions",
    metadata,
    _pk(),
    _patient_fk(),
    Column("icd10", String(16), nullable=False),  #: ICD-10-CM code
    Column("display", String(SHORT_MAX), nullable=False, default=""),
    Column("onset", Date, nullable=True),
    Column("chronic", Boolean, nullable=True),  #: NULL: from the catalog; else a clinician's call
    Column("chronic_reason", Text, nullable=False, default=""),
    *_audit(),
    *_correctable("conditions"),
)

medications = Table(
    "medications",
    metadata,
    _pk(),
    _patient_fk(),
    Column("name", String(SHORT_MAX), nullable=False),
    Column("rxnorm", String(16), nullable=False, default=""),
    Column("dose", String(SHORT_MAX), nullable=False, default=""),
    Column("frequency", String(SHORT_MAX), nullable=False, default=""),
    Column("indication", String(16), nullable=False, default=""),  #: ICD-10-CM it treats
    Column("med_status", String(20), nullable=False, default="active"),
    *_audit(),
    *_correctable("medications"),
)

allergies = Table(
    "allergies",
    metadata,
    _pk(),
    _patient_fk(),
    Column("substance", String(SHORT_MAX), nullable=False),
    Column("reaction", String(SHORT_MAX), nullable=False, default=""),
    Column("severity", String(32), nullable=False, default=""),
    *_audit(),
    *_correctable("allergies"),
)

immunizations = Table(
    "immunizations",
    metadata,
    _pk(),
    _patient_fk(),
    Column("vaccine", String(64), nullable=False),
    Column("cvx", String(8), nullable=False, default=""),
    Column("date", Date, nullable=False),
    *_audit(),
    *_correctable("immunizations"),
)

screenings = Table(
    "screenings",
    metadata,
    _pk(),
    _patient_fk(),
    Column("kind", String(32), nullable=False),  #: a1c, eye_exam, colorectal, ...
    Column("date", Date, nullable=False),
    Column("result", String(SHORT_MAX), nullable=False, default=""),
    *_audit(),
    *_correctable("screenings"),
)

observations = Table(
    "observations",
    metadata,
    _pk(),
    _patient_fk(),
    Column("loinc", String(16), nullable=False),
    Column("name", String(SHORT_MAX), nullable=False),
    Column("value", Float, nullable=False),
    Column("unit", String(32), nullable=False),
    Column("effective", Date, nullable=False),
    *_audit(),
    *_correctable("observations"),
)

care_plan_revisions = Table(
    "care_plan_revisions",
    metadata,
    _pk(),
    _patient_fk(),
    Column("version", Integer, nullable=False),  #: 1, 2, 3 ...
    Column("based_on", Integer, nullable=False),  #: the version the author edited (0 for the first)
    Column("content", JSON, nullable=False),  #: every CMS element, goals and interventions
    Column("reason", Text, nullable=False),  #: why this revision was made
    *_audit(),
    UniqueConstraint("patient_id", "version", name="uq_care_plan_revisions_patient_version"),
)

consents = Table(
    "consents",
    metadata,
    _pk(),
    _patient_fk(),
    Column("method", String(16), nullable=False),  #: verbal | written
    Column("consent_date", Date, nullable=False),
    Column("obtained_by", String(64), ForeignKey("users.id"), nullable=False),
    Column("disclosures", JSON, nullable=False),  #: the four disclosures -> bool
    Column("billing_practitioner_id", String(64), ForeignKey("users.id"), nullable=True),
    #: the programme consented to (CCM | APCM) and the consent text's version and language (migration 0010)
    Column("programme", String(8), nullable=False, default="CCM", server_default="CCM"),
    Column("text_version", String(32), nullable=False, default="ccm-2025.1", server_default="ccm-2025.1"),
    Column("language", String(8), nullable=False, default="", server_default=""),
    #: who agreed (patient | a ConsentGivenBy representative) and the representative's name (migration 0012)
    Column("given_by", String(24), nullable=False, default="patient", server_default="patient"),
    Column("representative", String(200), nullable=False, default="", server_default=""),
    *_audit(),
    *_correctable("consents"),
)

consent_revocations = Table(
    "consent_revocations",
    metadata,
    _pk(),
    _patient_fk(),
    Column("consent_id", Integer, ForeignKey("consents.id"), nullable=False),
    Column("revoked_on", Date, nullable=False),  #: the day the patient asked to stop
    Column("effective_through", Date, nullable=False),  #: last day of that calendar month
    Column("revocation_reason", Text, nullable=False),
    *_audit(),
)

timers = Table(
    "timers",
    metadata,
    _pk(),
    _patient_fk(),
    Column("staff_id", String(64), ForeignKey("users.id"), nullable=False, index=True),
    Column("started_at", UTCDateTime, nullable=False),
    Column("activity", String(32), nullable=False),
    Column("service", String(8), nullable=False),
    Column("note", Text, nullable=False, default=""),
    *_audit(),
)

time_entries = Table(
    "time_entries",
    metadata,
    _pk(),
    _patient_fk(index=False),
    Column("staff_id", String(64), ForeignKey("users.id"), nullable=False),  #: who did the work
    Column("staff_role", String(32), nullable=False),  #: their role then
    Column("staff_credential", String(8), nullable=False, default=""),  #: their credential then
    Column("service", String(8), nullable=False),  #: CCM | PCM | TCM | BHI | RPM
    Column("activity", String(32), nullable=False),  #: records.Activity
    Column("note", Text, nullable=False),  #: what was done
    Column("started_at", UTCDateTime, nullable=True),  #: NULL for a manual entry in minutes
    Column("ended_at", UTCDateTime, nullable=True),
    Column("seconds", Integer, nullable=False),  #: duration
    Column("service_date", Date, nullable=False),  #: local date in the practice's time zone
    Column("manual", Boolean, nullable=False, default=False),
    Column("mode", String(20), nullable=False),  #: timer | contemporaneous | late
    Column("timer_id", Integer, ForeignKey("timers.id"), nullable=True),
    Column("external_id", String(64), nullable=True, unique=True),  #: id from an imported file
    *_audit(),
    *_correctable("time_entries"),
)
Index("ix_time_entries_patient_date", time_entries.c.patient_id, time_entries.c.service_date)
Index("ix_time_entries_date", time_entries.c.service_date)
#: one void (or correction) per entry (migration 0003)
Index("uq_time_entries_supersedes_id", time_entries.c.supersedes_id, unique=True)
Index("ix_time_entries_month_scan", time_entries.c.patient_id, time_entries.c.service, time_entries.c.staff_id,
      time_entries.c.staff_credential, time_entries.c.service_date, time_entries.c.started_at,
      time_entries.c.ended_at, time_entries.c.seconds, time_entries.c.status)  # month report (0002)

timer_stops = Table(
    "timer_stops",
    metadata,
    _pk(),
    Column("timer_id", Integer, ForeignKey("timers.id"), nullable=False, unique=True),
    Column("stopped_at", UTCDateTime, nullable=True),  #: NULL when the time was discarded
    Column("time_entry_id", Integer, ForeignKey("time_entries.id"), nullable=True),
    Column("closure_reason", Text, nullable=False, default=""),  #: required for an abandoned timer
    *_audit(),
)

contacts = Table(
    "contacts",
    metadata,
    _pk(),
    _patient_fk(),
    Column("staff_id", String(64), ForeignKey("users.id"), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("outcome", String(20), nullable=False),
    Column("with_whom", String(32), nullable=False, default="patient"),
    Column("note", Text, nullable=False, default=""),
    Column("contacted_at", UTCDateTime, nullable=False),
    *_audit(),
    *_correctable("contacts"),
)

escalations = Table(
    "escalations",
    metadata,
    _pk(),
    _patient_fk(),
    Column("reason", Text, nullable=False),
    Column("severity", String(16), nullable=False),
    Column("source", String(32), nullable=False, default="manual"),
    Column("opened_at", UTCDateTime, nullable=False),
    Column("kind", String(32), nullable=False, server_default="general"),  #: rules/escalation_protocols.json key
    *_audit(),
)

escalation_steps = Table(
    "escalation_steps",
    metadata,
    _pk(),
    Column("escalation_id", Integer, ForeignKey("escalations.id"), nullable=False, index=True),
    Column("step", String(32), nullable=False),
    Column("at", UTCDateTime, nullable=False),  #: when the step happened
    Column("note", Text, nullable=False, default=""),
    Column("patient_consent", Boolean, nullable=True),  #: for EMS / emergency contacts
    *_audit(),
)

barriers = Table(
    "barriers",
    metadata,
    _pk(),
    _patient_fk(),
    Column("domain", String(32), nullable=False),
    Column("description", Text, nullable=False),
    Column("barrier_status", String(16), nullable=False),  #: open | in_progress | resolved
    Column("z_code", String(16), nullable=False, default=""),
    Column("action", Text, nullable=False, default=""),  #: what was arranged
    Column("resolution", Text, nullable=False, default="", server_default=""),  #: how it was resolved (0008)
    *_audit(),
    *_correctable("barriers"),
)

questionnaire_responses = Table(
    "questionnaire_responses",
    metadata,
    _pk(),
    _patient_fk(),
    Column("instrument", String(16), nullable=False),  #: PHQ-2 | PHQ-9 | AHC-HRSN
    Column("answers", JSON, nullable=False),
    Column("score", Integer, nullable=True),
    *_audit(),
    *_correctable("questionnaire_responses"),
)

month_attestations = Table(
    "month_attestations",
    metadata,
    _pk(),
    _patient_fk(),
    Column("month", String(7), nullable=False),  #: YYYY-MM
    Column("practitioner_id", String(64), ForeignKey("users.id"), nullable=False),
    Column("moderate_or_high_complexity", Boolean, nullable=False),
    Column("plan_established_or_substantially_revised", Boolean, nullable=False),
    *_audit(),
    *_correctable("month_attestations"),
)

follow_ups = Table(  # the next contact planned with a patient
    "follow_ups", metadata, _pk(), _patient_fk(),
    Column("due_at", UTCDateTime, nullable=False), Column("channel", String(16), nullable=False, default="phone"),
    Column("purpose", Text, nullable=False), *_audit(), *_correctable("follow_ups"))

visits = Table(
    "visits",
    metadata,
    _pk(),
    _patient_fk(),
    Column("visit_date", Date, nullable=False),  #: local date of the face-to-face visit
    Column("kind", String(32), nullable=False),  #: records.VisitKind
    Column("practitioner_id", String(64), ForeignKey("users.id"), nullable=False),
    Column("ccm_discussed", Boolean, nullable=False),  #: can be the CCM initiating visit
    Column("extensive_care_planning", Boolean, nullable=False),  #: G0506 by the billing practitioner
    *_audit(),
    *_correctable("visits"),
)

from .logs import LOG_TABLES, access_log, deaths, fhir_links  # noqa: E402,F401 - access log, FHIR links (0007)
from .state import timer_heartbeats  # noqa: E402,F401 - a kernel's sign of life, not clinical (0006)
from .approvals import APPROVAL_TABLES, claim_signoffs, time_approvals  # noqa: E402,F401 - approval, sign-off (0009)
from .corrections import patient_corrections  # noqa: E402,F401 - a patient's corrected details (0011)
from .enrolment import ENROLMENT_TABLES, bh_services, enrolment_events, outreach_attempts, qmb_statuses  # noqa: E402,F401
from .attempts import training_attempts, training_events  # noqa: E402,F401 - practice attempts (0001)
#: Tables whose rows are never updated or deleted (enforced by database triggers).
CLINICAL_TABLES = (
    "patients", "conditions", "medications", "allergies", "immunizations", "screenings",
    "observations", "care_plan_revisions", "consents", "consent_revocations", "timers",
    "time_entries", "timer_stops", "contacts", "escalations", "escalation_steps", "barriers",
    "questionnaire_responses", "month_attestations", "training_attempts", "training_events",
    "follow_ups", "visits", "patient_corrections", *ENROLMENT_TABLES,
)
