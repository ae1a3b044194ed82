"""The app role runs the workbench and is refused DDL and trigger control; the read-only role
only reads (a real PostgreSQL, roles made by ``workbench init --roles``)."""

import psycopg
import pytest

from workbench.cli import main


@pytest.fixture
def roles_db(pg_server):
    from tests.conftest import STAFF, as_role, new_pg_database, sample_patient
    from workbench.service import _ENGINES, Workbench

    url = new_pg_database(pg_server)
    assert main(["init", "--db", url, "--roles"]) == 0
    owner = Workbench.open(url)
    for u in STAFF:
        owner.add_user(u)
    owner.add_patient(sample_patient())
    app, readonly = as_role(url, "ccm_app"), as_role(url, "ccm_readonly")
    yield app, readonly
    for u in (url, app, readonly):
        engine = _ENGINES.pop(u, None)
        if engine is not None:
            engine.dispose()


def _plain(url):
    return url.replace("postgresql+psycopg://", "postgresql://")


def test_the_app_role_runs_the_workbench(roles_db, clock):
    from workbench.service import Workbench

    app, _ = roles_db
    wb = Workbench.open(app, user="S001", clock=clock)
    wb.start_timer("P00001", note="call")
    clock.advance(minutes=4)
    entry = wb.stop_timer()
    wb.void_time(entry.id, "wrong patient")
    wb.log_contact("P00001", "phone", "reached", "talked")
    wb.as_user("S004").set_timer_limit(60)  # UPDATE on a reference table is allowed


@pytest.mark.parametrize("sql", [
    "CREATE TABLE notes (x int)",
    "ALTER TABLE time_entries DISABLE TRIGGER ALL",
    "ALTER TABLE consents DISABLE TRIGGER consents_append_only",
    "DROP TRIGGER timers_one_running ON timers",
    "SET session_replication_role = replica",
    "UPDATE time_entries SET seconds = 1",
    "DELETE FROM consents",
    "TRUNCATE contacts",
    "UPDATE alembic_version SET version_num = '0001'",
])
def test_the_app_role_is_refused_ddl_and_trigger_control(roles_db, sql):
    app, _ = roles_db
    with psycopg.connect(_plain(app)) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(sql)


def test_the_readonly_role_only_reads(roles_db):
    _, readonly = roles_db
    with psycopg.connect(_plain(readonly)) as conn:
        assert conn.execute("SELECT count(*) FROM patients").fetchone()[0] == 1
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("""INSERT INTO settings (key, value) VALUES ('x', '"y"')""")


def test_the_store_fixtures_run_the_service_as_the_app_role(wb, db_url):
    """tests/conftest.py hands every store test the app role's URL on PostgreSQL, so a service
    path needing a privilege the app role lacks fails its test; the owner migrated the database."""
    from sqlalchemy import text

    from tests.conftest import owner_url

    if db_url.startswith("sqlite"):
        assert owner_url(db_url) == db_url  # a file has no roles
        return
    with wb.engine.connect() as conn:
        who, superuser = conn.execute(text(
            "SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")).one()
        owner = conn.execute(text("SELECT tableowner FROM pg_tables WHERE tablename = 'timers'")).scalar_one()
    assert (who, superuser, owner) == ("ccm_app", False, "ccm_owner")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        with psycopg.connect(_plain(db_url)) as conn:
            conn.execute("CREATE TABLE notes (x int)")
