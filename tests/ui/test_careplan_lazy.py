"""Opening a chart sends the care plan's first folded section only: the other sections and the
sub-tabs after "Edit" are built when first shown, and nothing of a section never opened is lost
on save (its text is kept as loaded)."""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import ipywidgets as w
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from conftest import sample_patient  # noqa: E402
from helpers import seeded_ui_db  # noqa: E402

from workbench import records as r  # noqa: E402
from workbench.service import Workbench  # noqa: E402
from workbench.service import changes  # noqa: E402
from workbench.ui import app as one  # noqa: E402
from workbench.ui.careplan_tab import SECTIONS, TEXT_ELEMENTS  # noqa: E402
from workbench.ui.chart import ChartView  # noqa: E402

FULL = r.CarePlan(**{key: f"{key} as saved" for key in TEXT_ELEMENTS},
                  goals=(r.Goal("Walk daily", "minutes", "20", date(2027, 1, 4)),),
                  interventions=(r.Intervention("Weekly call", "RN care manager", "weekly"),))


@pytest.fixture
def system(sqlite_url, clock, monkeypatch):
    wb = Workbench.open(seeded_ui_db(sqlite_url, clock, monkeypatch, sample_patient()), clock=clock)
    wb.as_user("S001").revise_care_plan("P00001", FULL, based_on=0, reason="First plan")
    return wb


def texts(widget) -> list[w.Textarea]:
    """The text boxes inside ``widget``, in page order."""
    if isinstance(widget, w.Textarea):
        return [widget]
    return [t for c in getattr(widget, "children", ()) if isinstance(c, w.Widget) for t in texts(c)]


def test_a_chart_opens_with_the_first_section_only(system, sqlite_url, clock):
    app = one.workbench_app("chart", sqlite_url, clock, {"user": "S001", "patient": "P00001"}, live_timer=False)
    cp = app.content.careplan
    first, *rest = cp.section_boxes
    assert {t._dom_classes[0] for t in texts(first)} == {
        f"ccm-cp-{k.replace('_', '-')}" for k in SECTIONS[0][1] if k in TEXT_ELEMENTS}
    assert all(box.children == () for box in rest)  # the folded sections are empty until opened
    assert all(page.children == () for page in cp.sections.children[1:])  # so are the sub-tabs
    assert len(cp.goals.children) == 1 and len(cp.interventions.children) == 1
    cp.editor_sections.selected_index = 2  # the person opens "Home, caregiver and coordination"
    shown = texts(cp.section_boxes[2])
    assert [t.value for t in shown] == [f"{k} as saved" for k in SECTIONS[2][1]]
    assert cp.section_boxes[1].children == ()


@pytest.mark.parametrize("opened", [(), (1,), (1, 2, 3)])
def test_saving_keeps_the_text_of_sections_never_opened(system, sqlite_url, clock, opened):
    app = one.workbench_app("chart", sqlite_url, clock, {"user": "S001", "patient": "P00001"}, live_timer=False)
    cp = app.content.careplan
    for index in opened:
        cp.editor_sections.selected_index = index
    cp.fields["problem_list"].value = "Hypertension; type 2 diabetes"
    assert "ccm-dirty" in cp._dom_classes
    cp.reason.value = "Monthly review"
    assert cp.save() is not None
    saved = system.care_plan("P00001").plan
    assert saved.problem_list == "Hypertension; type 2 diabetes"
    for key in TEXT_ELEMENTS:
        if key != "problem_list":
            assert getattr(saved, key) == f"{key} as saved", key
    assert saved.goals == FULL.goals and saved.interventions == FULL.interventions
    assert "ccm-dirty" not in cp._dom_classes


def test_a_field_asked_for_is_built_with_its_section(system, sqlite_url, clock):
    app = one.workbench_app("chart", sqlite_url, clock, {"user": "S001", "patient": "P00001"}, live_timer=False)
    cp = app.content.careplan
    assert list(cp.fields) == list(TEXT_ELEMENTS) and cp.section_boxes[3].children == ()
    box = cp.fields["sdoh_needs"]
    assert box.value == "sdoh_needs as saved" and box in cp.section_boxes[3].children
    with pytest.raises(KeyError):
        cp.fields["goals"]  # not a text box


def test_a_read_only_chart_freezes_what_it_builds_later(system, clock):
    chart = ChartView(system.as_user("S004"), "P00001", read_only=True)
    cp = chart.careplan
    cp.editor_sections.selected_index = 3
    assert all(t.disabled for t in texts(cp))
    assert texts(cp.section_boxes[3]) and cp.save_button.disabled
    assert cp.diff_a.disabled and cp.diff_button.disabled  # the History sub-tab, built now


def test_history_built_after_a_save_shows_the_new_differences(system, sqlite_url, clock):
    app = one.workbench_app("chart", sqlite_url, clock, {"user": "S001", "patient": "P00001"}, live_timer=False)
    cp = app.content.careplan
    cp.fields["problem_list"].value = "Hypertension only"
    cp.reason.value = "Diabetes resolved"
    cp.save()
    assert cp.sections.children[2].children == ()  # History not shown yet
    cp.sections.selected_index = 2
    assert "Hypertension only" in cp.diff.value and "Version 1 &rarr; version 2" in cp.diff.value
    assert (cp.diff_a.value, cp.diff_b.value) == (1, 2)
    cp.sections.selected_index = 1
    assert "Every CMS element is present" in cp.checklist.value


def test_an_access_log_row_makes_no_screen_read_again(system):
    heard = []
    listener = changes.subscribe(system.engine, lambda: heard.append(1))
    system.as_user("S001").open_chart("P00001")
    assert heard == []  # the access log is on no screen that re-reads
    with system.write() as uow:
        uow.set_setting("practice_note", "x")
    assert heard == [1]  # any other write does
    assert listener is not None


def test_a_care_plan_tab_built_later_reads_the_versions_again(system, clock):
    """Built with the chart, the tab shows the versions read a moment ago; built later (another tab
    was shown first), it shows what was saved in between, not what the chart read at opening."""
    at_once = ChartView(system.as_user("S001"), "P00001")
    later = ChartView(system.as_user("S001"), "P00001", first_tab=False)
    later.select("Time")
    later.ensure_tab()
    colleague = system.as_user("S002")
    colleague.revise_care_plan("P00001", replace(FULL, problem_list="Hypertension"), based_on=1,
                               reason="Colleague's update")
    assert at_once.careplan.version == 1  # built at opening, before the colleague saved
    assert later.careplan.version == 2 and later.careplan.fields["problem_list"].value == "Hypertension"
