"""A full disk under the record, on PostgreSQL for real and injected on both databases: a consent,
a time entry, a contact, a care-plan version and an import each answer with one sentence naming
what to do (free some space), nothing is half-written, no patient data reaches the message or the
log, and the same write goes through once there is space again.

The real one: the test mounts a 48 MB tmpfs, makes it a PostgreSQL tablespace, puts a database on
it and fills what is left of it, so the server fails to extend a table's file (``could not extend
file ... No space left on device``). Mounting needs the right to mount (root, outside a container
that forbids it); where it is not permitted the test is skipped saying so, and the injected one
still runs. (SQLite's own full file, made with ``max_page_count``, is in test_service_faults.py.)
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import pytest
from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "validation"))
from cases import counts  # noqa: E402

from tests.conftest import (OWNER_ROLE, STAFF, _plain, as_role, forget_engines,  # noqa: E402
                            grant_app_roles, sample_patient)
from tests.support.log_guard import leaked  # noqa: E402
from workbench import records as r  # noqa: E402
from workbench.errors import DatabaseFault  # noqa: E402
from workbench.store.roles import APP_ROLE  # noqa: E402
from workbench.service import Workbench  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
TOLD = dict.fromkeys(r.CONSENT_DISCLOSURES, True)
TIME_FILE = ("entry_id,patient_id,staff_id,started_at,ended_at,minutes,activity,note,voids_entry_id\n"
             + "".join(f"D{n},P00001,S001,2026-11-0{1 + n % 9}T09:{n % 60:02d}:00-05:00,,5,care_plan,"
                       "private-note-text,\n" for n in range(40)))


def _writes(w, folder: Path):
    """(what, the write, the table it adds to): each a unit of work of its own."""
    from workbench.intake.time_entries import import_time

    path = folder / "time.csv"
    path.write_text(TIME_FILE)
    return [
        ("consent", lambda: w.record_consent("P00001", "verbal", w.today(), TOLD), "consents"),
        ("time entry", lambda: w.log_time("P00001", 5, "care_plan", "private-note-text"), "time_entries"),
        ("contact", lambda: w.log_contact("P00001", "phone", "reached", "private-note-text"), "contacts"),
        ("care plan", lambda: w.revise_care_plan("P00001", r.CarePlan(problem_list="private-note-text"), 0,
                                                 "first plan"), "care_plan_revisions"),
        ("import", lambda: import_time(w, path), "time_entries"),
    ]


def _says_disk_full(err: DatabaseFault) -> None:
    text = str(err)
    assert "\n" not in text and "Traceback" not in text and "[SQL" not in text, text
    assert "is full" in text and "nothing was written" in text and "Free some space" in text, text
    assert not leaked(text), text


def _seed(url: str, clock) -> Workbench:
    system = Workbench.open(url, clock=clock)
    for u in STAFF:
        system.add_user(u)
    system.add_patient(sample_patient())
    system.add_patient(sample_patient("P00002", first_name="Ben", last_name="Franklin"))
    return system


# ----------------------------------------------------------------- injected, both databases

def _disk_full_error(url: str) -> Exception:
    if url.startswith("sqlite"):
        import sqlite3

        return sqlite3.OperationalError("database or disk is full")
    import psycopg.errors

    return psycopg.errors.DiskFull('could not extend file "base/16384/16999": No space left on device')


def test_an_injected_full_disk_is_a_sentence_and_nothing_is_half_written(wb, db_url, tmp_path):
    """The driver's own disk-full error, raised when the write reaches its table (after the unit of
    work's other rows, such as the access log, were sent)."""
    for what, call, table in _writes(wb, tmp_path):
        def fail(conn, cursor, statement, params, context, executemany, table=table):
            if statement.lstrip().upper().startswith("INSERT INTO " + table.upper()) \
                    or statement.lstrip().startswith(f'INSERT INTO "{table}"') \
                    or statement.lstrip().startswith(f"INSERT INTO {table}"):
                raise _disk_full_error(db_url)

        before = counts(wb)
        event.listen(wb.engine, "before_cursor_execute", fail)
        try:
            with pytest.raises(DatabaseFault) as err:
                call()
        finally:
            event.remove(wb.engine, "before_cursor_execute", fail)
        _says_disk_full(err.value)
        assert counts(wb) == before, f"{what}: half-written"
        call()  # with space again, the same write goes through
        assert counts(wb)[table] > before[table], what


# ----------------------------------------------------------------- real, PostgreSQL on a small tmpfs

