"""``bench_load.py --per-person-servers``: N people on the real Hub, each in their own server.

The shipped deploy/jupyterhub_config.py and its authenticator are started on 127.0.0.1 over a
throwaway PostgreSQL, with accounts made as docs/deployment.md makes them (``workbench hub
init``, ``workbench hub users sync``). Each person then does what a browser does, without one
(40 Chromiums would measure Chromium):

1. signs in through the Hub's login form (one-time password, then a new one): ``sign-in``;
2. follows the Hub to their own server, which the Hub starts for them: ``first page`` (the
   landing page rendered by their own server);
3. goes to the worklist in the same tab (the landing page's websocket closes as "going away",
   as a browser's does): ``worklist page``; then connects to the page's kernel over the v1
   websocket protocol through the Hub's proxy, and works the page through the widget protocol,
   as the browser's widget manager does (button clicks, typed text, tab choice);
4. until everyone has been ready for ``--duration`` seconds, repeats a care manager's round on
   their own patients, with ``--think`` seconds (mean) between actions: ``open chart`` (a worklist
   row), ``timer_start``, ``contact`` (the Contacts tab: a logged call), ``care_plan_save`` (a new
   version with a reason), ``timer_stop`` (with a note), ``worklist`` (Back).

An action is timed from the message that the click or the typing sends to the moment its result
is in the page's widgets (the message "Contact logged.", "Saved version N.", the chart's care-plan
tab placed in its page with its first section filled, the running timer...): the time a person waits. Memory per person is their server process and its
kernels (resident, from /proc), measured while everyone is working.
"""

from __future__ import annotations

import asyncio
import http.cookiejar
import json
import os
import random
import re
import secrets
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "deploy"))

PAGES = ("sign-in", "first page", "worklist page")
ACTIONS = ("open chart", "timer_start", "contact", "care_plan_save", "timer_stop", "worklist")
V1 = "v1.kernel.websocket.jupyter.org"
CONTACTS_TAB = 3  # workbench/ui/chart.py TAB_TITLES: "Contacts"
GOING_AWAY = 1001


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Page:
    """One page's kernel, seen as the browser's widget manager sees it."""

    def __init__(self, ws):
        self.ws = ws
        self.session = uuid.uuid4().hex
        self.models: dict[str, dict] = {}  # model id -> state
        self.born: dict[str, int] = {}  # model id -> order of creation
        self.count = 0

    def _msg(self, msg_type: str, content: dict, metadata: dict | None = None) -> bytes:
        from jupyter_server.services.kernels.connection.base import serialize_msg_to_ws_v1

        header = {"msg_id": uuid.uuid4().hex, "username": "bench", "session": self.session,
                  "msg_type": msg_type, "version": "5.3", "date": time.strftime("%Y-%m-%dT%H:%M:%SZ")}
        parts = [json.dumps(x).encode() for x in (header, {}, metadata or {}, content)]
        return serialize_msg_to_ws_v1(parts, "shell")

    async def send(self, model: str, data: dict) -> None:
        await self.ws.write_message(self._msg("comm_msg", {"comm_id": model, "data": data}), binary=True)

    async def update(self, model: str, **state) -> None:
        await self.send(model, {"method": "update", "state": state, "buffer_paths": []})

    async def click(self, model: str) -> None:
        await self.send(model, {"method": "custom", "content": {"event": "click"}})

    def _take(self, raw) -> None:
        from jupyter_server.services.kernels.connection.base import deserialize_msg_from_ws_v1

        if not isinstance(raw, bytes):
            return
        channel, parts = deserialize_msg_from_ws_v1(raw)
        if len(parts) < 4 or (channel != "iopub" and not os.environ.get("HUB_LOAD_DEBUG")):
            return
        header, content = json.loads(parts[0]), json.loads(parts[3])
        if os.environ.get("HUB_LOAD_DEBUG"):
            print("<-", channel, header.get("msg_type"), str(content)[:200], flush=True)
        kind, data = header.get("msg_type"), content.get("data") or {}
        if kind == "comm_open" and content.get("target_name") == "jupyter.widget":
            self.count += 1
            self.born[content["comm_id"]] = self.count
            self.models[content["comm_id"]] = dict(data.get("state") or {})
        elif kind == "comm_msg":
            if data.get("method") == "update" and content["comm_id"] in self.models:
                self.models[content["comm_id"]].update(data.get("state") or {})
            elif data.get("method") == "update_states":
                for model, spec in data.get("states", {}).items():
                    self.count += 1
                    self.born.setdefault(model, self.count)
                    self.models[model] = dict(spec.get("state") or {})
        elif kind == "comm_close":
            self.models.pop(content.get("comm_id"), None)

    async def until(self, predicate, timeout: float = 120):
        """Read the kernel's messages until ``predicate()`` is true (returns its value)."""
        deadline = time.monotonic() + timeout
        while True:
            found = predicate()
            if found:
                return found
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("the page did not show the result in time")
            raw = await asyncio.wait_for(self.ws.read_message(), left)
            if raw is None:
                raise ConnectionError("the page's websocket closed")
            self._take(raw)

    async def load_states(self) -> None:
        """What the widget manager does first: ask the kernel for every widget's state."""
        control = uuid.uuid4().hex
        await self.ws.write_message(self._msg("comm_open", {
            "comm_id": control, "target_name": "jupyter.widget.control", "data": {}}, {"version": "1.0.0"}),
            binary=True)
        await self.send(control, {"method": "request_states"})
        await self.until(lambda: self.find("ccm-nav-bridge"))

    def find(self, css: str, after: int = 0) -> str | None:
        """The newest widget with the CSS class ``css`` (created after ``after``)."""
        ids = [m for m, s in self.models.items() if css in (s.get("_dom_classes") or ())
               and self.born.get(m, 0) > after]
        return max(ids, key=lambda m: self.born[m]) if ids else None

    def value(self, css: str, after: int = 0) -> str:
        model = self.find(css, after)
        return str(self.models[model].get("value", "")) if model else ""


