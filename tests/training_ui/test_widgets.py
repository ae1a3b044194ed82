"""Training widgets without a browser: play by clicking, assert the records and the attempt;
the rubric never in the trainee's widget state; supervisor override, release, CSV and plot."""

from __future__ import annotations

import base64
import csv
import io
import re
import sys
from dataclasses import replace
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from training_ui_helpers import (  # noqa: E402
    MANAGER, OTHER, SUPERVISOR, TRAINEE, leaks, live_patient, secret_texts, widget_state_text)

from workbench.service import Workbench  # noqa: E402

from training.attempts import StoreAttempts  # noqa: E402
from training.scenario import PathStep  # noqa: E402
from training.ui import apps  # noqa: E402
from training.ui.supervisor import SupervisorDashboard  # noqa: E402
from training.ui.trainee import PlayerView, TraineeHome  # noqa: E402

OVERDOSE = "overdose-confusion"
EVIL = '<script>alert("x")</script>'


def click_option(player: PlayerView, action_id: str) -> None:
    button = next((b for b in player.options.children if f"trn-option-{action_id}" in b._dom_classes), None)
    assert button is not None, f"{action_id} is not offered: {[b.description for b in player.options.children]}"
    button.click()


def trainee_home(db, user=TRAINEE, scenarios=None) -> TraineeHome:
    wb = Workbench.open(db).as_user(user.id)
    return TraineeHome(wb, StoreAttempts(wb), scenarios)


def play_model(home: TraineeHome, scenario, notes: dict[str, str] | None = None) -> PlayerView:
    player = home.start(scenario.id)
    assert player is not None, home.msg.value
    for step in scenario.model_path:
        if player.attempt.finished:
            break
        player.note.value = (notes or {}).get(step.action, "")
        click_option(player, step.action)
    return player


def dashboard(db) -> SupervisorDashboard:
    wb = Workbench.open(db).as_user(SUPERVISOR.id)
    return SupervisorDashboard(wb, StoreAttempts(wb))


# ---------------------------------------------------------------- the trainee plays


def test_trainee_plays_overdose_by_clicking_and_writes_real_records(db, library):
    sc = library[OVERDOSE]
    home = trainee_home(db)
    player = play_model(home, sc, notes={"confirm-identity-address": "Confirmed Dolores, 2 May 1946, Larch St"})
    attempt = player.attempt
    assert attempt.finished and player.msg.value == ""
    assert attempt.record.chosen == [s.action for s in sc.model_path]
    # the simulated clock: 22 minutes of actions from 15:00
    assert "15:22" in player.clock.value and "22 min" in player.clock.value
    # records written through the service for the attempt's own patient
    wb = Workbench.open(db)
    pid = attempt.patient_id
    assert wb.get_patient(pid).scope == f"training:{attempt.id}"
    steps = [str(s.step) for e in wb.escalations(pid) for s in e.steps]
    assert steps[:2] == ["rn_triage", "ems_called"] and "stayed_on_line" in steps
    assert [c.note for c in wb.contacts(pid)] == ["Confirmed Dolores, 2 May 1946, Larch St"]
    entries = wb.time_entries(pid)
    assert len(entries) == 1 and str(entries[0].activity) == "escalation" and entries[0].seconds == 20 * 60  # call start to documentation
    assert wb.care_plan(pid).version >= 1
    # the attempt is kept in the store and the transcript shows the trainee's words
    kept = StoreAttempts(wb).get_attempt(attempt.id)
    assert kept.status == "finished" and kept.trainee_id == TRAINEE.id
    assert "Confirmed Dolores, 2 May 1946, Larch St" in player.transcript.value
    assert player.play_box.layout.display == "none"
    # reflection questions at the end, then saved
    boxes = [c for c in player.after.children if any(k.startswith("trn-reflection-") and k[-1].isdigit()
                                                      for k in c._dom_classes)]
    assert len(boxes) == len(sc.reflection)
    boxes[0].value = "She slurred and repeated herself."
    next(c for c in player.after.children if "trn-reflection-save" in c._dom_classes).click()
    assert StoreAttempts(wb).get_attempt(attempt.id).reflection == {sc.reflection[0]: "She slurred and repeated herself."}
    assert "not released" in player.after.children[-1].value


