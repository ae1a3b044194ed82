"""The one app (workbench.ui.app): views switched in one kernel, Back, breadcrumbs, deep links."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from conftest import STAFF, sample_patient  # noqa: E402

from workbench.service import Workbench  # noqa: E402
from workbench.ui import app as one  # noqa: E402
from workbench.ui.chart import ChartPicker, ChartView, find_patients  # noqa: E402
from workbench.ui.serve import SHARE  # noqa: E402
from workbench.ui.worklist import WorklistView  # noqa: E402


@pytest.fixture
def db(sqlite_url, clock, monkeypatch):
    for var in ("JUPYTERHUB_USER", "WORKBENCH_USER", "QUERY_STRING"):
        monkeypatch.delenv(var, raising=False)
    system = Workbench.open(sqlite_url, clock=clock)
    for u in STAFF:
        system.add_user(u)
    system.add_patient(sample_patient())
    system.add_patient(sample_patient("P00002", first_name="Ben", last_name="Franklin"))
    system.add_patient(sample_patient("P00003", first_name="Bea", last_name="Franklin"))
    return sqlite_url


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
    trainee = one.workbench_app("trainee", db, clock, {"user": "S007"}, live_timer=False)
    from training.ui import TraineeHome

    assert isinstance(trainee.content, TraineeHome)
    sup = one.workbench_app("index", db, clock, {"user": "S004"}, live_timer=False)
    assert 'data-ccm-nav="supervisor"' in sup.top.value
    assert sup.navigate("supervisor") and sup.current == "supervisor"
    assert sup.navigate("worklist") and sup.back() and sup.current == "supervisor"


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