class Person:
    def __init__(self, base: str, name: str, password: str, patients: list[str], think: float, seed: int):
        self.base, self.name, self.password, self.patients = base, name, password, patients
        self.think, self.rng = think, random.Random(seed)
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.no_redirect = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)
        self.page: Page | None = None
        self.nav = 0

    # -- HTTP, as the browser navigates (in a thread: urllib is blocking)
    def sign_in(self) -> bool:
        page = self.opener.open(f"{self.base}/hub/login", timeout=120).read().decode()
        xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page).group(1)
        new = "pw-" + secrets.token_hex(8)
        form = {"_xsrf": xsrf, "username": self.name, "password": self.password, "new_password": new,
                "new_password_again": new}
        try:
            self.no_redirect.open(f"{self.base}/hub/login", urllib.parse.urlencode(form).encode(), timeout=120)
        except urllib.error.HTTPError as err:
            if err.code == 302:
                return True
            raise
        raise RuntimeError("the login form did not sign in")

    def first_page(self) -> str:
        deadline = time.time() + 600
        while time.time() < deadline:
            resp = self.opener.open(f"{self.base}/hub/spawn", timeout=600)
            if f"/user/{self.name}/" in resp.geturl():
                body = resp.read().decode()
                if "kernelId" in body:
                    return body
            time.sleep(1)
        raise TimeoutError("the server did not start in 10 minutes")

    def render(self, notebook: str) -> str:
        with self.opener.open(f"{self.base}/user/{self.name}/voila/render/{notebook}", timeout=600) as resp:
            return resp.read().decode()

    # -- the page's kernel
    async def connect(self, body: str) -> Page:
        from tornado.httpclient import HTTPRequest
        from tornado.websocket import websocket_connect

        kernel = re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', body).group(1)
        path = f"/user/{self.name}/api/kernels/{kernel}/channels?session_id={uuid.uuid4().hex}"
        probe = urllib.request.Request(self.base + path)
        self.jar.add_cookie_header(probe)
        request = HTTPRequest("ws" + self.base[4:] + path, headers={"Cookie": probe.get_header("Cookie", "")},
                              request_timeout=300, connect_timeout=300)
        ws = await websocket_connect(request, subprotocols=[V1], max_message_size=64 * 2 ** 20)
        page = Page(ws)
        await page.load_states()
        return page

    async def leave(self) -> None:
        if self.page is not None:
            self.page.ws.close(GOING_AWAY, "navigated")  # as a browser leaving the page
            self.page = None

    async def pause(self) -> None:
        await asyncio.sleep(self.rng.uniform(0.5, 1.5) * self.think)

    async def navigate(self, target: str) -> None:
        self.nav += 1
        await self.page.update(self.page.find("ccm-nav-bridge"), value=f"{target}#{self.nav}")

    # -- a care manager's round on one patient
    async def round(self, pid: str, timed) -> None:
        p = self.page
        mark = p.count
        def chart_shown():  # the care-plan tab, whole (its first section filled), placed in its page
            page, first = p.find("ccm-tab-page-careplan", mark), p.find("ccm-cp-section-problem-list", mark)
            return page and first and p.models[page].get("children") and p.models[first].get("children")

        await timed("open chart", self.navigate(f"chart:{pid}"), chart_shown)
        await self.pause()
        label = p.value("ccm-timer-label")
        await timed("timer_start", p.click(p.find("ccm-workbar-start")),
                    lambda: p.value("ccm-timer-label") not in ("", label))
        await self.pause()
        tabs = p.find("ccm-chart-tabs", mark)
        await p.update(tabs, selected_index=CONTACTS_TAB)
        await p.until(lambda: p.find("ccm-contact-log", mark))
        await p.update(p.find("ccm-contact-note", mark), value="Monthly check-in call")
        await timed("contact", p.click(p.find("ccm-contact-log", mark)),
                    lambda: "Contact logged" in p.value("ccm-contact-msg", mark))
        await self.pause()
        await p.update(tabs, selected_index=0)
        await p.update(p.find("ccm-cp-symptom-management", mark), value=f"Home readings reviewed {self.nav}")
        await p.update(p.find("ccm-cp-reason", mark), value="Monthly review")
        await timed("care_plan_save", p.click(p.find("ccm-cp-save", mark)),
                    lambda: "Saved version" in p.value("ccm-cp-msg-save", mark))
        await self.pause()
        await p.update(p.find("ccm-timerbar-note"), value="Monthly check-in call")
        await timed("timer_stop", p.click(p.find("ccm-timerbar-stop")),
                    lambda: "Stopped the timer" in p.value("ccm-timerbar-msg"))
        await self.pause()

        def worklist_shown():
            view = p.find("ccm-view-worklist")
            return view and "ccm-view-hidden" not in p.models[view].get("_dom_classes", ())

        await timed("worklist", self.navigate("back"), worklist_shown)
        await self.pause()


