"""Load test: concurrent signed-in sessions on one PostgreSQL, as the team deployment runs them.

Each session is a real Jupyter kernel (ipykernel, started with jupyter_client on 127.0.0.1, as
the Hub's Voila service starts one per open page), signed in as its own care manager through
``Workbench.open(db, user=...)``. For ``--duration`` seconds each one repeats what a care manager
does on a call: start the timer, log a contact, save a care-plan revision, stop the timer, load
the worklist, with ``--think`` seconds between actions (each kernel first loads the worklist
once, untimed, as the page's first render does). Every action is timed inside the kernel
(server side, no browser); errors are counted by kind. At the end: p50/p95/p99 per action, the
kernels' memory (resident, and peak), and the invariants checked on the database (one running
timer per person, every stop matched).

Loopback only: the database is a throwaway PostgreSQL this script starts on 127.0.0.1 (as the
tests do) or ``--db`` naming one on this machine; everything stops by itself.

    python benchmarks/bench_load.py                      # 20 sessions, 5 minutes
    python benchmarks/bench_load.py --sessions 20 --duration 60
    python benchmarks/bench_load.py --per-person-servers --sessions 40   # the Hub, a server each

``--per-person-servers`` starts the real Hub with the shipped config and authenticator instead:
each person signs in through its login form, gets their own server, and does the same actions in
their own page through the widget protocol (benchmarks/hub_load.py says what is timed); memory
is per person (their server and its kernels).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

ACTIONS = ("timer_start", "contact", "care_plan_save", "timer_stop", "worklist")

#: Runs inside each kernel: the session's loop. Formatted with the parameters, prints one JSON line.
SESSION_CODE = r'''
import json, random, time
from workbench import records as r
from workbench.errors import WorkbenchError
from workbench.service import Workbench
wb = Workbench.open({db!r}, user={staff!r})
pids = {pids!r}
rng = random.Random({seed})
times = {{a: [] for a in {actions!r}}}
errors = {{}}
def timed(name, fn):
    t0 = time.perf_counter()
    try:
        fn()
    except Exception as exc:
        key = f"{{name}}: {{type(exc).__name__}}: {{str(exc)[:120]}}"
        errors[key] = errors.get(key, 0) + 1
    finally:
        times[name].append((time.perf_counter() - t0) * 1000)
def save_plan(pid):
    cur = wb.care_plan(pid)
    base = cur.version if cur else 0
    plan = r.CarePlan(problem_list="Hypertension; type 2 diabetes",
                      symptom_management=f"Home readings reviewed, round {{base + 1}}",
                      periodic_review="Monthly")
    wb.revise_care_plan(pid, plan, based_on=base, reason="Monthly review")
wb.worklist(); wb.care_plan(pids[0])  # what the page's first render already did: not timed
deadline = time.monotonic() + {duration}
i = 0
while time.monotonic() < deadline:
    pid = pids[i % len(pids)]
    i += 1
    for name, fn in (("timer_start", lambda: wb.start_timer(pid, note="Monthly check-in call")),
                     ("contact", lambda: wb.log_contact(pid, "phone", "reached", note="Check-in")),
                     ("care_plan_save", lambda: save_plan(pid)),
                     ("timer_stop", lambda: wb.stop_timer(note="Monthly check-in call")),
                     ("worklist", lambda: wb.worklist())):
        timed(name, fn)
        time.sleep(rng.uniform(0.5, 1.5) * {think})
print("RESULT " + json.dumps({{"times": times, "errors": errors, "rounds": i}}))
'''


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def rss_kib(pid: int) -> tuple[int, int]:
    """Resident and peak resident memory (KiB) of a process, from /proc."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.strip()
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])


