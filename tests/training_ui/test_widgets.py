"""Training widgets without a browser: the call pane docked beside the real chart, the
medication and follow-up editors, role gates, the rubric never in the trainee's widget state,
and the supervisor's timeline, statistics, override, release and CSV."""

from __future__ import annotations

import base64
import html
import csv
import io
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from training_ui_helpers import (  # noqa: E402
    MANAGER, OTHER, SUPERVISOR, TRAINEE, leaks, live_patient, secret_texts, widget_state_text)

from workbench.service import Workbench  # noqa: E402

from training.attempts import StoreAttempts  # noqa: E402
from training.ui import apps  # noqa: E402
from training.ui.callpane import CallDock  # noqa: E402
from training.ui.supervisor import SupervisorDashboard  # noqa: E402
from training.ui.trainee import AttemptView, TraineeHome  # noqa: E402

OVERDOSE = "overdose-confusion"
EVIL = '<script>alert("x")</script>'


def click_label(view: AttemptView, label: str) -> None:
    button = next((b for b in view.pane.options.children if b.description == label), None)
    assert button is not None, f"{label!r} is not offered: {[b.description for b in view.pane.options.children]}"
    button.click()


def trainee_home(db, user=TRAINEE) -> TraineeHome:
    wb = Workbench.open(db).as_user(user.id)
    return TraineeHome(wb, StoreAttempts(wb))


def play_path(view: AttemptView, sc, path="model_path") -> None:
    """Say by clicking the call pane's buttons; do through the trainee's own Workbench (what
    the chart tab's Save does). The page's clock runs at wall speed and what is said moves it on
    by the minutes it takes. The notes are the path's own (the key): the attempt is marked
    scripted, as ``training.engine.play_path`` marks it."""
    view.attempt.record.scripted = True
    for step in getattr(sc, path):
        if step.say is not None:
            click_label(view, sc.option(step.say).label)
        elif step.do is not None:
            view.attempt.do(step.do)
        elif step.advance is not None:
            view.attempt.advance(step.advance)
        elif step.hang_up:
            view.pane.hang_button.click()
        view.refresh()
    view.end_button.click()
    view.confirm_end()  # "Yes, end the shift"


def dashboard(db) -> SupervisorDashboard:
    wb = Workbench.open(db).as_user(SUPERVISOR.id)
    return SupervisorDashboard(wb, StoreAttempts(wb))


def test_call_pane_docks_beside_the_real_chart_and_keeps_free_text(db, library):
    from workbench.ui.chart import ChartView

    view = trainee_home(db).start(OVERDOSE)
    (dock, extras) = view.work.children
    assert isinstance(dock, CallDock) and isinstance(dock.chart, ChartView)
    assert dock.chart.wb.user.id == TRAINEE.id and dock.chart.pid == view.attempt.patient_id
    assert len(view.pane.options.children) == 4
    view.pane.free.value = EVIL
    next(b for b in view.pane.talk.children[2].children if "trn-say" in b._dom_classes).click()
    assert view.attempt.transcript[-1].free and view.attempt.transcript[-1].text == EVIL
    assert EVIL not in view.pane.transcript.value and "&lt;script&gt;" in view.pane.transcript.value
    # what is said writes nothing; the timer in the real chart is the trainee's own
    view.attempt.workbench.start_timer(view.attempt.patient_id)
    assert view.attempt.workbench.running_timer().staff_id == TRAINEE.id


def test_medication_and_follow_up_editors_write_through_the_trainees_workbench(db, library):
    view = trainee_home(db).start("discharge-med-reconciliation")
    meds, follow = view.work.children[1].children
    lisinopril = next(v for label, v in meds.pick.options if label.startswith("lisinopril"))
    meds.pick.value = lisinopril
    meds.stop.value = True
    meds.save()
    assert "Why the medicine changes" in meds.msg.value  # a reason is required
    meds.reason.value = "Stopped at discharge, prescriber confirmed"
    meds.save()
    assert "stopped" in meds.list.value
    follow.reason.value = "Weight and swelling check"
    follow.save()
    (fu,) = view.attempt.workbench.follow_ups(view.attempt.patient_id)
    assert fu.recorded_by == TRAINEE.id


