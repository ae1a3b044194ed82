"""Every bad import file of the tables, through the real command line, on SQLite and PostgreSQL.

The tables of tests/validation (time, patients and staff files) and of tests/intake_fhir (FHIR
bundles and bulk exports) check their refusals in this process. Here each refused file goes through
``workbench import KIND FILE --db URL --as STAFF`` in a process of its own, as a person would run
it: exit status 2, one sentence on standard error (the refusal; an import's per-line problems
follow it, each on an indented line), never a traceback, no patient name or note in anything it
prints, and not one row written.

The import files are taken from the tables themselves: each refused case is run once against a
stand-in for the workbench whose import functions only note the file they were given.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VALIDATION = ROOT / "tests" / "validation"
sys.path.insert(0, str(VALIDATION))
from cases import Refused, counts  # noqa: E402

from tests.conftest import STAFF, forget_engines, new_app_database, sample_patient  # noqa: E402
from tests.support.log_guard import leaked  # noqa: E402

TABLES = ("test_reported_cases", "test_more_bad_inputs", "test_import_identifiers")
IMPORTERS = {"import_time": "time", "import_patients": "patients", "import_staff": "staff"}


@dataclass(frozen=True)
class FileCase:
    id: str
    kind: str  #: time, patients, staff or fhir
    user: str  #: the staff id the import runs as
    content: str | bytes | dict | None
    name: str | None = None
    update: bool = False
    words: tuple[str, ...] = ()
    setup: object = None  #: setup(wb) of the table's case, run on the database first
    change: object = None  #: FHIR: the table's change to the files


class _Noted(Exception):
    """Raised by the stand-in import functions once they have noted their file."""


class _StandIn:
    """What a table's case sees as the workbench: only who it is signed in as."""

    def __init__(self, uid: str) -> None:
        self.uid = uid

    def as_user(self, uid: str) -> _StandIn:
        return _StandIn(uid)


def _table(name: str):
    spec = importlib.util.spec_from_file_location(f"_cli_{name}", VALIDATION / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _csv_cases() -> list[FileCase]:
    found = []
    for table in TABLES:
        module = _table(table)
        for case in module.CASES:
            if not isinstance(case.expect, Refused):
                continue
            noted = []

            def stand_in(kind, noted=noted):
                def imp(wb, given, update=False):
                    noted.append((kind, wb.uid, given, update))
                    raise _Noted
                return imp

            saved = {n: getattr(module, n) for n in IMPORTERS if hasattr(module, n)}
            for n in saved:
                setattr(module, n, stand_in(IMPORTERS[n]))
            try:
                case.run(_StandIn("S001"), lambda content, name=None: (content, name))
            except _Noted:
                pass
            except Exception:  # noqa: BLE001 - a service call, not an import file: not for the command line
                continue
            finally:
                for n, fn in saved.items():
                    setattr(module, n, fn)
            assert len(noted) == 1, f"{case.id}: {noted}"
            kind, uid, (content, name), with_update = noted[0]
            found.append(FileCase(f"{table[5:]}:{case.id}", kind, uid, content, name, with_update,
                                  case.expect.words, case.setup))
    return found


def _fhir_cases() -> list[FileCase]:
    from tests.intake_fhir import test_import as bulk_table
    from tests.intake_fhir import test_plans_and_patients as plan_table

    found = []
    for case, kind, change, words in bulk_table.BAD:
        found.append(FileCase(f"fhir bulk:{case}", "fhir", "S004", None, kind, words=(words,), change=change))
    for case, change, words in plan_table.BAD:
        bundle = plan_table._bundle()
        change(bundle)
        found.append(FileCase(f"fhir bundle:{case}", "fhir", "S004", bundle, "b.json", words=(words,)))
    return found


CASES = _csv_cases() + _fhir_cases()

#: every case on SQLite; on PostgreSQL every FHIR case and every third file of each table and kind
#: (the whole table there takes minutes of subprocesses on a small machine; the rules are the same)
RUNS = [pytest.param("sqlite", c, id=f"sqlite-{c.id}") for c in CASES] + [
    pytest.param("postgresql", c, id=f"postgresql-{c.id}") for n, c in enumerate(CASES)
    if c.kind == "fhir" or n % 3 == 0]


def test_the_tables_give_files_of_every_kind_on_both_databases():
    for backend in ("sqlite", "postgresql"):
        cases = [p.values[1] for p in RUNS if p.values[0] == backend]
        assert {c.kind for c in cases} == {"time", "patients", "staff", "fhir"}, backend
        for kind in ("time", "patients", "staff", "fhir"):
            assert sum(c.kind == kind for c in cases) >= 3, (backend, kind)


@pytest.fixture(scope="module")
def cli_db(request, tmp_path_factory):
    """A database on each backend with the tables' staff and patients: (workbench as S001, URL)."""
    from workbench.clock import FixedClock
    from workbench.service import Workbench
    from workbench.store import create_database

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('cli-tables') / 'workbench.db'}"
        create_database(url)
    else:
        url = new_app_database(request.getfixturevalue("pg_server"))
    system = Workbench.open(url, clock=FixedClock(datetime(2026, 11, 10, 15, 0, tzinfo=UTC)))
    for u in STAFF:
        system.add_user(u)
    system.add_patient(sample_patient())
    system.add_patient(sample_patient("P00002", first_name="Ben", last_name="Franklin"))
    yield system.as_user("S001"), url
    forget_engines(url)


