"""The details: units on the Trends axes, goal lines from the plan, past-due goals, buttons that
fit their words, a compact eligibility line, the care-plan editor in sections with Save on top."""

from __future__ import annotations

import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from conftest import STAFF, sample_patient  # noqa: E402

from workbench import records as r  # noqa: E402
from workbench.service import Workbench  # noqa: E402
from workbench.ui import app as one  # noqa: E402
from workbench.ui.careplan_tab import SECTIONS, TEXT_ELEMENTS  # noqa: E402
from workbench.ui.trends_tab import axis_unit, goal_lines  # noqa: E402


@pytest.fixture
def chart(sqlite_url, clock, monkeypatch):
    for var in ("JUPYTERHUB_USER", "WORKBENCH_USER", "QUERY_STRING"):
        monkeypatch.delenv(var, raising=False)
    system = Workbench.open(sqlite_url, clock=clock)
    for u in STAFF:
        system.add_user(u)
    system.add_patient(sample_patient(observations=[
        r.Observation("29463-7", "Body weight", 182.0, "[lb_av]", date(2026, 9, 1)),
        r.Observation("4548-4", "Hemoglobin A1c", 8.1, "%", date(2026, 9, 1))]))
    app = one.workbench_app("chart", sqlite_url, clock, {"user": "S001", "patient": "P00001"}, live_timer=False)
    return app.content


def test_weight_axis_says_the_stored_unit():
    obs = [r.Observation("29463-7", "Body weight", 182.0, "[lb_av]", date(2026, 9, 1))]
    assert axis_unit("weight", obs) == "lb"
    assert axis_unit("weight", [r.Observation("29463-7", "w", 80.0, "kg", date(2026, 9, 1))]) == "kg"
    assert axis_unit("weight", []) == "kg"


def test_a1c_goal_line_follows_a_new_goal(chart):
    trends = chart.select("Trends")
    assert trends.drawn and goal_lines("a1c", trends.plan) == (7.0,)
    cp = chart.careplan
    cp.add_goal(r.Goal("Lower A1c", "A1c", "< 7.5 %", date(2027, 3, 1)))
    cp.reason.value = "New A1c goal"
    cp.save()
    chart.select("Care plan")
    chart.select("Trends")  # shown again: drawn again from the saved goal
    assert goal_lines("a1c", trends.plan) == (7.5,)


def test_past_due_goals_are_highlighted(chart):
    cp = chart.careplan
    today = chart.wb.today()
    late = cp.add_goal(r.Goal("Walk daily", "steps", "5000", today - timedelta(days=3), "active"))
    done = cp.add_goal(r.Goal("Flu shot", "vaccine", "given", today - timedelta(days=3), "completed"))
    soon = cp.add_goal(r.Goal("BP", "BP", "< 130/80", today + timedelta(days=3), "active"))
    assert "ccm-goal-overdue" in late._dom_classes and "overdue 3 d" in late.flag.value
    assert "ccm-goal-overdue" not in done._dom_classes and "ccm-goal-overdue" not in soon._dom_classes
    late.status.value = "completed"
    assert "ccm-goal-overdue" not in late._dom_classes and late.flag.value == ""


def test_buttons_size_to_their_words(chart):
    cp = chart.careplan
    for b in (cp.save_button, cp.reload_button, cp.diff_button, chart.screening.sdoh_button):
        assert b.layout.width == "auto", b.description


def test_eligibility_is_one_line_with_the_detail_folded(chart):
    html = chart.header.value
    assert '<details class="ccm-eligibility"><summary>' in html
    summary = html.split("<summary>")[1].split("</summary>")[0]
    assert len(summary) < 80 and "Eligible for CCM" in summary


def test_care_plan_editor_in_sections_with_save_on_top(chart):
    cp = chart.careplan
    keys = [k for _title, ks in SECTIONS for k in ks]
    assert sorted(keys) == sorted([*TEXT_ELEMENTS, "goals", "interventions"])  # every element, once
    editor = cp.sections.children[0]
    kids = list(editor.children)
    savebar = next(k for k in kids if "ccm-cp-savebar" in k._dom_classes)
    assert kids.index(savebar) < kids.index(cp.editor_sections)
    assert cp.save_button in savebar.children and cp.editor_sections.selected_index == 0
