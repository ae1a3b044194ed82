"""Widget tests without a browser: set values, click, assert the record."""

from __future__ import annotations

import html
import os
import re
import sys
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from conftest import STAFF, sample_patient  # noqa: E402
from helpers import consent_all, seeded_ui_db  # noqa: E402

from workbench import records as r  # noqa: E402
from workbench.errors import PermissionDenied  # noqa: E402
from workbench.service import Workbench  # noqa: E402
from workbench.ui import session  # noqa: E402
from workbench.ui.app import workbench_app  # noqa: E402
from workbench.ui.html import esc, progress_bar  # noqa: E402
from workbench.ui.chart import TAB_TITLES  # noqa: E402
from workbench.serving.voila import SHARE, voila_command  # noqa: E402
from workbench.ui.trends_tab import goal_lines, series_of  # noqa: E402
from workbench.reports.worklist import WORKLIST_COLUMNS  # noqa: E402
from workbench.ui.worklist import WorklistView, render_rows, select_rows  # noqa: E402

EVIL = '<script>alert("x")</script>'


@pytest.fixture
def db(sqlite_url, clock, monkeypatch):
    return seeded_ui_db(sqlite_url, clock, monkeypatch, sample_patient(),
                        sample_patient("P00002", first_name="Ben", last_name=EVIL))


def chart_of(db, clock, pid="P00001", user="S001"):
    app = workbench_app("chart", db, clock, {"patient": pid, "user": user})
    app.timer_bar.live = False
    return app, app.content


# ---------------------------------------------------------------- serving


def test_voila_command_serves_offline_on_localhost(tmp_path):
    argv, env = voila_command(tmp_path, 8123, "/data/x.db")
    assert argv[1:3] == ["-m", "workbench.serving.guards"] and argv[3] == str(tmp_path)
    assert "--Voila.ip=127.0.0.1" in argv and "--port=8123" in argv and "--no-browser" in argv
    assert "--template=ccm" in argv
    assert env["JUPYTER_PATH"].split(os.pathsep)[0] == str(SHARE)
    assert env["WORKBENCH_DB"] == "/data/x.db"
    template = (SHARE / "voila/templates/ccm/index.html.j2").read_text()
    assert "extends 'voila/templates/lab/index.html.j2'" in template
    assert "cdn.jsdelivr" not in template
    with pytest.raises(ValueError):
        voila_command(tmp_path, 0, None)


# ---------------------------------------------------------------- who is working


@pytest.mark.parametrize("qs,expected", [
    ("patient=P00001", {"patient": "P00001"}),
    ("?patient=P00002&user=S001", {"patient": "P00002", "user": "S001"}),
    ("", {}),
    ("patient=", {}),
])
def test_query_params(qs, expected):
    assert session.query_params(qs) == expected


def test_hub_user_wins_over_the_url(monkeypatch):
    monkeypatch.delenv("WORKBENCH_USER", raising=False)
    monkeypatch.setenv("JUPYTERHUB_USER", "S004")
    assert session.signed_in_id({"user": "S001"}) == "S004"
    monkeypatch.delenv("JUPYTERHUB_USER")
    assert session.signed_in_id({"user": "S001"}) == "S001"
    assert session.signed_in_id({}) is None


@pytest.mark.parametrize("uid,view,allowed", [
    ("S001", "worklist", True), ("S001", "month", False), ("S006", "month", True), ("S004", "month", True),
    ("S005", "month", True), ("S006", "chart", False), ("S003", "chart", True),
])
def test_views_check_the_role(uid, view, allowed):
    user = next(u for u in STAFF if u.id == uid)
    if allowed:
        session.check_role(user, view)
    else:
        with pytest.raises(PermissionDenied, match="This page is for"):
            session.check_role(user, view)


def test_sign_in_picker_then_the_app(db, clock):
    app = workbench_app("worklist", db, clock, {})
    picker = app.signin
    assert [v for _, v in picker.picker.options] == [u.id for u in STAFF]
    picker.picker.value = "S003"
    assert "care coordinator" in picker.detail.value and "CMA" in picker.detail.value
    picker.button.click()
    assert app.wb.user.id == "S003"
    assert app.timer_bar in app.pinned.children and app.current == "worklist"
    assert "Casey Assistant" in app.top.value and "user=S003" in app.top.value


def test_unknown_user_asks_who_is_working(db, clock):
    app = workbench_app("index", db, clock, {"user": "nobody"})
    assert "not a staff member" in app.body.children[0].value
    assert hasattr(app, "signin")


