"""The one app (workbench.ui.app): views switched in one kernel, Back, breadcrumbs, deep links."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from conftest import sample_patient  # noqa: E402
from helpers import seeded_ui_db  # noqa: E402

from workbench.service import Workbench  # noqa: E402
from workbench.ui import app as one  # noqa: E402
from workbench.ui.chart import ChartPicker, ChartView, find_patients  # noqa: E402
from workbench.serving.voila import SHARE  # noqa: E402
from workbench.ui.worklist import WorklistView  # noqa: E402


@pytest.fixture
def db(sqlite_url, clock, monkeypatch):
    return seeded_ui_db(sqlite_url, clock, monkeypatch, sample_patient(),
                        sample_patient("P00002", first_name="Ben", last_name="Franklin"),
                        sample_patient("P00003", first_name="Bea", last_name="Franklin"))


def app_for(db, clock, start="worklist", **params):
    app = one.workbench_app(start, db, clock, {"user": "S001", **params}, live_timer=False)
    return app


def test_worklist_to_chart_and_back_keeps_the_same_worklist(db, clock):
    app = app_for(db, clock)
    worklist = app.content
    assert isinstance(worklist, WorklistView)
    worklist.search.value = "Franklin"
    worklist.consent.value = "missing"
    app.bridge.value = "chart:P00002#1"          # what a click on a row's link sends
    assert app.current == "chart" and isinstance(app.content, ChartView) and app.content.pid == "P00002"
    assert "ccm-view-hidden" in worklist._dom_classes and worklist in app.stage.children
    assert "ccm-view-hidden" not in app.content._dom_classes
    assert "Ben Franklin (P00002)" in app.crumbs.value and 'data-ccm-nav="back"' in app.crumbs.value
    app.bridge.value = "back#2"
    assert app.content is worklist and "ccm-view-hidden" not in worklist._dom_classes
    assert worklist.search.value == "Franklin" and worklist.consent.value == "missing"
    assert app.history == [] and 'data-ccm-nav="back"' not in app.crumbs.value


def test_one_chart_at_a_time_and_its_listeners_go_with_it(db, clock):
    app = app_for(db, clock)
    app.navigate("chart:P00001")
    first = app.content
    first.time  # noqa: B018  (builds the Time tab, which listens to the work bar)
    listeners = len(app.timer_bar.listeners)
    app.navigate("chart:P00002")
    assert app.content is not first and app.content.pid == "P00002"
    assert sum(isinstance(c, ChartView) for c in app.stage.children) == 1
    assert len(app.timer_bar.listeners) < listeners
    assert app.history == ["worklist", "chart:P00001"]
    app.back()
    assert app.content.pid == "P00001"


def test_a_chart_left_leaves_no_widget_behind_in_the_kernel(db, clock):
    """Forty charts opened one after another, each with its care plan and Time tab built: the
    kernel holds what one chart holds, not forty (ipywidgets keeps every widget until closed)."""
    from ipywidgets.widgets.widget import _instances

    app = app_for(db, clock)
    pids = ["P00001", "P00002", "P00003"]

    def visit(n: int) -> int:
        for i in range(n):
            app.navigate(f"chart:{pids[i % 3]}")
            app.content.time  # noqa: B018  (one more tab built)
            app.navigate("worklist")
        return len(_instances)

    after_three = visit(3)
    assert visit(40) - after_three <= 10, "widgets of the charts left are still in the kernel"
    chart = app.content if isinstance(app.content, ChartView) else None
    assert chart is None  # the last visit went back to the worklist: no chart on screen


def test_chart_tabs_are_built_when_first_shown(db, clock):
    app = app_for(db, clock, "chart", patient="P00001")
    chart = app.content
    assert set(chart.built) == {"careplan"}
    chart.tabs.selected_index = 1
    assert set(chart.built) == {"careplan", "time"} and chart.pages[1].children == (chart.built["time"],)


def test_deep_links_open_each_view(db, clock):
    assert app_for(db, clock, "chart", patient="P00002").content.pid == "P00002"
    assert "Good day" in app_for(db, clock, "index").content.value
    month = one.workbench_app("month", db, clock, {"user": "S006"}, live_timer=False)
    assert month.current == "month"
    refused = app_for(db, clock, "month")
    assert refused.content is None and "This page is for" in refused.msg.value


def test_views_are_role_checked_inside_the_app(db, clock):
    app = app_for(db, clock)
    assert not app.navigate("month") and "This page is for" in app.msg.value
    assert app.current == "worklist"
    assert not app.navigate("nowhere") and app.current == "worklist"


def test_training_pages_are_views_of_the_same_app(db, clock):
    from training.ui.trainee import TraineeHome
    from training.ui.apps import workbench_app

    trainee = workbench_app("trainee", db, clock, {"user": "S007"}, live_timer=False)
    assert isinstance(trainee.content, TraineeHome)
    sup = workbench_app("index", db, clock, {"user": "S004"}, live_timer=False)
    assert 'data-ccm-nav="supervisor"' in sup.top.value
    assert sup.navigate("supervisor") and sup.current == "supervisor"
    assert sup.navigate("worklist") and sup.back() and sup.current == "supervisor"


def test_a_view_not_handed_to_the_app_is_refused_with_a_sentence(db, clock):
    sup = one.workbench_app("index", db, clock, {"user": "S004"}, live_timer=False)
    assert not sup.navigate("supervisor")
    assert "supervisor&#x27; screen is not part of this app." in sup.msg.value
    assert sup.current == "index"
    seen = {}
    extra = {"supervisor": lambda wb, live: seen.setdefault("view", one.w.HTML(f"for {wb.user.id}"))}
    sup = one.workbench_app("index", db, clock, {"user": "S004"}, live_timer=False, extra_views=extra)
    assert sup.navigate("supervisor") and sup.content is seen["view"]
    assert seen["view"].value == "for S004"


def test_links_switch_views_and_are_real_links_too(db, clock):
    app = app_for(db, clock)
    table = app.content.table.value
    link = re.search(r'<a class="ccm-open-chart" data-ccm-nav="chart:(P\d+)" href="([^"]+)"', table)
    assert link and link.group(2).startswith("chart.ipynb?") and f"patient={link.group(1)}" in link.group(2)
    assert 'data-ccm-nav="worklist"' in app.top.value and "ccm-nav-current" in app.top.value


def test_chart_picker_opens_by_name_or_lists_the_matches(db, clock):
    wb = Workbench.open(db, clock=clock).as_user("S001")
    opened = []
    picker = ChartPicker(wb, opened.append)
    picker.box.value = "zed"
    assert picker.go() == [] and "No patient" in picker.msg.value and opened == []
    picker.box.value = "ada love"
    assert opened == ["P00001"]
    picker.box.value = "franklin"
    assert [p.id for p in picker.go()] == ["P00003", "P00002"] and len(picker.choices.children) == 2
    picker.choices.children[1].click()
    assert opened == ["P00001", "P00002"]
    assert [p.id for p in find_patients(wb, "p00003")] == ["P00003"]


def test_template_fixes_the_shutdown_beacon_and_bridges_links():
    template = (SHARE / "voila/templates/ccm/index.html.j2").read_text()
    assert "_xsrf=" in template and "getRandomValues" in template
    assert ".ccm-nav-bridge input" in template and "pushState" in template and "popstate" in template


def test_voila_json_culls_idle_kernels_but_never_a_connected_one():
    import json

    config = json.loads((Path(__file__).resolve().parents[2] / "voila.json").read_text())
    kernels = config["MappingKernelManager"]
    assert kernels["cull_idle_timeout"] > 0 and kernels["cull_interval"] > 0
    assert kernels["cull_connected"] is False


# ---------------------------------------------------------------- the work bar


def test_work_bar_on_a_chart_shows_month_minutes_codes_and_starts_the_timer(db, clock):
    from workbench import records as r

    app = app_for(db, clock, "chart", patient="P00001")
    bar = app.timer_bar
    wb = app.wb
    wb.record_consent("P00001", r.ConsentMethod.VERBAL, wb.today(), {k: True for k in r.CONSENT_DISCLOSURES})
    wb.log_time("P00001", 19, r.Activity.PATIENT_CALL, "call")
    bar.refresh()
    assert "19 min" in bar.month.value and "ccm-bar-short" in bar.month.value and "no code yet" in bar.month.value
    assert bar.start_box.layout.display is None
    bar.start_activity.value = r.Activity.MEDICATION_RECONCILIATION.value
    bar.start_button.click()
    timer = wb.running_timer()
    assert timer.patient_id == "P00001" and timer.activity == r.Activity.MEDICATION_RECONCILIATION
    assert bar.start_box.layout.display == "none" and "Ada Lovelace (P00001)" in bar.label.value
    clock.advance(minutes=2)
    bar.note.value = "Reconciled the pill box"
    bar.stop_button.click()
    entry = wb.time_entries("P00001")[-1]
    assert entry.note == "Reconciled the pill box" and entry.seconds == 120
    assert "21 min" in bar.month.value and "ccm-bar-billable" in bar.month.value and "99490" in bar.month.value
    assert "Stopped the timer for Ada Lovelace (P00001)" in bar.msg.value


def test_stopping_another_patients_timer_names_it_and_asks_first(db, clock):
    app = app_for(db, clock, "chart", patient="P00001")
    bar = app.timer_bar
    bar.start_button.click()
    app.navigate("chart:P00002")
    assert "Ada Lovelace (P00001)" in bar.label.value and "not the chart on screen" in bar.label.value
    clock.advance(minutes=1)
    bar.stop_button.click()
    assert app.wb.running_timer() is not None  # not stopped yet
    assert bar.confirm.layout.display is None and "This timer is for Ada Lovelace (P00001)" in bar.confirm_text.value
    bar.confirm_no.click()
    assert bar.confirm.layout.display == "none" and app.wb.running_timer() is not None
    bar.stop_button.click()
    bar.confirm_yes.click()
    assert app.wb.running_timer() is not None and "note" in bar.msg.value.lower()  # a note is required
    bar.note.value = "Left a voicemail"
    bar.confirm_yes.click()
    assert app.wb.running_timer() is None and app.wb.time_entries("P00001")[0].seconds == 60
    assert app.wb.time_entries("P00002") == [] and "Ada Lovelace (P00001)" in bar.msg.value
    bar.open_button.click()  # hidden now, and harmless
    assert app.content.pid == "P00002"


@pytest.mark.parametrize("kind", ["consent", "contacts", "screening", "escalation", "careplan"])
def test_recorded_work_without_a_timer_offers_one_click_time(db, clock, kind):
    from workbench import records as r
    from workbench.ui.chart import RECORDED_WORK

    app = app_for(db, clock, "chart", patient="P00001")
    chart, bar = app.content, app.timer_bar
    app.wb.record_consent("P00001", r.ConsentMethod.VERBAL, app.wb.today(),
                          {k: True for k in r.CONSENT_DISCLOSURES})
    clock.advance(minutes=7)
    assert chart.recorded(kind)
    assert bar.offer_box.layout.display is None and RECORDED_WORK[kind][1] in bar.offer_text.value
    assert bar.offer_minutes.value == 7
    bar.offer_log.click()
    entry = app.wb.time_entries("P00001")[-1]
    assert entry.seconds == 7 * 60 and entry.activity == RECORDED_WORK[kind][0] and entry.manual
    assert bar.offer_box.layout.display == "none" and "7 min" in bar.month.value
    chart.recorded(kind)
    bar.offer_start.click()
    assert app.wb.running_timer().activity == RECORDED_WORK[kind][0]
    assert not chart.recorded(kind)  # a timer runs: nothing to offer
    assert r.Activity(RECORDED_WORK[kind][0])


def test_care_plan_save_and_consent_from_the_tabs_offer_the_timer(db, clock):
    from workbench import records as r

    app = app_for(db, clock, "chart", patient="P00001")
    chart, bar = app.content, app.timer_bar
    cp = chart.careplan
    cp.fields["problem_list"].value = "Hypertension"
    cp.reason.value = "First plan"
    cp.save_button.click()
    assert "Care plan saved" in bar.offer_text.value and bar.offer_box.layout.display is None
    bar.offer_no.click()
    assert bar.offer_box.layout.display == "none" and app.wb.time_entries("P00001") == []
    tab = chart.consent
    for b in tab.checks.values():
        b.value = True
    tab.record_button.click()
    assert "Consent recorded" in bar.offer_text.value
    assert r.CONSENT_DISCLOSURES


# ---------------------------------------------------------------- the worklist is mine


def test_worklist_defaults_to_my_patients_and_all_is_one_click(db, clock):
    system = Workbench.open(db, clock=clock)
    other = sample_patient("P00004", first_name="Otto", last_name="Else")
    from dataclasses import replace

    other.patient = replace(other.patient, care_team_member_id="S002", billing_practitioner_id="S005")
    system.add_patient(other)
    app = app_for(db, clock)
    view = app.content
    assert view.whose.value == "mine" and set(view.shown_ids) == {"P00001", "P00002", "P00003"}
    view.whose.value = "all"
    assert set(view.shown_ids) == {"P00001", "P00002", "P00003", "P00004"}
    view.search.value = "I10"  # an ICD-10 code, as you type
    assert len(view.shown_ids) == 4
    view.search.value = "diabetes"  # a condition name
    assert len(view.shown_ids) == 4
    view.search.value = "otto"
    assert view.shown_ids == ["P00004"]
    # a supervisor with nobody on their care team starts on everyone
    sup = one.workbench_app("worklist", db, clock, {"user": "S004"}, live_timer=False).content
    assert sup.whose.value == "all" and len(sup.shown_ids) == 4


# ---------------------------------------------------------------- escalation guardrails


def test_escalation_tab_guides_the_protocol_captures_time_and_asks_before_closing_early(db, clock):
    from workbench import records as r

    app = app_for(db, clock, "chart", patient="P00001")
    tab = app.content.select("Escalation")
    tab.kind.value = "suicide_risk"
    tab.open_reason.value = "says the family would be better off without her"
    tab.open_button.click()
    e = app.wb.escalations("P00001")[-1]
    assert e.kind == "suicide_risk" and e.reason == "says the family would be better off without her"
    assert "Suicide risk" in tab.timeline.value and tab.kind.value == ""  # stored, shown, reset
    timer = app.wb.running_timer()  # the crisis call's time is captured
    assert timer.activity == r.Activity.ESCALATION and timer.patient_id == "P00001"
    assert "Suicide risk protocol" in tab.guide.value and tab.step.value == r.EscalationStep.BEHAVIORAL_HEALTH.value
    assert "988" in tab.guide.value
    tab.step_button.click()
    assert tab.step.value == r.EscalationStep.CRISIS_LINE_GIVEN.value  # the next one, suggested
    tab.step.value = r.EscalationStep.CLOSED.value
    tab.step_button.click()
    assert "missing required steps" in tab.msg.value and app.wb.escalation(e.id).is_open
    tab.step.value = r.EscalationStep.CLOSED.value
    tab.note.value = "Transferred to the mobile crisis team on site"
    tab.step_button.click()
    closed = app.wb.escalation(e.id)
    assert not closed.is_open and "Reason: Transferred to the mobile crisis team" in closed.steps[-1].note
    assert "Closed without required steps" in tab.timeline.value


# ---------------------------------------------------------------- the worklist is always current
def _row(view, pid):
    return view.frame.set_index("patient_id").loc[pid]


def test_a_write_in_a_chart_is_on_the_worklist_when_it_comes_back(db, clock):
    from helpers import consent_all

    app = app_for(db, clock)
    worklist = app.content
    wb = app.wb
    consent_all(wb, "P00002")
    app.navigate("chart:P00002")
    wb.log_contact("P00002", "phone", "reached", "monthly check-in")
    wb.log_time("P00002", 3, "patient_call", "check-in")
    assert worklist.stale  # hidden: the write only marked it
    app.bridge.value = "back#9"
    row = _row(worklist, "P00002")
    assert row.minutes == 3 and row.last_outcome == "reached" and not worklist.stale
    assert 'data-patient="P00002"' in worklist.table.value and "(reached)" in worklist.table.value
    assert list(worklist.frame["urgency"]) == sorted(worklist.frame["urgency"], reverse=True)


def test_stopping_a_timer_on_screen_redraws_the_row_and_the_order(db, clock):
    from helpers import consent_all

    app = app_for(db, clock)
    worklist, wb = app.content, app.wb
    wb.start_timer("P00003")
    assert "timer_running" in [x.code for x in _row(worklist, "P00003").why]  # on screen: redrawn at once
    assert "ccm-why-timer_running" in worklist.table.value
    clock.advance(seconds=30)  # a timer stopped in the second it started is refused
    app.timer_bar.note.value = "call"
    app.timer_bar.stop()
    assert "timer_running" not in [x.code for x in _row(worklist, "P00003").why]
    order = list(worklist.frame["patient_id"])
    consent_all(wb, "P00003")  # from a consent call to minutes owed: the patient moves up
    wb.log_time("P00003", 15, "patient_call", "call")
    assert list(worklist.frame["patient_id"]).index("P00003") <= order.index("P00003")
    assert _row(worklist, "P00003").why[0].sentence.startswith("5 min to reach 20")


def test_what_another_kernel_wrote_is_re_read_by_change_stamps(db, clock):
    from workbench.store import open_engine

    app = app_for(db, clock)
    worklist = app.content
    app.navigate("chart:P00001")
    other = Workbench(open_engine(db), app.wb.get_user("S002"), clock)  # its own engine: no feed here
    other.open_escalation("P00001", "Fell at home", "urgent")
    assert not worklist.stale
    app.navigate("worklist")
    assert worklist.frame.iloc[0]["patient_id"] == "P00001"
    assert _row(worklist, "P00001").why[0].code == "escalation"
    assert worklist.catch_up() == set()  # nothing new: nothing re-read


def test_the_timer_activity_resets_on_a_new_chart(db, clock):
    app = app_for(db, clock)
    app.navigate("chart:P00001")
    app.timer_bar.start_activity.value = "care_transition"
    app.navigate("chart:P00002")
    assert app.timer_bar.start_activity.value == "patient_call"
    app.timer_bar.start()
    assert app.wb.running_timer().activity.value == "patient_call"


def test_a_new_chart_starts_with_that_patients_default_activity(db, clock):
    """An open escalation makes the default "escalation", a discharge in the last 30 days "care
    transition"; the time tab's live timer starts with the same default."""
    from datetime import timedelta

    app = app_for(db, clock)
    app.wb.open_escalation("P00002", "Chest pain")
    app.wb.log_contact("P00003", "phone", "reached", "Discharge summary received", with_whom="hospital",
                       contacted_at=app.wb.now() - timedelta(days=2))
    app.navigate("chart:P00001")
    assert app.timer_bar.start_activity.value == "patient_call"
    app.timer_bar.start_activity.value = "medication_reconciliation"
    app.navigate("chart:P00002")
    assert app.timer_bar.start_activity.value == "escalation"
    assert app.content.time.activity.value == "escalation"
    app.navigate("chart:P00003")
    assert app.timer_bar.start_activity.value == "care_transition"
    app.timer_bar.start()
    assert app.wb.running_timer().activity.value == "care_transition"


