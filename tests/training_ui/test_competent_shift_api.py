"""The competent care manager's Monday (``competent_shift.py``) played through the engine, as
the pages play it: it passes every case and the shift-level criterion, with no note flagged as
copied. When the browser test fails and this passes, the pages are at fault, not the play."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from competent_shift import ORDER, SHIFT, own_path  # noqa: E402
from training_ui_helpers import TRAINEE  # noqa: E402

from workbench.service import Workbench  # noqa: E402


def test_the_competent_shift_passes_when_played_through_the_engine(db, library):
    from training.shift_play import start_shift
    from training.shifts import get_shift

    wb = Workbench.open(db).as_user(TRAINEE.id)
    attempt = start_shift(wb, get_shift(SHIFT, library), TRAINEE.id, library, seed=3)
    pids = {c.scenario_id: c.patient_id for c in attempt.record.cases}
    for sid in ORDER:
        pid = pids[sid]
        attempt.call(pid)
        for step in own_path(library[sid]):
            if step.say is not None:
                attempt.say(step.say)
            elif step.do is not None:
                attempt.do(step.do, patient_id=pid)
            elif step.advance is not None:
                attempt.advance(step.advance)
            elif step.hang_up:
                attempt.hang_up()
        if attempt.record.active:
            attempt.hang_up()
    attempt.end()
    grade = attempt.grade()
    assert grade.passed, [(r.patient_id, r.criterion_id, r.reason) for r in grade.results if not r.met]
    assert not attempt.record.scripted and grade.flags == ()
    assert {sid for _pid, sid, ok in grade.cases if ok} == set(ORDER)


def test_the_model_notes_copied_into_the_same_play_are_not_credited(db, library):
    from training.shift_play import start_shift
    from training.shifts import get_shift

    wb = Workbench.open(db).as_user(TRAINEE.id)
    attempt = start_shift(wb, get_shift(SHIFT, library), TRAINEE.id, library, seed=3)
    sc = library["checkin-hypertension-arthritis"]
    pid = next(c.patient_id for c in attempt.record.cases if c.scenario_id == sc.id)
    attempt.call(pid)
    for step in sc.model_path:  # the model's own notes, typed by a trainee
        if step.say is not None:
            attempt.say(step.say)
        elif step.do is not None:
            attempt.do(step.do, patient_id=pid)
    attempt.end()
    grade = attempt.grade()
    (note,) = [r for r in grade.results if r.patient_id == pid and r.criterion_id == "call-note"]
    assert not note.met and "copies the scenario's model note" in note.reason
    assert any(f.startswith(pid) and "model note" in f for f in grade.flags)