def test_month_view_refused_for_a_care_manager(db, clock):
    app = workbench_app("month", db, clock, {"user": "S001"})
    assert "This page is for" in app.body.children[0].value
    assert app.content is None


# ---------------------------------------------------------------- time


def test_timer_start_stop_records_entry_and_month_total(db, clock):
    app, chart = chart_of(db, clock)
    wb = app.wb
    tab = chart.time
    assert "0 min" in tab.summary.value
    tab.note.value = "Reviewed BP log with patient"
    tab.start_button.click()
    assert wb.running_timer() is not None
    assert "Ada Lovelace" in app.timer_bar.label.value and app.timer_bar.stop_button.layout.display is None
    assert tab.start_button.disabled and not tab.stop_button.disabled
    clock.advance(minutes=25)
    tab.stop_button.click()
    entries = wb.time_entries("P00001", "2026-11")
    assert [e.seconds for e in entries] == [25 * 60]
    assert entries[0].note == "Reviewed BP log with patient"
    assert "25 min" in tab.summary.value and "Reviewed BP log" in tab.entries.value
    assert "Rita Nurse" in tab.entries.value and "S001" not in tab.entries.value  # staff by name
    assert "No timer running" in app.timer_bar.label.value


def test_timer_bar_stops_from_any_screen(db, clock):
    app, chart = chart_of(db, clock)
    chart.time.note.value = "call"
    chart.time.start()
    clock.advance(minutes=3)
    app.timer_bar.stop_button.click()
    assert app.wb.running_timer() is None
    assert len(app.wb.time_entries("P00001")) == 1
    assert "3 min" in chart.time.entries.value or "3:00" in chart.time.entries.value


def test_second_timer_refused_with_a_message(db, clock):
    app, chart = chart_of(db, clock)
    chart.time.note.value = "x"
    chart.time.start()
    _, other = chart_of(db, clock, "P00002")
    other.time.start()
    assert "Stop it before starting another" in other.time.msg.value
    assert len(app.wb.open_timers()) == 1


def test_manual_entry_and_void_with_reason(db, clock):
    app, chart = chart_of(db, clock)
    tab = chart.time
    tab.m_minutes.value = 12
    tab.m_note.value = "Called pharmacy about refills"
    tab.m_button.click()
    entries = app.wb.time_entries("P00001")
    assert [e.seconds for e in entries] == [720] and entries[0].manual
    tab.v_entry.value = entries[0].id
    tab.v_reason.value = ""
    tab.v_button.click()
    assert "reason" in tab.msg.value.lower() and len(app.wb.time_entries("P00001")) == 1
    tab.v_reason.value = "Wrong patient"
    tab.v_button.click()
    assert app.wb.time_entries("P00001") == []
    assert app.wb.voided_entries("P00001")[0]["reason"] == "Wrong patient"


def test_month_so_far_shows_codes_once_billable(db, clock):
    app, chart = chart_of(db, clock)
    consent_all(app.wb, "P00001")
    tab = chart.time
    tab.m_minutes.value = 22
    tab.m_note.value = "Care-plan review by phone"
    tab.m_activity.value = r.Activity.PATIENT_CALL.value
    tab.log_manual()
    assert tab.bill.codes_text != ""
    assert tab.bill.codes_text in tab.summary.value and "ccm-bar-billable" in tab.summary.value


# ---------------------------------------------------------------- consent


def test_consent_needs_all_four_disclosures(db, clock):
    app, chart = chart_of(db, clock)
    tab = chart.consent
    assert "ccm-consent-missing" in chart.time.banner._dom_classes
    boxes = list(tab.checks.values())
    for b in boxes[:3]:
        b.value = True
    assert tab.record_button.disabled
    boxes[3].value = True
    assert not tab.record_button.disabled
    tab.record_button.click()
    consents = app.wb.consents("P00001")
    assert len(consents) == 1 and all(consents[0].disclosures.values())
    assert "Consent valid today" in tab.status.value
    assert chart.time.banner.value == "" and "ccm-consent-ok" in chart.careplan.banner._dom_classes
    tab.revoke_reason.value = "Moving to another practice"
    tab.revoke_button.click()
    assert app.wb.consents("P00001")[0].revoked_on == app.wb.today()