def seed(db: str, sessions: int, patients_per_session: int) -> list[tuple[str, list[str]]]:
    """One care manager per session, each with their own patients (two chronic conditions each)."""
    from datetime import date

    from workbench import records as r
    from workbench.service import Workbench

    create = getattr(Workbench, "create", None)
    wb = create(db) if create is not None else Workbench.open(db)
    out = []
    for n in range(sessions):
        sid = f"LOAD{n + 1:02d}"
        wb.add_user(r.User(sid, f"Load Manager {n + 1}", r.Role.CARE_MANAGER, r.Credential.RN, "NY"))
        pids = []
        for k in range(patients_per_session):
            pid = f"P{n * patients_per_session + k + 1:05d}"
            patient = r.Patient(pid, f"Pat{k}", f"Load{n}", date(1948 + k % 20, 1 + k % 12, 1 + k % 27),
                                "F" if k % 2 else "M", state="NY", care_team_member_id=sid)
            conditions = [r.Condition("I10", "Essential hypertension", chronic=True,
                                      chronic_reason="Lifelong; needs monthly monitoring"),
                          r.Condition("E11.9", "Type 2 diabetes mellitus", chronic=True,
                                      chronic_reason="Lifelong; risk of decompensation")]
            wb.add_patient(r.PatientBundle(patient=patient, conditions=conditions))
            pids.append(pid)
        out.append((sid, pids))
    return out


def run_sessions(db: str, plan, duration: float, think: float) -> tuple[list[dict], list[tuple[int, int]]]:
    from jupyter_client.manager import KernelManager

    kernels = []
    runtime = tempfile.mkdtemp(prefix="bench-load-")  # connection files, never in the work tree
    for n in range(len(plan)):
        km = KernelManager(kernel_name="python3", connection_file=os.path.join(runtime, f"kernel-{n}.json"))
        km.start_kernel()
        kc = km.client()
        kc.start_channels()
        kc.wait_for_ready(timeout=120)
        kernels.append((km, kc))
    print(f"{len(kernels)} kernels started; running for {duration:.0f} s ...", flush=True)
    msg_ids = []
    for n, ((_km, kc), (sid, pids)) in enumerate(zip(kernels, plan, strict=True)):
        code = SESSION_CODE.format(db=db, staff=sid, pids=pids, seed=n, actions=ACTIONS,
                                   duration=duration, think=think)
        msg_ids.append(kc.execute(code))
    results, memory = [], []
    deadline = time.monotonic() + duration + 120
    for (km, kc), msg_id in zip(kernels, msg_ids, strict=True):
        out = ""
        while time.monotonic() < deadline:
            try:
                msg = kc.get_iopub_msg(timeout=max(1, deadline - time.monotonic()))
            except Exception:  # noqa: BLE001 - queue.Empty: the deadline passed
                break
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "stream":
                out += msg["content"]["text"]
            elif msg["msg_type"] == "error":
                out += "ERROR " + msg["content"]["ename"] + ": " + msg["content"]["evalue"]
            elif msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                break
        memory.append(rss_kib(km.provisioner.process.pid))
        line = next((x for x in out.splitlines() if x.startswith("RESULT ")), None)
        results.append(json.loads(line[7:]) if line else {"times": {}, "errors": {f"session: {out[-300:]}": 1},
                                                          "rounds": 0})
    for km, kc in kernels:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    shutil.rmtree(runtime, ignore_errors=True)
    return results, memory


