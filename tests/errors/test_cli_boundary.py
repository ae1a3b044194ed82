"""The command line's error boundary, on SQLite and PostgreSQL: for every bad input and fault in
these tables a command answers with one sentence on standard error and exit status 2, never a
Python traceback, and neither the sentence nor the log file carries a patient's name or a note.
(The bad import files of the validation tables go through the command line in
test_cli_import_tables.py.)

Most cases run ``workbench.cli.main`` in this process (fast); a few run the installed
``workbench`` command in a subprocess, as a person would, to prove the same of the real script.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import STAFF, as_role, forget_engines, new_app_database, sample_patient
from workbench.cli import main
from workbench.service import Workbench

ROOT = Path(__file__).resolve().parents[2]
SECRETS = ("Ada", "Lovelace", "private-note-text")


@pytest.fixture(params=["sqlite", "postgresql"])
def env(request, tmp_path, monkeypatch):
    """A migrated database on each backend (``DB``: its path or URL), files of every bad kind
    (among them a truncated SQLite file), a log file."""
    monkeypatch.setenv("WORKBENCH_LOG", str(tmp_path / "wb.log"))
    monkeypatch.delenv("WORKBENCH_DB", raising=False)
    monkeypatch.delenv("WORKBENCH_NOW", raising=False)
    sqlite_file = tmp_path / ("w.db" if request.param == "sqlite" else "other.db")
    assert main(["init", "--db", str(sqlite_file)]) == 0
    if request.param == "sqlite":
        DB[tmp_path] = str(sqlite_file)
    else:
        DB[tmp_path] = new_app_database(request.getfixturevalue("pg_server"))
    url = DB[tmp_path] if request.param == "postgresql" else f"sqlite:///{sqlite_file}"
    system = Workbench.open(url)  # the staff, and a patient whose name must never show
    for user in STAFF:
        system.add_user(user)
    system.add_patient(sample_patient())
    (tmp_path / "text.db").write_text("not a database\n")
    (tmp_path / "trunc.db").write_bytes(sqlite_file.read_bytes()[:3000])
    (tmp_path / "scenario.yaml").write_bytes(b"id: x\ntitle: \xff\xfe caf\xe9\n")
    (tmp_path / "staff.csv").write_text("staff_id,name,role,credential,state\nS001,Rita Nurse,care_manager,RN,NY\n")
    (tmp_path / "new-staff.csv").write_text("staff_id,name,role,credential,state\nS201,Nia New,care_manager,RN,NY\n")
    yield tmp_path
    DB.pop(tmp_path)
    forget_engines(url)


#: the database of each test's folder: a SQLite path, or a PostgreSQL app role's URL
DB: dict[Path, str] = {}


def _cases(t: Path) -> list[tuple[str, list[str], dict, str]]:
    db = DB[t]
    return _on_postgresql(db) + [
        # --out into a missing folder or onto a folder
        ("report month into a missing folder", ["report", "month", "--month", "2026-11", "--db", db, "--format",
                                                "csv", "--out", str(t / "none" / "r.csv")], {}, "no such file"),
        ("report month onto a folder", ["report", "month", "--month", "2026-11", "--db", db, "--format", "csv",
                                        "--out", str(t)], {}, "is a folder"),
        ("claims into a missing folder", ["report", "claims", "--month", "2026-11", "--db", db, "--out",
                                          str(t / "none" / "c.csv")], {}, "no such file"),
        ("claims onto a folder", ["report", "claims", "--month", "2026-11", "--db", db, "--out", str(t)], {},
         "is a folder"),
        ("scenario schema into a missing folder", ["scenario", "schema", "--out", str(t / "none" / "s.json")], {},
         "no such file"),
        ("scenario schema onto a folder", ["scenario", "schema", "--out", str(t)], {}, "is a folder"),
        # --db that is not a database
        ("--db a text file", ["timers", "--db", str(t / "text.db")], {}, "not a workbench database"),
        ("--db a truncated database", ["timers", "--db", str(t / "trunc.db")], {}, "not a workbench database"),
        ("--db a folder", ["timers", "--db", str(t)], {}, "no workbench database"),
        ("--db a MySQL URL", ["timers", "--db", "mysql://u:p@localhost/ccm"], {}, "mysql://"),
        ("--db a SQL Server URL", ["timers", "--db", "mssql+pyodbc://u@dsn"], {}, "mssql://"),
        ("--db a garbage PostgreSQL URL", ["timers", "--db", "postgresql://garbage:::@@/x"], {},
         "not a PostgreSQL URL"),
        ("--db a stopped PostgreSQL server", ["timers", "--db", "postgresql://ccm_app@127.0.0.1:1/ccm"], {},
         "Cannot reach the PostgreSQL server"),
        # the environment
        ("WORKBENCH_NOW garbage", ["timers", "--db", db], {"WORKBENCH_NOW": "garbage"}, "WORKBENCH_NOW"),
        ("WORKBENCH_NOW without offset", ["timers", "--db", db], {"WORKBENCH_NOW": "2026-12-01T11:00"},
         "offset"),
        ("WORKBENCH_NOW year 10000", ["timers", "--db", db], {"WORKBENCH_NOW": "+10000-01-01T00:00Z"},
         "WORKBENCH_NOW"),
        # files
        ("scenario file not UTF-8", ["scenario", "validate", str(t / "scenario.yaml")], {}, ""),
        ("import a missing file", ["import", "staff", str(t / "none.csv"), "--db", db], {}, "No such file"),
        ("import into a text file database", ["import", "staff", str(t / "staff.csv"), "--db",
                                              str(t / "text.db")], {}, "not a workbench database"),
        ("month that is no month", ["report", "month", "--month", "2026-13", "--db", db], {}, "2026-13"),
    ]


def _on_postgresql(db: str) -> list[tuple[str, list[str], dict, str]]:
    """Faults only a PostgreSQL database has: a missing database or role, a read-only role."""
    if not db.startswith("postgresql"):
        return []
    from workbench.store.roles import READONLY_ROLE

    return [
        ("--db a database that does not exist", ["timers", "--db", db + "_missing"], {}, "has no database"),
        ("--db a role that does not exist", ["timers", "--db", as_role(db, "nobody_here")], {},
         'no role "nobody_here"'),
        ("import as the read-only role", ["import", "staff", "{t}/new-staff.csv", "--db",
                                          as_role(db, READONLY_ROLE), "--as", "S004"], {}, "permission denied"),
    ]


def _check(label: str, code: int, err: str, match: str) -> None:
    assert "Traceback" not in err, f"{label}: {err}"
    assert code != 0, f"{label}: exit 0"
    assert err.startswith("workbench: ") or err.startswith("usage:") or "error" in err.lower(), f"{label}: {err}"
    assert match.lower() in err.lower(), f"{label}: {err}"
    for secret in SECRETS:
        assert secret not in err


def test_no_command_prints_a_traceback_for_any_bad_input_or_fault(env, capsys, monkeypatch):
    for label, argv, extra, match in _cases(env):
        argv = [a.replace("{t}", str(env)) for a in argv]
        with monkeypatch.context() as m:
            for k, v in extra.items():
                m.setenv(k, v)
            code = main(argv)
        out = capsys.readouterr()
        _check(label, code, out.err, match)
        assert len(out.err.strip().splitlines()) <= 30, f"{label}: {out.err}"
    log = env / "wb.log"
    if log.exists():
        text = log.read_text()
        for secret in SECRETS:
            assert secret not in text


def test_an_unexpected_failure_names_the_log_file_which_holds_the_redacted_traceback(env, capsys, monkeypatch):
    from sqlalchemy.exc import IntegrityError

    from workbench.service import Workbench

    first, last, note = SECRETS  # (the traceback shows this file's source lines: no literals in them)
    orig = Exception(f"duplicate key value\nDETAIL:  Key (first_name)=({first}) already exists.\n"
                     f"Failing row contains (P9, {first}, {last}, {note}).")

    def boom(self, *a, **k):
        raise IntegrityError("INSERT INTO patients (id, first_name) VALUES (?, ?)", ("P9", first), orig)

    def crash(self, *a, **k):
        raise RuntimeError("an unforeseen fault")

    monkeypatch.setattr(Workbench, "open_timers", boom)
    monkeypatch.setattr(Workbench, "month_report", crash)
    db = DB[env]
    for argv in (["timers", "--db", db], ["report", "month", "--month", "2026-11", "--db", db]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.startswith("workbench: ") and "Traceback" not in err and "Ada" not in err
        if argv[0] == "report":
            assert f"Something went wrong; nothing was written; the details are in {env / 'wb.log'}" in err
    text = (env / "wb.log").read_text()
    assert text.count("Traceback") == 2 and "IntegrityError" in text and "an unforeseen fault" in text
    for secret in SECRETS:
        assert secret not in text


@pytest.mark.parametrize("argv,extra,match", [
    (["timers", "--db", "mysql://u@h/db"], {}, "mysql://"),
    (["report", "month", "--month", "2026-11", "--db", "{db}", "--format", "csv", "--out", "{t}/no/r.csv"], {},
     "no such file"),
    (["timers", "--db", "{db}"], {"WORKBENCH_NOW": "garbage"}, "WORKBENCH_NOW"),
    (["report", "claims", "--month", "2026-11", "--db", "{db}", "--out", "{t}"], {}, "is a folder"),
    (["import", "staff", "{t}/scenario.yaml", "--db", "{db}", "--as", "S001"], {}, ""),
])
def test_the_installed_command_prints_a_sentence_not_a_traceback(env, argv, extra, match):
    run_env = {**os.environ, "PYTHONPATH": str(ROOT), **extra}
    argv = [a.replace("{db}", DB[env]).replace("{t}", str(env)) for a in argv]
    res = subprocess.run([sys.executable, "-m", "workbench.cli", *argv], capture_output=True, text=True,
                         env=run_env, timeout=120)
    _check(" ".join(argv), res.returncode, res.stderr, match)
