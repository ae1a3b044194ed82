"""Corrections to a patient's own details (migration 0011): the name, phone, email, address and
language the record shows. ``patients`` is append-only, so a correction is a new row here, never
an update: each row holds every correctable field as it now stands, with who wrote it, when and
why; the newest row of a patient is what every read shows, and the older rows stay as the history.
The birth date, sex and identifiers are not corrected here (they identify the patient).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any, Protocol

from sqlalchemy import Column, String, Table, Text, func, select

from .. import records as r
from .columns import SHORT_MAX, _audit, _patient_fk, _pk, metadata

#: the patient's fields a correction may change
CORRECTED = ("first_name", "last_name", "phone", "email", "address", "language")

patient_corrections = Table(
    "patient_corrections",
    metadata,
    _pk(),
    _patient_fk(),
    Column("first_name", String(SHORT_MAX), nullable=False),
    Column("last_name", String(SHORT_MAX), nullable=False),
    Column("phone", String(64), nullable=False, default=""),
    Column("email", String(SHORT_MAX), nullable=False, default=""),
    Column("address", Text, nullable=False, default=""),
    Column("language", String(64), nullable=False, default="English"),
    Column("reason", Text, nullable=False),  #: why, e.g. "changed in the EHR (FHIR import)"
    *_audit(),
)

_CHUNK = 900


class _Reads(Protocol):  # a Connection, or the unit of work (this module does not import uow.py)
    def execute(self, statement: Any, *args: Any, **kw: Any) -> Any: ...


class _Writes(Protocol):  # the unit of work
    def add_row(self, table: Table, **values: Any) -> Any: ...


def latest(conn: _Reads, pids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The newest correction of each patient in ``pids`` that has one: field -> value."""
    pc = patient_corrections
    out: dict[str, dict[str, Any]] = {}
    ids = sorted(set(pids))
    for i in range(0, len(ids), _CHUNK):
        newest = (select(func.max(pc.c.id)).where(pc.c.patient_id.in_(ids[i:i + _CHUNK]))
                  .group_by(pc.c.patient_id).scalar_subquery())
        for row in conn.execute(select(pc).where(pc.c.id.in_(newest))):
            out[row.patient_id] = {k: getattr(row, k) for k in CORRECTED}
    return out


def corrected(conn: _Reads, patients: list[r.Patient]) -> list[r.Patient]:
    """``patients`` (records.Patient) as their newest corrections say."""
    found = latest(conn, [p.id for p in patients]) if patients else {}
    return [dataclasses.replace(p, **found[p.id]) if p.id in found else p for p in patients]


def write(uow: _Writes, pid: str, values: dict[str, Any], reason: str) -> int:
    """One correction row (every field in :data:`CORRECTED`), by the unit of work's author."""
    return int(uow.add_row(patient_corrections, patient_id=pid, reason=reason, **{k: values[k] for k in CORRECTED}))
