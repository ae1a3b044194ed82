"""Storage of the CCM record: schema, append-only guards, engine, migrations, the unit of work."""

from .database import create_database, open_engine
from .engine import make_engine
from .migrate import head_revision, upgrade

__all__ = ["create_database", "head_revision", "make_engine", "open_engine", "upgrade"]
