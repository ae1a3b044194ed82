"""Practice attempts (migration 0001): a trainee's attempt at a scenario or a shift, and its
events (the actions, lines, score, overrides and release), both append-only."""

from __future__ import annotations

from sqlalchemy import JSON, Column, ForeignKey, Integer, String, Table

from .columns import UTCDateTime, _audit, _pk, metadata

training_attempts = Table(
    "training_attempts",
    metadata,
    Column("id", String(64), primary_key=True),  #: attempt id
    Column("scenario_id", String(64), nullable=False, index=True),
    Column("scenario_version", String(32), nullable=False, default=""),
    Column("trainee_id", String(64), ForeignKey("users.id"), nullable=False, index=True),
    Column("patient_id", String(32), ForeignKey("patients.id"), nullable=True),  #: the attempt's copy
    Column("seed", Integer, nullable=False, default=0),
    Column("started_at", UTCDateTime, nullable=False),
    *_audit(),
)

training_events = Table(
    "training_events",
    metadata,
    _pk(),
    Column("attempt_id", String(64), ForeignKey("training_attempts.id"), nullable=False, index=True),
    Column("kind", String(32), nullable=False),  #: action | line | event | finished | reflection | score | override | release | ...
    Column("payload", JSON, nullable=False),
    Column("at", UTCDateTime, nullable=False),  #: simulated or real time of the event
    *_audit(),
)
