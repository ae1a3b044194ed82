"""Playwright with Debian's Chromium against a real voila.

A trainee plays the overdose scenario to the end by clicking while every HTTP response body
and websocket frame the page receives is recorded: none may hold rubric text. A supervisor
then opens the attempt, overrides one criterion with a comment and releases the feedback;
the trainee sees it. Screenshots go to build/screenshots/training-*.png (`make screenshots` copies them to docs/).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from training_ui_helpers import TRAINEE, leaks, received, recording_page, secret_texts  # noqa: E402

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"  # `make screenshots` copies them to docs/screenshots/
OVERDOSE = "overdose-confusion"


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(400)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def open_page(page, base: str, path: str, ready: str) -> None:
    page.goto(f"{base}/voila/render/{path}")
    page.wait_for_selector(ready, state="visible", timeout=120_000)


def say(page, label: str) -> None:
    """Click a spoken choice in the call pane and wait for the kernel's answer."""
    page.wait_for_timeout(1200)  # the pane's buttons are replaced after every answer
    lines = page.locator(".trn-line").count()
    page.locator(".trn-option", has_text=label).first.click()
    page.wait_for_function(f"document.querySelectorAll('.trn-line').length > {lines}")


def test_trainee_works_the_call_in_the_real_chart_supervisor_sees_the_record(browser, training_server, library):
    from urllib.parse import urlparse

    from workbench.service import Workbench

    from training.attempts import StoreAttempts
    from training.evidence import scope_facts, trainee_facts

    base, db = training_server["base"], training_server["db"]
    sc = library[OVERDOSE]
    secrets = secret_texts(library)

    # ---- the trainee: the real chart's timer, the call pane's choices and own words
    context, page = recording_page(browser)
    open_page(page, base, f"trainee.ipynb?user={TRAINEE.id}", f".trn-start-{OVERDOSE}")
    page.click(f".trn-start-{OVERDOSE}")
    page.wait_for_selector(".trn-call-dock .ccm-chart")
    page.locator(".trn-call-dock .ccm-chart-tabs .lm-TabBar-tab", has_text="Time").click()
    page.locator(".ccm-timer-start").click()
    page.wait_for_selector(".ccm-time-msg:has-text('')", state="attached")
    say(page, sc.option("identify").label)
    page.locator(".trn-free-text input").fill("Dolores, stay with me, I'm right here.")
    lines = page.locator(".trn-line").count()
    page.click(".trn-say")
    page.wait_for_function(f"document.querySelectorAll('.trn-line').length > {lines}")
    say(page, sc.option("ask-what-taken").label)
    shot(page, "training-player")
    page.wait_for_timeout(1200)
    page.click(".trn-hang-up")
    page.wait_for_selector(".trn-call:not([disabled])")
    page.locator(".ccm-timer-note input").fill("Slurred and confused after about four zolpidem; call ended early in practice")
    page.locator(".ccm-timer-stop").click()
    page.wait_for_timeout(1500)
    page.click(".trn-end")
    page.click(".trn-end-confirm")
    page.wait_for_selector(".trn-feedback-box:has-text('not released')")
    # the reflection: "Your answers are saved" beside its button, in sight (checked for every
    # message by the conftest); the typed answer is unsaved text until then
    page.locator(".trn-reflection-1 textarea").fill("She was slurring and could not say what she took")
    page.wait_for_selector(".trn-after.ccm-dirty", state="attached")
    page.click(".trn-reflection-save")
    page.wait_for_selector(".trn-reflection-msg .ccm-msg-ok:has-text('Your answers are saved')")
    page.wait_for_selector(".trn-after:not(.ccm-dirty)", state="attached")
    transcript = page.locator(".trn-transcript").inner_text()
    assert "stay with me" in transcript
    seen = received(page)
    assert "Ask what she took" in seen  # the recording works
    assert leaks(seen, secrets) == []
    assert all(urlparse(u).hostname == "127.0.0.1" for u in page.urls if u.startswith("http"))
    context.close()

    wb = Workbench.open(db)
    (rec,) = StoreAttempts(wb).find_attempts(trainee_id=TRAINEE.id)
    own = trainee_facts(scope_facts(wb, [rec.patient_id]), TRAINEE.id)
    entries = [f for f in own if f.type == "time_entry"]
    assert len(entries) == 1 and "zolpidem" in entries[0].text

    # ---- the supervisor: the timeline shows that record, and the grade (not passed)
    supervisor = wb.users("supervisor")[0].id
    context, page = recording_page(browser)
    open_page(page, base, f"supervisor.ipynb?user={supervisor}", ".trn-gradebook-table")
    page.wait_for_selector(f".trn-detail-id:has-text('{rec.id}')")
    started_in_practice_time(page, wb, rec)
    timeline = page.locator(".trn-timeline").inner_text()
    assert entries[0].label in timeline and "zolpidem" in timeline
    assert "not passed" in page.locator(".trn-score-total").inner_text()
    # one timeline, names not ids, the model path in words; the attempt under 3 screens
    assert page.locator(".trn-one-timeline").count() == 1 and page.locator(".trn-side-by-side").count() == 0
    assert TRAINEE.name in page.locator(".trn-detail").inner_text()
    assert page.evaluate("document.querySelector('.trn-detail').getBoundingClientRect().height") < 3 * 900
    page.locator(".trn-attempt-timeline").screenshot(path=str(SCREENSHOTS / "training-supervisor-timeline-scenario.png"))
    # an override without a comment: refused beside its button, in sight
    page.click(".trn-ov-save")
    page.wait_for_function("""(() => { const m = document.querySelector('.trn-sup-msg-override .ccm-msg-error');
        if (!m) return false; const r = m.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; })()""")
    page.click(".trn-release")
    page.wait_for_selector(".trn-sup-msg:has-text('Feedback released')")
    shot(page, "training-supervisor")
    context.close()

    # ---- the trainee sees the released feedback, and what decided it
    context, page = recording_page(browser)
    open_page(page, base, f"trainee.ipynb?user={TRAINEE.id}", f".trn-open-{rec.id}")
    page.click(f".trn-open-{rec.id}")
    page.wait_for_selector(".trn-feedback")
    assert "critical" in page.locator(".trn-decided").inner_text()
    context.close()


