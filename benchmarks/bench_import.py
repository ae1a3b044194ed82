"""Import benchmark: ``workbench import time`` of a 100,000-row file, end to end (read and check
every row with the strict CSV reader and the service's own checks, then write in one transaction
on the store's bulk path). Target: >= 10,000 time rows/s on SQLite. Figures go in
docs/performance.md.

    python benchmarks/bench_import.py                        # SQLite, then PostgreSQL when installed
    python benchmarks/bench_import.py --rows 20000 --no-postgres
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from workbench import records as r  # noqa: E402
from workbench.clock import FixedClock  # noqa: E402
from workbench.intake.time_entries import import_time  # noqa: E402
from workbench.service import Workbench  # noqa: E402

NOW = datetime(2026, 11, 10, 15, 0, tzinfo=UTC)
STAFF = [r.User("S001", "Rita Nurse", r.Role.CARE_MANAGER, r.Credential.RN, "NY"),
         r.User("S002", "Lee Practical", r.Role.CARE_MANAGER, r.Credential.LPN, "NY"),
         r.User("S003", "Casey Assistant", r.Role.CARE_COORDINATOR, r.Credential.CMA, "NY"),
         r.User("S004", "Sam Supervisor", r.Role.SUPERVISOR, r.Credential.RN, "NY")]
NOTES = ["Monthly check-in; reviewed BP log", '"Called pharmacy, refill sent"', "Arranged transport",
         '"Reviewed labs: A1c 7.9, LDL 101"', "Care plan goals updated", '"Said ""fine"", will call back"']
ACTIVITIES = ["patient_call", "care_plan", "medication_reconciliation", "record_review", "community_resources"]


def _open(db: str) -> Workbench:
    try:
        from workbench.store import create_database
    except ImportError:
        pass
    else:
        create_database(db)
    return Workbench.open(db, clock=FixedClock(NOW))


def setup(db: str, patients: int) -> Workbench:
    wb = _open(db)
    for u in STAFF:
        wb.add_user(u)
    wb.load_panel(r.Panel(staff=[], patients=[r.PatientBundle(r.Patient(
        f"P{i:05d}", "Pat", f"Number{i}", date(1950, 1, 1) + timedelta(days=i), "F", "NY"))
        for i in range(patients)]))
    return wb.as_user("S004")


def write_file(path: Path, rows: int, patients: int, seed: int = 7) -> None:
    rnd = random.Random(seed)
    base = datetime(2026, 9, 1, 13, 0, tzinfo=UTC)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("entry_id,patient_id,staff_id,started_at,ended_at,minutes,activity,note,voids_entry_id\n")
        for i in range(rows):
            start = (base + timedelta(minutes=rnd.randrange(0, 60 * 24 * 65))).astimezone()
            stamp = start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            if i % 2:
                end = (start + timedelta(minutes=rnd.randint(2, 40))).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
                span = f"{end},"
            else:
                span = f",{rnd.randint(1, 40)}.{rnd.randint(0, 9)}"
            out.write(f"B{i:07d},P{rnd.randrange(patients):05d},{STAFF[i % 3].id},{stamp},{span},"
                      f"{ACTIVITIES[i % len(ACTIVITIES)]},{NOTES[i % len(NOTES)]},\n")


def run(db: str, rows: int, patients: int, tmp: str, label: str) -> None:
    wb = setup(db, patients)
    path = Path(tmp) / f"time-{label}.csv"
    write_file(path, rows, patients)
    size = path.stat().st_size / 1e6
    t0 = time.perf_counter()
    summary = import_time(wb, path)
    secs = time.perf_counter() - t0
    assert summary.added == rows, summary
    assert wb.count("time_entries") == rows
    print(f"{label}: {rows:,} time rows ({size:.1f} MB) imported in {secs:.1f} s ({rows / secs:,.0f} rows/s)")
    t0 = time.perf_counter()
    again = import_time(wb, path)
    secs = time.perf_counter() - t0
    print(f"{label}: the same file again (all {again.already_present:,} already present) in {secs:.1f} s")
    wb.engine.dispose()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=100_000, help="time rows in the file (default 100,000)")
    ap.add_argument("--patients", type=int, default=2_000, help="patients the rows are spread over")
    ap.add_argument("--no-postgres", action="store_true", help="SQLite only")
    args = ap.parse_args(argv)
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    with tempfile.TemporaryDirectory() as tmp:
        run(f"sqlite:///{os.path.join(tmp, 'bench.db')}", args.rows, args.patients, tmp, "sqlite")
        if not args.no_postgres:
            sys.path.insert(0, str(Path(__file__).resolve().parent))
            from bench_store import postgres_url

            pg = postgres_url()
            if pg is None:
                print("postgresql: not installed, skipped")
            else:
                url, gen = pg
                try:
                    run(url, args.rows, args.patients, tmp, "postgresql")
                finally:
                    next(gen, None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
