"""Tables of the running system that are NOT part of the record, so the app may update them
(docs/architecture.md, "The record"): ``timer_heartbeats``, the last sign of life of the kernel
whose work bar watches a running timer (migration 0006). A timer whose beat is older than the
practice's ``timer_heartbeat_minutes`` is orphaned (workbench/service/timers.py).
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, Table

from .columns import UTCDateTime, metadata

timer_heartbeats = Table(
    "timer_heartbeats",
    metadata,
    Column("timer_id", Integer, ForeignKey("timers.id"), primary_key=True),
    Column("beat_at", UTCDateTime, nullable=False),  #: the last beat (UTC, the service's clock)
)
