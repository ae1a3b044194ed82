"""Storage of the CCM record: schema, append-only guards, engine, migrations."""

from .engine import database_url, make_engine
from .migrate import upgrade

__all__ = ["database_url", "make_engine", "upgrade"]
