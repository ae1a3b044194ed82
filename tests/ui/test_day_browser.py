"""A care manager's day in Chromium against a real voila: the worklist stays current and says
why, every result is in sight beside its button, a double click writes once, and the billing
page holds what ``workbench report claims`` holds."""

from __future__ import annotations

import csv
import subprocess
import sys
import time
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
  const top = pinned && !pinned.contains(els[0]) ? pinned.getBoundingClientRect().bottom : 0;  // the bar's own: in it
  return r.top >= top - 2 && r.bottom <= innerHeight + 2;
}"""


def in_sight(page, selector: str) -> None:
    """The message is on screen, below the pinned bar (or in it, when the bar's own button caused it),
    after the click (no scrolling by the test)."""
    page.wait_for_function(f"({IN_SIGHT})({selector!r})", timeout=30_000)


def row(page, pid: str) -> str:
    return f".ccm-view-worklist tr[data-patient='{pid}']"


def a_patient(db: str, skip: set[str] = frozenset()) -> str:
    """A consented patient without a running timer and under 40 minutes, not in ``skip``."""
    from workbench.service import Workbench

    df = Workbench.open(db).worklist()
    ok = df[df["consent_valid"] & ~df["open_timer"] & (df["minutes"] < 40) & ~df["patient_id"].isin(skip)]
    return str(ok.iloc[len(ok) // 2]["patient_id"])


def open_a_chart(page, voila_server) -> tuple[str, str, str]:
    """A care manager (no timer left running) opens a consented patient's chart from the worklist's
    "All patients"; returns the database, the care manager's id and the patient's id."""
    db = voila_server["db"]
    uid = staff_id(db, "care_manager")
    no_running_timer(db, uid)
    pid = a_patient(db)
    open_app(page, voila_server["base"], f"worklist.ipynb?user={uid}", ".ccm-worklist-table")
    page.locator(".ccm-worklist-whose button").filter(has_text="All patients").click()
    page.locator(f"{row(page, pid)} .ccm-open-chart").click()
    page.wait_for_selector(f".ccm-chart-header:has-text('{pid}')", state="visible")
    return db, uid, pid


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
    # the same answers typed in again within the minute: the service refuses them, beside the button
    for i in range(1, 10):
        page.locator(f".ccm-phq9-item{i} select").select_option(label="Not at all (0)" if i == 9 else "Several days (1)")
    page.click(".ccm-phq9-record")
    in_sight(page, ".ccm-screening-msg-phq9 .ccm-msg-error")
    assert "was not recorded twice" in page.locator(".ccm-screening-msg-phq9").inner_text()
    assert [q.instrument for q in Workbench.open(db).chart(pid).questionnaires].count("PHQ-9") == 1

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


def add_patient_without_member_id(db: str) -> str:
    """A consented patient with an initiating visit and 25 minutes this month but no Medicare member
    id: a claim line that must be held (docs/reference.md, "Claims")."""
    import dataclasses

    from simulated_patients import generate_panel

    from workbench import records as r
    from workbench.service import Workbench

    wb = Workbench.open(db)
    pid = f"P{900 + len(wb.patients()):05d}"

    def renamed(x):
        if isinstance(x, list):
            return [renamed(y) for y in x]
        return dataclasses.replace(x, patient_id=pid) if dataclasses.is_dataclass(x) and hasattr(x, "patient_id") else x

    b = generate_panel(1, 99).patients[0]
    rest = {f.name: renamed(getattr(b, f.name)) for f in dataclasses.fields(b) if f.name != "patient"}
    wb.add_patient(r.PatientBundle(patient=dataclasses.replace(b.patient, id=pid, member_id=""), **rest))
    manager = wb.users(r.Role.CARE_MANAGER)[0]
    wb.as_user(manager.id).log_time(pid, 25, r.Activity.PATIENT_CALL, "Monthly check-in call")
    return pid


def test_the_billing_page_holds_what_the_claims_command_holds(page, voila_server, tmp_path):
    from workbench.service import Workbench

    base, db = voila_server["base"], voila_server["db"]
    held = add_patient_without_member_id(db)
    uid = staff_id(db, "billing")
    month = Workbench.open(db).today().strftime("%Y-%m")
    out = tmp_path / "claims.csv"
    subprocess.run([sys.executable, "-m", "workbench.cli", "report", "claims", "--month", month, "--db", db,
                    "--out", str(out)], check=True, capture_output=True)
    cli = list(csv.DictReader(out.open(encoding="utf-8")))
    open_app(page, base, f"month.ipynb?user={uid}", ".ccm-claims-table, .ccm-claims-summary .ccm-msg")
    shown = page.evaluate("[...document.querySelectorAll('.ccm-claim-row')].map(r => [r.dataset.patient, r.dataset.status])")
    assert shown == [[x["patient_id"], x["status"]] for x in cli]
    # the held rows: the same patients as the command's, the patient without a member id among them
    cli_held = [x["patient_id"] for x in cli if x["status"] == "hold"]
    assert held in cli_held and [pid for pid, status in shown if status == "hold"] == cli_held
    assert "Medicare member id (MBI) missing" in page.locator(f".ccm-claim-row[data-patient='{held}']").inner_text()
    page.locator(f".ccm-claim-row[data-patient='{held}']").scroll_into_view_if_needed()
    shot(page, "billing-held")
    for x in cli:  # names beside ids, and a held row's reasons
        text = page.locator(f".ccm-claim-row[data-patient='{x['patient_id']}']").first.inner_text()
        assert f"{x['first_name']} {x['last_name']}" in text and x["billing_practitioner"] in text
        assert x["status"] != "hold" or x["reasons"] in text
    with page.expect_download() as info:
        page.click(".ccm-claims-csv")
    assert Path(info.value.path()).read_text(encoding="utf-8") == out.read_text(encoding="utf-8")
    assert_local(page)


def no_running_timer(db: str, uid: str) -> None:
    """Stop ``uid``'s timer if an earlier test left one running (opening an escalation starts one)."""
    from workbench.service import Workbench

    wb = Workbench.open(db).as_user(uid)
    if wb.running_timer() is not None:
        wb.stop_timer(note="Stopped before the next test")


def leave_is_asked(page, leave, stay_on: str) -> str:
    """``leave()`` with "stay" answered: the question was asked and ``stay_on`` is still shown."""
    asked: list[str] = []
    page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    leave()
    for _ in range(300):  # the dialog is answered by the handler above
        if asked:
            break
        page.wait_for_timeout(100)
    assert asked and "not saved" in asked[0], asked
    assert page.locator(stay_on).first.is_visible()
    return asked[0]


def test_unsaved_text_asks_before_a_link_back_or_closing_the_tab(page, voila_server):
    """Typed, unsaved text in the contact note, the escalation reason and a barrier: a link of
    the app, the browser's Back button and closing the tab each ask first; "stay" keeps the
    view, its address and the text; once saved or emptied nothing is asked."""
    _db, _uid, pid = open_a_chart(page, voila_server)
    chart_url = page.url

    # the contact note: the breadcrumb's link asks
    tab(page, ".ccm-chart-tabs", "Contacts")
    page.locator(".ccm-contact-note textarea").fill("Left a message about the refill")
    page.wait_for_selector(".ccm-contacts-tab.ccm-dirty", state="attached")
    leave_is_asked(page, lambda: page.click(".ccm-crumbbar a[data-ccm-nav='worklist']"), ".ccm-chart-header")
    assert page.locator(".ccm-contact-note textarea").input_value() == "Left a message about the refill"
    page.click(".ccm-contact-log")
    page.wait_for_selector(".ccm-contacts-tab:not(.ccm-dirty)", state="attached")

    # the escalation reason: the browser's Back button asks; "stay" keeps the chart and its address
    tab(page, ".ccm-chart-tabs", "Escalation")
    page.locator(".ccm-esc-reason input").fill("Short of breath at night")
    page.wait_for_selector(".ccm-escalation-tab.ccm-dirty", state="attached")
    leave_is_asked(page, page.go_back, ".ccm-chart-header")
    assert page.url == chart_url
    assert page.locator(".ccm-esc-reason input").input_value() == "Short of breath at night"

    # a barrier typed in: closing the tab (or reloading) gets the browser's own prompt
    tab(page, ".ccm-chart-tabs", "Barriers")
    page.locator(".ccm-barrier-description textarea").fill("No ride to the clinic on Tuesdays")
    page.wait_for_selector(".ccm-barriers-tab.ccm-dirty", state="attached")
    kinds: list[str] = []
    page.once("dialog", lambda d: (kinds.append(d.type), d.dismiss()))
    page.close(run_before_unload=True)
    for _ in range(300):
        if kinds:
            break
        page.wait_for_timeout(100)
    assert kinds == ["beforeunload"] and not page.is_closed()

    # emptied: Back leaves at once, nothing asked
    page.locator(".ccm-barrier-description textarea").fill("")
    tab(page, ".ccm-chart-tabs", "Escalation")
    page.locator(".ccm-esc-reason input").fill("")
    page.wait_for_selector(".ccm-dirty", state="detached")
    unexpected: list[str] = []

    def not_expected(dialog) -> None:
        unexpected.append(dialog.message)
        dialog.accept()

    page.on("dialog", not_expected)
    page.go_back()
    page.wait_for_selector(".ccm-view-worklist:not(.ccm-view-hidden)", state="visible")
    assert unexpected == []
    page.remove_listener("dialog", not_expected)
    assert_local(page)

    # leaving for real with unsaved text ("leave"): the kernel is shut down as the page goes
    page.locator(f"{row(page, pid)} .ccm-open-chart").click()
    tab(page, ".ccm-chart-tabs", "Contacts")
    page.locator(".ccm-contact-note textarea").fill("Typed, then the tab was closed")
    page.wait_for_selector(".ccm-contacts-tab.ccm-dirty", state="attached")
    kernel = page.evaluate("JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId")
    waiter = page.context.new_page()  # Playwright answers the dialog while one of its calls waits
    page.once("dialog", lambda d: d.accept())
    page.close(run_before_unload=True)
    log, deadline = voila_server["log"], time.monotonic() + 60
    while f"Kernel shutdown: {kernel}" not in log.read_text() and time.monotonic() < deadline:
        waiter.wait_for_timeout(200)  # polled: the beacon arrives as the page goes
    assert page.is_closed() and f"Kernel shutdown: {kernel}" in log.read_text()


def test_a_second_chart_starts_its_timer_with_that_patients_default_activity(page, voila_server):
    """The activity chosen on one chart does not carry over: the next chart shows its patient's
    default (an open escalation: "escalation"; otherwise a call)."""
    from workbench.service import Workbench

    base, db = voila_server["base"], voila_server["db"]
    uid = staff_id(db, "care_manager")
    no_running_timer(db, uid)
    df = Workbench.open(db).worklist()
    calm = a_patient(db, skip=set(df[(df["open_escalations"] > 0) | df["days_since_discharge"].notna()]["patient_id"]))
    urgent = str(df[(df["open_escalations"] > 0) & ~df["open_timer"]].iloc[0]["patient_id"])
    open_app(page, base, f"worklist.ipynb?user={uid}", ".ccm-worklist-table")
    page.locator(".ccm-worklist-whose button").filter(has_text="All patients").click()
    from workbench.records import ACTIVITY_LABELS, Activity

    shown = "(() => { const s = document.querySelector('.ccm-workbar-activity select');" \
            " return s && s.offsetParent !== null ? s.value : null; })()"  # the option's value is its label

    page.locator(f"{row(page, calm)} .ccm-open-chart").click()
    page.wait_for_selector(f".ccm-chart-header:has-text('{calm}')", state="visible")
    page.wait_for_function(f"{shown} === {ACTIVITY_LABELS[Activity.PATIENT_CALL]!r}")
    page.locator(".ccm-workbar-activity select").select_option(label=ACTIVITY_LABELS[Activity.MEDICATION_RECONCILIATION])
    page.click(".ccm-crumbbar a[data-ccm-nav='worklist']")
    page.wait_for_selector(".ccm-view-worklist:not(.ccm-view-hidden)", state="visible")
    page.locator(f"{row(page, urgent)} .ccm-open-chart").click()
    page.wait_for_selector(f".ccm-chart-header:has-text('{urgent}')", state="visible")
    page.wait_for_function(f"{shown} === {ACTIVITY_LABELS[Activity.ESCALATION]!r}")
    assert_local(page)


def test_the_message_check_catches_a_message_out_of_sight(browser):
    """The check every browser test runs on its messages (conftest ``watch_messages``) can fail:
    a refusal shown above the screen is reported out of sight, one beside the button in sight."""
    from tests.support.ui_fixtures import ui_fixtures  # tests/ui/conftest.py, whatever "conftest" names now

    watch_messages = ui_fixtures().watch_messages

    context = browser.new_context(viewport={"width": 1366, "height": 768})
    seen = watch_messages(context)
    pg = context.new_page()
    pg.set_content('<div id="top"></div><div style="height:4000px"></div><button id="b">Save</button>'
                   '<div id="here"></div><div style="height:1000px"></div>')
    pg.evaluate("document.getElementById('b').scrollIntoView({ block: 'center' })")
    pg.evaluate("""document.getElementById('top').innerHTML = '<div class="ccm-msg ccm-msg-error">Far above</div>';
                   document.getElementById('here').innerHTML = '<div class="ccm-msg ccm-msg-ok">Right here</div>';""")
    for _ in range(50):
        if len(seen) == 2:
            break
        pg.wait_for_timeout(100)
    context.close()
    assert sorted((x["text"], x["inSight"]) for x in seen) == [("Far above", False), ("Right here", True)]


def test_dates_overlapping_minutes_and_one_minute_count_in_the_browser(page, voila_server):
    """A US date typed in full is shown back as ISO; an ambiguous one is refused naming both
    readings; manual minutes while the same person's timer runs on the patient are refused; the
    work bar and the worklist show the same whole minutes for the patient."""
    import re

    db, uid, pid = open_a_chart(page, voila_server)
    tab(page, ".ccm-chart-tabs", "Time")

    # dates: MM/DD/YYYY read and shown back as ISO; 03/04/2026 could be two days: refused
    box = page.locator(".ccm-manual-date input")
    box.fill("11/15/2026")
    page.wait_for_function("document.querySelector('.ccm-manual-date input').value === '2026-11-15'")
    box.fill("03/04/2026")
    page.locator(".ccm-manual-minutes input").fill("4")
    page.locator(".ccm-manual-note input").fill("Chart review")
    page.click(".ccm-manual-log")
    in_sight(page, ".ccm-time-msg-manual .ccm-msg-error")
    said = page.locator(".ccm-time-msg-manual").inner_text()
    assert "March 4, 2026" in said and "April 3, 2026" in said

    # manual minutes for today while my timer runs on this patient: refused beside the button
    page.click(".ccm-workbar-start")
    page.wait_for_selector(".ccm-timerbar:has-text('Timer running')")
    box.fill("")
    page.click(".ccm-manual-log")
    page.wait_for_selector(".ccm-time-msg-manual .ccm-msg-error:has-text('Stop the timer first')")
    in_sight(page, ".ccm-time-msg-manual .ccm-msg-error")
    page.locator(".ccm-timerbar-note input").fill("Reviewed the refill request")
    page.wait_for_function("!/ 0:00:00\\b/.test(document.querySelector('.ccm-timerbar').innerText)")
    page.click(".ccm-timerbar-stop")
    page.wait_for_selector(".ccm-timerbar-idle", state="visible")

    # one count of minutes: the work bar's number and label and the worklist's row agree
    bar = page.locator(".ccm-workbar-chart .ccm-bar-label").inner_text().strip()
    label = page.locator(".ccm-workbar-minutes").inner_text()
    assert re.match(rf"{bar} min\b", label), (bar, label)
    page.locator(".ccm-manual-note input").fill("")  # the refused entry's note: dropped, nothing to ask
    page.wait_for_selector(".ccm-time-tab:not(.ccm-dirty)", state="attached")
    page.click(".ccm-crumbbar a[data-ccm-nav='worklist']")
    page.wait_for_selector(".ccm-view-worklist:not(.ccm-view-hidden)", state="visible")
    page.wait_for_function(f"document.querySelector(\"{row(page, pid)} .ccm-bar-label\").innerText.trim() === '{bar}'")
    assert_local(page)


def test_each_refusal_is_beside_its_button_and_goes_with_the_view(page, voila_server):
    """Contacts, barriers, the work bar, the worklist's and the chart picker's "Open chart", the
    orphaned-timer panel: each refusal or result is in sight beside the button that caused it, the
    next action clears it, and a result of the work bar does not follow the person to other views."""
    from datetime import timedelta

    from workbench.clock import SystemClock
    from workbench.service import Workbench

    db, uid, pid = open_a_chart(page, voila_server)
    tab(page, ".ccm-chart-tabs", "Contacts")
    page.locator(".ccm-contact-with input").fill(" ")
    page.click(".ccm-contact-log")
    in_sight(page, ".ccm-contact-msg .ccm-msg-error")
    assert "Say whom" in page.locator(".ccm-contact-msg").inner_text()
    tab(page, ".ccm-chart-tabs", "Barriers")
    page.click(".ccm-barrier-add")
    in_sight(page, ".ccm-barrier-add-msg .ccm-msg-error")
    assert page.locator(".ccm-contact-msg .ccm-msg").count() == 0  # the next action cleared it
    page.click(".ccm-barrier-update")
    in_sight(page, ".ccm-barrier-update-msg .ccm-msg-error")
    assert page.locator(".ccm-barrier-add-msg .ccm-msg").count() == 0  # the next action cleared it

    # the work bar's "Stopped the timer" is said under its Stop button, and stays on this view only
    page.click(".ccm-workbar-start")
    page.wait_for_selector(".ccm-timerbar:has-text('Timer running')")
    page.locator(".ccm-timerbar-note input").fill("Reviewed the chart")
    # a stop within a second of the start is refused (a mis-click): let the bar count two
    # (the elapsed time itself: the bar's whole text matched nothing before its first tick)
    page.wait_for_timeout(2200)
    page.wait_for_function("(() => { const e = document.querySelector('.ccm-timer-elapsed');"
                           " return e && !/^0:00:0[01]$/.test(e.innerText.trim()); })()")
    page.click(".ccm-timerbar-stop")
    page.wait_for_selector(".ccm-timerbar-msg .ccm-msg", timeout=30_000)
    said = page.locator(".ccm-timerbar-msg").inner_text()
    assert not said or "Stopped the timer" in said, said  # a refusal: say which
    in_sight(page, ".ccm-timerbar-msg .ccm-msg-ok")
    assert "Stopped the timer" in page.locator(".ccm-timerbar-msg").inner_text()
    page.click(".ccm-crumbbar a[data-ccm-nav='worklist']")
    page.wait_for_selector(".ccm-view-worklist:not(.ccm-view-hidden)", state="visible")
    page.wait_for_selector(".ccm-timerbar-msg .ccm-msg", state="detached")

    # the worklist's "Open chart" with a name nobody has
    page.locator(".ccm-open-id input").fill("Nobody Byth-Isname")
    page.click(".ccm-open-button")
    in_sight(page, ".ccm-open-msg .ccm-msg-error")

    # the chart picker (a chart page without a patient)
    page.goto(f"{voila_server['base']}/voila/render/chart.ipynb?user={uid}")
    page.wait_for_selector(".ccm-chart-go", state="visible")
    page.locator(".ccm-chart-pid input").fill("Nobody Byth-Isname")
    page.click(".ccm-chart-go")
    in_sight(page, ".ccm-chart-picker-msg .ccm-msg-error")

    # a timer left running half an hour ago by a page that went away: the panel under the bar
    wb = Workbench.open(db, user=uid, clock=SystemClock(timedelta(minutes=-30)))
    wb.start_timer(pid, note="Call")
    wb.timer_heartbeat()
    open_app(page, voila_server["base"], f"worklist.ipynb?user={uid}", ".ccm-orphan-discard")
    page.click(".ccm-orphan-discard")  # no reason given
    in_sight(page, ".ccm-orphan-msg .ccm-msg-error")
    page.locator(".ccm-orphan-reason input").fill("The laptop went to sleep; time unknown")
    page.click(".ccm-orphan-discard")
    in_sight(page, ".ccm-orphans-msg .ccm-msg-ok")
    assert Workbench.open(db).as_user(uid).running_timer() is None
    page.locator(".ccm-worklist-whose button").filter(has_text="All patients").click()
    page.locator(f"{row(page, pid)} .ccm-open-chart").click()
    page.wait_for_selector(f".ccm-chart-header:has-text('{pid}')", state="visible")
    page.wait_for_selector(".ccm-orphans-msg .ccm-msg", state="detached")  # said on the last view
    assert_local(page)
