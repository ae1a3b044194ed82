"""PostgreSQL roles for a team deployment: the database's owner runs migrations; the app role may
SELECT and INSERT (UPDATE only on the reference tables and the
heartbeats), no DDL, no trigger control; the read-only
role may SELECT. Run once, as the owner, by ``workbench init --roles`` (docs/deployment.md)."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlalchemy.exc import ProgrammingError

from ..errors import WorkbenchError

APP_ROLE, READONLY_ROLE = "ccm_app", "ccm_readonly"
REFERENCE_TABLES = ("users", "settings")
#: tables the app may update that are neither clinical nor reference: a kernel's sign of life
STATE_TABLES = ("timer_heartbeats",)


def role_sql(app: str = APP_ROLE, readonly: str = READONLY_ROLE) -> list[str]:
    """The statements (idempotent) that create both roles with exactly their grants."""
    out = []
    for role in (app, readonly):
        out.append(f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{role}') THEN "
                   f"CREATE ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION; END IF; END $$")
        out.append(f"GRANT USAGE ON SCHEMA public TO {role}")
        out.append(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}")
    out += [
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        f"GRANT INSERT ON ALL TABLES IN SCHEMA public TO {app}",
        f"GRANT UPDATE ON {', '.join(REFERENCE_TABLES)} TO {app}",
        *(f"DO $$ BEGIN IF to_regclass('public.{t}') IS NOT NULL THEN GRANT UPDATE ON {t} TO {app}; "
          f"END IF; END $$" for t in STATE_TABLES),  # made by migration 0006, which grants it too
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {app}",
        f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON alembic_version FROM {app}",
    ]
    return out


def create_roles(engine: Engine, app: str = APP_ROLE, readonly: str = READONLY_ROLE) -> None:
    if engine.dialect.name != "postgresql":
        raise WorkbenchError("Roles are a PostgreSQL feature: a SQLite file has no users (see "
                             "docs/architecture.md, what the database guarantees).")
    try:
        with engine.begin() as conn:
            for stmt in role_sql(app, readonly):
                conn.exec_driver_sql(stmt)
    except ProgrammingError as err:
        who = engine.url.username
        raise WorkbenchError(f"Could not create the roles as {who}: {err.orig}. The role that runs "
                             f"'workbench init --roles' must own the database and have CREATEROLE "
                             f"(ALTER ROLE {who} CREATEROLE).") from None
