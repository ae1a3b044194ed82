"""Playwright with Debian's Chromium against a real voila on 127.0.0.1.

Each test opens a page, drives the widgets, checks what the screen shows and what the record
holds, saves a screenshot under build/screenshots/ (`make screenshots` copies them to docs/), and asserts that no request left 127.0.0.1.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest

from pathlib import Path

SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"  # `make screenshots` copies them to docs/screenshots/

pytestmark = pytest.mark.browser

LOCAL = ("127.0.0.1",)


def assert_local(page) -> None:
    leaving = [u for u in page.requests_seen
               if not u.startswith(("data:", "blob:", "about:")) and urlparse(u).hostname not in LOCAL]
    assert leaving == [], f"requests left 127.0.0.1: {leaving[:5]}"
    assert page.requests_seen, "no request was recorded"


def open_app(page, base: str, path: str, ready: str) -> None:
    page.goto(f"{base}/voila/render/{path}")
    page.wait_for_selector(ready, state="visible", timeout=120_000)


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(400)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def tab(page, container: str, title: str) -> None:
    page.locator(f"{container} .lm-TabBar-tab").filter(has_text=re.compile(f"^{re.escape(title)}$")).first.click()


def staff_id(db: str, role: str) -> str:
    from workbench.service import Workbench

    return Workbench.open(db).users(role)[0].id


def test_landing_and_sign_in(page, voila_server):
    base = voila_server["base"]
    open_app(page, base, "index.ipynb", ".ccm-signin-button")
    shot(page, "sign-in")
    page.click(".ccm-signin-button")
    page.wait_for_selector(".ccm-landing")
    assert page.locator(".ccm-tile").count() >= 2
    shot(page, "landing")
    assert_local(page)


def visible_rows(page) -> int:
    return page.evaluate("""[...document.querySelectorAll('.ccm-view-worklist .ccm-worklist-table tbody tr')]
        .filter(tr => { const r = tr.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }).length""")


def kernels_started(server) -> int:
    return server["log"].read_text().count("Kernel started")


def test_main_path_through_the_one_app(page, voila_server):
    """Worklist -> chart -> care-plan save offers a timer -> timer in the pinned bar -> stop ->
    back to the worklist with its filters and scroll -> month report: one page load, one kernel."""
    base, db = voila_server["base"], voila_server["db"]
    uid = staff_id(db, "practitioner")
    before = kernels_started(voila_server)
    open_app(page, base, f"worklist.ipynb?user={uid}", ".ccm-worklist-table")
    page.wait_for_selector(".ccm-worklist-whose button.mod-active:has-text('My patients')")
    mine = page.locator(".ccm-open-chart").count()
    page.locator(".ccm-worklist-whose button").filter(has_text="All patients").click()
    page.wait_for_function(f"document.querySelectorAll('.ccm-open-chart').length > {mine}")
    assert visible_rows(page) >= 30, "the worklist shows 30+ rows on a 900 px screen"
    shot(page, "worklist")
    # search as you type: an ICD-10 code, no Enter
    page.locator(".ccm-worklist-search input").press_sequentially("E11", delay=60)
    page.wait_for_function("document.querySelector('.ccm-worklist-search input').value === 'E11' && "
                           "[...document.querySelectorAll('.ccm-open-chart')].length < 40")
    page.wait_for_function("(() => { const c = document.querySelector('.ccm-worklist-count').innerText;"
                           " return c.startsWith(document.querySelectorAll('.ccm-open-chart').length + ' of'); })()")
    found = page.locator(".ccm-open-chart").count()
    assert 0 < found < 40
    box = page.evaluate("[document.querySelector('.ccm-worklist').clientHeight, "
                        "document.querySelector('.ccm-worklist').scrollHeight]")
    assert box[0] == box[1], "a short list is shown whole (the table box never collapses)"
    # round trip 1: all 40, the table scrolled in its box; Back keeps the scroll
    page.locator(".ccm-worklist-search input").fill("")
    page.wait_for_function("document.querySelectorAll('.ccm-open-chart').length === 40")
    page.evaluate("document.querySelector('.ccm-worklist').scrollTop = 200")
    scroll = page.evaluate("document.querySelector('.ccm-worklist').scrollTop")
    assert scroll > 100
    page.locator(".ccm-open-chart").nth(15).click()
    page.wait_for_selector(".ccm-chart-header", state="visible")
    page.go_back()
    page.wait_for_selector(".ccm-view-worklist:not(.ccm-view-hidden) .ccm-worklist-table", state="visible")
    assert page.evaluate("document.querySelector('.ccm-worklist').scrollTop") == scroll
    # round trip 2: filtered by a code
    page.locator(".ccm-worklist-search input").press_sequentially("E11", delay=60)
    page.wait_for_function(f"document.querySelectorAll('.ccm-open-chart').length === {found}")
    first = page.locator(".ccm-open-chart").last
    name = first.inner_text()
    first.click()
    page.wait_for_selector(".ccm-chart-header", state="visible")
    assert name in page.locator(".ccm-patient-name").inner_text()
    assert "chart.ipynb" in page.url and "patient=" in page.url  # the address is the chart's deep link
    page.wait_for_selector(".ccm-workbar-chart .ccm-bar")  # the month's minutes in the work bar
    shot(page, "chart")

    # care plan saved with no timer running: the work bar offers one click
    page.wait_for_selector(".ccm-cp-save", state="visible")
    page.locator(".ccm-cp-problem-list textarea").fill("Type 2 diabetes; hypertension")
    page.locator(".ccm-cp-reason input").fill("Monthly review")
    page.click(".ccm-cp-save")
    page.wait_for_selector(".ccm-offer:has-text('Care plan saved')", state="visible")
    shot(page, "care-plan-offer")
    page.click(".ccm-offer-start")
    page.wait_for_selector(".ccm-timerbar:has-text('Timer running')")
    page.mouse.wheel(0, 2500)
    page.wait_for_timeout(1500)
    bar = page.locator(".ccm-timerbar-box").bounding_box()
    assert bar is not None and 0 <= bar["y"] < 200, "the work bar stays pinned while the chart scrolls"
    assert page.locator(".ccm-timer-elapsed").inner_text() != "0:00:00"
    shot(page, "timer-running")
    page.locator(".ccm-timerbar-note input").fill("Reviewed the plan with the patient")
    page.click(".ccm-timerbar-stop")
    page.wait_for_selector(".ccm-timerbar-msg:has-text('Stopped the timer for')")

    # back: the same worklist, search and scroll kept
    page.go_back()
    page.wait_for_selector(".ccm-view-worklist:not(.ccm-view-hidden) .ccm-worklist-table", state="visible")
    assert page.locator(".ccm-worklist-search input").input_value() == "E11"
    assert page.locator(".ccm-open-chart").count() == found
    assert page.locator(".ccm-worklist-whose button.mod-active").inner_text().startswith("All patients")

    # the month report, from the top bar, in the same page
    page.click(".ccm-topbar .ccm-nav-month")
    page.wait_for_selector(".ccm-month-report .ccm-month-table", state="visible")
    assert "month.ipynb" in page.url
    started = [u for u in page.requests_seen if "/voila/render/" in u]
    assert len(started) == 1, started  # one page load: every screen after it was a view switch
    assert kernels_started(voila_server) == before + 1

    from workbench.service import Workbench

    wb = Workbench.open(db)
    assert any(e.note == "Reviewed the plan with the patient" for e in wb.time_entries())
    assert_local(page)


def test_chart_timer_consent_care_plan_and_phq9(page, voila_server):
    base, db = voila_server["base"], voila_server["db"]
    uid = staff_id(db, "care_manager")
    from workbench.service import Workbench

    wb = Workbench.open(db)  # a patient with no care plan yet: the two saves are versions 1 and 2
    pid = next(p.id for p in wb.patients()[29:] + wb.patients()[:29] if wb.care_plan(p.id) is None)
    open_app(page, base, f"chart.ipynb?patient={pid}&user={uid}", ".ccm-chart-header")
    shot(page, "chart")

    # time: start, stop, see the entry and the month total change
    tab(page, ".ccm-chart-tabs", "Time")
    before = page.locator(".ccm-month-total").inner_text()
    page.locator(".ccm-timer-note input").fill("Reviewed home BP readings")
    page.click(".ccm-timer-start")
    page.wait_for_selector(".ccm-timerbar:has-text('Timer running')")
    page.wait_for_timeout(2500)
    shot(page, "timer-running")
    page.click(".ccm-timer-stop")
    page.wait_for_selector(".ccm-time-msg:has-text('Timer stopped')")
    page.wait_for_selector(".ccm-time-entries:has-text('Reviewed home BP readings')")
    after = page.locator(".ccm-month-total").inner_text()
    assert after != before
    assert page.locator(".ccm-timerbar-idle").count() == 1
    shot(page, "time")

    # consent: four required disclosures
    tab(page, ".ccm-chart-tabs", "Consent")
    for key in ("service-explained", "cost-sharing", "one-practitioner", "stop-any-time"):
        page.locator(f".ccm-disclosure-{key} input").check()
    page.click(".ccm-consent-record")
    page.wait_for_selector(".ccm-consent-status:has-text('Consent valid today')")
    shot(page, "consent")

    # care plan: two saves, version 2 and its diff
    tab(page, ".ccm-chart-tabs", "Care plan")
    for text, reason in (("Hypertension; type 2 diabetes", "Initial plan"), ("Hypertension only", "Update")):
        page.locator(".ccm-cp-problem-list textarea").fill(text)
        page.locator(".ccm-cp-reason input").fill(reason)
        page.click(".ccm-cp-save")
        page.wait_for_selector(".ccm-cp-msg:has-text('Saved version')")
        page.wait_for_function("document.querySelector('.ccm-cp-reason input').value === ''")
    tab(page, ".ccm-cp-sections", "History")
    # the demo may seed a version 1: wait for the diff of the last save, whatever its number
    page.wait_for_selector(".ccm-diff-table:has-text('Hypertension only')")
    assert "Problem list" in page.locator(".ccm-diff-table").inner_text()
    shot(page, "care-plan-diff")

    # screening: PHQ-2 positive, PHQ-9 with item 9 positive opens an escalation
    tab(page, ".ccm-chart-tabs", "Screening")
    for i in (1, 2):
        page.locator(f".ccm-phq2-item{i} select").select_option(label="More than half the days (2)")
    page.wait_for_selector(".ccm-phq9", state="visible")
    for i in range(1, 10):
        page.locator(f".ccm-phq9-item{i} select").select_option(label="Several days (1)")
    page.wait_for_selector(".ccm-phq9-score:has-text('escalation')")
    page.click(".ccm-phq9-record")
    page.wait_for_selector(".ccm-screening-msg:has-text('ESCALATION OPENED')", state="attached")
    page.wait_for_selector(".ccm-esc-timeline:has-text('OPEN')", state="visible")
    shot(page, "escalation")

    tab(page, ".ccm-chart-tabs", "Trends")
    page.wait_for_selector(".ccm-trends img, .ccm-trends .ccm-msg", timeout=60_000)
    shot(page, "trends")

    from workbench.service import Workbench

    wb = Workbench.open(db)
    assert [e.note for e in wb.time_entries(pid)] == ["Reviewed home BP readings"]
    plan = wb.care_plan(pid)
    assert plan.version >= 2 and plan.plan.problem_list == "Hypertension only"
    assert wb.consents(pid)[-1].obtained_by == uid
    assert len(wb.escalations(pid, open_only=True)) == 1
    assert_local(page)


def test_month_view_downloads_csv(page, voila_server):
    base, db = voila_server["base"], voila_server["db"]
    uid = staff_id(db, "billing")
    open_app(page, base, f"month.ipynb?user={uid}", ".ccm-download-csv")
    page.wait_for_selector(".ccm-month-plot img")
    shot(page, "month")
    with page.expect_download() as info:
        page.click(".ccm-download-csv")
    download = info.value
    assert download.suggested_filename.startswith("ccm-month-") and download.suggested_filename.endswith(".csv")
    text = open(download.path(), encoding="utf-8").read()
    header = text.splitlines()[0]
    assert "patient_id" in header and "codes" in header
    assert len(text.splitlines()) >= 7
    assert_local(page)