def test_model_path_through_the_pane_passes_and_thoughtless_clicking_fails(db, library):
    sc = library[OVERDOSE]
    home = trainee_home(db)
    good = home.start(OVERDOSE)
    play_path(good, sc)
    bad = home.start(OVERDOSE)
    while bad.pane.options.children:
        bad.pane.options.children[0].click()
    bad.end_button.click()
    bad.confirm_end()  # "Yes, end the shift"
    board = dashboard(db)
    by_id = {r.attempt_id: g for r, g in board.graded}
    assert by_id[good.attempt.id].passed and by_id[good.attempt.id].percent == 100
    assert not by_id[bad.attempt.id].passed


@pytest.mark.parametrize("user, page, allowed", [
    ("TR01", "trainee", True), ("CM01", "trainee", True), ("BI01", "trainee", False), ("SV01", "trainee", False),
    ("SV01", "supervisor", True), ("TR01", "supervisor", False), ("CM01", "supervisor", False),
])
def test_pages_are_role_gated(db, user, page, allowed):
    app = apps.workbench_app(page, db, params={"user": user}, live_timer=False)
    kind = TraineeHome if page == "trainee" else SupervisorDashboard
    assert isinstance(app.content, kind) is allowed


def test_a_running_work_timer_blocks_practice(db, library):
    """A care manager practising while a live patient's timer runs (a trainee has no live work)."""
    home = trainee_home(db, MANAGER)
    pid = live_patient(Workbench.open(db))
    home.wb.start_timer(pid)
    assert home.start(OVERDOSE) is None and "timer is running" in home.msg.value


def test_no_rubric_text_in_any_trainee_widget_before_release(db, library):
    secrets = secret_texts(library)
    assert len(secrets) > 100
    home = trainee_home(db)
    assert leaks(widget_state_text(home), secrets) == []
    view = home.start(OVERDOSE)
    sc = library[OVERDOSE]
    play_path(view, sc)
    assert leaks(widget_state_text(home), secrets) == []
    home.back()
    assert leaks(widget_state_text(home), secrets) == []
    # the check can fail: after release the feedback (and only then) is there
    dashboard(db).release_button.click()
    reopened = home.open_attempt(view.attempt.id)
    shown = leaks(widget_state_text(reopened), secrets)
    assert any(c.feedback.met in shown for c in sc.criteria)


def test_shift_panel_is_the_real_worklist_and_its_rows_stay_in_the_shift(db, library):
    from workbench.ui.worklist import WorklistView

    home = trainee_home(db)
    view = home.start_shift("monday-morning")
    assert view is not None, home.msg.value
    assert isinstance(view.worklist, WorklistView)
    ids = view.attempt.patient_ids
    assert sorted(view.worklist.shown_ids) == sorted(ids) and len(ids) == 8
    table_html = view.worklist.table.value
    assert all(f'data-ccm-nav="practice:{pid}"' in table_html for pid in ids)
    assert "chart.ipynb" not in table_html  # a row never leads to the live chart
    assert view.work.layout.display == "none" and view.chart is None
    # the discharge summary arrived at the start of the shift: it is in the inbox
    assert "discharge summary" in view.inbox.value.lower()
    # a row click comes back from the browser as a nav target; the page hands it to the shift
    second = view.worklist.shown_ids[1]
    assert home.handle_nav(f"practice:{second}") is True
    assert view.chart.pid == second and view.pane.patient_id == second
    assert view.list_screen.layout.display == "none"
    assert home.handle_nav("practice:P00001") is True  # not on the shift: refused here, not in the app
    assert "not on this shift" in view.msg.value and view.chart.pid == second
    assert home.handle_nav("month") is False  # the app's own screens are the app's
    case = view.attempt.record.case(second)
    expected = library[case.scenario_id].situation if case.scenario_id else "routine monthly check-in"
    assert html.escape(expected) in view.pane.situation.value  # why this call, for the patient on screen
    assert view.pane.situation.layout.display is None
    view.pane.call_button.click()
    assert view.pane.situation.layout.display == "none"  # on the call, the narrator says it
    assert view.attempt.record.active == second
    on_call = view.attempt.record.case(second)
    assert len(view.pane.options.children) >= 3 or on_call.scenario_id is None  # routine: no script
    assert home.handle_nav("back") is True  # the browser's Back: from the chart to the shift's worklist
    assert view.work.layout.display == "none" and view.list_screen.layout.display is None
    assert home.handle_nav("back") is False  # on the worklist already: the app's Back
    home.handle_nav(f"practice:{second}")
    view.to_list.click()
    assert view.work.layout.display == "none" and view.list_screen.layout.display is None


