"""Database faults in words: what went wrong with the database, and what to do about it.

:func:`explain` turns an exception raised by SQLAlchemy or a database driver into a
:class:`~workbench.errors.DatabaseFault` whose message names the database (a path, or a URL
without its password) and the fix, and never repeats the statement's parameters (which can hold
patient names and notes). The unit of work, the reading connection, :func:`open_engine` and the
command line's error boundary all use it, so SQLite and PostgreSQL faults read the same.
"""

from __future__ import annotations

import os
import re

from sqlalchemy import exc as sa_exc

from ..errors import DatabaseFault

BUSY_SECONDS = 30  #: how long a SQLite writer waits for another program's write lock


def busy_seconds() -> int:
    """SQLite's busy timeout: ``WORKBENCH_SQLITE_BUSY_SECONDS`` (1-600), else 30 seconds."""
    given = os.environ.get("WORKBENCH_SQLITE_BUSY_SECONDS", "")
    return int(given) if given.isdigit() and 1 <= int(given) <= 600 else BUSY_SECONDS

#: database drivers of URL schemes the workbench does not support (their import fails)
_FOREIGN_DRIVERS = ("MySQLdb", "pymysql", "mysql", "cx_Oracle", "oracledb", "pyodbc", "pymssql",
                    "asyncpg", "aiosqlite", "ibm_db")
_SUPPORTED = ("The workbench stores its record in SQLite (give a file path) or PostgreSQL (give a "
              "postgresql:// URL, docs/deployment.md).")


def _where(where: str | None) -> str:
    return where or "the database"


def _quoted(text: str, pattern: str) -> str:
    m = re.search(pattern, text)
    return m.group(1) if m else "?"


def unsupported_url(where: str | None, scheme: str | None = None) -> DatabaseFault:
    what = f"the URL scheme {scheme}://" if scheme else "that database URL"
    return DatabaseFault(f"The workbench cannot use {what} ({_where(where)}). {_SUPPORTED}")


