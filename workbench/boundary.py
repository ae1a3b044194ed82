"""The error boundary: what a person sees when something fails, and what the log keeps.

Every :class:`~workbench.errors.WorkbenchError` is already a sentence. A database fault is
translated into one (:func:`workbench.store.faults.explain`); a file that cannot be written or
read is named with the reason. Anything else is a fault of the program: the person reads
"something went wrong; nothing was written; the details are in LOG_FILE", and the traceback goes
to that log file with SQL parameters, failing rows and key values removed (they can hold patient
names and notes). The command line (:func:`run_command`) and the pages
(:func:`workbench.ui.html.page_boundary`) both use :func:`sentence`.

The log file is ``WORKBENCH_LOG`` when set, else ``$XDG_STATE_HOME/workbench/workbench.log``
(``~/.local/state/workbench/workbench.log``); if that cannot be written, a file in the system's
temporary folder.
"""

from __future__ import annotations

import errno
import os
import re
import tempfile
import traceback
from datetime import UTC, datetime
from pathlib import Path

from .errors import WorkbenchError

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


def _file_fault(err: OSError) -> str | None:
    name = err.filename
    if name is None:
        return None
    if err.errno == errno.ENOENT:
        return f"{name}: no such file or folder (a folder on the way does not exist): nothing was written."
    if err.errno == errno.EISDIR:
        return f"{name} is a folder: give a file name inside it: nothing was written."
    if err.errno == errno.ENOTDIR:
        return f"{name}: a part of this path is a file, not a folder: nothing was written."
    if err.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"{name} cannot be written or read by this user (permission denied): nothing was written."
    if err.errno == errno.ENOSPC:
        return f"The disk holding {name} is full: free some space and try again."
    return None


def sentence(err: BaseException, where: str | None = None, context: str = "") -> str:
    """What a person reads about ``err`` (never a traceback, never a value from the record)."""
    from .store.faults import explain

    if isinstance(err, WorkbenchError):
        return str(err)
    fault = explain(err, where)
    if fault is not None:
        record(err, context)  # a database fault's details stay useful to whoever runs it
        return str(fault)
    if isinstance(err, OSError):
        text = _file_fault(err)
        if text is not None:
            return text
    if isinstance(err, UnicodeDecodeError):
        return (f"A file is not UTF-8 text (byte {err.start}): save it as UTF-8 and try again; "
                "nothing was written.")
    path = record(err, context)
    return f"Something went wrong; nothing was written; the details are in {path}"
