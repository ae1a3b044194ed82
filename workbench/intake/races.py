"""Two imports of the same file at once (two terminals, two machines).

Both read the record, find the same rows new, and try to write them; a unique key lets only one
transaction write them. :func:`once_more_if_raced` runs the losing import once more: it reads
the record again and finds its rows already present, and says so.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import IntegrityError

T = TypeVar("T")


def once_more_if_raced(run: Callable[[], T]) -> tuple[T, bool]:
    """``run()``; if another import wrote the same ids between our reading and our writing (a
    unique key refuses the write, nothing of ours was written), ``run()`` once more: it now finds
    those rows already present. Returns (result, whether it raced)."""
    try:
        return run(), False
    except IntegrityError:
        return run(), True