def check_invariants(db: str) -> dict[str, int]:
    from sqlalchemy import func, select

    from workbench.service import Workbench
    from workbench.store import schema as s

    wb = Workbench.open(db)
    open_timers = wb.open_timers()
    per_staff: dict[str, int] = {}
    for t in open_timers:
        per_staff[t.staff_id] = per_staff.get(t.staff_id, 0) + 1
    with wb.read() as conn:
        stops = conn.execute(select(func.count()).select_from(s.timer_stops)).scalar_one()
        timed = conn.execute(select(func.count()).select_from(s.time_entries)
                             .where(s.time_entries.c.timer_id.is_not(None))).scalar_one()
    return {"timers still running": len(open_timers),
            "staff with more than one running timer": sum(1 for v in per_staff.values() if v > 1),
            "timer stops": stops, "timer time entries": timed}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sessions", type=int, default=20, help="concurrent signed-in sessions (default 20)")
    ap.add_argument("--duration", type=float, default=300, help="seconds of load (default 300; at most 900)")
    ap.add_argument("--think", type=float, default=1.0, help="mean seconds between one session's actions "
                    "(default 1.0)")
    ap.add_argument("--patients", type=int, default=10, help="patients per session (default 10)")
    ap.add_argument("--db", default=None, help="a postgresql:// URL on this machine (default: a throwaway "
                    "PostgreSQL started on 127.0.0.1)")
    ap.add_argument("--per-person-servers", action="store_true", help="the real Hub with the shipped "
                    "config: each person signs in and opens pages in their own server")
    ap.add_argument("--concurrency", type=int, default=8, help="with --per-person-servers: people signing "
                    "in at the same moment (default 8)")
    args = ap.parse_args(argv)
    if not 0 < args.duration <= 900:
        ap.error("--duration must be between 1 and 900 seconds")
    if not 0 < args.sessions <= 50:
        ap.error("--sessions must be between 1 and 50")
    stop_pg = None
    if args.db:
        host = urlparse(args.db).hostname
        if host not in ("127.0.0.1", "localhost", "::1", None, ""):
            ap.error("--db must be on this machine (127.0.0.1): the load test sends no traffic elsewhere")
        db = args.db
    else:
        from bench_store import postgres_url

        pg = postgres_url()
        if pg is None:
            print("PostgreSQL is not installed (apt-get install postgresql)", file=sys.stderr)
            return 1
        db, stop_pg = pg

    def stopped(signum, _frame):  # kill / timeout: stop the Hub, servers and PostgreSQL as Ctrl+C does
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, stopped)
    try:
        plan = seed(db, args.sessions, args.patients)
        if args.per_person_servers:
            import hub_load

            result = hub_load.run(db, plan, args.duration, args.think, args.concurrency)
            hub_load.report(result, args.sessions, args.duration, args.think, pct)
            return 1 if result["errors"] else 0
        t0 = time.monotonic()
        results, memory = run_sessions(db, plan, args.duration, args.think)
        wall = time.monotonic() - t0
        report(results, memory, check_invariants(db), args, wall)
    finally:
        if stop_pg is not None:
            with_suppressed(stop_pg)
    return 0


def with_suppressed(gen) -> None:
    try:
        next(gen)
    except StopIteration:
        pass


def report(results, memory, invariants, args, wall) -> None:
    print(f"\n{args.sessions} sessions x {args.duration:.0f} s on PostgreSQL, think {args.think} s "
          f"(wall {wall:.0f} s)")
    print(f"{'action':<16}{'count':>8}{'errors':>8}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}{'max ms':>10}")
    errors: dict[str, int] = {}
    for res in results:
        for k, v in res["errors"].items():
            errors[k] = errors.get(k, 0) + v
    for a in ACTIONS:
        vals = [x for res in results for x in res["times"].get(a, [])]
        errs = sum(v for k, v in errors.items() if k.startswith(a + ":"))
        print(f"{a:<16}{len(vals):>8}{errs:>8}{pct(vals, 50):>10.1f}{pct(vals, 95):>10.1f}"
              f"{pct(vals, 99):>10.1f}{max(vals, default=float('nan')):>10.1f}")
    print(f"rounds per session: {statistics.mean(r['rounds'] for r in results):.1f} (mean)")
    rss = [m[0] / 1024 for m in memory]
    peak = [m[1] / 1024 for m in memory]
    print(f"kernels: {len(memory)}; resident MiB per kernel mean {statistics.mean(rss):.0f}, "
          f"max {max(rss):.0f}; peak {max(peak):.0f}; all kernels {sum(rss):.0f} MiB")
    print("invariants: " + ", ".join(f"{k} {v}" for k, v in invariants.items()))
    print(f"errors: {sum(errors.values())}")
    for k, v in sorted(errors.items()):
        print(f"  {v} x {k}")


if __name__ == "__main__":
    sys.exit(main())
