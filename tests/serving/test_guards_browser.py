"""The guards seen from Debian's Chromium against a real voila (as ``workbench serve`` runs it):
a person's fifth page is refused with a sentence, closing a tab lets a new one open, and a tab
closed after navigating inside the app leaves no kernel behind."""

from __future__ import annotations

import re
import time

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


def _ui_chromium() -> str:
    import sys

    return sys.modules["ccm_ui_browser_fixtures"].CHROMIUM


def _ui_args() -> list[str]:
    import sys

    return sys.modules["ccm_ui_browser_fixtures"].CHROMIUM_ARGS


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


def _kill_browser(user_data_dir: str) -> None:
    """The tab's machine vanishes: every process of that Chromium is frozen first (so none can
    send a close frame or a beacon, as with a lost network), then killed; the operating system
    then drops the TCP connection. (A renderer that crashes alone is not this case: Chromium's
    network process closes its websockets as "going away".)"""
    import signal

    import psutil

    doomed = [p for p in psutil.process_iter(["cmdline"])
              if any(user_data_dir in part for part in (p.info["cmdline"] or []))]
    assert doomed
    for p in doomed:
        p.send_signal(signal.SIGSTOP)
    for p in doomed:
        p.kill()
    psutil.wait_procs(doomed, timeout=10)


def test_a_crashed_tab_with_a_running_timer_is_culled_and_its_timer_is_left_running(browser, guarded_server,
                                                                                  tmp_path):
    """The tab vanishes while its timer runs (the timer bar ticks and writes heartbeats, so
    Jupyter's idle culler never sees the kernel idle): the kernel is culled after the dead-tab
    limit (15 s here), the timer stays open and its heartbeats stop, so it is listed as left
    running once the heartbeat limit passes."""
    from datetime import timedelta

    from workbench.clock import FixedClock, SystemClock
    from workbench.service import Workbench

    base, db = guarded_server["base"], guarded_server["db"]
    wb = Workbench.open(db)
    uid = wb.users("practitioner")[0].id
    pid = wb.patients()[0].id

    def mine(system):
        return [h for h in system.timer_health(uid) if h.timer.patient_id == pid]

    wait_until(lambda: _no_kernels(guarded_server), timeout=60)
    profile = str(tmp_path / "crashing-chromium")
    # a Chromium of its own (its own profile folder, so its processes can be found and killed)
    context = browser.browser_type.launch_persistent_context(
        profile, executable_path=_ui_chromium(), args=_ui_args(), headless=True)
    page = context.new_page()
    page.set_default_timeout(120_000)
    page.goto(f"{base}/voila/render/chart.ipynb?user={uid}&patient={pid}")
    page.wait_for_selector(".ccm-chart-header", state="visible")
    kernel_id = _kernel_id(page)
    page.click(".ccm-workbar-start")
    page.wait_for_selector(".ccm-timerbar:has-text('Timer running')")
    (health,) = mine(wb)
    wait_until(lambda: mine(wb)[0].last_beat is not None, timeout=90, step=1)
    _kill_browser(profile)
    crashed = time.monotonic()
    wait_until(lambda: not kernel_alive(base, kernel_id), timeout=60, step=1)
    took = time.monotonic() - crashed
    assert 12 <= took <= 45, took  # the dead-tab limit, not the closed-page path
    log = guarded_server["log"].read_text()
    assert f"Kernel {kernel_id} shut down: no page connected for" in log
    assert f"Kernel {kernel_id}: its page went away" not in log
    (after,) = mine(wb)
    assert after.timer.id == health.timer.id and not after.orphaned  # still open, not yet orphaned
    later = Workbench.open(db, clock=FixedClock(SystemClock().now() + timedelta(minutes=wb.heartbeat_limit_minutes + 1)))
    (orphan,) = mine(later)
    assert orphan.orphaned and "its kernel is gone" in orphan.why
    wait_until(lambda: _no_kernels(guarded_server), timeout=10)


def test_navigating_inside_a_tab_with_four_pages_open_is_never_refused(browser, fresh_guarded_server):
    """Four pages open (the limit); one tab goes worklist -> landing (Back) -> worklist again at
    once: the page it leaves gives up its place as it goes, so no step is refused, and four
    kernels remain."""
    from workbench.service import Workbench

    server = fresh_guarded_server
    base = server["base"]
    uid = Workbench.open(server["db"]).users("practitioner")[0].id
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    try:
        pages = [_landing(context, base) for _ in range(4)]
        tab = pages[2]
        for _ in range(2):
            response = tab.goto(f"{base}/voila/render/worklist.ipynb?user={uid}")
            assert response.status == 200, tab.content()[-400:]
            tab.wait_for_selector(".ccm-worklist-table", state="visible")
            response = tab.go_back()
            assert response.status == 200, tab.content()[-400:]
            tab.wait_for_selector(".ccm-signin-button", state="visible")
        assert tab.locator(".ccm-page-limit").count() == 0
        wait_until(lambda: len(kernel_processes(server["proc"])) == 4, timeout=30)
    finally:
        context.close()
    wait_until(lambda: _no_kernels(server), timeout=30)
