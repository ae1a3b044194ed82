"""The supervisor's page for a whole practice shift (every case played to its model path) in
Chromium at 1366 x 768: the attempt's detail (scores, the one timeline, the model path, the
override form) fits in under 3 screens, and nothing in it is cut on the right."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from training_ui_helpers import TRAINEE, recording_page  # noqa: E402

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
SHIFT = "wednesday-morning"
SCREEN = {"width": 1366, "height": 768}


def test_a_whole_shift_attempt_fits_in_under_three_screens(browser, training_server, library):
    from workbench.service import Workbench

    from training.attempts import StoreAttempts
    from training.shift_play import play_shift_path, start_shift
    from training.shifts import get_shift

    base, db = training_server["base"], training_server["db"]
    wb = Workbench.open(db)
    shift = get_shift(SHIFT, library)
    attempt = start_shift(wb.as_user(TRAINEE.id), shift, TRAINEE.id, library, seed=3, repo=StoreAttempts(wb))
    play_shift_path(attempt, library)
    rec = attempt.record
    assert rec.is_shift and sum(c.scenario_id is not None for c in rec.cases) >= 3

    supervisor = wb.users("supervisor")[0].id
    context, page = recording_page(browser, timeout_ms=90_000)
    page.set_viewport_size(SCREEN)
    page.goto(f"{base}/voila/render/supervisor.ipynb?user={supervisor}")
    page.wait_for_selector(".trn-gradebook-table", state="visible", timeout=120_000)
    options = page.locator(".trn-pick select option").all_inner_texts()
    page.locator(".trn-pick select").select_option(label=next(o for o in options if rec.id in o))
    page.wait_for_selector(f".trn-detail-id:has-text('{rec.id}')")
    page.wait_for_selector(".trn-detail .trn-ov-save", state="visible")
    detail = page.evaluate("""(() => { const d = document.querySelector('.trn-detail').getBoundingClientRect();
                                       return { height: d.height, width: d.width }; })()""")
    print(f"attempt detail: {detail['height']:.0f} px high at 1366 x 768")
    assert detail["height"] < 3 * SCREEN["height"], detail
    # nothing cut on the right: no box of the detail is wider than the page shows
    assert page.evaluate("""[...document.querySelectorAll('.trn-detail *')].every(e =>
        e.getBoundingClientRect().right <= document.documentElement.clientWidth + 1)""")
    # the whole timeline is there (a box that scrolls, not rows dropped), the trainee's records in it
    rows = page.locator(".trn-one-timeline tbody tr").count()
    assert rows >= len(rec.transcript)
    assert page.locator(".trn-one-timeline .trn-by-trainee").count() > 0
    page.evaluate("document.querySelector('.trn-attempt-timeline').scrollIntoView()")
    page.wait_for_function("""(() => { const t = document.querySelector('.trn-attempt-timeline').getBoundingClientRect();
        return t.top >= document.querySelector('.ccm-pinned').getBoundingClientRect().bottom - 1; })()""")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "training-supervisor-timeline.png"))
    context.close()
