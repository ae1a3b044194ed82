"""Store benchmark: timer start/stop latency (p50, p99) on SQLite and PostgreSQL, and a bulk
insert of time entries. Targets: p99 start or stop <= 20 ms on SQLite; 1,000,000
entries loaded <= 60 s. Figures go in docs/performance.md.

    python benchmarks/bench_store.py                 # SQLite, plus PostgreSQL when installed
    python benchmarks/bench_store.py --entries 100000 --timers 200 --no-postgres
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tqdm import tqdm  # noqa: E402

from workbench import records as r  # noqa: E402
from workbench.service import Workbench  # noqa: E402
from workbench.store import schema as s  # noqa: E402
from workbench.store.bulk import insert_many  # noqa: E402


def setup(db: str, patients: int = 50) -> Workbench:
    wb = Workbench.create(db)
    wb.add_user(r.User("S001", "Rita Nurse", r.Role.CARE_MANAGER, r.Credential.RN, "NY"))
    for i in range(patients):
        wb.add_patient(r.Patient(f"P{i:05d}", "Pat", f"Number{i}", date(1950, 1, 1), "F", "NY"))
    return wb.as_user("S001")


def timer_latency(wb: Workbench, n: int) -> dict:
    starts, stops = [], []
    for i in range(n):
        t0 = time.perf_counter()
        wb.start_timer(f"P{i % 50:05d}", r.Activity.PATIENT_CALL, note="benchmark call")
        t1 = time.perf_counter()
        wb.stop_timer()
        t2 = time.perf_counter()
        starts.append((t1 - t0) * 1000)
        stops.append((t2 - t1) * 1000)

    def pct(xs, p):
        return statistics.quantiles(xs, n=100)[p - 1]

    return {"start_p50": statistics.median(starts), "start_p99": pct(starts, 99),
            "stop_p50": statistics.median(stops), "stop_p99": pct(stops, 99)}


def bulk_insert(wb: Workbench, n: int, batch: int = 50_000) -> float:
    base = datetime(2026, 10, 1, 13, 0, tzinfo=UTC)
    audit = wb.stamp()
    t0 = time.perf_counter()
    with tqdm(total=n, desc="time entries", unit="row", disable=not sys.stderr.isatty()) as bar:
        for lo in range(0, n, batch):
            rows = []
            for i in range(lo, min(n, lo + batch)):
                start = base + timedelta(minutes=i % 40000)
                rows.append(dict(patient_id=f"P{i % 50:05d}", staff_id="S001", staff_role="care_manager",
                                 staff_credential="RN", service="CCM", activity="patient_call",
                                 note="bulk", started_at=start, ended_at=start + timedelta(minutes=5),
                                 seconds=300, service_date=start.date(), manual=False, mode="timer",
                                 timer_id=None, external_id=None, status="active", reason="",
                                 supersedes_id=None, **audit))
            with wb.write() as conn:
                insert_many(conn, s.time_entries, rows)
            bar.update(len(rows))
    return time.perf_counter() - t0


def postgres_url() -> tuple[str, callable] | None:
    """Start a throwaway PostgreSQL like the tests do; None when it is not installed."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    try:
        import conftest  # the tests' server recipe
    except ImportError:
        return None
    if conftest._pg_bin() is None:
        return None
    gen = conftest.pg_server.__wrapped__()
    base = next(gen)
    return conftest.new_pg_database(base), gen


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--timers", type=int, default=500, help="start/stop pairs to time (default 500)")
    ap.add_argument("--entries", type=int, default=1_000_000, help="time entries to bulk insert")
    ap.add_argument("--no-postgres", action="store_true", help="SQLite only")
    args = ap.parse_args(argv)
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    with tempfile.TemporaryDirectory() as tmp:
        wb = setup(os.path.join(tmp, "bench.db"))
        lat = timer_latency(wb, args.timers)
        print("sqlite timer ms: " + ", ".join(f"{k} {v:.2f}" for k, v in lat.items()))
        secs = bulk_insert(wb, args.entries)
        print(f"sqlite bulk insert: {args.entries:,} entries in {secs:.1f} s "
              f"({args.entries / secs:,.0f}/s)")
    if not args.no_postgres:
        pg = postgres_url()
        if pg is None:
            print("postgresql: not installed, skipped")
        else:
            url, gen = pg
            try:
                wb = setup(url)
                lat = timer_latency(wb, args.timers)
                print("postgresql timer ms: " + ", ".join(f"{k} {v:.2f}" for k, v in lat.items()))
                n = min(args.entries, 200_000)
                secs = bulk_insert(wb, n)
                print(f"postgresql bulk insert: {n:,} entries in {secs:.1f} s ({n / secs:,.0f}/s)")
                wb.engine.dispose()
            finally:
                next(gen, None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
