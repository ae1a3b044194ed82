"""What the ``workbench`` commands share: where things are, the ``--db`` option, and how a
path becomes the database every kernel opens. Standard library only (``--help`` stays fast)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from ..errors import WorkbenchError

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
DEMO_DB = Path("data") / "demo.db"
#: the demo's clock on ``--today DATE``: that day at this time in the practice's time zone
DEMO_TIME_OF_DAY = "11:00"


def resolve_db(db: str | os.PathLike | None) -> str | None:
    """``--db`` or ``WORKBENCH_DB`` as given to every kernel: a URL is kept as it is; a file
    path becomes absolute here, from the folder the command runs in (a kernel runs inside
    notebooks/, so a relative path would name another, empty database there)."""
    db = db if db is not None else os.environ.get("WORKBENCH_DB") or db_from_file()
    if db is None:
        return None
    text = str(db)
    if "://" in text:
        if text.startswith("sqlite:///") and not text.startswith("sqlite:////"):
            return "sqlite:///" + str(Path(text[len("sqlite:///"):]).expanduser().resolve())
        return text
    return str(Path(text).expanduser().resolve())


def db_from_file() -> str | None:
    """The URL in the file named by ``WORKBENCH_DB_FILE`` (the team deployment keeps the app role's
    URL in a file only the service user can read, so it is never in the Hub's database)."""
    name = os.environ.get("WORKBENCH_DB_FILE")
    if not name:
        return None
    try:
        text = Path(name).read_text().strip()
    except OSError as err:
        raise WorkbenchError(f"WORKBENCH_DB_FILE names {name}, which cannot be read ({err.strerror}).") from None
    if not text:
        raise WorkbenchError(f"WORKBENCH_DB_FILE names {name}, which is empty: put the database URL in it.")
    return text


def _sqlite_file(db: str) -> Path | None:
    if "://" not in db:
        return Path(db)
    if db.startswith("sqlite:///"):
        return Path(db[len("sqlite:///"):])
    return None


def _refuse_inside_notebooks(db: str) -> None:
    path = _sqlite_file(db)
    if path is not None and path.resolve().is_relative_to(NOTEBOOKS.resolve()):
        raise WorkbenchError(f"The database {path} would be inside {NOTEBOOKS}, the folder Voila "
                             "serves: give a path outside it with --db (e.g. data/demo.db).")


def db_arg(p: argparse.ArgumentParser, default_help: str = "WORKBENCH_DB or ./data/workbench.db") -> None:
    p.add_argument("--db", default=None, help=f"SQLite path or SQLAlchemy URL (default: {default_help})")


def open_db(args, user: str | None = None):
    from ..service import Workbench

    return Workbench.open(resolve_db(args.db), user=user)


def create_db(args):
    from ..service import Workbench

    return Workbench.create(resolve_db(args.db))  # migrations run here, once, never in a kernel


def as_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--as", dest="as_user", default=None, metavar="STAFF_ID",
                   help="the staff member running this command: what it writes is stamped with them and "
                   "their role decides what they may do (required on a PostgreSQL database; on a SQLite "
                   "file the default is WORKBENCH_USER, the one person of `workbench serve --user`)")


def open_as(args, *, first_staff: bool = False):
    """The workbench signed in as the person who runs a data command (``--as STAFF_ID``).

    On a team (PostgreSQL) database ``--as`` is required. On a SQLite file it defaults to
    ``WORKBENCH_USER`` (the local configuration's user) when that is set. ``first_staff``: the
    very first staff file of an empty record is imported by the installer (there is nobody to
    name yet) and stamped with the workbench system user."""
    from ..errors import NotFound

    wb = open_db(args)
    team = wb.engine.dialect.name != "sqlite"
    who = getattr(args, "as_user", None) or (None if team else os.environ.get("WORKBENCH_USER") or None)
    if who:
        try:
            return wb.as_user(who)
        except NotFound:
            raise WorkbenchError(f"--as {who}: there is no staff member with that id in this database "
                                 "(give your own staff id).") from None
    if first_staff and not wb.users():
        return wb
    if team:
        raise WorkbenchError("This is a team database (PostgreSQL): say who runs this command with --as "
                             "STAFF_ID (your staff id). What it writes is stamped with you, and your role "
                             "decides what you may import.")
    raise WorkbenchError("Say who runs this command with --as STAFF_ID (your staff id), or set "
                         "WORKBENCH_USER: what it writes is stamped with you, and your role decides what "
                         "you may import.")
