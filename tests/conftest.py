"""Shared fixtures: a real PostgreSQL server for the session, fresh databases per test, clocks.

The PostgreSQL server is started by the tests themselves (initdb as the ``postgres`` user, since
initdb refuses root), on a free port bound to 127.0.0.1, and stopped at the end. If PostgreSQL is
not installed the PostgreSQL half of the store tests is skipped with the reason; ``.ci/run``
installs it so CI never skips.

The PostgreSQL databases are set up as docs/deployment.md sets up a team's: each is owned by the
owner role (``ccm_owner``, not a superuser), which runs the migrations and ``workbench init
--roles``; the service under test then connects as the app role (``ccm_app``: SELECT and INSERT,
UPDATE only on reference tables, no DDL). So a service path that needs a privilege the app role
lacks fails its test. Only tests that check what the owner or a superuser can do use those URLs
(:func:`owner_url`, ``pg_server``).
"""

from __future__ import annotations

import glob
import itertools
import uuid
import os
import shutil
import socket
import subprocess
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from workbench import records as r
from workbench.clock import FixedClock

ROOT = Path(__file__).resolve().parent.parent


def _pg_bin() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return str(Path(found[-1]).parent)
    initdb = shutil.which("initdb")
    return str(Path(initdb).parent) if initdb else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_postgres(cmd: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


@pytest.fixture(scope="session")
def pg_server():
    """A throwaway PostgreSQL server: yields its base URL (without a database name)."""
    pg = _pg_bin()
    if pg is None:
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql); .ci/run installs it")
    tmp = tempfile.mkdtemp(prefix="wb-pg-")
    if os.geteuid() == 0:
        shutil.chown(tmp, "postgres")
    data, port = os.path.join(tmp, "data"), _free_port()
    subprocess.run(_as_postgres([f"{pg}/initdb", "-D", data, "-A", "trust", "-U", "postgres"]),
                   check=True, capture_output=True)
    subprocess.run(_as_postgres([f"{pg}/pg_ctl", "-D", data, "-l", os.path.join(tmp, "log"), "-w",
                                 "-o", f"-k {tmp} -p {port} -c listen_addresses=127.0.0.1 -c fsync=off",
                                 "start"]), check=True, capture_output=True)
    base = f"postgresql+psycopg://postgres@127.0.0.1:{port}"
    try:
        import psycopg

        with psycopg.connect(_plain(base) + "/postgres", autocommit=True) as conn:
            # the owner role of docs/deployment.md: owns the databases, creates the app roles
            conn.execute(f"CREATE ROLE {OWNER_ROLE} LOGIN CREATEROLE NOSUPERUSER NOCREATEDB")
        yield base
    finally:
        subprocess.run(_as_postgres([f"{pg}/pg_ctl", "-D", data, "-m", "fast", "stop"]),
                       capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)


_counter = itertools.count()

OWNER_ROLE = "ccm_owner"  #: owns the test databases and runs their migrations (docs/deployment.md)


def _plain(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def as_role(url: str, role: str) -> str:
    """The same PostgreSQL database as another role (the test server trusts local logins)."""
    from sqlalchemy.engine import make_url

    return make_url(url).set(username=role, password=None).render_as_string(hide_password=False)


def owner_url(url: str) -> str:
    """The owner's URL of a test database (SQLite: the URL itself; a file has no roles)."""
    return url if url.startswith("sqlite") else as_role(url, OWNER_ROLE)


def new_pg_database(base_url: str) -> str:
    """A new, empty database owned by the owner role; returns the OWNER's URL (migrate with it,
    then :func:`grant_app_roles`; or use :func:`new_app_database`)."""
    import psycopg

    # unique even when this module is imported twice (importlib mode gives each importer its own
    # copy, and so its own counter)
    name = f"wb_test_{os.getpid()}_{next(_counter)}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_plain(base_url) + "/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" OWNER {OWNER_ROLE}')
    return f"{as_role(base_url, OWNER_ROLE)}/{name}"


def grant_app_roles(owner: str) -> str:
    """``workbench init --roles`` on a migrated database, as its owner; returns the app role's URL."""
    from workbench.store import make_engine
    from workbench.store.roles import APP_ROLE, create_roles

    engine = make_engine(owner)
    try:
        create_roles(engine)
    finally:
        engine.dispose()
    return as_role(owner, APP_ROLE)


def new_app_database(base_url: str) -> str:
    """A new database migrated by its owner, with the app roles: returns the APP role's URL, the
    one the service under test connects with."""
    from workbench.store import create_database

    owner = new_pg_database(base_url)
    create_database(owner)
    return grant_app_roles(owner)


def forget_engines(*urls: str) -> None:
    """Dispose of the service's cached engines for these URLs (and their owners')."""
    from workbench import service

    for url in {*urls, *(owner_url(u) for u in urls)}:
        engine = service._ENGINES.pop(url, None)
        if engine is not None:
            engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A fresh database (created and migrated, with no staff or patients) on each backend: store
    tests run on both. ``Workbench.open(db_url)`` works on it, as on a deployed database; on
    PostgreSQL the URL is the app role's (the owner migrated it: :func:`owner_url`)."""
    from workbench.store import create_database

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'workbench.db'}"
        create_database(url)
    else:
        url = new_app_database(request.getfixturevalue("pg_server"))
    yield url
    forget_engines(url)


