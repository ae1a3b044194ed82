"""Fast bulk inserts for large loads (panels, imports, benchmarks).

On SQLite, SQLAlchemy's per-row type processing dominates a million-row insert, so rows are
converted once per column to exactly the values SQLAlchemy itself would store (naive UTC
``YYYY-MM-DD HH:MM:SS.ffffff`` datetimes, ISO dates, 0/1 booleans, JSON text) and handed to the
driver's ``executemany``. Other backends use SQLAlchemy's own bulk path.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC
from typing import Any

from sqlalchemy import JSON, Boolean, Column, Date, Table, insert
from sqlalchemy.engine import Connection

from .columns import UTCDateTime, metadata


def _sqlite_converter(col: Column[Any]) -> Callable[[Any], Any] | None:
    t = col.type
    if isinstance(t, UTCDateTime):
        def conv(v: Any) -> Any:
            if v is None:
                return None
            if v.utcoffset():
                v = v.astimezone(UTC)
            return v.replace(tzinfo=None).isoformat(" ", "microseconds")
        return conv
    if isinstance(t, Date):
        return lambda v: None if v is None else v.isoformat()
    if isinstance(t, Boolean):
        return lambda v: None if v is None else int(bool(v))
    if isinstance(t, JSON):
        return lambda v: json.dumps(v)
    return None


def insert_many(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys) into ``table`` as fast as the backend allows."""
    if not rows:
        return
    if conn.dialect.name != "sqlite":
        conn.execute(insert(table), rows)
        return
    keys = list(rows[0])
    convs = [_sqlite_converter(table.c[k]) for k in keys]
    sql = f"INSERT INTO {table.name} ({', '.join(keys)}) VALUES ({', '.join('?' * len(keys))})"
    params = [tuple(v if c is None else c(v) for c, v in zip(convs, (row[k] for k in keys), strict=True))
              for row in rows]
    conn.exec_driver_sql(sql, params)


#: Insertion order respecting foreign keys.
ORDER = ("patients", "deaths", "conditions", "medications", "allergies", "immunizations", "screenings",
         "observations", "barriers", "consents", "care_plan_revisions", "visits")


def insert_rows(conn: Connection, rows: dict[str, list[dict[str, Any]]]) -> None:
    from ..store.bulk import insert_many

    for name in ORDER:
        if rows.get(name):
            insert_many(conn, metadata.tables[name], rows[name])
