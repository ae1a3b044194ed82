"""Playwright with Debian's Chromium against a real voila.

A trainee plays the overdose scenario to the end by clicking while every HTTP response body
and websocket frame the page receives is recorded: none may hold rubric text. A supervisor
then opens the attempt, overrides one criterion with a comment and releases the feedback;
the trainee sees it. Screenshots go to docs/screenshots/training-*.png.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from training_ui_helpers import TRAINEE, leaks, secret_texts  # noqa: E402

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
OVERDOSE = "overdose-confusion"


def new_page(browser):
    """A page that keeps every response and every websocket frame it receives."""
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.responses, page.frames_in, page.urls = [], [], []
    page.on("response", lambda resp: page.responses.append(resp))
    page.on("request", lambda req: page.urls.append(req.url))
    page.on("websocket", lambda ws: ws.on(
        "framereceived", lambda payload: page.frames_in.append(
            payload.decode("utf-8", "replace") if isinstance(payload, bytes) else payload)))
    return context, page


def received(page) -> str:
    """Everything the page received: response bodies and websocket frames, as text."""
    parts = list(page.frames_in)
    for resp in page.responses:
        try:
            parts.append(resp.body().decode("utf-8", "replace"))
        except Exception:  # noqa: BLE001 - redirects and aborted requests have no body
            continue
    return "\n".join(parts)


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
    context, page = new_page(browser)
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
    page.wait_for_selector(".trn-feedback-box:has-text('not released')")
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
    context, page = new_page(browser)
    open_page(page, base, f"supervisor.ipynb?user={supervisor}", ".trn-gradebook-table")
    page.wait_for_selector(f".trn-detail-id:has-text('{rec.id}')")
    timeline = page.locator(".trn-timeline").inner_text()
    assert entries[0].label in timeline and "zolpidem" in timeline
    assert "not passed" in page.locator(".trn-score-total").inner_text()
    page.click(".trn-release")
    page.wait_for_selector(".trn-sup-msg:has-text('Feedback released')")
    shot(page, "training-supervisor")
    context.close()

    # ---- the trainee sees the released feedback, and what decided it
    context, page = new_page(browser)
    open_page(page, base, f"trainee.ipynb?user={TRAINEE.id}", f".trn-open-{rec.id}")
    page.click(f".trn-open-{rec.id}")
    page.wait_for_selector(".trn-feedback")
    assert "critical" in page.locator(".trn-decided").inner_text()
    context.close()