def test_consent_given_by_a_representative_names_them_and_their_authority(db, clock):
    app, chart = chart_of(db, clock)
    tab = chart.consent
    assert tab.representative.layout.display == "none"  # the patient's own consent: no name asked
    for b in tab.checks.values():
        b.value = True
    tab.given_by.value = "health_care_proxy"
    assert tab.representative.layout.display is None
    tab.record_button.click()  # no name: refused next to the button, nothing written
    assert "The representative&#x27;s name" in tab.msg.slots["record"].value and "error" in tab.msg.slots["record"].value
    assert app.wb.consents("P00001") == []
    tab.representative.value = "Rosa <b>Voss</b>, daughter"
    assert "ccm-dirty" in tab._dom_classes  # a name typed and not recorded: leaving the tab asks first
    tab.record_button.click()
    (consent,) = app.wb.consents("P00001")
    assert consent.given_by == "health_care_proxy" and consent.representative == "Rosa <b>Voss</b>, daughter"
    assert "given by Rosa &lt;b&gt;Voss&lt;/b&gt;, daughter (health care proxy)" in tab.msg.slots["record"].value
    assert "Rosa &lt;b&gt;Voss&lt;/b&gt;, daughter (health care proxy)" in tab.history.value
    assert tab.given_by.value == "patient" and tab.representative.value == ""  # the form is ready again
    assert "ccm-dirty" not in tab._dom_classes


# ---------------------------------------------------------------- care plan


def fill_plan(tab, problem="Hypertension; type 2 diabetes"):
    tab.fields["problem_list"].value = problem
    g = tab.add_goal()
    g.description.value, g.measure.value, g.target.value = "Lower A1c", "A1c", "< 8 %"
    g.due.date = date(2027, 5, 1)
    i = tab.add_intervention()
    i.description.value, i.responsible.value = "Monthly call", "RN care manager"


def test_care_plan_save_needs_a_reason_then_versions_and_diff(db, clock):
    app, chart = chart_of(db, clock)
    tab = chart.careplan
    fill_plan(tab, EVIL)
    tab.save_button.click()
    assert "Say why" in tab.msg.value and app.wb.care_plan("P00001") is None
    tab.reason.value = "First plan"
    tab.save_button.click()
    rev = app.wb.care_plan("P00001")
    assert rev.version == 1 and rev.plan.goals[0].target == "< 8 %" and rev.plan.goals[0].due_date == date(2027, 5, 1)
    assert rev.plan.interventions[0].responsible == "RN care manager"
    tab.fields["problem_list"].value = "Hypertension"
    tab.reason.value = "Diabetes resolved"
    tab.save_button.click()
    assert app.wb.care_plan("P00001").version == 2 and "version 2" in tab.version_label.value
    assert "Problem list" in tab.diff.value and "Version 1 &rarr; version 2" in tab.diff.value
    assert EVIL not in tab.diff.value and esc(EVIL) in tab.diff.value
    assert "Diabetes resolved" in tab.history.value


def test_stale_revision_is_refused_and_explained(db, clock):
    app, chart = chart_of(db, clock)
    tab = chart.careplan
    app.wb.as_user("S002").revise_care_plan("P00001", r.CarePlan(problem_list="by Lee"), 0, "Lee's plan")
    fill_plan(tab)
    tab.reason.value = "Mine"
    tab.save_button.click()
    assert "Lee Practical saved version 1" in tab.msg.value and "ccm-msg-error" in tab.msg.value
    assert [x.version for x in app.wb.care_plan_history("P00001")] == [1]
    tab.reload_button.click()
    assert tab.fields["problem_list"].value == "by Lee" and tab.version == 1


def test_completeness_checklist_and_patient_copy(db, clock):
    app, chart = chart_of(db, clock)
    tab = chart.careplan
    assert "missing" in tab.checklist.value
    plan = r.CarePlan(**{k: "documented" for k in r.CARE_PLAN_ELEMENTS if k not in ("goals", "interventions")},
                      goals=(r.Goal("BP", "BP", "<130/80", date(2027, 1, 1)),),
                      interventions=(r.Intervention("Call", "RN"),))
    app.wb.revise_care_plan("P00001", plan, 0, "complete")
    tab.reload()
    assert "Every CMS element is present" in tab.checklist.value
    assert tab.copy.value == ""  # made only when its sub-tab is shown (it costs a PDF)
    sup = app.wb.as_user(app.wb.users("supervisor")[0].id)
    sup.set_settings(r.PracticeSettings(**{**app.wb.settings.__dict__, "phone": "", "after_hours_phone": ""}))
    app.wb.reload_settings()
    tab.sections.selected_index = 3
    # without the practice's numbers the copy is refused, with a sentence saying where to set them
    assert "ccm-cp-refused" in tab.copy.value and "--after-hours-phone" in tab.copy.value
    assert "download=" not in tab.copy.value
    sup.set_settings(r.PracticeSettings(**{**app.wb.settings.__dict__, "phone": "(518) 555-0100",
                                           "after_hours_phone": "(518) 555-0199"}))
    app.wb.reload_settings()
    tab.sections.selected_index = 2
    tab.reload()
    tab.sections.selected_index = 3
    assert 'download="care-plan-P00001.html"' in tab.copy.value and "care-plan-P00001.pdf" in tab.copy.value
    app.wb.revise_care_plan("P00001", plan, 1, "again")
    tab.reload()  # shown: made again at once
    assert "care-plan-P00001.pdf" in tab.copy.value


