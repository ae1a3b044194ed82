"""Storage of the CCM record: schema, append-only guards, engine, migrations, the unit of work."""

from .database import create_database, open_engine
from .engine import database_url, make_engine
from .migrate import check_schema, head_revision, upgrade

__all__ = ["check_schema", "create_database", "database_url", "head_revision", "make_engine",
           "open_engine", "upgrade"]
