"""Dashboard benchmark (one-app navigation), in one run:

1. time from navigation to an interactive worklist for a 500-patient panel, against a
   one-widget notebook served by the same Voila (target: at most 1.5x);
1b. in ONE tab of the one app: click on a worklist row -> chart header visible (target: median
   at most 0.3 s and at most 0.1x the one-widget page load above), Back -> worklist visible
   (target: at most 0.3 s), over 10 round trips; then the kernels alive and their total RSS
   (target: 1 kernel, at most 300 MB), and after closing the tab how long until no kernel is
   left (target: 0 within 2 minutes);
2. server-side worklist sort and filter on a 5,000-patient panel (target: at most 200 ms);
3. kernel memory with the 5,000-patient worklist loaded (target: at most 400 MB).

Usage: python benchmarks/bench_dashboard.py [--ui-size 500] [--size 5000] [--repeats 3]
Needs Debian's Chromium at /usr/bin/chromium and Playwright (PyPI).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "ui"))

ONE_WIDGET = {"cells": [{"cell_type": "code", "execution_count": None, "id": "one", "metadata": {}, "outputs": [],
                         "source": ["import ipywidgets as w\n", "w.IntSlider(description='one')"]}],
              "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
              "nbformat": 4, "nbformat_minor": 5}


def build_db(path: Path, size: int) -> str:
    from simulated_patients import generate_panel

    from workbench.service import Workbench

    url = f"sqlite:///{path}"
    Workbench.create(url).load_panel(generate_panel(size, 11))
    return url


def time_pages(db: str, repeats: int) -> dict:
    from conftest import CHROMIUM, CHROMIUM_ARGS, free_port
    from playwright.sync_api import sync_playwright

    from workbench import records as r
    from workbench.service import Workbench

    tmp = Path(tempfile.mkdtemp(prefix="bench-nb-"))
    nbdir = tmp / "notebooks"
    shutil.copytree(ROOT / "notebooks", nbdir)
    (nbdir / "one_widget.ipynb").write_text(json.dumps(ONE_WIDGET))
    uid = Workbench.open(db).users(r.Role.CARE_MANAGER)[0].id
    port = free_port()
    import workbench.serving.voila as serve

    proc = _start(serve, nbdir, port, db, tmp / "voila.log")
    base = f"http://127.0.0.1:{port}/voila/render"
    out: dict[str, list[float]] = {"one_widget_s": [], "worklist_s": []}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for _ in range(repeats):
                for key, url, ready in (("one_widget_s", f"{base}/one_widget.ipynb", ".widget-slider"),
                                        ("worklist_s", f"{base}/worklist.ipynb?user={uid}",
                                         ".ccm-worklist-table")):
                    page = browser.new_page()
                    t0 = time.perf_counter()
                    page.goto(url)
                    page.wait_for_selector(ready, state="visible", timeout=180_000)
                    out[key].append(time.perf_counter() - t0)
                    page.close()
            browser.close()
        res = {k: round(statistics.median(v), 2) for k, v in out.items()}
        res["ratio"] = round(res["worklist_s"] / res["one_widget_s"], 2)
        res["navigation"] = navigation(base, uid, proc.pid, res["one_widget_s"])
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    return res


def kernels_of(server_pid: int) -> list:
    import psutil

    return [p for p in psutil.Process(server_pid).children(recursive=True)
            if "ipykernel" in " ".join(p.cmdline())]


def navigation(base: str, uid: str, server_pid: int, one_widget_s: float, trips: int = 10) -> dict:
    """Worklist -> chart -> Back, ``trips`` times in one tab, then close the tab."""
    from conftest import CHROMIUM, CHROMIUM_ARGS
    from playwright.sync_api import sync_playwright

    before = {p.pid for p in kernels_of(server_pid)}
    clicks, backs = [], []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
        page.goto(f"{base}/worklist.ipynb?user={uid}")
        page.wait_for_selector(".ccm-worklist-table", state="visible", timeout=180_000)
        for i in range(trips):
            link = page.locator(".ccm-view-worklist .ccm-open-chart").nth(i)
            name = link.inner_text()
            t0 = time.perf_counter()
            link.click()
            page.wait_for_selector(f".ccm-view-chart:not(.ccm-view-hidden) .ccm-patient-name:has-text('{name}')",
                                   state="visible", timeout=60_000)
            clicks.append(time.perf_counter() - t0)
            page.wait_for_selector(".ccm-view-chart:not(.ccm-view-hidden) .ccm-careplan-tab", timeout=60_000)
            page.wait_for_timeout(300)  # a person reads the header before going back
            t0 = time.perf_counter()
            page.go_back()
            page.wait_for_selector(".ccm-view-worklist:not(.ccm-view-hidden) .ccm-worklist-table",
                                   state="visible", timeout=60_000)
            backs.append(time.perf_counter() - t0)
            page.wait_for_timeout(200)
        alive = [p for p in kernels_of(server_pid) if p.pid not in before]
        rss = sum(p.memory_info().rss for p in alive) / 2**20
        page.close(run_before_unload=True)  # a tab closed by its user (beforeunload runs)
        t0 = time.perf_counter()
        left = len(alive)
        while time.perf_counter() - t0 < 120:
            left = len([p for p in kernels_of(server_pid) if p.pid not in before])
            if left == 0:
                break
            time.sleep(0.5)
        gone_after = round(time.perf_counter() - t0, 1)
        browser.close()
    click = statistics.median(clicks)
    return {"round_trips": trips, "click_to_chart_s": round(click, 3),
            "click_to_chart_max_s": round(max(clicks), 3), "back_to_worklist_s": round(statistics.median(backs), 3),
            "click_vs_one_widget": round(click / one_widget_s, 3), "kernels_alive": len(alive),
            "kernel_rss_mb": round(rss, 1), "kernels_left_after_close": left, "seconds_until_none": gone_after}


def _start(serve, nbdir: Path, port: int, db: str, log: Path) -> subprocess.Popen:
    import os
    import urllib.request

    argv, env = serve.voila_command(nbdir, port, db)
    proc = subprocess.Popen(argv, env={**os.environ, **env}, stdout=open(log, "w"), stderr=subprocess.STDOUT)
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
            return proc
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("voila did not start")


KERNEL_PROBE = """
import resource, sys, time
from workbench import records as r
from workbench.service import Workbench
from workbench.ui.worklist import WorklistView, select_rows
db = sys.argv[1]
base = Workbench.open(db)
wb = base.as_user(base.users(r.Role.CARE_MANAGER)[0].id)
t0 = time.perf_counter(); frame = wb.worklist(); load = time.perf_counter() - t0
view = WorklistView(wb, frame=frame)
cases = {"sort by name": dict(sort="name"), "sort by minutes desc": dict(sort="minutes", descending=True),
         "filter no consent": dict(consent="missing"), "filter PHQ due + sort age": dict(flag="phq_due", sort="age"),
         "search 'an'": dict(search="an"), "under 20 min, sort to next": dict(flag="under_20", sort="minutes_to_next")}
