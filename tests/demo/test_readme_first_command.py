"""The README's first command, as a newcomer runs it: a fresh copy of the repository, `make demo`
from its top folder, the demo clock on the 1st of a month, then Chromium.

The copy reuses this interpreter's environment instead of installing a new one: `make demo`
is run with ``VENV`` set to the running interpreter's prefix and its install stamp marked as
up to date (``make -o``), and ``PYTHONPATH`` naming the copy, so the `workbench` script, Voila
and every kernel import the copy's code. Everything else is the README's command unchanged.
Ctrl+C is sent as a terminal sends it (SIGINT to the command's process group); nothing may be
left running and the only database is the copy's data/demo.db.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "build" / "screenshots"  # `make screenshots` copies them to docs/screenshots/
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking"]
#: the 1st of a month, mid-morning in the demo practice's time zone
FIRST_OF_MONTH = "2026-12-01T11:00:00-05:00"
PREVIOUS_MONTH = "2026-11"


def readme_command() -> list[str]:
    """The first command of the README's Quick start, and what the Makefile runs for it."""
    readme = (ROOT / "README.md").read_text()
    quick = readme.split("## Quick start", 1)[1]
    block = re.search(r"```bash\n(.*?)```", quick, re.S).group(1)
    first = block.strip().splitlines()[0].split("#")[0].split()
    assert first == ["make", "demo"], first
    recipe = re.search(r"^demo:.*\n\t(.+)$", (ROOT / "Makefile").read_text(), re.M).group(1)
    assert recipe.startswith("$(VENV)/bin/workbench demo"), recipe
    return first