async def _person(person: Person, times: dict, errors: dict, ready: asyncio.Event, arrived: list,
                  end: list, gate: asyncio.Semaphore) -> None:
    def fail(action: str, exc: BaseException) -> None:
        key = f"{action}: {type(exc).__name__}: {str(exc)[:100]}"
        errors[key] = errors.get(key, 0) + 1

    async def timed(action: str, send, done):
        t0 = time.perf_counter()
        try:
            await send
            await person.page.until(done)
        except (TimeoutError, ConnectionError, OSError) as exc:
            fail(action, exc)
            if os.environ.get("HUB_LOAD_DEBUG_TIMEOUTS"):
                p = person.page
                print("TIMEOUT", person.name, action, {c: p.value(c)[:300] for c in (
                    "ccm-timerbar-msg", "ccm-timer-label", "ccm-timerbar-note", "ccm-app-msg")}, flush=True)
            return False
        times[action].append((time.perf_counter() - t0) * 1000)
        return True

    async def step(action: str, fn, *args):
        t0 = time.perf_counter()
        try:
            out = await asyncio.to_thread(fn, *args)
        except Exception as exc:  # noqa: BLE001 - counted and reported by kind
            fail(action, exc)
            return None
        times[action].append((time.perf_counter() - t0) * 1000)
        return out

    try:
        async with gate:  # people arrive a few at a time, as a team's morning does
            if await step("sign-in", person.sign_in) is None or (landing := await step(
                    "first page", person.first_page)) is None:
                return
            person.page = await person.connect(landing)
            await person.leave()  # the tab goes on to the worklist
            body = await step("worklist page", person.render, "worklist.ipynb")
            if body is None:
                return
            person.page = await person.connect(body)
    except Exception as exc:  # noqa: BLE001
        fail("connect", exc)
        return
    finally:
        arrived.append(person.name)
    await ready.wait()
    if person.page is None:
        return
    # people do not click in lock-step: each starts 0 to 2 x think seconds in, as the pauses
    # between their later actions spread them (a lock-step start put 40 chart opens in one queue
    # on two cores: a 7 s cluster at the top of open chart's p95, all from the first round)
    await asyncio.sleep(person.rng.uniform(0, 2 * person.think))
    n = 0
    while time.monotonic() < end[0]:
        try:
            await person.round(person.patients[n % len(person.patients)], timed)
        except Exception as exc:  # noqa: BLE001 - a round that could not go on: counted
            fail("round", exc)
            await person.pause()
        n += 1
    await person.leave()


