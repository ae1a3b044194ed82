"""``store/schema.py`` (what the code reads and writes) and the Alembic migrations (what a database
has) describe the same tables, columns, types, nullability, indexes and foreign keys, on SQLite and
on PostgreSQL: Alembic's ``compare_metadata`` finds no difference on a freshly migrated database."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Column, Integer, Table

from workbench.store import create_database, make_engine
from workbench.store import schema as s

try:
    from tests.conftest import new_pg_database
except ImportError:  # pragma: no cover - run from another folder
    new_pg_database = None


def differences(url: str, metadata=s.metadata) -> list:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True,
                                                         "compare_server_default": False})
            diff = compare_metadata(ctx, metadata)
    finally:
        engine.dispose()
    # alembic's own bookkeeping table is not part of the schema
    return [d for d in diff if not (d[0] == "remove_table" and d[1].name == "alembic_version")]


@pytest.fixture(params=["sqlite", "postgresql"])
def migrated_url(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'schema.db'}"
    else:
        url = new_pg_database(request.getfixturevalue("pg_server"))
    create_database(url)
    return url


def test_schema_py_matches_the_migrated_database(migrated_url):
    assert differences(migrated_url) == []


def test_a_column_missing_from_the_migrations_is_found(migrated_url):
    from sqlalchemy import MetaData

    changed = MetaData()
    for table in s.metadata.sorted_tables:
        table.to_metadata(changed)
    Table("patients", changed, Column("shoe_size", Integer), extend_existing=True)
    diff = differences(migrated_url, changed)
    assert [(d[0], d[2], d[3].name) for d in diff if d[0] == "add_column"] == [
        ("add_column", "patients", "shoe_size")]
