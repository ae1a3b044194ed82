"""Create or migrate a database with Alembic, and check a database's schema version.

Migrations run once, by whoever creates or upgrades the database (``workbench init``, the demo
builder, a deployment step), never by a dashboard kernel: :func:`check_schema` only reads.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from ..errors import DatabaseNotReady

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to ``revision`` (idempotent: an up-to-date database is left alone)."""
    command.upgrade(alembic_config(engine), revision)


@lru_cache(maxsize=1)
def head_revision() -> str:
    """The schema version this code needs (the newest migration)."""
    head = ScriptDirectory.from_config(_script_config()).get_current_head()
    assert head is not None, "the migrations folder has a head revision"
    return head


def current_revision(engine: Engine) -> str | None:
    """The database's schema version, or None for a database nobody has set up."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def init_command(where: str) -> str:
    return f"workbench init --db {where}"


def check_schema(engine: Engine, where: str) -> None:
    """Raise :class:`DatabaseNotReady` unless the database is at :func:`head_revision`.

    ``where`` names the database in the message (a path, or a URL without its password).
    """
    try:
        found = current_revision(engine)
    except OperationalError:
        raise DatabaseNotReady(
            f"Cannot reach a workbench database at {where}. If it does not exist yet, create it "
            f"with: {init_command(where)}", where) from None
    head = head_revision()
    if found == head:
        return
    if found is None:
        raise DatabaseNotReady(
            f"{where} is not a workbench database yet (no schema version). Create it with: "
            f"{init_command(where)}", where)
    known = {s.revision for s in ScriptDirectory.from_config(_script_config()).walk_revisions()}
    if found not in known:
        raise DatabaseNotReady(
            f"The database at {where} is at schema version {found}, which this version of the "
            f"workbench does not know (it needs {head}): it was made by a newer workbench.", where)
    raise DatabaseNotReady(
        f"The database at {where} is at schema version {found}; this workbench needs {head}. "
        f"Upgrade it once (not from a dashboard) with: {init_command(where)}", where)


def _script_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg
