"""Column building blocks shared by every table: the UTC datetime type, the author stamp,
the correction columns, primary and patient keys, and the naming convention."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, DateTime, ForeignKey, Integer, MetaData, String, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

#: Limits on free text (a note longer than this is refused, never cut).
NOTE_MAX = 4000
SHORT_MAX = 200


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out; stored as naive UTC on every backend."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store: attach a time zone")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):  # pragma: no cover - raw SQLite text
            value = datetime.fromisoformat(value)
        stored: datetime = value
        return stored.replace(tzinfo=UTC)


def _audit() -> list[Column[Any]]:
    """Attribution columns every clinical row carries (ALCOA: attributable, contemporaneous)."""
    return [
        Column("recorded_at", UTCDateTime, nullable=False),  #: when the row was written (UTC)
        Column("recorded_by", String(64), nullable=False),  #: user id of the author
        Column("recorded_role", String(32), nullable=False, default=""),  #: author's role then
        Column("recorded_credential", String(8), nullable=False, default=""),  #: author's credential then
    ]


def _correctable(table: str) -> list[Column[Any]]:
    """Columns of a table whose rows can be amended or voided by a later row."""
    return [
        #: the row this one amends or voids (None for an original row)
        Column("supersedes_id", Integer, ForeignKey(f"{table}.id"), nullable=True, index=True),
        #: FHIR status: 'active' or 'entered-in-error' (a void)
        Column("status", String(20), nullable=False, default="active"),
        #: why this row corrects another (required on corrections)
        Column("reason", Text, nullable=False, default=""),
    ]


def _pk() -> Column[Any]:
    return Column("id", Integer, primary_key=True, autoincrement=True)


def _patient_fk(index: bool = True) -> Column[Any]:
    return Column("patient_id", String(32), ForeignKey("patients.id"), nullable=False, index=index)
