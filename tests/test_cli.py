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
    wb = Workbench.open(db)
    wb.add_user(r.User("S001", "Rita", r.Role.CARE_MANAGER, r.Credential.RN))
    from datetime import date

    wb.add_patient(r.Patient("P1", "A", "B", date(1950, 1, 1), "F"))
    wb.as_user("S001").start_timer("P1")
    assert main(["timers", "--db", db]) == 0
    assert "patient P1" in capsys.readouterr().out


def test_console_script_runs():
    out = subprocess.run([sys.executable, "-m", "workbench.cli", "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "CCM Workbench" in out.stdout
