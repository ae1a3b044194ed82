"""The validator: a scenario file is valid when it reads (``training.format``) AND plays.

Playing means a throwaway workbench database, a trainee, and the scenario's model path and
failing path played through the real engine and service: the model path must score full
marks and pass; the failing path must fail with ``failing_triggers`` among the critical
criteria it missed. A step the engine or the service refuses is reported with its line.
"""

from __future__ import annotations

import tempfile
from contextlib import contextmanager
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.records import Credential, Role, User

from training.format import Problems, parse_file, read_yaml
from training.model import Scenario

PLAYER = User("VALIDATOR", "Scenario validator", Role.TRAINEE, Credential.CMA)


@contextmanager
def scratch_workbench():
    """A fresh workbench database in a temporary folder, with a trainee to play as."""
    from workbench.service import Workbench

    with tempfile.TemporaryDirectory(prefix="scenario-check-") as folder:
        db = Path(folder) / "check.db"
        create = getattr(Workbench, "create", None)
        wb = create(db) if create is not None else Workbench.open(db)
        wb.add_user(PLAYER)
        yield wb
        wb.engine.dispose()


def play(wb, scenario: Scenario, path_name: str, problems: Problems | None = None, seed: int = 1):
    """Play one scripted path; return the grade (or None if a step was refused)."""
    from training.engine import start_attempt

    attempt = start_attempt(wb, scenario, PLAYER.id, seed=seed)
    attempt.record.scripted = True  # the author's own path: its notes are the key's
    for i, step in enumerate(getattr(scenario, path_name)):
        try:
            if step.say is not None:
                attempt.say(step.say)
            elif step.text is not None:
                attempt.say_text(step.text)
            elif step.do is not None:
                attempt.do(step.do)
            elif step.advance is not None:
                attempt.advance(step.advance)
            else:
                attempt.hang_up()
        except WorkbenchError as exc:
            if problems is None:
                raise
            problems.add((path_name, i), f"this step cannot be played: {exc}")
            attempt.end()
            return None
    attempt.end()
    return attempt.grade()


def play_problems(wb, scenario: Scenario, problems: Problems) -> None:
    grade = play(wb, scenario, "model_path", problems)
    if grade is not None:
        missed = [r for r in grade.results if not r.met]
        for r in missed:
            problems.add(("model_path",), f"the model path misses '{r.criterion_id}': {r.reason}")
        if not missed and not grade.passed:
            problems.add(("model_path",), "the model path does not pass")
    grade = play(wb, scenario, "failing_path", problems)
    if grade is not None:
        if grade.passed:
            problems.add(("failing_path",), f"the failing path passes ({grade.percent:g}%)")
        elif scenario.failing_triggers not in grade.failed_critical:
            problems.add(("failing_triggers",), f"the failing path does not trip "
                         f"'{scenario.failing_triggers}' (it trips: "
                         f"{', '.join(grade.failed_critical) or 'no critical criterion'})")


def validate_file(path: str | Path, play_paths: bool = True, wb=None,
                  warnings: list[str] | None = None) -> list[str]:
    """Every problem with one scenario file, each as ``file:line: field: message``. Warnings
    (labels whose length gives the answer away) go to ``warnings`` when a list is given."""
    scenario, problems = parse_file(path)
    if scenario is not None and warnings is not None:
        from training.lint import label_warnings

        _, notes = read_yaml(path)
        for where, message in label_warnings(scenario):
            notes.add(where, message)
        warnings.extend(notes.items)
    if problems or not play_paths:
        return problems
    _, lines = read_yaml(path)
    if wb is not None:
        play_problems(wb, scenario, lines)
    else:
        with scratch_workbench() as scratch:
            play_problems(scratch, scenario, lines)
    return lines.items


def validate_shift(path: str | Path, library: dict, wb=None) -> list[str]:
    """Problems with a shift file; a valid shift's model play passes every case."""
    from training.shifts import parse_shift

    shift, problems = parse_shift(path, library)
    if problems:
        return problems
    from training.shift_play import play_shift_path, start_shift

    def check(w) -> list[str]:
        attempt = play_shift_path(start_shift(w, shift, PLAYER.id, library, seed=1), library)
        grade = attempt.grade()
        out = Problems(str(path), read_yaml(path)[1].lines)
        for pid, sid, ok in grade.cases:
            if not ok:
                missed = [r.criterion_id for r in grade.results if r.patient_id == pid and not r.met]
                out.add(("cases",), f"playing every model path, '{sid}' does not pass "
                        f"(missed: {', '.join(missed)})")
        return out.items

    if wb is not None:
        return check(wb)
    with scratch_workbench() as scratch:
        return check(scratch)