def test_the_trainees_timer_is_in_the_pinned_work_bar_on_the_attempts_clock(db, library):
    app = apps.workbench_app("trainee", db, live_timer=False, params={"user": TRAINEE.id})
    home = app.content
    assert isinstance(home, TraineeHome)
    assert app.pinned.children[1] is home.work_bar and app.timer_bar not in app.pinned.children
    assert home.work_bar.children == ()  # no attempt open: no practice bar, and no live bar either
    view = home.start(OVERDOSE)
    assert home.work_bar.children == (view.work_bar,)
    view.chart.time.start_button.click()
    timer = view.attempt.workbench.running_timer()
    assert timer is not None and timer.patient_id == view.attempt.patient_id
    assert view.attempt.patient_id in view.work_bar.label.value and "Timer running" in view.work_bar.label.value
    # the bar runs on the attempt's clock: simulated minutes show as elapsed time
    view.attempt.advance(3)
    view.work_bar.tick()
    assert "0:03:" in view.work_bar.label.value
    view.work_bar.note.value = "Confused after sleeping tablets; call ended in practice"
    view.work_bar.stop()
    assert view.attempt.workbench.running_timer() is None
    (entry,) = [e for e in view.attempt.workbench.time_entries(view.attempt.patient_id)]
    assert entry.recorded_by == TRAINEE.id and entry.seconds >= 180


def test_a_practice_chart_opened_outside_the_shift_is_read_only(db, library):
    from workbench.ui.chart import ChartView

    home = trainee_home(db)
    view = home.start(OVERDOSE)
    pid = view.attempt.patient_id
    app = apps.workbench_app("supervisor", db, live_timer=False, params={"user": SUPERVISOR.id})
    assert app.navigate(f"chart:{pid}")
    chart = app.content
    assert isinstance(chart, ChartView) and chart.read_only
    assert "read-only" in chart.header.value
    assert app.timer_bar.patient_id is None  # no Start timer for a practice patient
    controls = []
    for title in ("Care plan", "Time", "Consent", "Contacts", "Screening", "Escalation"):
        tab = chart.select(title)
        stack = [tab]
        while stack:
            x = stack.pop()
            stack.extend(c for c in getattr(x, "children", ()) or () if hasattr(c, "keys"))
            if x.has_trait("disabled"):
                controls.append((title, type(x).__name__, x.disabled))
    assert len(controls) > 20
    assert [c for c in controls if not c[2]] == []
    # the live chart of a live patient is not read-only
    live = live_patient(Workbench.open(db))
    assert app.navigate(f"chart:{live}") and not app.content.read_only


def test_supervisor_sees_the_trainees_records_overrides_and_releases(db, library):
    sc = library[OVERDOSE]
    home = trainee_home(db)
    view = home.start(OVERDOSE)
    play_path(view, sc)
    board = dashboard(db)
    detail = widget_state_text(board.detail)
    assert "trn-timeline" in detail and "trn-by-trainee" in detail and "trn-model-path" in detail
    assert "escalation" in detail and 'data-ccm-nav="chart:' in detail
    assert "trn-one-timeline" in detail and "trn-side-by-side" not in detail  # one timeline
    assert '"type"' not in detail and "{&quot;" not in detail  # the model path in words, not JSON
    assert TRAINEE.name in detail  # names, not only ids
    pid = view.attempt.patient_id
    board.criterion.value = f"{pid}|poison"
    board.points.value = 0
    board.met.value = False
    board.comment.value = "   "
    board.override_button.click()
    assert "comment" in board.msg.value
    board.comment.value = "Poison Control was called by nobody on the recording."
    board.override_button.click()
    kept = StoreAttempts(board.wb).get_attempt(view.attempt.id)
    assert [(o.criterion_id, o.patient_id) for o in kept.overrides] == [("poison", pid)]
    board.release_button.click()
    home.back()
    feedback = home.open_attempt(view.attempt.id).after.children[-1].value
    total = sum(c.points for c in sc.criteria)
    poison = next(c.points for c in sc.criteria if c.id == "poison")
    assert f"{total - poison:g} of {total:g} points" in feedback
    assert "Poison Control (1-800-222-1222)" in feedback


