"""``bench_load.py --per-person-servers``: N people sign in to the real Hub, each gets their own server.

The shipped deploy/jupyterhub_config.py is started on 127.0.0.1 over a throwaway PostgreSQL, with
accounts made as docs/deployment.md makes them (``workbench hub init``, ``workbench hub users
sync``). Then ``--people`` people sign in at once through the Hub's login form (HTTP, as a
browser posts it: one-time password, then a new one) and open ``--pages`` pages each in their own
server: the landing page, then their first patient's chart. Timed per action, from the client:

- ``sign-in``: the login form post (password check, new password);
- ``first page``: from the Hub's redirect to the landing page rendered by the person's own server,
  which the Hub starts for them (server start + the page's kernel + the notebook's run);
- ``chart page``: a second page in the already running server (a kernel + the chart's run).

Memory per person is their server process plus its kernels (resident, from /proc), with every
page still open. Widget actions inside a page (timer, contact, care plan) are timed by the
default mode of bench_load.py, inside kernels; this mode measures what per-person servers add.
"""

from __future__ import annotations

import http.cookiejar
import re
import secrets
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "deploy"))

ACTIONS = ("sign-in", "first page", "chart page")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _person(base: str, name: str, password: str, patient: str, pages: int, times: dict, errors: dict,
            lock: threading.Lock) -> None:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    no_redirect = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)

    def timed(action, fn):
        t0 = time.perf_counter()
        try:
            out = fn()
        except Exception as exc:  # noqa: BLE001 - counted, reported by kind
            with lock:
                key = f"{action}: {type(exc).__name__}: {str(exc)[:100]}"
                errors[key] = errors.get(key, 0) + 1
            return None
        with lock:
            times[action].append((time.perf_counter() - t0) * 1000)
        return out

    def sign_in():
        page = opener.open(f"{base}/hub/login", timeout=120).read().decode()
        xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page).group(1)
        new = "pw-" + secrets.token_hex(8)
        form = {"_xsrf": xsrf, "username": name, "password": password, "new_password": new,
                "new_password_again": new}
        try:  # the form's answer only (its redirect to /hub/spawn is the next action's)
            no_redirect.open(f"{base}/hub/login", urllib.parse.urlencode(form).encode(), timeout=120)
        except urllib.error.HTTPError as err:
            if err.code != 302:
                raise
            return True
        raise RuntimeError("the login form did not sign in")

    def first_page():
        deadline = time.time() + 600
        while time.time() < deadline:
            resp = opener.open(f"{base}/hub/spawn", timeout=600)
            if "/user/" in resp.geturl():
                body = resp.read().decode()
                if "ccm-" in body or "voila" in body.lower():
                    return body
            time.sleep(1)
        raise TimeoutError("the server did not start in 10 minutes")

    if timed("sign-in", sign_in) is None:
        return
    if timed("first page", first_page) is None or pages < 2:
        return
    timed("chart page", lambda: opener.open(
        f"{base}/user/{name}/voila/render/chart.ipynb?patient={patient}", timeout=600).read())


def run(db: str, plan, pages: int, concurrency: int) -> tuple[dict, dict, dict, float]:
    """Start the Hub, let everyone in, open their pages; (times, errors, memory per person, wall)."""
    import tempfile

    from hub_helpers import running_hub, server_processes

    times = {a: [] for a in ACTIONS}
    errors: dict[str, int] = {}
    lock = threading.Lock()
    with tempfile.TemporaryDirectory(prefix="ccm-hub-load-") as tmp, \
            running_hub(Path(sys.executable), db, Path(tmp)) as hub:
        t0 = time.monotonic()
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            for sid, pids in plan:
                name = sid.lower()
                pool.submit(_person, hub["base"], name, hub["passwords"][name], pids[0], pages, times, errors, lock)
        wall = time.monotonic() - t0
        memory = {name: person_memory_kib(pid) for name, pid in server_processes().items()
                  if name in {sid.lower() for sid, _ in plan}}
    return times, errors, memory, wall


def person_memory_kib(server_pid: int) -> int:
    """Resident memory of one person's server and all its kernels (KiB)."""
    import psutil

    server = psutil.Process(server_pid)
    procs = [server, *server.children(recursive=True)]
    return sum(p.memory_info().rss for p in procs if p.is_running()) // 1024


def report(times, errors, memory, people: int, pages: int, wall: float, pct) -> None:
    print(f"\nPer-person servers: {people} people, {pages} page(s) each, {wall:.0f} s wall\n")
    print("| action | count | p50 | p95 | max |")
    print("|---|---|---|---|---|")
    for action in ACTIONS:
        v = times[action]
        if v:
            print(f"| {action} | {len(v)} | {pct(v, 50):,.0f} ms | {pct(v, 95):,.0f} ms | {max(v):,.0f} ms |")
    print(f"\nErrors: {sum(errors.values())}")
    for key, n in sorted(errors.items()):
        print(f"  {n} x {key}")
    if memory:
        mib = sorted(m / 1024 for m in memory.values())
        print(f"Servers running: {len(mib)}; memory per person (server + kernels): "
              f"median {mib[len(mib) // 2]:.0f} MiB, max {mib[-1]:.0f} MiB, together {sum(mib) / 1024:.1f} GiB")