def fresh_copy(dest: Path) -> Path:
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, files.decode().split("\0")):
        src = ROOT / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    return dest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(500)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    command = readme_command()
    if shutil.which("make") is None:
        pytest.fail("make is not installed (the README's command needs it)")
    repo = fresh_copy(tmp_path_factory.mktemp("fresh-clone") / "ccm-workbench")
    venv = Path(sys.prefix)
    if not (venv / "bin" / "workbench").exists():
        pytest.fail(f"{venv}/bin/workbench is missing: run the tests from the venv `make install` makes")
    port = free_port()
    log = open(repo.parent / "make-demo.log", "w")
    env = {**os.environ, "PYTHONPATH": str(repo), "WORKBENCH_NOW": FIRST_OF_MONTH}
    for var in ("WORKBENCH_DB", "MAKEFLAGS", "MFLAGS", "MAKELEVEL"):  # as from a fresh terminal
        env.pop(var, None)
    proc = subprocess.Popen([*command, f"VENV={venv}", "-o", f"{venv}/.installed",
                             f"DEMO_ARGS=--port {port}"], cwd=repo, env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 300
    while True:
        if proc.poll() is not None or time.time() > deadline:
            proc.kill()
            pytest.fail(f"make demo did not serve: {(repo.parent / 'make-demo.log').read_text()[-3000:]}")
        try:
            urllib.request.urlopen(base + "/", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    import psutil

    tree = psutil.Process(proc.pid).children(recursive=True)
    try:
        yield {"base": base, "repo": repo, "proc": proc, "port": port, "log": repo.parent / "make-demo.log"}
    finally:  # whatever a failed test left: make, workbench, Voila (own session), kernels
        tree += [p for p in psutil.Process(proc.pid).children(recursive=True) if p not in tree] \
            if proc.poll() is None else []
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGINT)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        for p in tree:
            try:
                p.kill()
            except psutil.Error:
                pass


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    pg = context.new_page()
    pg.requests_seen = []
    pg.on("request", lambda req: pg.requests_seen.append(req.url))
    pg.set_default_timeout(120_000)
    yield pg
    leaving = [u for u in pg.requests_seen if not u.startswith(("data:", "blob:", "about:"))
               and urlparse(u).hostname != "127.0.0.1"]
    context.close()
    assert leaving == [], leaving[:5]


def staff(repo: Path, role: str) -> str:
    from workbench.service import Workbench

    return Workbench.open(str(repo / "data" / "demo.db")).users(role)[0].id


def test_1_the_demo_serves_the_copy_with_one_database_outside_notebooks(demo):
    import psutil

    out = demo["log"].read_text()
    db = demo["repo"] / "data" / "demo.db"
    assert f"Demo database: {db} (60 patients)" in out
    # Voila runs through the serving guards (python -m workbench.serving.guards NOTEBOOKS ...)
    voila = [p for p in psutil.Process(demo["proc"].pid).children(recursive=True)
             if any(w in " ".join(p.cmdline()) for w in ("voila", "workbench.serving.guards"))]
    assert voila and str(demo["repo"] / "notebooks") in " ".join(voila[0].cmdline())
    assert voila[0].environ()["WORKBENCH_DB"] == f"sqlite:///{db}"


def test_2_sign_in_lists_staff_and_the_worklist_is_lived_in(demo, page):
    page.goto(f"{demo['base']}/voila/render/index.ipynb")
    page.wait_for_selector(".ccm-signin-button", state="visible")
    options = page.locator(".ccm-signin-picker select option")
    labels = [options.nth(i).inner_text().replace("\xa0", " ") for i in range(options.count())]
    assert len(labels) >= 7, labels
    assert any("(care manager)" in x for x in labels) and any("(trainee)" in x for x in labels), labels
    assert "No staff are set up yet" not in page.content()
    manager = next(i for i, x in enumerate(labels) if x.endswith("(care manager)"))
    page.locator(".ccm-signin-picker select").select_option(index=manager)
    page.wait_for_selector(f".ccm-signin:has-text('{labels[manager].split(',')[0]}')")
    shot(page, "demo-sign-in")
    page.click(".ccm-signin-button")
    page.wait_for_selector(".ccm-landing")
    page.click(".ccm-tile-worklist")
    page.wait_for_selector(".ccm-worklist-table tbody tr", state="visible")
    rows = page.evaluate("""() => {
        const heads = [...document.querySelectorAll('.ccm-worklist-table thead th')].map(t => t.innerText.trim());
        const last = heads.indexOf('Last contact');
        return [...document.querySelectorAll('.ccm-worklist-table tbody tr')].map(
            tr => ({minutes: parseFloat(tr.querySelector('.ccm-bar-label')?.innerText || '0'),
                    last: last < 0 ? '' : tr.children[last].innerText.trim()}));
    }""")
    assert len(rows) >= 20
    with_minutes = [x for x in rows if x["minutes"] > 0]
    with_contact = [x for x in rows if x["last"]]
    assert with_minutes, "the morning's work of the 1st shows as minutes this month"
    assert len(with_contact) >= len(rows) // 2, "last contacts from the previous months"
    assert all(re.match(r"2026-(09|10|11|12)-\d\d( \(|$)", x["last"]) for x in with_contact)
    shot(page, "demo-worklist")


def test_3_the_previous_month_report_has_billed_rows(demo, page):
    billing = staff(demo["repo"], "billing")
    page.goto(f"{demo['base']}/voila/render/month.ipynb?user={billing}")
    page.wait_for_selector(".ccm-month-picker select", state="visible")
    page.locator(".ccm-month-picker select").select_option(PREVIOUS_MONTH)
    page.wait_for_selector(".ccm-month-billed")
    page.wait_for_function(f"document.querySelector('.ccm-month-downloads')?.innerHTML.includes("
                           f"'ccm-month-{PREVIOUS_MONTH}')")
    billed = int(page.locator(".ccm-month-billed").inner_text())
    assert billed >= 10
    assert "99490" in page.locator(".ccm-month-report").inner_text()
    page.wait_for_selector(".ccm-month-plot img")
    shot(page, "demo-month")


def test_4_the_supervisor_sees_released_training_attempts(demo, page):
    supervisor = staff(demo["repo"], "supervisor")
    page.goto(f"{demo['base']}/voila/render/supervisor.ipynb?user={supervisor}")
    page.wait_for_selector(".trn-release", state="attached")
    text = page.locator("body").inner_text()
    assert "Jordan Lee" in text and "Priya Shah" in text
    shot(page, "demo-supervisor")


def test_5_ctrl_c_leaves_nothing_running(demo):
    import psutil

    proc = demo["proc"]
    tree = psutil.Process(proc.pid).children(recursive=True)
    assert any("ipykernel" in " ".join(p.cmdline()) for p in tree), "the pages started kernels"
    os.killpg(proc.pid, signal.SIGINT)  # what the terminal sends on Ctrl+C
    proc.wait(timeout=90)
    _gone, still = psutil.wait_procs(tree, timeout=30)  # the kernels end as Voila stops them
    alive = [p for p in still if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    assert alive == [], [" ".join(p.cmdline()) for p in alive]
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", demo["port"])) != 0
    assert "Stopped Voila and its kernels" in demo["log"].read_text()
    databases = sorted(p.relative_to(demo["repo"]) for p in demo["repo"].rglob("*.db"))
    assert databases == [Path("data/demo.db")]