def test_the_attempt_timeline_interleaves_records_and_the_call_by_time(db, library):
    from training.ui.detail import action_words, attempt_timeline

    sc = library[OVERDOSE]
    view = trainee_home(db).start(OVERDOSE)
    play_path(view, sc)
    board = dashboard(db)
    rec = StoreAttempts(board.wb).get_attempt(view.attempt.id)
    items = attempt_timeline(board.wb, rec)
    kinds = [x["kind"] for x in items]
    assert "record" in kinds and "said" in kinds
    assert [x["at"] for x in items] == sorted(x["at"] for x in items)
    first_record = kinds.index("record")
    assert "said" in kinds[first_record:], "records and lines interleave: not one block after the other"
    do = next(step.do for step in sc.model_path if step.do is not None)
    words = action_words(do)
    assert words.startswith(do.type.replace("_", " ")) and "{" not in words


def test_gradebook_times_are_in_practice_time(db, library):
    play_path(trainee_home(db).start(OVERDOSE), library[OVERDOSE])
    board = dashboard(db)
    href = re.search(r'href="data:text/csv;base64,([^"]+)"', board.download.value).group(1)
    rows = list(csv.DictReader(io.StringIO(base64.b64decode(href).decode("utf-8"))))
    offset = board.wb.now().astimezone(board.wb.tz).strftime("%z")
    assert rows and all(r["started_at"].replace(":", "").endswith(offset) for r in rows)


def test_cohort_statistics_behaviour_and_csv(db, library):
    sc = library[OVERDOSE]
    play_path(trainee_home(db).start(OVERDOSE), sc)
    play_path(trainee_home(db, OTHER).start(OVERDOSE), sc, "failing_path")
    board = dashboard(db)
    href = re.search(r'href="data:text/csv;base64,([^"]+)"', board.download.value).group(1)
    rows = list(csv.DictReader(io.StringIO(base64.b64decode(href).decode("utf-8"))))
    by_trainee = {r["trainee_id"]: r for r in rows}
    assert by_trainee["TR01"]["passed"] == "True" and by_trainee["TR02"]["passed"] == "False"
    assert "rn-triage" in by_trainee["TR02"]["failed_critical"]
    assert "trn-criterion-stats" in board.stats.value and "50" in board.stats.value
    assert "TR01" in board.behaviour.value and "trn-download-behaviour" in board.behaviour.value
    assert board.plot.value[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_practice_timer_survives_letting_time_pass_and_is_not_listed_as_left_running(db, library):
    """The attempt's clock jumps ("Let 15 minutes pass", waiting on the line): the practice work
    bar's heartbeat is then 15 simulated minutes old, which says nothing about its kernel."""
    view = trainee_home(db).start(OVERDOSE)
    tw = view.attempt.workbench
    pid = view.attempt.patient_id
    tw.start_timer(pid)
    assert tw.timer_heartbeat(every_seconds=0)
    view.attempt.advance(15)  # (a single scenario starts on the call)
    assert tw.orphaned_timers() == [] and not tw.timer_health()[0].orphaned
    supervisor = Workbench.open(db).as_user(SUPERVISOR.id)
    assert supervisor.orphaned_timers(mine_only=False) == []  # the live panel: live patients only
    entry = tw.stop_timer(note="Slurred and confused; waited on the line for EMS")
    assert entry.seconds >= 15 * 60 and entry.recorded_by == TRAINEE.id


def test_a_live_timer_whose_page_went_quiet_is_still_orphaned(db, library):
    """The other side of the rule above: on a live patient the heartbeat still counts."""
    from workbench.clock import FixedClock

    base = Workbench.open(db)
    pid = live_patient(base)
    clock = FixedClock(base.now())
    wb = base.as_user(MANAGER.id, clock=clock)
    wb.start_timer(pid)
    assert wb.timer_heartbeat(every_seconds=0)
    clock.advance(minutes=11)
    (h,) = wb.orphaned_timers()
    assert h.orphaned and "kernel is gone" in h.why
