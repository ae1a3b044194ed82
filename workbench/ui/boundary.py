"""The pages' error boundary: a failure in a button's handler becomes a sentence on the page.

Each tab's kernel runs the widgets' handlers. ipywidgets hands an exception a handler did not
catch to the kernel's ``showtraceback``; :func:`install` replaces it, for that kernel, with
:func:`workbench.service.boundary.sentence`: a :class:`~workbench.errors.WorkbenchError` shows its own
message, a database fault says what to do, and anything else shows "something went wrong;
nothing was written; the details are in LOG_FILE" while the traceback, redacted, goes to the
log file. No traceback, SQL statement or value from the record reaches the page.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from ..service.boundary import sentence


def install(show: Callable[[str], None], shell=None) -> bool:
    """Make ``show`` (text -> None) the kernel's answer to an uncaught exception. Returns whether
    there was a kernel (outside IPython there is nothing to install)."""
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:  # pragma: no cover - IPython comes with ipywidgets
            return False
        shell = get_ipython()
    if shell is None:
        return False
    original = shell.showtraceback

    def showtraceback(exc_tuple=None, *args, **kwargs):
        err = (exc_tuple or sys.exc_info())[1]
        if err is None:  # nothing to say: let IPython handle it as it would
            return original(exc_tuple, *args, **kwargs)
        try:
            show(sentence(err, context="page"))
        except Exception:  # noqa: BLE001 - the boundary itself must never raise
            pass
        return None

    shell.showtraceback = showtraceback
    return True