def started_in_practice_time(page, wb, rec) -> None:
    """The gradebook's row and its CSV give the attempt's start in the practice's time zone, the
    time the rest of the workbench shows, not UTC."""
    import base64
    import csv
    import io
    from datetime import UTC, timedelta

    local, utc = rec.started_at.astimezone(wb.tz), rec.started_at.astimezone(UTC)
    assert local.utcoffset() != timedelta(0), "a practice on UTC cannot tell the two apart"
    row = page.locator(".trn-gradebook-table tbody tr").filter(has_text=rec.id).inner_text()
    assert local.strftime("%Y-%m-%d %H:%M") in row and utc.strftime("%Y-%m-%d %H:%M") not in row, row
    href = page.locator(".trn-download-csv").get_attribute("href")
    rows = list(csv.DictReader(io.StringIO(base64.b64decode(href.split(",", 1)[1]).decode("utf-8-sig"))))
    (mine,) = [x for x in rows if rec.id in x.values()]
    assert local.isoformat(timespec="seconds") in mine.values(), mine


CONSENT, PHQ9 = "consent-conversation", "phq9-item9-positive"
SHIFT = "wednesday-morning"


TAB_CSS = {"Consent": ".ccm-consent-tab", "Care plan": ".ccm-careplan-tab", "Screening": ".ccm-screening-tab",
           "Escalation": ".ccm-escalation-tab"}


def tab(page, title: str) -> None:
    """Show a chart tab and wait until the kernel has built it (tabs are built when first shown)."""
    page.locator(".trn-call-dock .ccm-chart-tabs .lm-TabBar-tab", has_text=title).click()
    page.wait_for_selector(f".trn-call-dock {TAB_CSS[title]}", state="visible")


def ok_message(page, css: str, text: str) -> None:
    page.wait_for_selector(f"{css}:has-text({text!r})")


