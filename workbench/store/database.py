"""Creating a database (once) and opening one (never creating).

:func:`create_database` is for ``workbench init``, the demo builder, deployment and tests: it
makes the SQLite file (or uses the empty PostgreSQL database) and runs every migration.
:func:`open_engine` is what a dashboard kernel uses: it checks the schema version and refuses,
naming the place and the command that creates it, instead of creating anything.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import Engine, make_url

from ..errors import DatabaseNotReady
from .engine import database_url, make_engine
from .migrate import check_schema, init_command, upgrade


def _sqlite_path(url: str) -> Path | None:
    u = make_url(url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


def where(url: str) -> str:
    """How a message names a database: the file path for SQLite, else the URL without password
    and as a person writes it (``postgresql://``, not the driver's ``postgresql+psycopg://``)."""
    path = _sqlite_path(url)
    if path is not None:
        return str(path)
    shown = make_url(url)
    if shown.drivername == "postgresql+psycopg":
        shown = shown.set(drivername="postgresql")
    return shown.render_as_string(hide_password=True)


def create_database(db: str | os.PathLike[str] | None = None) -> str:
    """Create (or bring up to date) the database at ``db``; returns its SQLAlchemy URL.

    Idempotent: an up-to-date database is left as it is. Run it once per deployment or upgrade,
    from one process (``workbench init``), not from every kernel.
    """
    url = database_url(db)
    path = _sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    return url


def open_engine(db: str | os.PathLike[str] | None = None) -> Engine:
    """An engine on an existing database at the current schema version (creates nothing)."""
    url = database_url(db)
    path = _sqlite_path(url)
    if path is not None and not path.is_file():
        raise DatabaseNotReady(f"There is no workbench database at {path}. Create it with: "
                               f"{init_command(str(path))}", str(path))
    engine = make_engine(url)
    try:
        check_schema(engine, where(url))
    except BaseException:
        engine.dispose()
        raise
    return engine