@pytest.fixture
def small_disk():
    """A 48 MB tmpfs, mounted for this test and owned by the postgres user."""
    where = tempfile.mkdtemp(prefix="wb-small-disk-")
    res = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=48m,mode=0755", "wb-small-disk", where],
                         capture_output=True, text=True)
    if res.returncode != 0:
        os.rmdir(where)
        pytest.skip(f"mounting a tmpfs is not permitted here ({res.stderr.strip() or res.returncode}); "
                    "the injected full disk test still runs")
    try:
        folder = Path(where, "tablespace")
        folder.mkdir()
        if os.geteuid() == 0:
            shutil.chown(folder, "postgres", "postgres")
        yield Path(where)
    finally:
        if subprocess.run(["umount", where], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", where], capture_output=True)
        os.rmdir(where)


def _fill(disk: Path) -> Path:
    """Fill the file system to the last byte (again, after something freed space): returns the
    filler file (remove it to make space)."""
    filler = disk / "filler"
    with open(filler, "ab", buffering=0) as out:
        for chunk in (1 << 20, 4096, 512, 1):
            block = b"\0" * chunk
            try:
                while True:
                    out.write(block)
            except OSError as e:
                assert e.errno == errno.ENOSPC, e
    return filler


def _forget_relation_cache(disk: Path) -> None:
    """Remove the database's relation cache file, as PostgreSQL itself does when autovacuum
    analyses a system catalog: the next session must write it again, on the full disk."""
    found = list((disk / "tablespace").glob("PG_*/*/pg_internal.init"))
    assert found, "the database's relation cache file is where PostgreSQL keeps it"
    for path in found:
        path.unlink()


@pytest.mark.postgres
def test_a_really_full_disk_under_postgresql_is_a_sentence_and_nothing_is_half_written(pg_server, small_disk,
                                                                                      clock, tmp_path):
    import psycopg

    from workbench.store import create_database

    space, name = f"wb_small_{uuid.uuid4().hex[:8]}", f"wb_full_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_plain(pg_server) + "/postgres", autocommit=True) as conn:
        conn.execute(f"CREATE TABLESPACE {space} LOCATION '{small_disk / 'tablespace'}'")
        conn.execute(f'CREATE DATABASE "{name}" OWNER {OWNER_ROLE} TABLESPACE {space}')
    owner = f"{as_role(pg_server, OWNER_ROLE)}/{name}"
    try:
        create_database(owner)
        url = grant_app_roles(owner)
        system = _seed(url, clock)
        w = system.as_user("S001")
        # autovacuum would soon analyse the catalogs the migrations grew, freeing the relation cache
        # file on the full disk at a moment of its choosing: do it now, and let a new session write
        # that file again before the disk fills
        with psycopg.connect(_plain(pg_server) + f"/{name}", autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
        with psycopg.connect(_plain(pg_server) + f"/{name}", autocommit=True) as conn:
            conn.execute("SELECT 1")
        with psycopg.connect(_plain(pg_server) + "/postgres", autocommit=True) as conn:
            conn.execute("CHECKPOINT")  # what the seed wrote is on the disk before it fills
        filler = _fill(small_disk)

        for what, call, _table in _writes(w, tmp_path):
            before = counts(system)
            with pytest.raises(DatabaseFault) as err:
                call()
            _says_disk_full(err.value)
            assert counts(system) == before, f"{what}: half-written"

        # the command line says the same, exit status 2
        log = tmp_path / "cli.log"

        def cli():
            return subprocess.run([sys.executable, "-m", "workbench.cli", "import", "time", str(tmp_path / "time.csv"),
                                   "--db", url, "--as", "S001"], capture_output=True, text=True, timeout=300,
                                  env={**os.environ, "PYTHONPATH": str(ROOT), "WORKBENCH_LOG": str(log)})

        res = cli()
        assert res.returncode == 2, (res.stdout, res.stderr)
        assert res.stderr.startswith("workbench: ") and res.stderr.count("\n") == 1, res.stderr
        assert "is full" in res.stderr and "Free some space" in res.stderr, res.stderr
        assert not leaked(res.stdout + res.stderr + (log.read_text() if log.exists() else ""))
        assert system.count("time_entries") == 0

        # a new session on the full disk: PostgreSQL refuses the connection itself ("could not
        # write init file") when the relation cache file it must write was removed; that is the
        # full disk too, not an unreachable server
        _forget_relation_cache(small_disk)
        _fill(small_disk)
        res = cli()
        assert res.returncode == 2, (res.stdout, res.stderr)
        assert "is full" in res.stderr and "Free some space" in res.stderr, res.stderr
        assert system.count("time_entries") == 0

        filler.unlink()  # space again: every write goes through
        for what, call, table in _writes(w, tmp_path):
            before = counts(system)[table]
            call()
            assert counts(system)[table] > before, what
    finally:
        forget_engines(owner, as_role(owner, APP_ROLE))
        with psycopg.connect(_plain(pg_server) + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f"DROP TABLESPACE IF EXISTS {space}")
