"""Playwright with Debian's Chromium against a real voila (issue 6, sections 7 and 8).

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


def test_trainee_plays_supervisor_overrides_and_releases_trainee_sees_feedback(browser, training_server, library):
    from urllib.parse import urlparse

    from workbench.service import Workbench

    from training.attempts import StoreAttempts

    base, db = training_server["base"], training_server["db"]
    sc = library[OVERDOSE]
    secrets = secret_texts(library)

    # ---- the trainee plays to the end by clicking
    context, page = new_page(browser)
    open_page(page, base, f"trainee.ipynb?user={TRAINEE.id}", f".trn-start-{OVERDOSE}")
    page.click(f".trn-start-{OVERDOSE}")
    page.wait_for_selector(".trn-player")
    for i, step in enumerate(sc.model_path):
        option = page.locator(f".trn-option-{step.action}")
        option.wait_for(state="visible")
        if step.action == "confirm-identity-address":
            page.locator(".trn-note textarea").fill("Confirmed name, DOB and 18 Larch Street")
        lines = page.locator(".trn-line").count()
        option.click()
        option.wait_for(state="detached")  # the kernel answered: the next click hits fresh buttons
        page.wait_for_function(f"document.querySelectorAll('.trn-line').length > {lines}")
        if step.action == "warm-transfer-rn":
            page.wait_for_selector(".trn-option-stay-on-line")
            shot(page, "training-player")
    page.wait_for_selector(".trn-feedback-box:has-text('not released')")
    page.locator(".trn-reflection-1 textarea").fill("Slurred speech and a mixed-up pill box.")
    page.click(".trn-reflection-save")
    page.wait_for_selector(".trn-msg:has-text('answers are saved')")
    assert "Confirmed name, DOB and 18 Larch Street" in page.locator(".trn-transcript").inner_text()
    attempt_id = page.locator(".trn-attempt-id").inner_text().strip()

    seen = received(page)
    assert "I hear the door" in seen and "Ask what she took" in seen  # the recording works
    assert leaks(seen, secrets) == []
    assert all(urlparse(u).hostname == "127.0.0.1" for u in page.urls if u.startswith("http"))
    context.close()

    wb = Workbench.open(db)
    rec = StoreAttempts(wb).get_attempt(attempt_id)
    assert rec.status == "finished" and rec.trainee_id == TRAINEE.id
    assert rec.chosen == [s.action for s in sc.model_path]
    assert [c.note for c in wb.contacts(rec.patient_id)] == ["Confirmed name, DOB and 18 Larch Street"]

    # ---- the supervisor opens the attempt, overrides one criterion with a comment, releases
    supervisor = wb.users("supervisor")[0].id
    context, page = new_page(browser)
    open_page(page, base, f"supervisor.ipynb?user={supervisor}", ".trn-gradebook-table")
    page.wait_for_selector(f".trn-detail-id:has-text('{attempt_id}')")
    page.wait_for_selector(".trn-plot img")
    assert "rn_triage" in page.locator(".trn-detail").inner_text()
    page.locator(".trn-ov-criterion select").select_option(label="Triage within 5 simulated minutes (10/10)")
    page.wait_for_function("document.querySelector('.trn-ov-points input').value === '10'")  # form filled
    page.locator(".trn-ov-points input").fill("4")
    page.locator(".trn-ov-points input").press("Enter")
    page.locator(".trn-ov-met input").uncheck()
    page.locator(".trn-ov-comment textarea").fill("Quick triage, but the pill count was not passed on.")
    page.click(".trn-ov-save")
    page.wait_for_selector(".trn-sup-msg:has-text('overridden')")
    page.wait_for_selector(".trn-scores:has-text('pill count was not passed on')")
    page.click(".trn-release")
    page.wait_for_selector(".trn-sup-msg:has-text('Feedback released')")
    page.wait_for_selector(".trn-detail .ccm-card:has-text('feedback released')")
    page.locator(".ccm-topbar").scroll_into_view_if_needed()
    shot(page, "training-supervisor")
    context.close()

    rec = StoreAttempts(wb).get_attempt(attempt_id)
    assert rec.released and rec.released_by == supervisor
    assert [(o.criterion_id, o.points, o.by) for o in rec.overrides] == [("rn-fast", 4.0, supervisor)]

    # ---- the trainee sees the released feedback
    context, page = new_page(browser)
    open_page(page, base, f"trainee.ipynb?user={TRAINEE.id}", f".trn-open-{attempt_id}")
    page.click(f".trn-open-{attempt_id}")
    page.wait_for_selector(".trn-feedback")
    text = page.locator(".trn-feedback-box").inner_text()
    assert "99 of 105 points" in text
    assert "Triage came late (or never)" in text and "You brought an RN onto the call" in text
    context.close()