# ---------------------------------------------------------------- screening and escalation


def test_phq2_positive_leads_to_phq9_and_item9_opens_escalation(db, clock):
    app, chart = chart_of(db, clock)
    tab = chart.screening
    assert tab.phq9_box.layout.display == "none"
    tab.phq2[0].value, tab.phq2[1].value = 2, 1
    assert "positive" in tab.phq2_score.value and tab.phq9_box.layout.display is None
    tab.phq2_button.click()
    for i, dd in enumerate(tab.phq9):
        dd.value = 1 if i < 8 else None
    assert "so far" in tab.phq9_score.value
    tab.phq9[8].value = 1
    assert "Item 9 is above 0" in tab.phq9_score.value or "opens the escalation" in tab.phq9_score.value
    tab.phq9_button.click()
    open_esc = app.wb.escalations("P00001", open_only=True)
    assert len(open_esc) == 1 and open_esc[0].source == "phq9"
    assert "ESCALATION OPENED" in tab.msg.value
    assert chart.tabs.selected_index == TAB_TITLES.index("Escalation")
    assert chart.escalation.which.value == open_esc[0].id
    assert "OPEN" in chart.escalation.timeline.value
    assert [q.instrument for q in app.wb.chart("P00001").questionnaires] == ["PHQ-2", "PHQ-9"]


def test_phq9_incomplete_is_not_recorded(db, clock):
    app, chart = chart_of(db, clock)
    chart.screening.phq9_button.click()
    assert "Answer every PHQ-9 question" in chart.screening.msg.value
    assert app.wb.chart("P00001").questionnaires == []


def test_sdoh_core_domains_create_barriers(db, clock):
    app, chart = chart_of(db, clock)
    tab = chart.screening
    tab.sdoh[r.BarrierDomain.FOOD].value = True
    tab.sdoh[r.BarrierDomain.TRANSPORTATION].value = True
    tab.sdoh_button.click()
    assert sorted(b.domain.value for b in app.wb.barriers("P00001")) == ["food", "transportation"]


def test_escalation_protocol_records_steps_and_consent(db, clock):
    app, chart = chart_of(db, clock)
    tab = chart.escalation
    tab.open_reason.value = "Chest pain on the call"
    tab.severity.value = "emergent"
    tab.open_button.click()
    eid = tab.which.value
    tab.step.value = "rn_triage"
    assert tab.consent.layout.display == "none"
    tab.step_button.click()
    clock.advance(minutes=2)
    tab.step.value = "ems_called"
    assert tab.consent.layout.display is None
    tab.step_button.click()
    assert "agreed" in tab.msg.value
    tab.consent.value = True
    tab.note.value = "Patient agreed"
    tab.step_button.click()
    e = app.wb.escalation(eid)
    assert [s.step.value for s in e.steps] == ["rn_triage", "ems_called"]
    assert e.steps[1].patient_consent is True and (e.steps[1].at - e.steps[0].at).seconds == 120
    assert "EMS called" in tab.timeline.value


def test_contact_logged_with_outcome(db, clock):
    app, chart = chart_of(db, clock)
    tab = chart.contacts
    tab.channel.value, tab.outcome.value, tab.note.value = "text", "sent", EVIL
    tab.button.click()
    c = app.wb.contacts("P00001")
    assert [(x.channel.value, x.outcome.value) for x in c] == [("text", "sent")]
    assert EVIL not in tab.list.value and esc(EVIL) in tab.list.value


# ---------------------------------------------------------------- worklist and month


