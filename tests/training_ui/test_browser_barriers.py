"""Playwright with Debian's Chromium against a real voila: inside a practice shift, a trainee
passes the transport-and-financial-strain case through the pages alone. The barriers and what
was arranged are entered in the chart's Barriers tab, the follow-up in the scheduler, the time
with the pinned work bar; the shift is ended through its confirmation (which names the patients
never called); the record is then graded as passed for that case, and the ended chart refuses
a timer."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from training_ui_helpers import TRAINEE, recording_page  # noqa: E402

pytestmark = pytest.mark.browser

TRANSPORT = "transport-screening-financial-strain"
SHIFT = "wednesday-morning"
BARRIERS = (("Transportation", "Resolved", "Sold her car; no way to the colonoscopy on 12/1",
             "Plan ride benefit booked: pickup 7:30 on 12/1, return trip included"),
            ("Food", "In progress", "Food runs short some weeks",
             "Food bank referral sent; SNAP application started with her"),
            ("Utilities", "In progress", "Electric bill behind, notice received",
             "Utility assistance application sent"))


def say(page, label: str) -> None:
    page.wait_for_timeout(1000)  # the pane's buttons are replaced after every answer
    lines = page.locator(".trn-line").count()
    page.locator(".trn-option", has_text=label).first.click()
    page.wait_for_function(f"document.querySelectorAll('.trn-line').length > {lines}", timeout=60_000)


def test_a_trainee_passes_the_transport_case_of_a_shift_in_the_pages(browser, training_server, library):
    from workbench.service import Workbench

    from training.attempts import StoreAttempts
    from training.grading import grade_attempt

    base, db = training_server["base"], training_server["db"]
    sc = library[TRANSPORT]
    context, page = recording_page(browser)
    page.goto(f"{base}/voila/render/trainee.ipynb?user={TRAINEE.id}")
    page.wait_for_selector(f".trn-start-shift-{SHIFT}", state="visible", timeout=120_000)
    assert "Adeyemi" not in page.locator(".trn-home").inner_text()  # cards set the scene only
    page.click(f".trn-start-shift-{SHIFT}")
    page.wait_for_selector(".trn-worklist .ccm-worklist-table", timeout=120_000)
    page.locator(".trn-worklist a.ccm-open-chart", has_text="Adeyemi").click()
    page.wait_for_selector(".trn-call-dock .ccm-chart-header-box:has-text('Adeyemi')")
    page.click(".trn-work-bar .ccm-workbar-start")
    page.wait_for_selector(".trn-work-bar .ccm-timer-patient:has-text('Adeyemi')")
    page.click(".trn-call:not([disabled])")
    page.wait_for_selector(".trn-option")
    for option in ("identify", "ask-transport", "book-ride", "ask-needs", "food-resources", "utility-help",
                   "teach-back"):
        say(page, sc.option(option).label)

    # the barriers, each with what was arranged, in the chart's Barriers tab
    page.locator(".trn-call-dock .ccm-chart-tabs .lm-TabBar-tab", has_text="Barriers").click()
    page.wait_for_selector(".trn-call-dock .ccm-barriers-tab", state="visible")
    for domain, status, description, action in BARRIERS:
        page.locator(".ccm-barrier-domain select").select_option(label=domain)
        page.locator(".ccm-barrier-status select").select_option(label=status)
        page.locator(".ccm-barrier-description textarea").fill(description)
        page.locator(".ccm-barrier-action input").fill(action)
        page.click(".ccm-barrier-add")
        page.wait_for_selector(f".ccm-barrier-add-msg:has-text('Barrier added ({domain.lower()})')")
    table = page.locator(".ccm-barrier-table").inner_text()
    assert all(b[3] in table for b in BARRIERS)
    say(page, sc.option("goodbye").label)

    # the time with a note in the trainee's own words, then the follow-up before the procedure
    page.locator(".trn-work-bar .ccm-timerbar-note input").fill(
        "Called about the colonoscopy on 12/1: she has no car, so I booked the plan's ride with a 7:30 "
        "pickup. Money is tight: food bank and SNAP started, utility assistance sent.")
    page.click(".trn-work-bar .ccm-timerbar-stop")
    page.wait_for_selector(".trn-work-bar .ccm-timerbar-msg:has-text('Stopped the timer')")
    # the practice editors' refusals under their own buttons, in sight; the next action clears them
    page.click(".trn-med-save")  # nothing chosen, nothing typed
    page.wait_for_selector(".trn-med-msg .ccm-msg-error:has-text('Choose a medicine')")
    assert page.locator(".trn-work-bar .ccm-timerbar-msg .ccm-msg").count() == 0
    page.locator(".trn-fu-time input").fill("after lunch")
    page.click(".trn-fu-save")
    page.wait_for_selector(".trn-fu-msg .ccm-msg-error:has-text('is not a time')")
    assert page.locator(".trn-med-msg .ccm-msg").count() == 0
    for msg, button in ((".trn-fu-msg .ccm-msg-error", ".trn-fu-save"),):
        m, b = page.locator(msg).bounding_box(), page.locator(button).bounding_box()
        assert m and b and 0 <= m["y"] - b["y"] < 80 and m["y"] + m["height"] <= 900, (m, b)
    page.locator(".trn-fu-time input").fill("10:00")
    page.locator(".trn-fu-days input").fill("3")
    page.locator(".trn-fu-reason input").fill("Before the colonoscopy: ride, prep, SNAP and utility forms")
    page.click(".trn-fu-save")
    page.wait_for_selector(".trn-follow-up:has-text('Follow-up scheduled')")

    # ending asks first and names who was never called
    page.click(".trn-end")
    page.wait_for_selector(".trn-never-called", state="visible")
    assert "Adeyemi" not in page.locator(".trn-never-called").inner_text()
    page.click(".trn-end-confirm")
    page.wait_for_selector(".trn-feedback-box:has-text('not released')", timeout=60_000)
    page.wait_for_selector(".trn-call-dock .ccm-chart-read-only")
    assert page.locator(".ccm-barrier-add").first.is_disabled()
    context.close()

    wb = Workbench.open(db)
    (rec,) = StoreAttempts(wb).find_attempts(trainee_id=TRAINEE.id)
    grade = grade_attempt(wb, library, rec)
    case = next(c for c in rec.cases if c.scenario_id == TRANSPORT)
    passed = {pid: ok for pid, _sid, ok in grade.cases}
    missed = [r.criterion_id for r in grade.results if r.patient_id == case.patient_id and not r.met
              and r.kind != "forbidden"]
    assert passed[case.patient_id], missed
    assert {r.criterion_id for r in grade.results if r.patient_id == case.patient_id and r.met} >= {
        "transport-arranged", "food-barrier", "utility-barrier"}

    # the ended attempt's chart refuses a timer (the service, not only the page)
    from workbench.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        wb.as_user(TRAINEE.id).start_timer(case.patient_id)
