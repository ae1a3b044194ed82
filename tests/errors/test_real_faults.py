"""Faults made for real, not injected: a PostgreSQL server stopped while an import is writing, and
a SQLite file whose write lock another program holds past the busy timeout. Each time the
command line prints a sentence (never a traceback), exits 2 and leaves nothing half-written."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from conftest import (  # noqa: E402
    OWNER_ROLE,
    STAFF,
    _as_postgres,
    _free_port,
    _pg_bin,
    _plain,
    grant_app_roles,
    new_pg_database,
    sample_patient,
)

from workbench.service import Workbench  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
HEADER = "entry_id,patient_id,staff_id,started_at,ended_at,minutes,activity,note,voids_entry_id\n"
SECRETS = ("Ada", "Lovelace", "Ben", "Franklin", "private-note-text")


def _time_file(folder: Path, rows: int) -> Path:
    """``rows`` manual time rows over two patients and two care managers, on distinct minutes."""
    path = folder / "time.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        for n in range(rows):
            day, minute = 1 + n % 28, n // 28
            out.write(f"R{n},P0000{1 + n % 2},S00{1 + n % 2},2026-11-{day:02d}T"
                      f"{7 + minute // 60 % 12:02d}:{minute % 60:02d}:00-05:00,,1,care_plan,private-note-text,\n")
    return path


def _cli(argv: list[str], env: dict[str, str] | None = None) -> subprocess.Popen:
    run_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.Popen([sys.executable, "-m", "workbench.cli", *argv], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=run_env)


def _sentence_not_traceback(err: str, *words: str) -> None:
    assert "Traceback" not in err and "psycopg" not in err and "sqlite3." not in err, err
    for word in words:
        assert word in err, err
    for secret in SECRETS:
        assert secret not in err, err


def _seed(url: str) -> None:
    system = Workbench.open(url)
    for user in STAFF:
        system.add_user(user)
    system.add_patient(sample_patient())
    system.add_patient(sample_patient("P00002", first_name="Ben", last_name="Franklin"))
    system.engine.dispose()


# ----------------------------------------------------------------- PostgreSQL stopped mid-import

class _Server:
    """A PostgreSQL server of this test's own, so that it can be stopped and started again."""

    def __init__(self) -> None:
        self.bin = _pg_bin()
        self.tmp = tempfile.mkdtemp(prefix="wb-pg-stop-")
        if os.geteuid() == 0:
            shutil.chown(self.tmp, "postgres")
        self.data, self.port = os.path.join(self.tmp, "data"), _free_port()
        subprocess.run(_as_postgres([f"{self.bin}/initdb", "-D", self.data, "-A", "trust", "-U", "postgres"]),
                       check=True, capture_output=True)
        self.base = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}"

    def start(self) -> None:
        subprocess.run(_as_postgres([f"{self.bin}/pg_ctl", "-D", self.data, "-l",
                                     os.path.join(self.tmp, "log"), "-w", "-o",
                                     f"-k {self.tmp} -p {self.port} -c listen_addresses=127.0.0.1",
                                     "start"]), check=True, capture_output=True)

    def crash(self) -> None:
        """Stop at once, as a power cut or `pg_ctl stop -m immediate` does (SIGQUIT to the postmaster)."""
        pid = int(Path(self.data, "postmaster.pid").read_text().split()[0])
        os.kill(pid, signal.SIGQUIT)

    def stop(self) -> None:
        subprocess.run(_as_postgres([f"{self.bin}/pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop"]),
                       capture_output=True)


@pytest.fixture
def own_server():
    if _pg_bin() is None:
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql); .ci/run installs it")
    server = _Server()
    server.start()
    import psycopg

    with psycopg.connect(_plain(server.base) + "/postgres", autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {OWNER_ROLE} LOGIN CREATEROLE NOSUPERUSER NOCREATEDB")
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(server.tmp, ignore_errors=True)


def _rows_locked(base: str, database: str) -> bool:
    """Whether some transaction holds the row-write lock on time_entries: the import is writing."""
    import psycopg

    with psycopg.connect(f"{_plain(base)}/{database}", autocommit=True, connect_timeout=5) as conn:
        return bool(conn.execute(
            "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "WHERE c.relname = 'time_entries' AND l.mode = 'RowExclusiveLock' AND l.granted").fetchone()[0])


@pytest.mark.postgres
def test_postgresql_stopped_while_an_import_writes_is_a_sentence_and_nothing_is_written(own_server, tmp_path):
    from workbench.store import create_database

    owner = new_pg_database(own_server.base)
    create_database(owner)
    url = grant_app_roles(owner)
    _seed(url)
    database = url.rsplit("/", 1)[1]
    path = _time_file(tmp_path, 30_000)

    proc = _cli(["import", "time", str(path), "--db", url, "--as", "S004"],
                {"WORKBENCH_LOG": str(tmp_path / "workbench.log")})
    deadline = time.monotonic() + 240
    while not _rows_locked(own_server.base, database):
        assert proc.poll() is None, "the import ended before it wrote: " + proc.communicate()[1]
        assert time.monotonic() < deadline, "the import never started writing"
        time.sleep(0.02)
    own_server.crash()
    out, err = proc.communicate(timeout=120)

    assert proc.returncode == 2, (out, err)
    _sentence_not_traceback(err, "PostgreSQL server")
    log = tmp_path / "workbench.log"
    logged = log.read_text() if log.exists() else ""
    assert not [secret for secret in SECRETS if secret in logged], "the log holds patient data"
    own_server.start()  # crash recovery: the import's transaction is rolled back
    system = Workbench.open(url)
    assert system.count("time_entries") == 0
    # the same file imports whole once the server is back
    again = _cli(["import", "time", str(path), "--db", url, "--as", "S004"])
    out, err = again.communicate(timeout=600)
    assert again.returncode == 0, err
    assert system.count("time_entries") == 30_000
    system.engine.dispose()


# ----------------------------------------------------------------- SQLite locked past the busy timeout

def test_a_sqlite_file_locked_past_the_busy_timeout_is_a_sentence_and_nothing_is_written(tmp_path):
    from workbench.store import create_database

    db = tmp_path / "workbench.db"
    url = f"sqlite:///{db}"
    create_database(url)
    _seed(url)
    path = _time_file(tmp_path, 50)

    holder = sqlite3.connect(db, isolation_level=None)  # another program, holding the write lock
    holder.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        proc = _cli(["import", "time", str(path), "--db", str(db), "--as", "S004"],
                    {"WORKBENCH_SQLITE_BUSY_SECONDS": "2", "WORKBENCH_LOG": str(tmp_path / "w.log")})
        out, err = proc.communicate(timeout=120)
        waited = time.monotonic() - started
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert proc.returncode == 2, (out, err)
    _sentence_not_traceback(err, "stayed locked by another program", "busy timeout (2 seconds)",
                            "nothing was written")
    assert waited >= 2, "refused before the busy timeout had passed"
    log = tmp_path / "w.log"
    assert not [secret for secret in SECRETS if log.exists() and secret in log.read_text()]
    system = Workbench.open(url)
    assert system.count("time_entries") == 0
    # once the other program lets go, the same import goes through
    proc = _cli(["import", "time", str(path), "--db", str(db), "--as", "S004"])
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert system.count("time_entries") == 50
