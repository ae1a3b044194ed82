"""The serving guards (workbench/serving/guards.py) on the real Hub, in each person's own server:
a websocket to one's own kernel without the v1 subprotocol is refused and logged while the
server's memory stays bounded; a person's fifth page is refused with a sentence saying which tab
to close; three tabs closed after navigating inside the app leave no kernel 5 seconds later."""

from __future__ import annotations

import time

import psutil
import pytest
from hub_browser import app, open_own_workbench
from hub_helpers import server_processes
from training_ui_helpers import SUPERVISOR, TRAINEE

pytestmark = [pytest.mark.browser, pytest.mark.slow]

V1 = "v1.kernel.websocket.jupyter.org"

#: From the person's own page (their cookie): N websockets to the page's kernel without the v1
#: subprotocol, then one with it. Reports which opened.
ATTACK_JS = """
async ([url, n, v1]) => {
  const one = (protocols) => new Promise((resolve) => {
    const ws = protocols ? new WebSocket(url, protocols) : new WebSocket(url);
    let opened = false;
    ws.onopen = () => { opened = true; ws.close(); };
    ws.onclose = () => resolve(opened);
    setTimeout(() => resolve(opened), 20000);
  });
  const legacy = [];
  for (let i = 0; i < n; i++) legacy.push(await one(null));
  return {legacy, v1: await one([v1])};
}
"""


def kernels_of(hub_name: str) -> list[psutil.Process]:
    """The kernel processes of one person's server."""
    server = psutil.Process(server_processes(hub_name)[hub_name])
    return [p for p in server.children(recursive=True)
            if p.is_running() and p.status() != psutil.STATUS_ZOMBIE and "ipykernel" in " ".join(p.cmdline())]


def wait_until(predicate, timeout: float) -> float:
    start = time.monotonic()
    while not predicate():
        if time.monotonic() - start > timeout:
            raise AssertionError(f"not within {timeout} s")
        time.sleep(0.2)
    return time.monotonic() - start


def test_a_websocket_without_the_v1_protocol_is_refused_and_memory_stays_bounded(browser, hub):
    name = SUPERVISOR.id.lower()
    ctx, page = open_own_workbench(browser, hub, SUPERVISOR.id)
    socket = [u for u in page.sockets if "/api/kernels/" in u and "/channels" in u][-1]
    kernel = socket.split("/api/kernels/")[1].split("/")[0]
    server = psutil.Process(server_processes(name)[name])
    before = server.memory_info().rss
    got = page.evaluate(ATTACK_JS, [socket.split("?")[0] + "?session_id=probe", 20, V1])
    assert got == {"legacy": [False] * 20, "v1": True}
    assert server.memory_info().rss - before < 30 * 2 ** 20
    refusal = f"Kernel websocket refused: it did not ask for the {V1} protocol (kernel {kernel})"
    assert hub["log"].read_text().count(refusal) == 20
    page.wait_for_selector(".ccm-landing")  # the page itself carries on
    ctx.close()


def open_tab(ctx, url: str):
    tab = ctx.new_page()
    tab.set_default_timeout(180_000)
    tab.goto(url)
    return tab


def test_the_fifth_page_of_one_person_is_refused_with_a_sentence(browser, hub):
    name = TRAINEE.id.lower()
    ctx, first = open_own_workbench(browser, hub, TRAINEE.id)
    wait_until(lambda: len(kernels_of(name)) == 1, 30)  # earlier tests' pages are gone
    tabs = [first]
    for _ in range(3):
        tabs.append(open_tab(ctx, f"{app(hub, name)}/index.ipynb"))
        tabs[-1].wait_for_selector(".ccm-landing")
    fifth = open_tab(ctx, f"{app(hub, name)}/index.ipynb")
    fifth.wait_for_selector(".ccm-page-limit")
    sentence = fifth.locator(".ccm-page-limit").inner_text()
    assert "You already have 4 workbench pages open" in sentence and "Close one of your other" in sentence
    assert len(kernels_of(name)) == 4
    ctx.close()
    wait_until(lambda: not kernels_of(name), 30)


def test_tabs_closed_after_navigating_inside_the_app_leave_no_kernel_within_5_seconds(browser, hub):
    name = SUPERVISOR.id.lower()
    ctx, first = open_own_workbench(browser, hub, SUPERVISOR.id)
    tabs = [first, open_tab(ctx, f"{app(hub, name)}/index.ipynb"), open_tab(ctx, f"{app(hub, name)}/index.ipynb")]
    for tab in tabs:  # each tab opens another page of the app, then goes Back
        tab.wait_for_selector(".ccm-landing")
        tab.goto(f"{app(hub, name)}/supervisor.ipynb")
        tab.wait_for_selector(".ccm-app")
        tab.go_back()
        tab.wait_for_selector(".ccm-landing")
    wait_until(lambda: len(kernels_of(name)) == 3, 30)  # the pages left behind are shut down
    for tab in tabs:
        tab.close(run_before_unload=True)
    assert wait_until(lambda: not kernels_of(name), 5.0) <= 5.0
    ctx.close()