def explain(err: BaseException, where: str | None = None) -> DatabaseFault | None:
    """The database fault ``err`` means, in a sentence; None when it is not a database fault."""
    place = _where(where)
    if isinstance(err, DatabaseFault):
        return err
    if isinstance(err, sa_exc.NoSuchModuleError):
        scheme = str(err).rsplit(":", 1)[-1].strip().split("+")[0] or None
        return unsupported_url(where, scheme)
    if isinstance(err, ModuleNotFoundError) and (err.name or "").split(".")[0] in _FOREIGN_DRIVERS:
        return unsupported_url(where)
    if isinstance(err, sa_exc.ArgumentError) and "URL" in str(err):
        return DatabaseFault(f"{place} is not a database URL that can be read. {_SUPPORTED}")
    if not isinstance(err, sa_exc.DBAPIError):
        return None
    text = str(getattr(err, "orig", err) or "")
    low = text.lower()
    kind = type(getattr(err, "orig", err)).__name__
    # -- SQLite
    if "readonly database" in low:
        return DatabaseFault(f"The database {place} is read-only for this user: nothing was written. "
                             "Give the workbench's user write access to the file and its folder, or "
                             "work on a writable copy.")
    # PostgreSQL's "could not write init file": a new session could not write the relation cache
    # file in the database's folder, which on a full disk refuses the connection itself
    if "database or disk is full" in low or kind == "DiskFull" or "no space left" in low \
            or "could not extend file" in low or "could not write init file" in low:
        return DatabaseFault(f"The disk holding the database {place} is full: nothing was written. Free "
                             "some space on it, then try again.")
    if "database is locked" in low or "database table is locked" in low:
        return DatabaseFault(f"The database {place} stayed locked by another program for the whole "
                             f"busy timeout ({busy_seconds()} seconds): nothing was written. Try again; if it keeps "
                             "happening, find the program holding it (another import, or a stuck "
                             "process) and stop it.")
    if "file is not a database" in low or "malformed" in low or "file is encrypted" in low:
        return DatabaseFault(f"{place} is not a workbench database (not a SQLite file, or a damaged "
                             "or truncated one): nothing was changed. Check --db, or restore the "
                             "database from a backup.")
    if "unable to open database file" in low:
        return DatabaseFault(f"Cannot open the database file {place}: it is a folder, or its folder "
                             "does not exist or cannot be read. Check --db.")
    if "disk i/o error" in low:
        return DatabaseFault(f"The disk holding {place} reported an input/output error: nothing was "
                             "written. Check the disk, then try again.")
    # -- PostgreSQL
    if "does not exist" in low and re.search(r'database "[^"]*" does not exist', text):
        name = _quoted(text, r'database "([^"]*)" does not exist')
        return DatabaseFault(f'The PostgreSQL server has no database "{name}" ({place}): create it as '
                             "docs/deployment.md shows, or correct the name in --db / WORKBENCH_DB.")
    if re.search(r'role "[^"]*" does not exist', text):
        name = _quoted(text, r'role "([^"]*)" does not exist')
        return DatabaseFault(f'The PostgreSQL server has no role "{name}" ({place}): create the roles with '
                             "workbench init --roles (docs/deployment.md), or correct the user name in "
                             "--db / WORKBENCH_DB.")
    if "password authentication failed" in low or "no password supplied" in low:
        return DatabaseFault(f"The PostgreSQL server refused the password for {place}: correct the "
                             "password in --db / WORKBENCH_DB (or its password file).")
    if "read-only transaction" in low:
        return DatabaseFault(f"The PostgreSQL database {place} only allows reading here (a standby, or "
                             "a read-only setting): nothing was written. Connect to the primary server.")
    if "permission denied" in low or kind == "InsufficientPrivilege":
        return DatabaseFault(f"The database role of {place} may not do this (permission denied): "
                             "nothing was written. Connect as the workbench's app role "
                             "(docs/deployment.md, \"Roles\").")
    if "failed to resolve host" in low or "could not translate host" in low or "invalid connection option" in low \
            or "invalid integer value" in low or "invalid dsn" in low or "missing \"=\"" in low:
        return DatabaseFault(f"{place} is not a PostgreSQL URL that leads to a server (the host name or "
                             "an option cannot be read): write it as postgresql://ROLE:PASSWORD@HOST:PORT/"
                             "DATABASE in --db / WORKBENCH_DB (docs/deployment.md).")
    if ("too many clients" in low or "too many connections" in low or "remaining connection slots are reserved" in low
            or kind == "TooManyConnections"):
        return DatabaseFault(f"The PostgreSQL server of {place} has no free connection (its max_connections, "
                             "or the role's connection limit, is reached): nothing was written. Try again in a moment; whoever runs the server "
                             "should raise max_connections or put PgBouncer in front (docs/deployment.md, "
                             "\"The database's connection budget\").")
    if any(s in low for s in ("connection refused", "could not connect", "server closed the connection",
                              "terminating connection", "connection is closed", "could not translate host",
                              "connection timed out", "no route to host", "consuming input failed",
                              "connection to server", "the database system is shutting down",
                              "the database system is starting up", "ssl syscall")):
        return DatabaseFault(f"Cannot reach the PostgreSQL server of {place} (it is stopped, restarting "
                             "or unreachable): nothing was written, the transaction was rolled back. "
                             "Check that the server runs and that the host and port in --db / "
                             "WORKBENCH_DB are right, then try again.")
    if isinstance(err, sa_exc.DataError):
        detail = {"StringDataRightTruncation": "a text too long for its column",
                  "NumericValueOutOfRange": "a number out of range",
                  "DatetimeFieldOverflow": "a date out of range",
                  "InvalidDatetimeFormat": "a date in the wrong form"}.get(kind, "a value of the wrong kind")
        return DatabaseFault(f"The database refused {detail}: nothing was written. Every value should "
                             "have been checked before; please report this (the details are in the "
                             "workbench log, without the values).")
    if isinstance(err, sa_exc.OperationalError):
        return DatabaseFault(f"The database {place} failed ({kind}): nothing was written. Try again; if "
                             "it keeps failing, ask whoever runs the database.")
    return None