def test_trainee_works_a_shift_in_the_real_tabs_and_the_supervisor_sees_exactly_those_records(
        browser, training_server, library):
    """The whole day at work, in practice: start a shift, choose the patient from the real
    worklist, start the pinned timer, talk in the call pane, record consent in the consent tab,
    type a goal in the care-plan editor, enter the PHQ-9 answers, record escalation steps, stop
    the timer with a note. The supervisor's timeline shows exactly the trainee's records."""
    from urllib.parse import urlparse

    from workbench.service import Workbench

    from training.attempts import StoreAttempts
    from training.evidence import scope_facts, trainee_facts

    base, db = training_server["base"], training_server["db"]
    consent_sc, phq_sc = library[CONSENT], library[PHQ9]
    secrets = secret_texts(library)
    trainee = "TR02"
    Workbench.open(db).add_user(type(TRAINEE)(trainee, "Theo Trainee", TRAINEE.role, TRAINEE.credential))

    context, page = recording_page(browser)
    open_page(page, base, f"trainee.ipynb?user={trainee}", f".trn-start-shift-{SHIFT}")
    assert page.locator(".trn-work-bar-slot .ccm-timerbar-box").count() == 0  # no live bar here
    page.click(f".trn-start-shift-{SHIFT}")
    page.wait_for_selector(".trn-worklist .ccm-worklist-table")
    page.wait_for_selector(".trn-inbox:has-text('discharge summary')")
    assert page.locator(".trn-worklist .ccm-worklist-table tbody tr").count() == 7
    shot(page, "training-shift-worklist")

    # ---- Pearl Okafor: the consent conversation, consent and a first goal
    page.locator(".trn-worklist a.ccm-open-chart", has_text="Okafor").click()
    page.wait_for_selector(".trn-call-dock .ccm-chart")
    page.click(".trn-work-bar .ccm-workbar-start")
    page.wait_for_selector(".trn-work-bar .ccm-timer-elapsed")
    page.click(".trn-call")
    page.wait_for_selector(".trn-option")
    for option in ("identify-explain", "cost-sharing", "one-practitioner", "stop-any-time", "ask-consent"):
        say(page, consent_sc.option(option).label)
    tab(page, "Consent")
    page.wait_for_selector(".trn-call-dock .ccm-consent-tab input[type=checkbox]")
    for box in page.locator(".trn-call-dock .ccm-consent-tab input[type=checkbox]").all():
        box.check()
    page.click(".trn-call-dock .ccm-consent-record:not([disabled])")
    ok_message(page, ".ccm-consent-msg", "Consent recorded")
    say(page, consent_sc.option("goal-together").label)
    tab(page, "Care plan")
    rows = page.locator(".trn-call-dock .ccm-goal-row")
    n = rows.count()
    page.click(".trn-call-dock .ccm-add-goal")
    goal = rows.nth(n)  # the new row (waited for), not the last one there before the click
    goal.locator(".ccm-goal-description input").fill("Walk 20 minutes after lunch")
    goal.locator(".ccm-goal-measure input").fill("days per week")
    goal.locator(".ccm-goal-target input").fill("3 days a week")
    goal.locator(".ccm-goal-due input").fill("2027-01-04")
    page.locator(".trn-call-dock .ccm-cp-reason input").fill("First care plan after her consent")
    page.click(".trn-call-dock .ccm-cp-save")
    ok_message(page, ".ccm-cp-msg", "Saved version")
    say(page, consent_sc.option("teach-back").label)
    say(page, consent_sc.option("goodbye").label)
    page.locator(".trn-work-bar .ccm-timerbar-note input").fill(
        "Explained CCM, coinsurance, one practitioner a month and stopping any time; she agreed. "
        "First goal: walking after lunch")
    page.click(".trn-work-bar .ccm-timerbar-stop")
    ok_message(page, ".trn-work-bar .ccm-timerbar-msg", "Stopped the timer")

    # ---- Curtis Bellamy, from the worklist: PHQ-9 with item 9 above 0, escalation steps
    page.go_back()  # the browser's Back: from the chart to the shift's worklist, in the same kernel
    page.wait_for_selector(".trn-worklist .ccm-worklist-table", state="visible")
    page.locator(".trn-worklist a.ccm-open-chart", has_text="Bellamy").click()
    page.wait_for_selector(".trn-call-dock .ccm-chart-header-box:has-text('Bellamy')")
    page.click(".trn-work-bar .ccm-workbar-start")
    page.wait_for_selector(".trn-work-bar .ccm-timer-patient:has-text('Bellamy')")
    page.click(".trn-call:not([disabled])")
    page.wait_for_selector(".trn-option")
    say(page, phq_sc.option("identify").label)
    say(page, phq_sc.option("ask-phq9").label)
    shot(page, "training-player")
    tab(page, "Screening")
    page.click(".trn-call-dock .ccm-phq9-open")
    labels = ("Not at all (0)", "Several days (1)", "More than half the days (2)", "Nearly every day (3)")
    for i, answer in enumerate(phq_sc.answers.phq9, start=1):
        page.locator(f".trn-call-dock .ccm-phq9-item{i} select").select_option(label=labels[answer])
    page.click(".trn-call-dock .ccm-phq9-record")
    # saving opens the escalation and the chart switches to its tab (the screening message is
    # then on a hidden tab: it is attached, not visible)
    page.wait_for_selector(".trn-call-dock .ccm-screening-msg:has-text('ESCALATION OPENED')", state="attached")
    say(page, phq_sc.option("ask-directly").label)
    say(page, phq_sc.option("warm-handoff").label)
    page.wait_for_selector(".trn-call-dock .ccm-escalation-tab")
    tab(page, "Escalation")
    for step, note in (("Warm handoff to behavioural health", "BH clinician joined the call"),
                       ("988 Suicide & Crisis Lifeline given", "988 and the 24/7 line given")):
        page.locator(".trn-call-dock .ccm-esc-step select").select_option(label=step)
        page.locator(".trn-call-dock .ccm-esc-note input").fill(note)
        page.click(".trn-call-dock .ccm-esc-record")
        ok_message(page, ".ccm-esc-msg", f"Recorded: {step}")
    page.locator(".trn-work-bar .ccm-timerbar-note input").fill(
        "PHQ-9 given, item 9 positive; asked directly, no plan, rifle at home; warm handoff to BH")
    page.click(".trn-work-bar .ccm-timerbar-stop")
    ok_message(page, ".trn-work-bar .ccm-timerbar-msg", "Stopped the timer")
    page.wait_for_timeout(1200)
    if page.locator(".trn-hang-up:not([disabled])").count():
        page.click(".trn-hang-up")
    page.click(".trn-end")
    page.click(".trn-end-confirm")
    page.wait_for_selector(".trn-feedback-box:has-text('not released')")
    seen = received(page)
    assert phq_sc.option("warm-handoff").label in seen  # the recording works
    assert leaks(seen, secrets) == []
    assert all(urlparse(u).hostname == "127.0.0.1" for u in page.urls if u.startswith("http"))
    context.close()

    # ---- the record: exactly what was done in the tabs, written by the trainee
    wb = Workbench.open(db)
    (rec,) = StoreAttempts(wb).find_attempts(trainee_id=trainee)
    own = trainee_facts(scope_facts(wb, rec_ids := [c.patient_id for c in rec.cases]), trainee)
    kinds = sorted(f.type for f in own)
    assert kinds.count("time_entry") == 2 and kinds.count("consent") == 1
    assert kinds.count("care_plan_revision") == 1 and kinds.count("phq") == 1
    assert kinds.count("escalation") == 1 and kinds.count("escalation_step") == 2
    by_type = {f.type: f for f in own}
    pearl = next(c.patient_id for c in rec.cases if c.scenario_id == CONSENT)
    assert by_type["consent"].patient_id == pearl and by_type["consent"].fields["all_disclosures"]
    assert by_type["phq"].fields["answers"] == list(phq_sc.answers.phq9)
    assert {f.patient_id for f in own} <= set(rec_ids)

    # ---- the supervisor: the timeline's trainee rows are exactly those records, and the grade
    supervisor = wb.users("supervisor")[0].id
    context, page = recording_page(browser)
    open_page(page, base, f"supervisor.ipynb?user={supervisor}", ".trn-gradebook-table")
    options = page.locator(".trn-pick select option").all_inner_texts()
    page.locator(".trn-pick select").select_option(label=next(o for o in options if rec.id in o))
    page.wait_for_selector(f".trn-detail-id:has-text('{rec.id}')")
    # the one timeline interleaves the call's lines ("call ...") with the records ("record ...")
    shown = page.eval_on_selector_all(
        ".trn-timeline tbody tr", "rows => rows.filter(r => r.querySelector('.trn-by-trainee'))"
        ".map(r => r.children[2].innerText.trim()).filter(w => w.startsWith('record'))"
        ".map(w => w.replace(/^record\\s*/, ''))")
    assert sorted(shown) == sorted(f.label for f in own)
    assert page.locator(".trn-score-total").inner_text().strip()
    page.locator(".trn-timeline").scroll_into_view_if_needed()
    page.wait_for_timeout(400)
    page.screenshot(path=str(SCREENSHOTS / "training-supervisor-shift.png"))
    # the timeline's chart link opens the practice chart read-only
    page.locator(".trn-timeline a.trn-chart-link", has_text=pearl).first.click()
    page.wait_for_selector(".ccm-chart-read-only .ccm-read-only-note")
    assert page.locator(".ccm-chart-read-only input:not([disabled])").count() == 0
    context.close()
