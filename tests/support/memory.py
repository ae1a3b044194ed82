"""A workbench on an in-memory SQLite database: the fast double for service tests of rules and
policy, so that they (and hypothesis properties over them) run without a file or a server.

Not a hand-written fake of the unit of work: that would be a second implementation of the
record's SQL (constraints, triggers, the append-only rules) that drifts from the real one. This
is the real service, unit of work and schema: the migrations run once per process into a template
database, and each workbench gets its own copy of it through SQLite's backup API (a few
milliseconds). The store's own tests still run on a SQLite file and on PostgreSQL.
"""

from __future__ import annotations

import sqlite3
from functools import lru_cache

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import StaticPool

from workbench.clock import Clock
from workbench.service import Workbench
from workbench.service.core import SYSTEM_USER


def _engine(conn: sqlite3.Connection | None = None) -> Engine:
    """An engine over one in-memory connection, with the pragmas and BEGIN rule of the real one
    (``workbench.store.engine.make_engine``)."""
    raw = conn or sqlite3.connect(":memory:", check_same_thread=False)
    engine = create_engine("sqlite://", creator=lambda: raw, poolclass=StaticPool, hide_parameters=True)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record):
        dbapi_conn.isolation_level = None
        dbapi_conn.execute("PRAGMA foreign_keys=ON")

    @event.listens_for(engine, "begin")
    def _begin(conn):
        write = conn.get_execution_options().get("workbench_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


@lru_cache(maxsize=1)
def _template() -> sqlite3.Connection:
    """The migrated, empty database every in-memory workbench starts from."""
    from workbench.store.migrate import upgrade

    raw = sqlite3.connect(":memory:", check_same_thread=False)
    engine = _engine(raw)
    upgrade(engine)
    return raw


def memory_workbench(clock: Clock | None = None) -> Workbench:
    """A new, empty, migrated database in memory, opened as the system user."""
    copy = sqlite3.connect(":memory:", check_same_thread=False)
    _template().backup(copy)
    return Workbench(_engine(copy), SYSTEM_USER, clock)