def test_worklist_escapes_links_and_pages(db, clock):
    wb = Workbench.open(db, "S001", clock)
    for i in range(3, 8):
        wb.add_patient(sample_patient(f"P{i:05d}", first_name=f"Pat{i}"))
    view = WorklistView(wb, page_size=3)
    view.whose.value = "all"
    assert EVIL not in view.table.value and esc(EVIL) in view.table.value
    assert 'href="chart.ipynb?user=S001&amp;patient=P00001"' in view.table.value
    assert len(view.shown_ids) == 3 and view.prev.disabled and not view.next.disabled
    view.next.click()
    view.next.click()
    assert view.shown_ids == ["P00007"] and view.next.disabled
    view.search.value = "ben"
    assert view.shown_ids == ["P00002"] and view.page == 0
    opened = []
    view.on_open = opened.append
    view.open_id.value = "P00003"
    view.open_button.click()
    assert opened == ["P00003"]
    view.open_id.value = "P99999"
    view.open_button.click()
    assert "No patient" in view.msg.value and opened == ["P00003"]
    view.open_id.value = "ben"  # by name
    view.open_button.click()
    assert opened == ["P00003", "P00002"]


from workbench.rules.why_now import Facts, Reason, reasons, urgency  # noqa: E402

#: A worklist frame in the report's own columns (WORKLIST_COLUMNS, checked below), in priority order.
FRAME = pd.DataFrame({
    "patient_id": ["P1", "P2", "P3", "P4"], "name": ["Cy Doe", "Al Roe", "Bo Poe", "Di Moe"],
    "age": [70, 80, 66, 91], "n_chronic": [2, 3, 2, 4], "eligibility": ["ccm", "ccm", "ccm", "ccm"],
    "consent": ["verbal 2026-09-01", "none", "written 2026-10-02", "verbal 2026-08-15"],
    "consent_valid": [True, False, True, True],
    "minutes": [5.0, 25.0, 0.0, 41.0], "next_threshold": [20, 40, 20, 60], "minutes_to_next": [15, 15, 20, 19],
    "days_left": [12, 12, 12, 12], "last_contact": [None] * 4, "last_outcome": ["", "", "", ""],
    "open_escalations": [0, 1, 0, 0], "care_gaps": [1, 0, 0, 2],
    "phq_due": [False, True, False, False], "open_timer": [False, False, True, False],
    "flags": [["1 care gap"], ["escalation open", "PHQ due"], ["timer running"], ["2 care gaps"]],
    "why": [list(reasons(Facts(care_gaps=1))), list(reasons(Facts(open_escalations=1, phq_due=True))),
            list(reasons(Facts(timer_running=True))), list(reasons(Facts(care_gaps=2)))],
    "days_since_discharge": [None] * 4,
    "care_team": [["S001", "S005"], ["S002"], ["S001"], []],
    "icd10": [["E11.9", "I10"], ["J44.9"], ["I10"], ["N18.3"]],
    "conditions": [["Type 2 diabetes", "Essential hypertension"], ["COPD"], ["Essential hypertension"],
                   ["Chronic kidney disease, stage 3"]],
    "priority": [1200.0, 1100.0, 40.0, 30.0]})
FRAME = FRAME.assign(urgency=FRAME["why"].map(urgency))[WORKLIST_COLUMNS]


def test_the_hand_made_frame_has_the_reports_columns():
    assert list(FRAME.columns) == WORKLIST_COLUMNS


@pytest.mark.parametrize("kwargs,ids", [
    ({}, ["P1", "P2", "P3", "P4"]),
    ({"sort": "name"}, ["P2", "P3", "P1", "P4"]),
    ({"sort": "minutes", "descending": True}, ["P4", "P2", "P1", "P3"]),
    ({"sort": "age"}, ["P3", "P1", "P2", "P4"]),
    ({"consent": "missing"}, ["P2"]),
    ({"consent": "valid", "flag": "under_20"}, ["P1", "P3"]),
    ({"flag": "escalation"}, ["P2"]),
    ({"flag": "care_gaps"}, ["P1", "P4"]),
    ({"flag": "phq_due"}, ["P2"]),
    ({"flag": "open_timer"}, ["P3"]),
    ({"search": "ROE"}, ["P2"]),
    ({"search": "oe"}, ["P1", "P2", "P3", "P4"]),
    ({"search": "p4"}, ["P4"]),
    ({"search": "E11"}, ["P1"]),
    ({"search": "i10"}, ["P1", "P3"]),
    ({"search": "10"}, []),  # a code matches from its start only ("I10" is not found by "10")
    ({"search": "kidney"}, ["P4"]),
    ({"mine": "S001"}, ["P1", "P3"]),
    ({"mine": "S001", "search": "diab"}, ["P1"]),
    ({"mine": "S009"}, []),
])
def test_select_rows(kwargs, ids):
    assert list(select_rows(FRAME, **kwargs)["patient_id"]) == ids


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=4), st.sampled_from(["all", "valid", "missing"]),
       st.sampled_from(["all", "escalation", "care_gaps", "phq_due", "open_timer", "under_20"]),
       st.sampled_from(["priority", "name", "age", "minutes"]), st.booleans())
