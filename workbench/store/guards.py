"""Append-only guards: database triggers that refuse UPDATE and DELETE on clinical tables.

Enforced in the database itself (architecture, "One record, three surfaces"), so a raw ``sqlite3``
or ``psql`` shell is refused as firmly as the ORM. A correction is a new row.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.engine import Connection

from .schema import CLINICAL_TABLES

MESSAGE = "is append-only: record a correction (a new row) instead"

PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION workbench_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '%% {MESSAGE}', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql
"""


def trigger_sql(dialect: str, table: str) -> list[str]:
    """The statements that make ``table`` append-only on ``dialect`` ('sqlite' or 'postgresql')."""
    if dialect == "sqlite":
        return [
            f"CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} {MESSAGE}'); END",
            f"CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} {MESSAGE}'); END",
        ]
    if dialect == "postgresql":
        return [
            f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION workbench_append_only()",
            f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION workbench_append_only()",
        ]
    raise ValueError(f"unsupported database: {dialect}")


def install_guards(conn: Connection, tables: Iterable[str] = CLINICAL_TABLES) -> None:
    """Create the append-only triggers on ``tables`` (idempotent)."""
    dialect = conn.dialect.name
    if dialect == "postgresql":
        conn.exec_driver_sql(PG_FUNCTION)
    for table in tables:
        for stmt in trigger_sql(dialect, table):
            conn.exec_driver_sql(stmt)