async def _run_all(base: str, people: list[Person], duration: float, concurrency: int, memory_of,
                   connections_of) -> dict:
    times = {a: [] for a in (*PAGES, *ACTIONS)}
    errors: dict[str, int] = {}
    ready, arrived, end, connections = asyncio.Event(), [], [0.0], []
    gate = asyncio.Semaphore(concurrency)
    tasks = [asyncio.create_task(_person(p, times, errors, ready, arrived, end, gate)) for p in people]
    t0 = time.monotonic()
    while len(arrived) < len(people):
        await asyncio.sleep(0.5)
    setup = time.monotonic() - t0
    end[0] = time.monotonic() + duration
    loads = []
    ready.set()
    memory: dict[str, int] = {}
    while time.monotonic() < end[0]:
        await asyncio.sleep(5)
        loads.append(os.getloadavg()[0])
        if not memory and time.monotonic() > end[0] - duration / 2:
            # half way: everyone working, one page each. In a thread: reading forty process trees
            # takes seconds, and on this loop it stalled every page's messages (a 7 s cluster in p95)
            memory = await asyncio.to_thread(memory_of)
            connections.append(await asyncio.to_thread(connections_of))
    await asyncio.gather(*tasks)
    return {"times": times, "errors": errors, "memory": memory, "setup": setup, "loads": loads,
            "connections": connections[0] if connections else None}


def run(db: str, plan, duration: float, think: float, concurrency: int) -> dict:
    """Start the Hub, let everyone in and work for ``duration`` seconds; the figures."""
    import tempfile

    from hub_helpers import running_hub, server_processes

    names = {sid.lower() for sid, _ in plan}
    with tempfile.TemporaryDirectory(prefix="ccm-hub-load-") as tmp, \
            running_hub(Path(sys.executable), db, Path(tmp)) as hub:
        people = [Person(hub["base"], sid.lower(), hub["passwords"][sid.lower()], pids, think, n)
                  for n, (sid, pids) in enumerate(plan)]

        def memory_of():
            return {name: person_memory_kib(pid) for name, pid in server_processes().items() if name in names}

        def connections_of() -> tuple[int, int]:
            """PostgreSQL connections open to the database, and the server's max_connections."""
            import psycopg

            with psycopg.connect(db.replace("postgresql+psycopg://", "postgresql://")) as conn:
                used = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
                limit = conn.execute("SHOW max_connections")
                return used.fetchone()[0], int(limit.fetchone()[0])

        return asyncio.run(_run_all(hub["base"], people, duration, concurrency, memory_of, connections_of))


def person_memory_kib(server_pid: int) -> int:
    """Resident memory of one person's server and all its kernels (KiB)."""
    import psutil

    server = psutil.Process(server_pid)
    procs = [server, *server.children(recursive=True)]
    return sum(p.memory_info().rss for p in procs if p.is_running()) // 1024


def report(result: dict, people: int, duration: float, think: float, pct) -> None:
    times, errors, memory, loads = result["times"], result["errors"], result["memory"], result["loads"]
    print(f"\nPer-person servers: {people} people, {duration:.0f} s of work after all signed in "
          f"({result['setup']:.0f} s to sign everyone in), think {think} s\n")
    print("| step | count | p50 | p95 | p99 | max |")
    print("|---|---|---|---|---|---|")
    for action in (*PAGES, *ACTIONS):
        v = times[action]
        if v:
            print(f"| {action} | {len(v)} | {pct(v, 50):,.0f} ms | {pct(v, 95):,.0f} ms | {pct(v, 99):,.0f} ms "
                  f"| {max(v):,.0f} ms |")
    print(f"\nErrors: {sum(errors.values())}")
    for key, n in sorted(errors.items()):
        print(f"  {n} x {key}")
    if memory:
        mib = sorted(m / 1024 for m in memory.values())
        print(f"Servers running: {len(mib)}; memory per person (server + kernels): min {mib[0]:.0f} MiB, "
              f"median {mib[len(mib) // 2]:.0f} MiB, max {mib[-1]:.0f} MiB, together {sum(mib) / 1024:.1f} GiB")
    if result.get("connections"):
        used, limit = result["connections"]
        print(f"PostgreSQL connections half way: {used} of max_connections {limit}")
    if loads:
        print(f"Load average (1 min) during the work: mean {sum(loads) / len(loads):.1f}, max {max(loads):.1f} "
              f"on {os.cpu_count()} cores")