def test_select_rows_is_a_filtered_permutation(search, consent, flag, sort, desc):
    out = select_rows(FRAME, search, consent, flag, sort, desc)
    assert set(out["patient_id"]) <= set(FRAME["patient_id"]) and out["patient_id"].is_unique
    assert select_rows(FRAME, search, consent, flag, "priority")["_rank"].is_monotonic_increasing


@settings(max_examples=60, deadline=None)
@given(st.floats(min_value=0, max_value=500, allow_nan=False))
def test_progress_bar_green_exactly_at_billable_minutes(minutes):
    html = progress_bar(minutes)
    assert ("ccm-bar-billable" in html) == (minutes >= 20)
    assert html.count("ccm-bar-mark") == 2


def test_render_rows_shows_the_why_now_reasons_as_badges():
    html = render_rows(FRAME, lambda pid: f"chart.ipynb?patient={pid}")
    rows = html.split("<tr data-patient")[1:]
    assert len(rows) == 4
    assert 'ccm-badge-danger ccm-why-escalation">Escalation open' in rows[1]
    assert 'ccm-badge-info ccm-why-phq_due">PHQ due' in rows[1]
    assert "2 care gaps" in rows[3] and "Timer running" in rows[2]


def test_the_badge_colour_comes_from_the_reason_never_its_sentence():
    odd = Reason("phq_due", "escalation <b>open</b>", 1.0, "info")
    html = render_rows(FRAME.iloc[:1].assign(why=[[odd]]), lambda pid: pid)
    assert 'ccm-badge-info ccm-why-phq_due">escalation &lt;b&gt;open&lt;/b&gt;' in html
    assert "ccm-badge-danger" not in html.split('class="ccm-why"')[1].split("</td>")[0]


def test_month_view_for_billing_with_downloads(db, clock):
    wb = Workbench.open(db, "S001", clock)
    consent_all(wb, "P00001")
    wb.log_time("P00001", 22, r.Activity.PATIENT_CALL, "Monthly call")
    wb.log_time("P00002", 5, r.Activity.RECORD_REVIEW, "Chart review")
    app = workbench_app("month", db, clock, {"user": "S006"})
    view = app.content
    assert view is not None, app.msg.value
    assert view.month.value == "2026-11"
    assert set(view.df["patient_id"]) == {"P00001", "P00002"}
    assert 'download="ccm-month-2026-11.csv"' in view.downloads.value
    assert 'download="ccm-month-2026-11.xlsx"' in view.downloads.value
    assert "P00001" in view.table.value and "Rita Nurse: 22 min" in view.table.value
    assert "99490" in view.table.value and "{" not in view.table.value  # typed values shown as text
    view.month.value = "2026-10"
    assert "No time recorded in 2026-10" in view.totals.value


def test_trends_series_and_goal_lines():
    d = date(2026, 1, 1)
    obs = [r.Observation("8480-6", "Systolic blood pressure", 150, "mmHg", d),
           r.Observation("4548-4", "Hemoglobin A1c", 8.1, "%", d + timedelta(days=90)),
           r.Observation("4548-4", "Hemoglobin A1c", 7.6, "%", d),
           r.Observation("29463-7", "Body weight", 90, "kg", d),
           r.Observation("33914-3", "eGFR", 55, "mL/min", d)]
    s = series_of(obs)
    assert [o.value for o in s["a1c"]] == [7.6, 8.1] and len(s["bp"]) == 1 and len(s["egfr"]) == 1
    assert goal_lines("a1c", None) == (7.0,) and goal_lines("weight", None) == ()
    plan = r.CarePlan(goals=(r.Goal("Lower A1c", "A1c", "< 8 %"), r.Goal("BP", "blood pressure", "<140/90")))
    assert goal_lines("a1c", plan) == (8.0,) and goal_lines("bp", plan) == (140.0, 90.0)


def test_landing_links_by_role(db, clock):
    care = workbench_app("index", db, clock, {"user": "S001"}).content.value
    billing = workbench_app("index", db, clock, {"user": "S006"}).content.value
    assert "worklist.ipynb" in care and "month.ipynb" not in care
    assert "month.ipynb" in billing and "ccm-tile-worklist" not in billing


