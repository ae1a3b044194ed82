"""Two people on one care plan, in the browser: the second save is refused, "Reload latest
version" shows the colleague's version and keeps the person's own edits aside, and "Re-apply"
puts them back over it to be saved as the next version."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from test_browser import tab  # noqa: E402
from test_day_browser import open_a_chart  # noqa: E402

pytestmark = pytest.mark.browser


def test_reload_latest_keeps_my_edits_aside_to_re_apply(page, voila_server):
    from workbench import records as r
    from workbench.service import Workbench

    db, _uid, pid = open_a_chart(page, voila_server)
    tab(page, ".ccm-chart-tabs", "Care plan")
    problems = page.locator(".ccm-cp-problem-list textarea")
    mine = "Hypertension; CKD stage 3 (my edit)"
    problems.fill(mine)
    page.wait_for_selector(".ccm-careplan-tab.ccm-dirty", state="attached")

    # meanwhile a colleague saves a new version of the same plan
    wb = Workbench.open(db)
    colleague = next(u.id for u in wb.users() if u.role.value == "supervisor")
    current = wb.as_user(colleague).care_plan(pid)
    theirs = "COPD follow-up (colleague's version)"
    saved = wb.as_user(colleague).revise_care_plan(pid, r.CarePlan(problem_list=theirs),
                                                   based_on=current.version if current else 0,
                                                   reason="Colleague's revision")

    page.locator(".ccm-cp-reason input").fill("My revision")
    page.click(".ccm-cp-save")
    page.wait_for_selector(".ccm-careplan-tab .ccm-msg-error", state="visible")  # the stale save is refused
    page.click(".ccm-cp-reload")
    page.wait_for_function(f"document.querySelector('.ccm-cp-problem-list textarea').value === {theirs!r}")
    assert f"version {saved.version}" in page.locator(".ccm-cp-version").inner_text()
    page.wait_for_selector(".ccm-careplan-tab .ccm-live:has-text('kept aside')", state="visible")
    page.wait_for_selector(".ccm-cp-reapply", state="visible")

    page.click(".ccm-cp-reapply")
    page.wait_for_function(f"document.querySelector('.ccm-cp-problem-list textarea').value === {mine!r}")
    page.locator(".ccm-cp-reason input").fill("My revision, over the colleague's")
    page.click(".ccm-cp-save")
    page.wait_for_selector(f".ccm-careplan-tab .ccm-live:has-text('Saved version {saved.version + 1}')",
                           state="visible")
    assert wb.care_plan(pid).plan.problem_list == mine