def test_transcript_and_notes_are_escaped(db, library):
    home = trainee_home(db)
    player = home.start(OVERDOSE)
    player.note.value = EVIL
    click_option(player, "ask-what-taken")
    assert EVIL not in player.transcript.value
    assert "&lt;script&gt;" in player.transcript.value
    assert player.note.value == ""  # the note goes with one choice only


def test_end_button_ends_the_attempt_and_closes_the_call_without_time(db, library):
    home = trainee_home(db)
    player = home.start(OVERDOSE)
    player.end_button.click()
    assert player.attempt.finished
    wb = Workbench.open(db).as_user(TRAINEE.id)
    assert wb.running_timer() is None and wb.time_entries(player.attempt.patient_id) == []
    assert player.options.children == ()


def test_repeat_attempts_get_new_seeds_and_an_unfinished_one_is_ended(db, library):
    home = trainee_home(db)
    first = home.start(OVERDOSE)
    click_option(first, "ask-what-taken")
    second = home.start(OVERDOSE)
    repo = StoreAttempts(Workbench.open(db))
    old, new = repo.get_attempt(first.attempt.id), repo.get_attempt(second.attempt.id)
    assert (old.seed, new.seed) == (1, 2)
    assert old.status == "finished" and new.status == "in_progress"
    home.back()
    assert len(home.mine.children) == 2
    # continue the open one from the list: same attempt, same place
    reopened = home.open_attempt(new.id)
    assert reopened.attempt.id == new.id and not reopened.attempt.finished
    assert {b.description for b in reopened.options.children} == {b.description for b in second.options.children}


def test_a_trainee_sees_only_their_own_attempts(db, library):
    mine = trainee_home(db)
    mine.start(OVERDOSE).end_button.click()
    theirs = trainee_home(db, OTHER)
    other_player = theirs.start(OVERDOSE)
    mine.back()
    assert len(mine.my_attempts()) == 1
    assert other_player.attempt.id not in widget_state_text(mine)
    assert mine.open_attempt(other_player.attempt.id) is None
    assert "only open your own" in mine.msg.value


def test_a_running_work_timer_blocks_practice(db, library):
    wb = Workbench.open(db)
    pid = live_patient(wb)
    staff = wb.as_user(MANAGER.id)
    staff.start_timer(pid)
    home = trainee_home(db, MANAGER)  # care staff may practise
    assert home.start(OVERDOSE) is None
    assert "timer is running" in home.msg.value
    assert staff.running_timer().patient_id == pid  # their real timer is untouched


# ---------------------------------------------------------------- roles


@pytest.mark.parametrize("user, page, allowed", [
    ("TR01", "trainee", True), ("CM01", "trainee", True), ("BI01", "trainee", False), ("SV01", "trainee", False),
    ("SV01", "supervisor", True), ("TR01", "supervisor", False), ("CM01", "supervisor", False),
])
def test_pages_are_role_gated(db, user, page, allowed):
    app = (apps.trainee_app if page == "trainee" else apps.supervisor_app)(db, params={"user": user})
    kind = TraineeHome if page == "trainee" else SupervisorDashboard
    assert isinstance(app.content, kind) is allowed
    if not allowed:
        assert "This page is for" in app.body.children[-1].value


def test_apps_without_a_user_show_the_sign_in(db):
    for make in (apps.trainee_app, apps.supervisor_app):
        app = make(db, params={})
        assert app.content is None and hasattr(app, "signin")


# ---------------------------------------------------------------- security