@pytest.fixture
def sqlite_url(tmp_path):
    """A fresh SQLite database, created and migrated."""
    from workbench.store import create_database

    url = f"sqlite:///{tmp_path / 'workbench.db'}"
    create_database(url)
    yield url
    from workbench import service

    engine = service._ENGINES.pop(url, None)
    if engine is not None:
        engine.dispose()


@pytest.fixture
def clock():
    """2026-11-10 15:00 UTC (10:00 in New York), a Tuesday."""
    return FixedClock(datetime(2026, 11, 10, 15, 0, tzinfo=UTC))


STAFF = [
    r.User("S001", "Rita Nurse", r.Role.CARE_MANAGER, r.Credential.RN, "NY"),
    r.User("S002", "Lee Practical", r.Role.CARE_MANAGER, r.Credential.LPN, "NY"),
    r.User("S003", "Casey Assistant", r.Role.CARE_COORDINATOR, r.Credential.CMA, "NJ"),
    r.User("S004", "Sam Supervisor", r.Role.SUPERVISOR, r.Credential.RN, "NY"),
    r.User("S005", "Dr. Maya Doctor", r.Role.PRACTITIONER, r.Credential.MD, "NY"),
    r.User("S006", "Bill Ing", r.Role.BILLING, None, "NY"),
    r.User("S007", "Tess Trainee", r.Role.TRAINEE, r.Credential.RN, "NY"),
]


def sample_patient(pid: str = "P00001", **kw) -> r.PatientBundle:
    from datetime import date

    patient = r.Patient(id=pid, first_name=kw.pop("first_name", "Ada"), last_name=kw.pop("last_name", "Lovelace"),
                        birth_date=date(1950, 3, 4), sex="F", state="NY", phone="555-0100",
                        billing_practitioner_id="S005", care_team_member_id="S001",
                        emergency_contacts=(r.Person("Bo Lovelace", "son", "555-0101"),))
    return r.PatientBundle(
        patient=patient,
        conditions=[r.Condition("I10", "Essential hypertension"), r.Condition("E11.9", "Type 2 diabetes")],
        medications=[r.Medication("lisinopril", "314076", "10 mg", "daily", "I10")],
        **kw)


@pytest.fixture
def wb(db_url, clock):
    """A workbench on a fresh database (both backends) with staff and one patient, as S001."""
    from workbench.service import Workbench

    system = Workbench.open(db_url, clock=clock)
    for u in STAFF:
        system.add_user(u)
    system.add_patient(sample_patient())
    system.add_patient(sample_patient("P00002", first_name="Ben", last_name="Franklin"))
    return system.as_user("S001")


@pytest.fixture
def make_bundle():
    """The sample-patient factory, for tests that need more patients."""
    return sample_patient


def pytest_collection_modifyitems(config, items):
    """Mark every test that needs the PostgreSQL server ``postgres`` (``make test-fast`` leaves
    them out): those asking for ``pg_server`` and those run with a "postgresql" parameter."""
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        if "pg_server" in getattr(item, "fixturenames", ()) or "postgresql" in params.values():
            item.add_marker(pytest.mark.postgres)
