"""The workbench command: --help everywhere, init, timers, clear errors."""

import argparse
import subprocess
import sys

import pytest

from workbench.cli import build_parser, main


def _all_subcommands(parser, prefix=()):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield (*prefix, name)
                yield from _all_subcommands(sub, (*prefix, name))


COMMANDS = list(_all_subcommands(build_parser()))


def test_every_command_is_listed():
    assert {c[0] for c in COMMANDS} >= {"init", "demo", "serve", "report", "import", "panel",
                                        "scenario", "gradebook", "timers"}
    assert ("report", "month") in COMMANDS and ("import", "time") in COMMANDS


@pytest.mark.parametrize("command", [()] + COMMANDS, ids=lambda c: " ".join(c) or "workbench")
def test_help(command, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([*command, "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: workbench") and "--help" in out


def test_init_creates_a_database_and_sets_the_practice(tmp_path, capsys):
    db = tmp_path / "x.db"
    assert main(["init", "--db", str(db), "--timezone", "America/Chicago", "--state", "tx"]) == 0
    assert db.exists()
    out = capsys.readouterr().out
    assert "TX" in out and "America/Chicago" in out


def test_init_refuses_an_unknown_time_zone(tmp_path, capsys):
    assert main(["init", "--db", str(tmp_path / "x.db"), "--timezone", "Mars/Olympus"]) == 2
    assert "Unknown time zone" in capsys.readouterr().err


# ---------------------------------------------------------------------- init: the practice's settings

GOOD_SETTINGS = [  # (flags, settings key, value stored)
    (["--practice-name", "Main Street Practice"], "name", "Main Street Practice"),
    (["--name", "  Old Flag Practice "], "name", "Old Flag Practice"),
    (["--timezone", "America/Chicago"], "timezone", "America/Chicago"),
    (["--state", "tx"], "state", "TX"),
    (["--practice-phone", "(518) 555-0100"], "phone", "(518) 555-0100"),
    (["--practice-phone", "+1 518 555 0100 ext. 12"], "phone", "+1 518 555 0100 ext. 12"),
    (["--practice-phone", " 518.555.0100 "], "phone", "518.555.0100"),
    (["--after-hours-phone", "(518) 555-0199"], "after_hours_phone", "(518) 555-0199"),
    (["--after-hours-phone", "1-800-555-0199"], "after_hours_phone", "1-800-555-0199"),
    (["--after-hours-phone", "555-0199"], "after_hours_phone", "555-0199"),
    (["--after-hours-phone", "518-555-0199x7"], "after_hours_phone", "518-555-0199x7"),
]

BAD_SETTINGS = [  # (flags, words the error must contain)
    (["--practice-phone", "call the front desk"], "--practice-phone: Practice phone 'call the front desk' is not a "
                                                  "telephone number"),
    (["--practice-phone", "1-800-FLOWERS"], "--practice-phone: Practice phone '1-800-FLOWERS'"),
    (["--practice-phone", "555-010"], "7 to 15 digits"),
    (["--practice-phone", "+1 518 555 0100 0100 01"], "7 to 15 digits"),
    (["--practice-phone", "5" * 33], "the limit is 32"),
    (["--after-hours-phone", "911"], "--after-hours-phone: 24/7 line '911' is not a telephone number"),
    (["--after-hours-phone", "(518) 555-0199 / (518) 555-0198"], "--after-hours-phone: 24/7 line"),
    (["--after-hours-phone", "518\n5550199"], "--after-hours-phone"),
    (["--timezone", "Mars/Olympus"], "--timezone: Unknown time zone 'Mars/Olympus'"),
    (["--timezone", "../../etc/passwd"], "--timezone: Unknown time zone"),
    (["--timezone", ""], "--timezone: Time zone is required"),
    (["--state", "New York"], "--state: state 'New York' is not a two-letter US state code"),
    (["--state", ""], "--state: state is required"),
    (["--practice-name", ""], "--practice-name: Practice name is required"),
    (["--practice-name", "Main\tStreet"], "--practice-name: Practice name must be one line"),
    (["--practice-phone", "abc", "--state", "XX"], "--state: state 'XX'"),  # every bad flag is named
]


def _settings_of(db):
    from workbench.service import Workbench

    return Workbench.open(str(db)).settings


@pytest.mark.parametrize("flags,key,stored", GOOD_SETTINGS, ids=lambda x: x if isinstance(x, str) else None)
def test_init_sets_one_practice_setting(tmp_path, capsys, flags, key, stored):
    db = tmp_path / "x.db"
    assert main(["init", "--db", str(db), *flags]) == 0
    assert getattr(_settings_of(db), key) == stored
    assert stored in capsys.readouterr().out


@pytest.mark.parametrize("flags,words", BAD_SETTINGS, ids=lambda x: " ".join(x) if isinstance(x, list) else None)
def test_init_refuses_a_bad_setting_and_creates_nothing(tmp_path, capsys, flags, words):
    db = tmp_path / "x.db"
    assert main(["init", "--db", str(db), *flags]) == 2
    err = capsys.readouterr().err
    assert words in err and "Nothing was created or changed" in err
    assert not db.exists()


@pytest.mark.parametrize("flags,words", BAD_SETTINGS, ids=lambda x: " ".join(x) if isinstance(x, list) else None)
def test_init_refuses_a_bad_setting_and_changes_nothing(tmp_path, capsys, flags, words):
    db = tmp_path / "x.db"
    assert main(["init", "--db", str(db), "--practice-name", "Kept", "--practice-phone", "(518) 555-0100",
                 "--after-hours-phone", "(518) 555-0199", "--state", "NJ"]) == 0
    before = _settings_of(db)
    assert main(["init", "--db", str(db), *flags]) == 2
    assert words in capsys.readouterr().err
    assert _settings_of(db) == before


def test_init_changes_only_the_settings_given(tmp_path, capsys):
    db = tmp_path / "x.db"
    assert main(["init", "--db", str(db), "--practice-phone", "(518) 555-0100",
                 "--after-hours-phone", "(518) 555-0199"]) == 0
    assert main(["init", "--db", str(db), "--timezone", "America/Chicago", "--state", "IL"]) == 0
    s = _settings_of(db)
    assert (s.phone, s.after_hours_phone, s.timezone, s.state) == ("(518) 555-0100", "(518) 555-0199",
                                                                  "America/Chicago", "IL")
    assert main(["init", "--db", str(db), "--after-hours-phone", ""]) == 0  # '' clears a phone
    assert (_settings_of(db).after_hours_phone, _settings_of(db).phone) == ("", "(518) 555-0100")
    assert "24/7 line: not set (--after-hours-phone)" in capsys.readouterr().out


def test_the_patient_copy_prints_the_24_7_line_set_by_init(tmp_path, capsys):
    from datetime import date

    from workbench import records as r
    from workbench.service import Workbench

    db = tmp_path / "x.db"
    assert main(["init", "--db", str(db), "--practice-name", "Main Street Practice",
                 "--practice-phone", "(518) 555-0100", "--after-hours-phone", "(518) 555-0177"]) == 0
    wb = Workbench.open(str(db))
    wb.add_user(r.User("S001", "Rita Nurse", r.Role.CARE_MANAGER, r.Credential.RN, "NY"))
    wb.add_patient(r.Patient("P1", "Ada", "Lovelace", date(1950, 3, 4), "F", "NY", care_team_member_id="S001"))
    assert main(["export", "patient-copy", "--patient", "P1", "--out", str(tmp_path / "copy"), "--db", str(db)]) == 0
    html = (tmp_path / "copy" / "P1.html").read_text()
    assert "(518) 555-0177" in html and "(518) 555-0100" in html and "Main Street Practice" in html
    assert "not on record yet" not in html


def test_timers_lists_open_timers(tmp_path, capsys):
    from workbench import records as r
    from workbench.service import Workbench

    db = str(tmp_path / "t.db")
    wb = Workbench.create(db)
    wb.add_user(r.User("S001", "Rita", r.Role.CARE_MANAGER, r.Credential.RN))
    from datetime import date

    wb.add_patient(r.Patient("P1", "A", "B", date(1950, 1, 1), "F"))
    wb.as_user("S001").start_timer("P1")
    assert main(["timers", "--db", db]) == 0
    assert "patient P1" in capsys.readouterr().out


def test_console_script_runs():
    out = subprocess.run([sys.executable, "-m", "workbench.cli", "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "CCM Workbench" in out.stdout


def test_scenario_list_and_validate(capsys, tmp_path):
    assert main(["scenario", "list"]) == 0
    out = capsys.readouterr().out
    assert "overdose-confusion" in out and out.strip().endswith("scenarios")
    assert main(["scenario", "validate", "training/scenarios"]) == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema_version: 2\nid: bad\ntitle: ''\n")
    assert main(["scenario", "validate", str(bad)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:3: title" in err
    assert main(["scenario", "schema", "--out", str(tmp_path / "s.json")]) == 0
    assert (tmp_path / "s.json").read_text().startswith("{")


def test_report_month_and_gradebook_export(tmp_path, capsys):
    db = str(tmp_path / "d.db")
    assert main(["demo", "--db", db, "--size", "30", "--no-serve"]) == 0
    capsys.readouterr()
    assert main(["report", "month", "--month", "2026-11", "--db", db, "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("patient_id,month,codes")
    assert main(["report", "month", "--month", "2026-13", "--db", db]) == 2
    assert "YYYY-MM" in capsys.readouterr().err
    assert main(["gradebook", "export", "--out", str(tmp_path / "gb.csv"), "--db", db]) == 0
    assert (tmp_path / "gb.csv").read_text().startswith("attempt_id,")


# ---------------------------------------------------------------------- database paths


def test_resolve_db_makes_paths_absolute_from_the_current_folder(tmp_path, monkeypatch):
    from workbench.cli.common import resolve_db

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("WORKBENCH_DB", raising=False)
    assert resolve_db("data/x.db") == str(tmp_path / "data" / "x.db")
    assert resolve_db("sqlite:///data/x.db") == f"sqlite:///{tmp_path / 'data' / 'x.db'}"
    assert resolve_db("sqlite:////abs/x.db") == "sqlite:////abs/x.db"
    assert resolve_db("postgresql://u@h/ccm") == "postgresql://u@h/ccm"
    assert resolve_db(None) is None
    monkeypatch.setenv("WORKBENCH_DB", "rel/y.db")
    assert resolve_db(None) == str(tmp_path / "rel" / "y.db")


def test_serve_hands_voila_an_absolute_database(tmp_path, monkeypatch):
    """What the kernels get as WORKBENCH_DB names the file the command meant, wherever it runs."""
    from workbench.serving import process

    seen = {}
    monkeypatch.chdir(tmp_path)
    # the process runner is the seam: what Voila would be started with, without starting it
    monkeypatch.setattr(process, "run_until_stopped", lambda argv, env: seen.update(argv=argv, env=env) or 0)
    assert main(["init", "--db", "here/w.db"]) == 0
    assert main(["serve", "--db", "here/w.db", "--demo-sign-in"]) == 0
    assert seen["env"]["WORKBENCH_DB"] == f"sqlite:///{tmp_path / 'here' / 'w.db'}"
    assert seen["argv"][1:3] == ["-m", "workbench.serving.guards"]  # Voila, with the serving guards


def test_demo_refuses_a_database_inside_the_served_folder(capsys):
    from workbench.cli.common import NOTEBOOKS

    assert main(["demo", "--db", str(NOTEBOOKS / "data" / "demo.db"), "--no-serve"]) == 2
    assert "the folder Voila serves" in capsys.readouterr().err
    assert not (NOTEBOOKS / "data").exists()


def test_demo_with_a_relative_path_from_another_folder(tmp_path, monkeypatch, capsys):
    from workbench.cli.common import NOTEBOOKS

    monkeypatch.chdir(tmp_path)
    assert main(["demo", "--db", "some/where/demo.db", "--size", "20", "--today", "2026-12-01",
                 "--no-serve"]) == 0
    out = capsys.readouterr().out
    assert (tmp_path / "some" / "where" / "demo.db").is_file()
    assert f"Demo database: {tmp_path / 'some' / 'where' / 'demo.db'} (20 patients)" in out
    assert not list(NOTEBOOKS.rglob("*.db"))
    # built once: a second run reuses it
    assert main(["demo", "--db", "some/where/demo.db", "--no-serve"]) == 0
    assert "reused" in capsys.readouterr().out


def test_demo_today_must_be_a_date(tmp_path, capsys):
    assert main(["demo", "--db", str(tmp_path / "d.db"), "--today", "1st of May", "--no-serve"]) == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err
    assert not (tmp_path / "d.db").exists()


# ---------------------------------------------------------------------- stopping


def _wait_for(url: str, proc, seconds: float = 120) -> None:
    import time
    import urllib.request

    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"workbench exited: {proc.stdout.read()[-2000:]}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"{url} did not answer within {seconds} s")


@pytest.mark.slow
@pytest.mark.parametrize("how", ["SIGTERM", "SIGINT"])
def test_signal_stops_voila_and_every_kernel(tmp_path, how):
    """A real `workbench serve`: a page starts a kernel; the signal leaves no process and a free port."""
    import signal
    import socket
    import urllib.request

    import psutil

    db = tmp_path / "w.db"
    assert main(["init", "--db", str(db)]) == 0
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "workbench.cli", "serve", "--demo-sign-in", "--db", str(db),
                             "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, cwd=tmp_path)
    try:
        _wait_for(f"http://127.0.0.1:{port}/", proc)
        urllib.request.urlopen(f"http://127.0.0.1:{port}/voila/render/index.ipynb", timeout=180).read()
        tree = psutil.Process(proc.pid).children(recursive=True)
        cmdlines = [" ".join(p.cmdline()) for p in tree]
        assert any("voila" in c for c in cmdlines) and any("ipykernel" in c for c in cmdlines), cmdlines
        proc.send_signal(getattr(signal, how))
        assert proc.wait(timeout=60) == 0
        assert "Stopped Voila and its kernels" in proc.stdout.read()
        alive = [p for p in tree if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
        assert alive == []
        with socket.socket() as sock:
            assert sock.connect_ex(("127.0.0.1", port)) != 0
    finally:
        if proc.poll() is None:
            proc.kill()


# ---------------------------------------------------------------------- start-up (figures: benchmarks/bench_cli.py)

HEAVY = ("simple_icd_10_cm", "pandas", "matplotlib", "ipywidgets", "workbench.service", "sqlalchemy")
PROBE = """
import sys
from workbench.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print("LOADED:" + ",".join(m for m in {heavy!r} if m in sys.modules), file=sys.stderr)
"""


def _loaded(argv, cwd):
    out = subprocess.run([sys.executable, "-c", PROBE.format(heavy=HEAVY), *argv], capture_output=True,
                         text=True, cwd=cwd)
    assert out.returncode == 0, out.stderr
    line = [x for x in out.stderr.splitlines() if x.startswith("LOADED:")][-1]
    return set(filter(None, line[len("LOADED:"):].split(",")))


@pytest.mark.parametrize("argv", [["--help"], ["report", "month", "--help"], ["demo", "--help"],
                                  ["import", "staff", "--help"], ["serve", "--help"]])
def test_help_imports_nothing_heavy(argv, tmp_path):
    assert _loaded(argv, tmp_path) == set()


def test_import_staff_loads_neither_icd10_tables_nor_pandas(tmp_path):
    db = tmp_path / "s.db"
    assert main(["init", "--db", str(db)]) == 0
    csv = tmp_path / "staff.csv"
    csv.write_text("staff_id,name,role,credential,state\nS101,Ann Able,care_manager,RN,NY\n")
    loaded = _loaded(["import", "staff", str(csv), "--db", str(db)], tmp_path)
    assert "workbench.service" in loaded  # the probe really ran the import
    assert not loaded & {"simple_icd_10_cm", "pandas", "matplotlib", "ipywidgets"}
