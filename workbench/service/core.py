"""What every part of the service shares: the system user, the engine cache."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from .. import records as r
from ..store import open_engine

SYSTEM_USER = r.User(id="system", name="Workbench system", role=r.Role.SUPERVISOR)

_ENGINES: dict[str, Engine] = {}


def _engine_for(db) -> Engine:
    """The process's engine for ``db``, after checking the database exists at the right version."""
    from ..store.engine import database_url

    url = database_url(db)
    if url not in _ENGINES:
        _ENGINES[url] = open_engine(url)
    return _ENGINES[url]