def test_trends_draw_a_png_with_goal_lines(db, clock):
    wb = Workbench.open(db, "S001", clock)
    obs = [r.Observation("4548-4", "Hemoglobin A1c", v, "%", date(2026, m, 1)) for m, v in ((3, 8.4), (6, 7.9))]
    app, chart = chart_of(db, clock)
    from workbench.ui.trends_tab import TrendsTab

    tab = TrendsTab(wb, "P00001", obs, None)
    tab.draw()
    assert tab.image.value[:8] == b"\x89PNG\r\n\x1a\n"
    empty = chart.trends
    chart.select("Trends")
    assert empty.drawn and "No observations" in empty.out.children[0].value


# ---------------------------------------------------------------- ISO dates


@pytest.mark.parametrize("text, expected", [
    ("2026-12-01", date(2026, 12, 1)), (" 2027-02-28 ", date(2027, 2, 28)), ("", None), ("   ", None),
    ("2026-02-30", "not a date"), ("2026-1-5", "not a date"),
    ("20261201", "not a date"), ("2026-12-01T10:00", "not a date"), ("next tuesday", "not a date"),
    ("=1+1", "not a date"), ("4 Dec 2026", "not a date"), ("03/15/27", "not a date"),
    ("02/30/2027", "not a date"), ("13/13/2027", "not a date"), ("03/15-2027", "not a date"),
    ("03/15/2027", date(2027, 3, 15)), ("3/15/2027", date(2027, 3, 15)), ("12-25-2026", date(2026, 12, 25)),
    ("07/07/2027", date(2027, 7, 7)), ("12/31/2026", date(2026, 12, 31)),
    ("12/01/2026", "could be December 1, 2026 or January 12, 2026"),
    ("03/04/2027", "could be March 4, 2027 or April 3, 2027"),
])
def test_iso_date_fields_read_only_real_yyyy_mm_dd_dates(text, expected):
    from workbench.errors import InvalidInput
    from workbench.ui.dates import IsoDate

    box = IsoDate(what="consent date")
    box.value = text
    if isinstance(expected, str):
        with pytest.raises(InvalidInput, match="YYYY-MM-DD") as exc:
            box.date  # noqa: B018 - reading the property is the check
        assert expected in str(exc.value)
        assert exc.value.field == "consent date" and box.date_or_none() is None
        assert box.value == text  # what was typed stays, to be corrected
    else:
        assert box.date == expected
        assert box.value.strip() == ("" if expected is None else expected.isoformat())  # shown back as ISO


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
@settings(max_examples=60, deadline=None)
def test_an_iso_date_field_round_trips_every_date(day):
    from workbench.ui.dates import IsoDate

    box = IsoDate(day)
    assert box.value == day.isoformat() and box.date == day


@given(st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31)), st.sampled_from("/-."))
@settings(max_examples=150, deadline=None)
def test_a_us_date_is_read_when_unambiguous_and_refused_when_not(day, sep):
    from workbench.errors import InvalidInput
    from workbench.ui.dates import parse_date

    text = f"{day.month:02d}{sep}{day.day:02d}{sep}{day.year:04d}"
    if day.day <= 12 and day.day != day.month:
        with pytest.raises(InvalidInput, match="could be"):
            parse_date(text)
    else:
        assert parse_date(text) == day


def test_a_bad_date_is_refused_with_a_sentence_and_nothing_is_written(db, clock):
    app, chart = chart_of(db, clock)
    tab = chart.consent
    assert tab.date.value == app.wb.today().isoformat()  # shown as ISO, not the browser's locale
    for b in tab.checks.values():
        b.value = True
    tab.date.value = "11/03/2026"
    tab.record_button.click()
    assert "could be November 3, 2026 or March 11, 2026" in tab.msg.value and app.wb.consents("P00001") == []
    tab.date.value = app.wb.today().isoformat()
    tab.record_button.click()
    assert len(app.wb.consents("P00001")) == 1
    plan = chart.careplan
    fill_plan(plan)
    plan.goals.children[-1].due.value = "2027-13-01"
    plan.reason.value = "First plan"
    plan.save_button.click()
    assert "goal due date" in plan.msg.value and app.wb.chart("P00001").care_plan is None


