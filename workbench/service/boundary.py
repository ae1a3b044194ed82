"""The error boundary: what a person sees when something fails, and what the log keeps.

Every :class:`~workbench.errors.WorkbenchError` is already a sentence. A database fault is
translated into one (:func:`workbench.store.faults.explain`); a file that cannot be written or
read is named with the reason. Anything else is a fault of the program: the person reads
"something went wrong; nothing was written; the details are in LOG_FILE", and the traceback goes
to that log file with SQL parameters, failing rows and key values removed (they can hold patient
names and notes). The command line (:func:`run_command`) and the pages
(:mod:`workbench.ui.boundary`) both use :func:`sentence`.

The log file and its redaction are :mod:`workbench.store.faultlog`'s.
"""

from __future__ import annotations

import errno

from ..errors import WorkbenchError
from ..store.faultlog import record

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
    from ..store.faults import explain

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