def test_no_rubric_text_in_any_trainee_widget_before_release(db, library):
    # a scenario whose model path carries notes, to prove the notes stay on the server too
    sc = library[OVERDOSE]
    noted = replace(sc, model_path=tuple(PathStep(s.action, f"Model answer note {i} zebra")
                                         for i, s in enumerate(sc.model_path)))
    scenarios = {**library, OVERDOSE: noted}
    secrets = secret_texts(scenarios)
    assert any("zebra" in s for s in secrets) and len(secrets) > 100
    home = trainee_home(db, scenarios=scenarios)
    assert leaks(widget_state_text(home), secrets) == []
    player = home.start(OVERDOSE)
    for step in noted.model_path:
        click_option(player, step.action)
        assert leaks(widget_state_text(home), secrets) == []
    assert player.attempt.finished
    home.back()
    assert leaks(widget_state_text(home), secrets) == []
    # the check can fail: after release the feedback (and only then) is there
    dashboard(db).release_button.click()
    reopened = home.open_attempt(player.attempt.id)
    shown = leaks(widget_state_text(reopened), secrets)
    assert sc.criteria[0].feedback_met in shown
    assert not any("zebra" in s for s in shown)


# ---------------------------------------------------------------- supervisor


def test_supervisor_overrides_with_a_comment_and_releases(db, library):
    sc = library[OVERDOSE]
    home = trainee_home(db)
    attempt_id = play_model(home, sc).attempt.id
    board = dashboard(db)
    assert board.picker.value == attempt_id
    detail = widget_state_text(board.detail)
    assert "trn-scores" in detail and "rn_triage" in detail and "Warm transfer to an RN for triage" in detail
    # a comment is required
    board.criterion.value = "rn-fast"
    board.points.value = 4
    board.met.value = False
    board.comment.value = "   "
    board.override_button.click()
    assert "comment" in board.msg.value and "ccm-msg-error" in board.msg.value
    assert StoreAttempts(board.wb).get_attempt(attempt_id).overrides == []
    board.comment.value = "Triage was quick but the RN was not told the pill count."
    board.override_button.click()
    kept = StoreAttempts(board.wb).get_attempt(attempt_id)
    assert [(o.criterion_id, o.points, o.met, o.by) for o in kept.overrides] == [("rn-fast", 4.0, False, "SV01")]
    assert "the RN was not told the pill count" in board.detail.children[1].value
    assert re.search(r"<td>[^<]*</td><td>1</td><td>no</td></tr>", board.table.value)  # 1 override, not released
    # release: the trainee now sees the feedback, with the overridden score
    assert not board.release_button.disabled
    board.release_button.click()
    assert StoreAttempts(board.wb).get_attempt(attempt_id).released
    assert board.release_button.disabled
    home.back()
    feedback = home.open_attempt(attempt_id).after.children[-1].value
    assert "Triage came late (or never)" in feedback  # rn-fast, overridden to not met
    assert "99 of 105 points" in feedback
    assert "trn-progress-table" in home.progress.value  # progress per objective, from released feedback


def test_release_needs_a_finished_attempt(db, library):
    home = trainee_home(db)
    home.start(OVERDOSE)
    board = dashboard(db)
    board.release_button.click()
    assert "once the attempt has ended" in board.msg.value
    assert not StoreAttempts(board.wb).find_attempts()[0].released


def test_gradebook_csv_link_and_objective_plot(db, library):
    sc = library[OVERDOSE]
    play_model(trainee_home(db), sc)
    failing = trainee_home(db, OTHER).start(OVERDOSE)
    for step in sc.failing_path:
        if not failing.attempt.finished:
            click_option(failing, step.action)
    board = dashboard(db)
    href = re.search(r'href="data:text/csv;base64,([^"]+)"', board.download.value).group(1)
    rows = list(csv.DictReader(io.StringIO(base64.b64decode(href).decode("utf-8"))))
    by_trainee = {r["trainee_id"]: r for r in rows}
    assert by_trainee["TR01"]["passed"] == "True" and by_trainee["TR01"]["percent"] == "100.0"
    assert by_trainee["TR02"]["passed"] == "False" and "rn-triage" in by_trainee["TR02"]["failed_critical"]
    assert board.plot.value[:8] == b"\x89PNG\r\n\x1a\n"
    assert board.plot_box.layout.display is None
    assert len(board.picker.options) == 2


def test_empty_dashboard_has_no_plot_and_no_detail(db):
    board = dashboard(db)
    assert "No training attempts yet" in board.table.value
    assert board.plot_box.layout.display == "none" and board.detail.children == ()