def test_billing_page_claims_are_the_command_lines_claims(db, clock, tmp_path):
    """Ready and held lines on the page, with their reasons, are exactly ``workbench report
    claims``'s, and the page's claims download is the same file."""
    import base64
    import csv
    import io

    from workbench.cli import main

    wb = Workbench.open(db, "S001", clock)
    consent_all(wb, "P00001")
    wb.log_time("P00001", 22, r.Activity.PATIENT_CALL, "Monthly call")
    view = workbench_app("month", db, clock, {"user": "S006"}).content
    out = tmp_path / "claims.csv"
    assert main(["report", "claims", "--month", "2026-11", "--out", str(out), "--db", db]) == 0
    cli = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    href = view.claims_downloads.value.split('href="data:text/csv;base64,')[1].split('"')[0]
    assert base64.b64decode(href).decode("utf-8") == out.read_text(encoding="utf-8")
    shown = re.findall(r'<tr class="ccm-claim-row" data-patient="([^"]+)" data-status="([^"]+)">', view.claims_table.value)
    assert shown == [(x["patient_id"], x["status"]) for x in cli] and shown
    for x in cli:
        if x["status"] == "hold":
            assert html.escape(x["reasons"]) in view.claims_table.value
    assert 'Ada Lovelace <span class="ccm-pid">P00001</span>' in view.claims_table.value  # the name beside the id
    held = sum(x["status"] == "hold" for x in cli)
    assert f'ccm-claims-held">{held}</b>' in view.claims_totals.value
    assert 'download="ccm-claims-2026-11.xlsx"' in view.claims_downloads.value


def test_unsaved_care_plan_text_marks_the_view_and_reload_keeps_it_aside(db, clock):
    app, chart = chart_of(db, clock)
    plan = chart.careplan
    assert "ccm-dirty" not in plan._dom_classes
    plan.fields["problem_list"].value = "Hypertension; CKD stage 3"
    assert "ccm-dirty" in plan._dom_classes  # the page asks before leaving (the ccm template)
    other = app.wb.as_user("S002")  # a colleague saves version 1 meanwhile
    other.revise_care_plan("P00001", r.CarePlan(problem_list="COPD"), based_on=0, reason="Colleague's plan")
    plan.reason.value = "My plan"
    plan.save_button.click()
    assert "ccm-msg-error" in plan.msg.value  # the stale save is refused
    plan.reload_button.click()
    assert plan.fields["problem_list"].value == "COPD" and plan.version == 1
    assert "kept aside" in plan.msg.value and plan.reapply_button.layout.display is None
    plan.reapply_button.click()
    assert plan.fields["problem_list"].value == "Hypertension; CKD stage 3" and plan.version == 1
    plan.reason.value = "My plan, over the colleague's"
    plan.save_button.click()
    assert "Saved version 2" in plan.msg.value and "ccm-dirty" not in plan._dom_classes
    assert app.wb.care_plan("P00001").plan.problem_list == "Hypertension; CKD stage 3"


def test_every_chart_tab_with_free_text_is_marked_while_its_text_is_unsaved(db, clock):
    """Typed, unsaved text marks its tab ``ccm-dirty`` (the page then asks before leaving); a
    successful write clears the form and the mark; a refused one keeps both; a barrier loaded
    for update is not unsaved until it is changed."""
    _app, chart = chart_of(db, clock)
    fields = {
        "contacts": lambda t: t.note, "escalation": lambda t: t.open_reason, "consent": lambda t: t.revoke_reason,
        "screening": lambda t: t.sdoh_note, "time": lambda t: t.m_note, "barriers": lambda t: t.description,
    }
    for key, field in fields.items():
        tab = chart.tab(key)
        assert "ccm-dirty" not in tab._dom_classes, key
        field(tab).value = "Typed but not saved"
        assert "ccm-dirty" in tab._dom_classes, key
        field(tab).value = "  "
        assert "ccm-dirty" not in tab._dom_classes, key  # only blanks: nothing to lose
    contacts = chart.contacts
    contacts.note.value = "Called about refills"
    contacts.with_whom.value = ""
    contacts.button.click()  # refused: whom the contact was with is missing
    assert "ccm-msg-error" in contacts.msg.value and "ccm-dirty" in contacts._dom_classes
    contacts.with_whom.value = "patient"
    contacts.button.click()
    assert "Contact logged" in contacts.msg.value and "ccm-dirty" not in contacts._dom_classes
    barriers = chart.barriers
    barriers.description.value = "No ride to the clinic"
    barriers.add_button.click()
    assert "ccm-dirty" not in barriers._dom_classes
    barriers.pick.value = barriers.pick.options[-1][1]
    assert barriers.new_description.value == "No ride to the clinic"
    assert "ccm-dirty" not in barriers._dom_classes  # loaded from the record: nothing typed
    barriers.new_action.value = "Ride booked"
    assert "ccm-dirty" in barriers._dom_classes