timings = {}
for name, kw in cases.items():
    runs = []
    for _ in range(5):
        t = time.perf_counter(); select_rows(view.frame, **kw); runs.append(time.perf_counter() - t)
    timings[name] = round(sorted(runs)[2] * 1000, 1)
t = time.perf_counter(); view.sort.value = "minutes"; view.search.value = "a"; render = (time.perf_counter() - t) * 1000
import json
print(json.dumps({"rows": len(frame), "worklist_load_s": round(load, 2), "sort_filter_ms": timings,
                  "widget_refresh_ms": round(render / 2, 1),
                  "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}))
"""


def kernel_side(db: str) -> dict:
    proc = subprocess.run([sys.executable, "-c", KERNEL_PROBE, db], capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ui-size", type=int, default=500, help="patients for the page-load comparison (500)")
    ap.add_argument("--size", type=int, default=5000, help="patients for sort/filter and memory (5000)")
    ap.add_argument("--repeats", type=int, default=3, help="page loads per notebook (median is reported)")
    ap.add_argument("--skip-browser", action="store_true", help="only the kernel-side measures")
    args = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="bench-db-"))
    result: dict = {}
    if not args.skip_browser:
        t = time.perf_counter()
        small = build_db(tmp / "ui.db", args.ui_size)
        print(f"built {args.ui_size}-patient db in {time.perf_counter() - t:.1f} s", file=sys.stderr)
        result["page_load"] = {"patients": args.ui_size, **time_pages(small, args.repeats)}
    t = time.perf_counter()
    big = build_db(tmp / "big.db", args.size)
    print(f"built {args.size}-patient db in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    result["kernel"] = {"patients": args.size, **kernel_side(big)}
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
