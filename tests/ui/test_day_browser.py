"""A care manager's day in Chromium against a real voila: the worklist stays current and says
why, every result is in sight beside its button, a double click writes once, and the billing
page holds what ``workbench report claims`` holds."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from test_browser import assert_local, open_app, shot, staff_id, tab  # noqa: E402

pytestmark = pytest.mark.browser

IN_SIGHT = """sel => {
  const els = [...document.querySelectorAll(sel)].filter(e => e.offsetParent !== null && e.innerText.trim());
  if (!els.length) return false;
  const r = els[0].getBoundingClientRect();
  const pinned = document.querySelector('.ccm-pinned');
  const top = pinned ? pinned.getBoundingClientRect().bottom : 0;
  return r.top >= top - 2 && r.bottom <= innerHeight + 2;
}"""


def in_sight(page, selector: str) -> None:
    """The message is on screen, below the pinned bar, after the click (no scrolling by the test)."""
    page.wait_for_function(f"({IN_SIGHT})({selector!r})", timeout=30_000)


def row(page, pid: str) -> str:
    return f".ccm-view-worklist tr[data-patient='{pid}']"


def a_patient(db: str, skip: set[str] = frozenset()) -> str:
    """A consented patient without a running timer and under 40 minutes, not in ``skip``."""
    from workbench.service import Workbench

    df = Workbench.open(db).worklist()
    ok = df[df["consent_valid"] & ~df["open_timer"] & (df["minutes"] < 40) & ~df["patient_id"].isin(skip)]
    return str(ok.iloc[len(ok) // 2]["patient_id"])


def test_the_worklist_is_always_current_and_says_why(page, voila_server):
    from workbench.service import Workbench

    base, db = voila_server["base"], voila_server["db"]
    uid = staff_id(db, "care_manager")
    pid = a_patient(db)
    open_app(page, base, f"worklist.ipynb?user={uid}", ".ccm-worklist-table")
    page.locator(".ccm-worklist-whose button").filter(has_text="All patients").click()
    page.wait_for_selector(row(page, pid))
    # the reason column, readable at 1366 px: nothing cut on the right
    assert page.locator(".ccm-worklist-table th").filter(has_text="Why now").count() == 1
    assert page.evaluate("(() => { const b = document.querySelector('.ccm-worklist');"
                         " return b.scrollWidth <= b.clientWidth + 1; })()")
    assert page.locator(".ccm-view-worklist td.ccm-why .ccm-badge").count() > 10
    shot(page, "worklist-why-now")
    before = int(page.locator(f"{row(page, pid)} .ccm-bar-label").inner_text())

    # a contact and 3 minutes in the chart; back by the breadcrumb
    page.locator(f"{row(page, pid)} .ccm-open-chart").click()
    page.wait_for_selector(".ccm-chart-header", state="visible")
    tab(page, ".ccm-chart-tabs", "Contacts")
    page.locator(".ccm-contact-note textarea").fill("Monthly check-in, doing well")
    page.click(".ccm-contact-log")
    page.wait_for_selector(".ccm-contact-list:has-text('Monthly check-in, doing well')")
    tab(page, ".ccm-chart-tabs", "Time")
    page.locator(".ccm-manual-minutes input").fill("3")
    page.locator(".ccm-manual-note input").fill("Check-in call")
    page.click(".ccm-manual-log")
    in_sight(page, ".ccm-time-msg-manual .ccm-msg-ok")
    page.click(".ccm-crumbbar a[data-ccm-nav='worklist']")
    page.wait_for_selector(".ccm-view-worklist:not(.ccm-view-hidden)", state="visible")
    page.wait_for_function(f"document.querySelector(\"{row(page, pid)} .ccm-bar-label\").innerText === '{before + 3}'")
    today = Workbench.open(db).today().isoformat()
    assert today in page.locator(f"{row(page, pid)} .ccm-last-contact").inner_text()
    assert "(reached)" in page.locator(f"{row(page, pid)} .ccm-last-contact").inner_text()

    # the order is the report's order now (the row moved with its new minutes)
    fresh = [str(x) for x in Workbench.open(db).worklist()["patient_id"]]
    shown = page.evaluate("[...document.querySelectorAll('.ccm-view-worklist tbody tr')].map(t => t.dataset.patient)")
    assert shown == fresh[:len(shown)]

    # a timer started in the chart: browser Back shows it on the row; stopping it clears it
    page.locator(f"{row(page, pid)} .ccm-open-chart").click()
    page.wait_for_selector(".ccm-workbar-start", state="visible")
    page.click(".ccm-workbar-start")
    page.wait_for_selector(".ccm-timerbar:has-text('Timer running')")
    page.go_back()
    page.wait_for_selector(f"{row(page, pid)} .ccm-why-timer_running", state="visible")
    page.locator(".ccm-timerbar-note input").fill("Call about refills")
    # a timer stopped in the second it started is refused (a mis-click): let the bar count a second
    page.wait_for_function("!/ 0:00:00\\b/.test(document.querySelector('.ccm-timerbar').innerText)")
    page.click(".ccm-timerbar-stop")
    page.wait_for_selector(".ccm-timerbar-idle", state="visible")
    page.wait_for_selector(f"{row(page, pid)} .ccm-why-timer_running", state="detached")
    assert_local(page)


def test_every_result_is_in_sight_and_a_double_click_writes_once(page, voila_server):
    from workbench.service import Workbench

    base, db = voila_server["base"], voila_server["db"]
    uid = staff_id(db, "care_manager")
    wb = Workbench.open(db)
    pid = next(p.id for p in reversed(wb.patients()) if wb.care_plan(p.id) is None)
    open_app(page, base, f"chart.ipynb?patient={pid}&user={uid}", ".ccm-chart-header")

    # PHQ-9, double-clicked: one record, its result beside the button
    tab(page, ".ccm-chart-tabs", "Screening")
    page.click(".ccm-phq9-open")
    for i in range(1, 10):
        page.locator(f".ccm-phq9-item{i} select").select_option(label="Not at all (0)" if i == 9 else "Several days (1)")
    page.dblclick(".ccm-phq9-record")
    in_sight(page, ".ccm-screening-msg-phq9 .ccm-msg-ok")
    assert "PHQ-9 recorded" in page.locator(".ccm-screening-msg-phq9").inner_text()
    page.wait_for_timeout(1500)  # the second click has been handled
    assert [q.instrument for q in Workbench.open(db).chart(pid).questionnaires].count("PHQ-9") == 1
    assert page.locator(".ccm-screening-msg .ccm-msg-error").count() == 0

    # manual time with a date written "4 Dec 2026": refused beside the button
    tab(page, ".ccm-chart-tabs", "Time")
    page.locator(".ccm-manual-minutes input").fill("5")
    page.locator(".ccm-manual-note input").fill("Chart review")
    page.locator(".ccm-manual-date input").fill("4 Dec 2026")
    page.click(".ccm-manual-log")
    in_sight(page, ".ccm-time-msg-manual .ccm-msg-error")
    assert "is not a date" in page.locator(".ccm-time-msg-manual").inner_text()
    # the next action clears it
    page.locator(".ccm-manual-date input").fill("")
    page.click(".ccm-manual-log")
    in_sight(page, ".ccm-time-msg-manual .ccm-msg-ok")

    # an escalation step that needs the patient's consent answer, without it
    tab(page, ".ccm-chart-tabs", "Escalation")
    page.locator(".ccm-esc-reason input").fill("Chest pain on exertion")
    page.click(".ccm-esc-open")
    in_sight(page, ".ccm-esc-msg-open .ccm-msg-ok")
    page.locator(".ccm-esc-step select").select_option(label="EMS called (911)")
    page.click(".ccm-esc-record")
    in_sight(page, ".ccm-esc-msg-step .ccm-msg-error")
    assert page.locator(".ccm-esc-msg-open .ccm-msg").count() == 0  # the last result was cleared

    # "Save new version", double-clicked: one version, no red error
    tab(page, ".ccm-chart-tabs", "Care plan")
    page.locator(".ccm-cp-problem-list textarea").fill("Hypertension; COPD")
    page.locator(".ccm-cp-reason input").fill("Initial plan")
    page.dblclick(".ccm-cp-save")
    in_sight(page, ".ccm-cp-msg .ccm-msg-ok")
    page.wait_for_timeout(1500)
    assert [x.version for x in Workbench.open(db).care_plan_history(pid)] == [1]
    assert page.locator(".ccm-cp-msg .ccm-msg-error").count() == 0

    # unsaved text: leaving asks first; "stay" keeps the chart and the text
    page.locator(".ccm-cp-problem-list textarea").fill("Hypertension; COPD; CKD stage 3")
    page.wait_for_selector(".ccm-careplan-tab.ccm-dirty", state="attached")
    asked = []
    page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    page.click(".ccm-crumbbar a[data-ccm-nav='worklist']")
    page.wait_for_timeout(1000)
    assert asked and "not saved" in asked[0]
    assert page.locator(".ccm-chart-header").is_visible()
    assert page.locator(".ccm-cp-problem-list textarea").input_value() == "Hypertension; COPD; CKD stage 3"
    page.once("dialog", lambda d: d.accept())
    page.click(".ccm-crumbbar a[data-ccm-nav='worklist']")
    page.wait_for_selector(".ccm-view-worklist:not(.ccm-view-hidden)", state="visible")
    assert_local(page)


def test_the_billing_page_holds_what_the_claims_command_holds(page, voila_server, tmp_path):
    from workbench.service import Workbench

    base, db = voila_server["base"], voila_server["db"]
    uid = staff_id(db, "billing")
    month = Workbench.open(db).today().strftime("%Y-%m")
    out = tmp_path / "claims.csv"
    subprocess.run([sys.executable, "-m", "workbench.cli", "report", "claims", "--month", month, "--db", db,
                    "--out", str(out)], check=True, capture_output=True)
    cli = list(csv.DictReader(out.open(encoding="utf-8")))
    open_app(page, base, f"month.ipynb?user={uid}", ".ccm-claims-table, .ccm-claims-summary .ccm-msg")
    shown = page.evaluate("[...document.querySelectorAll('.ccm-claim-row')].map(r => [r.dataset.patient, r.dataset.status])")
    assert shown == [[x["patient_id"], x["status"]] for x in cli]
    for x in cli:
        if x["status"] == "hold":
            assert x["reasons"] in page.locator(f".ccm-claim-row[data-patient='{x['patient_id']}']").first.inner_text()
    with page.expect_download() as info:
        page.click(".ccm-claims-csv")
    assert Path(info.value.path()).read_text(encoding="utf-8") == out.read_text(encoding="utf-8")
    assert_local(page)