def test_the_default_from_a_chart_just_read_is_the_default_read_afresh(db, clock):
    """The work bar takes the default from the chart on screen (nothing read again): the same
    answer as the service's own reads, for an open escalation, a closed one, a recent discharge."""
    from datetime import timedelta

    wb = Workbench.open(db, clock=clock).as_user("S001")
    wb.open_escalation("P00002", "Chest pain")
    wb.log_contact("P00003", "phone", "reached", "Discharge summary received", with_whom="hospital",
                   contacted_at=wb.now() - timedelta(days=2))
    closed = wb.open_escalation("P00001", "Fall at home")
    wb.record_escalation_step(closed.id, "rn_triage", "Seen by the RN; no injury")
    wb.record_escalation_step(closed.id, "closed", "No injury; nothing more to do")
    assert not wb.escalation(closed.id).is_open
    for pid in ("P00001", "P00002", "P00003"):
        assert wb.default_activity(pid, wb.chart(pid)) == wb.default_activity(pid), pid
    assert wb.default_activity("P00002", wb.chart("P00002")).value == "escalation"
    assert wb.default_activity("P00003", wb.chart("P00003")).value == "care_transition"
    # a chart of another patient is not taken for this one
    assert wb.default_activity("P00002", wb.chart("P00003")).value == "escalation"


def test_the_bar_its_label_and_the_worklist_agree_at_9_min_49_s(db, clock):
    from helpers import consent_all

    app = app_for(db, clock)
    wb = app.wb
    consent_all(wb, "P00001")
    wb.log_time("P00001", 589 / 60, "patient_call", "call")  # 9 min 49 s
    app.navigate("chart:P00001")
    bar = app.timer_bar.month.value
    assert re.search(r'ccm-bar-label">9<', bar) and "9 min</span>" in bar and ">10<" not in bar
    app.back()
    assert int(_row(app.content, "P00001").minutes) == 9
    assert re.search(r'data-patient="P00001".*?ccm-bar-label">9<', app.content.table.value, re.S)
