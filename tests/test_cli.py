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
    bad.write_text("schema_version: 1\nid: bad\ntitle: 3\n")
    assert main(["scenario", "validate", str(bad)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:3: title" in err


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
