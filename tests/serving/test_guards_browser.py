"""The guards seen from Debian's Chromium against a real voila (as ``workbench serve`` runs it):
a person's fifth page is refused with a sentence, closing a tab lets a new one open, and a tab
closed after navigating inside the app leaves no kernel behind."""

from __future__ import annotations

import re

import pytest
from guard_helpers import kernel_alive, kernel_processes, wait_until

pytestmark = pytest.mark.browser


def _kernel_id(page) -> str:
    return page.evaluate("JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId")


def _landing(context, base: str):
    page = context.new_page()
    page.set_default_timeout(120_000)
    page.goto(f"{base}/voila/render/index.ipynb")
    page.wait_for_selector(".ccm-signin-button", state="visible")
    return page


def _no_kernels(server) -> bool:
    return kernel_processes(server["proc"]) == []


def test_fifth_page_is_refused_with_a_sentence_and_closing_a_tab_frees_one(browser, guarded_server):
    base = guarded_server["base"]
    wait_until(lambda: _no_kernels(guarded_server), timeout=60)
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    try:
        pages = [_landing(context, base) for _ in range(4)]
        pages[1].click(".ccm-signin-button")  # used a moment ago: not the tab to close
        pages[1].wait_for_selector(".ccm-landing", state="visible")
        fifth = context.new_page()
        fifth.set_default_timeout(120_000)
        response = fifth.goto(f"{base}/voila/render/index.ipynb")
        assert response.status == 429
        sentence = fifth.locator(".ccm-page-limit").inner_text()
        assert sentence.startswith("You already have 4 workbench pages open, the most one person may have at once.")
        assert re.search(r"Close one of your other workbench tabs: the one used least recently was opened "
                         r"(less than a minute|\d+ minutes?) ago, (last used (less than a minute|\d+ minutes?) ago|not used since)\. "
                         r"Then reload this page\.$", sentence)
        assert len(kernel_processes(guarded_server["proc"])) == 4
        closed = _kernel_id(pages[0])
        pages[0].close(run_before_unload=True)
        wait_until(lambda: not kernel_alive(base, closed), timeout=5)
        fifth.reload()
        fifth.wait_for_selector(".ccm-signin-button", state="visible")
        fifth.click(".ccm-signin-button")  # the app answers a widget click
        fifth.wait_for_selector(".ccm-landing", state="visible")
        assert fifth.locator(".ccm-tile").count() >= 2
    finally:
        context.close()
    wait_until(lambda: _no_kernels(guarded_server), timeout=10)


@pytest.mark.parametrize("beacon", ["sent", "lost"])
def test_a_tab_closed_after_navigating_leaves_no_kernel(browser, guarded_server, beacon):
    """Worklist -> chart -> Back -> chart -> close the tab: 0 kernels within 5 s, whether Voila's
    shutdown beacon reaches the server or not (the websocket's "going away" close does it too)."""
    from workbench.service import Workbench

    base = guarded_server["base"]
    uid = Workbench.open(guarded_server["db"]).users("practitioner")[0].id
    wait_until(lambda: _no_kernels(guarded_server), timeout=60)
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    try:
        page = context.new_page()
        page.set_default_timeout(120_000)
        if beacon == "lost":
            page.route("**/voila/api/shutdown/**", lambda route: route.abort())
        page.goto(f"{base}/voila/render/worklist.ipynb?user={uid}")
        page.wait_for_selector(".ccm-worklist-table", state="visible")
        kernel_id = _kernel_id(page)
        page.locator(".ccm-open-chart").first.click()
        page.wait_for_selector(".ccm-chart-header", state="visible")
        page.go_back()
        page.wait_for_selector(".ccm-view-worklist:not(.ccm-view-hidden) .ccm-worklist-table", state="visible")
        page.locator(".ccm-open-chart").last.click()
        page.wait_for_selector(".ccm-chart-header", state="visible")
        assert "chart.ipynb" in page.url
        assert kernel_alive(base, kernel_id)
        page.close(run_before_unload=True)
        took = wait_until(lambda: not kernel_alive(base, kernel_id) and _no_kernels(guarded_server), timeout=5)
        assert took <= 5
    finally:
        context.close()
