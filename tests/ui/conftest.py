"""Browser-test fixtures: a seeded SQLite database and a real ``voila`` on 127.0.0.1, started the
way ``workbench serve`` starts it (:func:`workbench.serving.voila.voila_command`)."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = ROOT / "build" / "screenshots"  # `make screenshots` copies them to docs/screenshots/


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def seed_database(path: Path, size: int = 40) -> str:
    """A generated panel with the demo's month in progress (timed calls, contacts, an open
    escalation) plus a few manual entries, so the worklist and month report have rows."""
    from simulated_patients import generate_panel

    from workbench import records as r
    from workbench.service import Workbench

    url = f"sqlite:///{path}"
    wb = Workbench.create(url)
    wb.load_panel(generate_panel(size, 7))
    manager = wb.users(r.Role.CARE_MANAGER)[0]
    staff = wb.as_user(manager.id)
    for p in wb.patients()[:6]:
        staff.log_time(p.id, 12 + int(p.id[-1]) * 3, r.Activity.PATIENT_CALL, "Monthly check-in call")
    from tests.support.demo_activity import add_demo_activity

    add_demo_activity(wb)
    return url


def start_voila(db: str, port: int, log_path: Path) -> subprocess.Popen:
    from workbench.serving.voila import voila_command

    argv, env = voila_command(ROOT / "notebooks", port, db)
    log = open(log_path, "w")
    proc = subprocess.Popen(argv, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"voila exited: {log_path.read_text()[-2000:]}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
            return proc
        except OSError:
            time.sleep(0.5)
    proc.terminate()
    raise RuntimeError("voila did not start within 60 s")


@contextlib.contextmanager
def served(db: str, tmp: Path):
    """A real voila on 127.0.0.1 serving notebooks/ on ``db``; stopped (SIGTERM) at the end."""
    port = free_port()
    proc = start_voila(db, port, tmp / "voila.log")
    try:
        yield {"base": f"http://127.0.0.1:{port}", "db": db, "log": tmp / "voila.log"}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        from workbench import service

        engine = service._ENGINES.pop(db, None)
        if engine is not None:
            engine.dispose()


@pytest.fixture(scope="module")
def voila_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("voila")
    with served(seed_database(tmp / "workbench.db"), tmp) as server:
        yield server


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


#: Every result message (a refusal, ``.ccm-msg-error``, or a success, ``.ccm-msg-ok``) that appears
#: on a page is judged: within 2 s of appearing its first line must be on screen, below the pinned
#: bar, without the test scrolling. A message removed or hidden (a tab switched) before then is not
#: judged. Each verdict is reported to Python through ``__ccmMessageSeen``.
MESSAGES_IN_SIGHT = """(() => {
  const SEL = '.ccm-msg-error, .ccm-msg-ok';
  const judged = new WeakSet();
  function inSight(el) {
    const r = el.getBoundingClientRect();
    const pinned = document.querySelector('.ccm-pinned');
    const top = pinned && !pinned.contains(el) ? pinned.getBoundingClientRect().bottom : 0;
    return r.top >= top - 2 && r.top + Math.min(r.height, 40) <= innerHeight + 2;
  }
  function judge(el) {
    if (judged.has(el)) return;
    judged.add(el);
    const started = Date.now();
    const text = () => (el.innerText || '').trim().slice(0, 160);
    const poll = () => {
      if (!el.isConnected || el.offsetParent === null) return;  // cleared or on a hidden tab
      if (inSight(el)) { window.__ccmMessageSeen({ text: text(), inSight: true }); return; }
      if (Date.now() - started > 2000) {
        const r = el.getBoundingClientRect();
        window.__ccmMessageSeen({ text: text(), inSight: false, top: Math.round(r.top), height: innerHeight });
        return;
      }
      setTimeout(poll, 100);
    };
    setTimeout(poll, 100);
  }
  new MutationObserver(changes => {
    for (const change of changes) {
      for (const node of change.addedNodes) {
        if (node.nodeType !== 1) continue;
        if (node.matches(SEL)) judge(node);
        node.querySelectorAll(SEL).forEach(judge);
      }
    }
  }).observe(document, { childList: true, subtree: true });
})();"""


def watch_messages(context) -> list[dict]:
    """Judge every result message on the context's pages (:data:`MESSAGES_IN_SIGHT`); the
    verdicts are appended to the returned list."""
    seen: list[dict] = []
    context.expose_binding("__ccmMessageSeen", lambda _source, rec: seen.append(rec))
    context.add_init_script(MESSAGES_IN_SIGHT)
    return seen


def assert_messages_in_sight(seen: list[dict]) -> None:
    """Every result message that appeared after a click was on screen (Deliver item 3 of the
    care manager's day: a refusal out of sight reads as a click that did nothing)."""
    out = [x for x in seen if not x["inSight"]]
    assert out == [], f"messages shown out of sight: {out}"


@pytest.fixture
def page(browser):
    """A page that records every request's URL (to prove nothing leaves 127.0.0.1) and judges
    every result message it shows (:func:`assert_messages_in_sight`, checked after the test)."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True)
    seen = watch_messages(context)
    pg = context.new_page()
    pg.requests_seen = []
    pg.messages_seen = seen
    pg.on("request", lambda req: pg.requests_seen.append(req.url))
    pg.set_default_timeout(90_000)
    yield pg
    context.close()
    assert_messages_in_sight(seen)