@pytest.fixture(scope="module")
def small_bulk(tmp_path_factory):
    from simulated_patients.fhir_bulk import write_bulk_export

    folder = tmp_path_factory.mktemp("bulk") / "export"
    write_bulk_export(folder, 6, seed=11)
    names = set()
    for line in (folder / "Patient.ndjson").read_text().splitlines():
        for name in json.loads(line).get("name", []):
            names.update(n for n in [name.get("family"), *name.get("given", [])] if n and len(n) > 3)
    return folder, names


def workbench_command() -> list[str]:
    """The installed ``workbench`` script next to this Python, else the package's ``-m`` form."""
    script = Path(sys.executable).parent / "workbench"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "workbench.cli"]


def _write(case: FileCase, folder: Path, small_bulk) -> tuple[Path, set[str]]:
    from tests.intake_fhir.test_import import _edit

    if case.kind == "fhir" and case.change is not None:  # a bulk export with one file changed
        target = folder / "bulk"
        shutil.copytree(small_bulk[0], target)
        if case.id.endswith("not JSON"):
            path = target / "Condition.ndjson"
            lines = path.read_text().splitlines()
            lines[1] = lines[1][:40]
            path.write_text("\n".join(lines) + "\n")
        else:
            _edit(target, case.name, case.change)
        return target, small_bulk[1]
    path = folder / (case.name or f"{case.kind}.csv")
    if isinstance(case.content, dict):
        path.write_text(json.dumps(case.content))
        return path, {"Okafor", "Ngozi"}
    path.write_bytes(case.content if isinstance(case.content, bytes) else case.content.encode("utf-8"))
    return path, set()


PROGRESS = re.compile(r"^[A-Z][\w ]*: +\d+%\|")  #: a progress bar's line (``Checking FHIR:  20%|``)


def assert_one_sentence(err: str) -> None:
    """One sentence on standard error: ``workbench: ...`` ending with a full stop (or a colon
    before its list), with only detail lines (an import's problems, indented or dashed) after it;
    a progress bar before it is allowed."""
    assert "Traceback" not in err and 'File "' not in err, err
    lines = [line for line in err.rstrip("\n").splitlines() if line.strip() and not PROGRESS.match(line)]
    assert lines and lines[0].startswith("workbench: "), err
    head = lines[0]
    if len(lines) > 1:
        assert head.endswith(":") or head.endswith("."), err
        assert all(line.startswith(("  ", "- ")) for line in lines[1:]), err
    else:
        assert head.rstrip().endswith((".", "?", ")")), err


@pytest.mark.parametrize("cli_db,case", RUNS, indirect=["cli_db"])
def test_a_bad_import_file_through_the_command_line(cli_db, small_bulk, tmp_path, case):
    wb, url = cli_db
    if case.setup is not None:
        case.setup(wb)
    path, names = _write(case, tmp_path, small_bulk)
    before = counts(wb)
    who = ["--user", case.user] if case.kind == "fhir" else ["--as", case.user]
    argv = [*workbench_command(), "import", case.kind, str(path), "--db", url, *who,
            *(["--update"] if case.update else [])]
    log = tmp_path / "workbench.log"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "WORKBENCH_LOG": str(log)}
    env.pop("WORKBENCH_DB", None)
    res = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=300)

    assert res.returncode == 2, (res.stdout, res.stderr)
    assert_one_sentence(res.stderr)
    for word in case.words:
        assert word in res.stderr, f"{word!r} not in {res.stderr!r}"
    printed = res.stdout + res.stderr + (log.read_text() if log.exists() else "")
    assert not leaked(printed), printed
    assert not [n for n in names if n in printed], printed
    assert counts(wb) == before, "a refused file wrote something"
