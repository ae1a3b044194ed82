"""Making an engine: SQLite by default (WAL, foreign keys on), PostgreSQL by URL."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine

from .faults import busy_seconds

DEFAULT_DB = Path("data") / "workbench.db"


def database_url(db: str | os.PathLike[str] | None = None) -> str:
    """Turn ``--db`` / ``WORKBENCH_DB`` (a path or a URL) into a SQLAlchemy URL (creates nothing)."""
    db = db or os.environ.get("WORKBENCH_DB") or DEFAULT_DB
    db = str(db)
    if "://" not in db:
        return f"sqlite:///{Path(db).expanduser().resolve()}"
    if db.startswith("postgresql://") or db.startswith("postgres://"):
        return "postgresql+psycopg://" + db.split("://", 1)[1]
    return db


def check_url(url: str) -> None:
    """Refuse, in a sentence, a URL that cannot be read or whose scheme the workbench does not
    support (e.g. ``mysql://``), before any driver is imported."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from .faults import explain, unsupported_url

    try:
        backend = make_url(url).get_backend_name()
    except (ArgumentError, ValueError) as err:
        fault = explain(ArgumentError(f"URL: {err}"), url.split("://", 1)[0] + "://…")
        raise (fault or unsupported_url(url.split("://", 1)[0] + "://…")) from None
    if backend not in ("sqlite", "postgresql"):
        raise unsupported_url(url.split("://", 1)[0] + "://…", backend)


def make_engine(db: str | os.PathLike[str] | None = None, echo: bool = False) -> Engine:
    url = database_url(db)
    check_url(url)
    if url.startswith("sqlite"):
        # hide_parameters: an error's text never carries the statement's values (names, notes)
        busy = busy_seconds()
        engine = create_engine(url, echo=echo, connect_args={"timeout": busy}, hide_parameters=True)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:  # pragma: no cover - exercised by every test
            # Let SQLAlchemy (not the driver) open transactions, so BEGIN is explicit.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute(f"PRAGMA busy_timeout={busy * 1000}")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Connection) -> None:  # pragma: no cover
            # Writers take the write lock at BEGIN, so a read-then-write transaction never
            # fails half-way on a busy database; readers never block (WAL).
            write = conn.get_execution_options().get("workbench_write", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine
    size, overflow = pool_limits()
    return create_engine(url, echo=echo, pool_pre_ping=True, hide_parameters=True,
                         pool_size=size, max_overflow=overflow)


#: PostgreSQL connections one process keeps open between clicks, and how many more it may open
#: for a moment (the work bar's heartbeat thread, a report). Every page is a kernel, and a team
#: machine has a server and a few pages a person: PostgreSQL's ``max_connections`` (100 on Debian)
#: is shared by all of them (docs/deployment.md, "The database's connection budget").
POOL_SIZE, POOL_OVERFLOW = 1, 4


def pool_limits() -> tuple[int, int]:
    """``WORKBENCH_DB_POOL_SIZE`` (1-50) and ``WORKBENCH_DB_POOL_OVERFLOW`` (0-50), else 1 and 4."""
    def read(var: str, default: int, low: int) -> int:
        given = os.environ.get(var, "").strip()
        if not given:
            return default
        if not given.isdigit() or not low <= int(given) <= 50:
            raise ValueError(f"{var}={given[:20]!r} is out of range: a whole number from {low} to 50.")
        return int(given)

    return read("WORKBENCH_DB_POOL_SIZE", POOL_SIZE, 1), read("WORKBENCH_DB_POOL_OVERFLOW", POOL_OVERFLOW, 0)
