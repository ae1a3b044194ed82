"""Opening a database never creates or migrates it: it checks the schema version and says which
command creates it. Migrations run once, by ``workbench init`` (or the demo builder, or deploy)."""

import sqlite3

import pytest
from sqlalchemy import inspect

from workbench.cli import main
from workbench.errors import DatabaseNotReady
from workbench.service import Workbench, _ENGINES
from workbench.store import create_database, head_revision, make_engine, upgrade
from workbench.store.migrate import current_revision


def _forget(url):
    engine = _ENGINES.pop(url, None)
    if engine is not None:
        engine.dispose()


def test_open_refuses_a_missing_sqlite_file_and_creates_nothing(tmp_path):
    path = tmp_path / "not-yet" / "clinic.db"
    with pytest.raises(DatabaseNotReady) as err:
        Workbench.open(path)
    message = str(err.value)
    assert str(path) in message and f"workbench init --db {path}" in message
    assert err.value.where == str(path)
    assert not path.exists() and not path.parent.exists()


def test_open_refuses_a_file_that_is_not_a_workbench_database(tmp_path):
    path = tmp_path / "other.db"
    sqlite3.connect(path).execute("CREATE TABLE notes (x)").connection.close()
    with pytest.raises(DatabaseNotReady, match="not a workbench database yet") as err:
        Workbench.open(path)
    assert f"workbench init --db {path}" in str(err.value)
    engine = make_engine(path)
    assert inspect(engine).get_table_names() == ["notes"]  # nothing was added
    engine.dispose()


def test_open_does_not_migrate_an_older_database(tmp_path):
    path = tmp_path / "old.db"
    engine = make_engine(path)
    upgrade(engine, "0002")
    with pytest.raises(DatabaseNotReady, match=f"at schema version 0002; this workbench needs {head_revision()}"):
        Workbench.open(path)
    assert current_revision(engine) == "0002"  # open left it alone
    assert main(["init", "--db", str(path)]) == 0  # the command the message names
    assert current_revision(engine) == head_revision()
    engine.dispose()
    wb = Workbench.open(path)
    assert wb.get_user("system").name == "Workbench system"
    _forget(wb.engine.url.render_as_string(hide_password=False))


def test_open_refuses_a_database_from_a_newer_workbench(tmp_path):
    path = tmp_path / "new.db"
    url = create_database(path)
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    engine.dispose()
    with pytest.raises(DatabaseNotReady, match="made by a newer workbench"):
        Workbench.open(path)


def test_create_then_open(tmp_path):
    path = tmp_path / "a" / "b.db"
    wb = Workbench.create(path)
    assert path.is_file() and current_revision(wb.engine) == head_revision()
    assert Workbench.open(path).engine is wb.engine
    _forget(wb.engine.url.render_as_string(hide_password=False))


def test_open_on_postgresql_checks_without_creating(pg_server):
    from tests.conftest import new_pg_database

    url = new_pg_database(pg_server)
    with pytest.raises(DatabaseNotReady, match="not a workbench database yet") as err:
        Workbench.open(url)
    assert "workbench init --db" in str(err.value)
    engine = make_engine(url)
    assert inspect(engine).get_table_names() == []
    engine.dispose()
    with pytest.raises(DatabaseNotReady, match="has no database"):
        Workbench.open(url + "_missing")
    create_database(url)
    assert Workbench.open(url).users() == []
    _forget(url)


def test_commands_other_than_init_and_demo_refuse_a_missing_database(tmp_path, capsys):
    path = tmp_path / "none.db"
    assert main(["timers", "--db", str(path)]) == 2
    assert main(["report", "month", "--month", "2026-11", "--db", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count(f"workbench init --db {path}") == 2
    assert not path.exists()
