"""Who is told that something was written: the screens of this process (one kernel).

Every unit of work that commits through :meth:`Workbench.write` calls :func:`written` for its
engine; a screen that shows figures built from the record (the worklist) subscribes with
:func:`subscribe` and re-reads what changed (by change stamps, :mod:`workbench.reports.changes`).
Listeners are held weakly (a closed screen drops out) and must be cheap: they are called in the
writer's thread, after the commit.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable

_LOCK = threading.Lock()
_FEEDS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def subscribe(engine, listener: Callable[[], None]) -> Callable[[], None]:
    """Call ``listener()`` after every write committed on ``engine`` in this process. ``listener``
    is a bound method (held weakly: its object may be closed and collected) or a function (held
    while the engine lives). Returns ``listener``."""
    ref = weakref.WeakMethod(listener) if hasattr(listener, "__self__") else (lambda: listener)
    with _LOCK:
        _FEEDS.setdefault(engine, []).append((ref, listener if not hasattr(listener, "__self__") else None))
    return listener


def written(engine) -> None:
    """A unit of work committed on ``engine``: tell the listeners (a failing listener is skipped)."""
    with _LOCK:
        entries = list(_FEEDS.get(engine, []))
    alive = []
    for ref, fn in entries:
        target = ref()
        if target is None:
            continue
        alive.append((ref, fn))
        try:
            target()
        except Exception:  # noqa: BLE001 - a screen's refresh never fails the write that was committed
            pass
    if len(alive) != len(entries):
        with _LOCK:
            _FEEDS[engine] = [e for e in _FEEDS.get(engine, []) if e[0]() is not None]
