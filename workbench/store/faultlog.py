"""The log of faults: where a traceback goes instead of a person's screen, with the values removed.

The log file is ``WORKBENCH_LOG`` when set, else ``$XDG_STATE_HOME/workbench/workbench.log``
(``~/.local/state/workbench/workbench.log``), created 0600; if that cannot be written, a file in
the system's temporary folder. :func:`redact` removes statement parameters, failing rows, key
values and ``DETAIL`` lines (they can hold patient names and notes) from everything written.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
import traceback
from datetime import UTC, datetime
from pathlib import Path

LOG_ENV = "WORKBENCH_LOG"

#: what is cut out of every logged text: statement parameters and the values a database echoes
_REDACT = (
    (re.compile(r"\[parameters: .*?\](?=\n|$)", re.S), "[parameters: redacted]"),
    (re.compile(r"\[SQL parameters hidden[^\]]*\]"), "[parameters: redacted]"),
    (re.compile(r"Failing row contains \(.*?\)(?=\.?\s*(\n|$))", re.S), "Failing row contains (redacted)"),
    (re.compile(r"Key \((.*?)\)=\(.*?\)", re.S), r"Key (\1)=(redacted)"),
    (re.compile(r"(DETAIL|CONTEXT):.*?(?=\n\S|\n\n|$)", re.S), r"\1: redacted"),
)


def redact(text: str) -> str:
    """``text`` without statement parameters or the values a database error echoes."""
    for pattern, repl in _REDACT:
        text = pattern.sub(repl, text)
    return text


def log_path() -> Path:
    """Where the traceback of an unexpected fault is written."""
    if os.environ.get(LOG_ENV):
        return Path(os.environ[LOG_ENV]).expanduser()
    state = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state")
    return state / "workbench" / "workbench.log"


def _append(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as f:
        f.write(text)


def record(err: BaseException, context: str = "") -> Path:
    """Write ``err``'s traceback, redacted, to the log file; returns the file written."""
    lines = traceback.format_exception(type(err), err, err.__traceback__)
    text = (f"--- {datetime.now(UTC).isoformat(timespec='seconds')} {context}\n"
            + redact("".join(lines)) + "\n")
    path = log_path()
    try:
        _append(path, text)
    except OSError:
        path = Path(tempfile.gettempdir()) / f"workbench-{os.getuid() if hasattr(os, 'getuid') else 0}.log"
        try:
            _append(path, text)
        except OSError:
            pass
    return path


#: libraries whose own warnings (e.g. psycopg's "error ignored terminating <Pipeline>: the
#: connection is lost") would otherwise reach a person's terminal through Python's last-resort handler
DRIVER_LOGGERS = ("psycopg", "sqlalchemy", "alembic")


class _ToLogFile(logging.Handler):
    def emit(self, rec: logging.LogRecord) -> None:
        try:
            text = redact(self.format(rec))
            _append(log_path(), f"--- {datetime.now(UTC).isoformat(timespec='seconds')} {rec.name}\n{text}\n")
        except Exception:  # noqa: BLE001 - a log that cannot be written must not become the fault
            pass


def route_driver_logs() -> None:
    """Send the database libraries' warnings to the log file, redacted, instead of the screen
    (a command's screen shows one sentence)."""
    for name in DRIVER_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(h, _ToLogFile) for h in logger.handlers):
            logger.addHandler(_ToLogFile(logging.WARNING))
        logger.propagate = False
