"""Month-report benchmark: the month report against a bare SQL GROUP BY.

Builds a SQLite database with N patients and M time entries in one month (executemany straight
into the tables, with staff, conditions and consent rows), then times, in one run, the month
report (``workbench.reports.month_report``) and a bare ``SELECT patient_id, SUM(seconds) ...
GROUP BY patient_id`` over the same rows, and prints both and their ratio.

Target: report <= 2 s and <= 2x the bare GROUP BY, for 5,000 patients and 1,000,000 entries.

    python benchmarks/bench_month.py --patients 5000 --entries 1000000
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

MONTH = "2026-10"
FIRST = date(2026, 10, 1)
STAMP = "2026-11-01 12:00:00.000000"
DISCLOSURES = json.dumps({"service_explained": True, "cost_sharing": True, "one_practitioner": True,
                          "stop_any_time": True})

STAFF = ([(f"S{i:03d}", "RN", "care_manager", "NY") for i in range(1, 9)]
         + [(f"S{i:03d}", "LPN", "care_manager", "NY") for i in range(9, 13)]
         + [("S013", "CMA", "care_coordinator", "NJ"), ("S014", "CMA", "care_coordinator", "NJ"),
            ("S015", "CMA", "care_coordinator", "NY"), ("S016", "RMA", "care_coordinator", "NY")]
         + [("S017", "MD", "practitioner", "NY"), ("S018", "MD", "practitioner", "NY"),
            ("S019", "NP", "practitioner", "NY"), ("S020", "PA", "practitioner", "NY")])


def _ts(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def build(path: Path, patients: int, entries: int, seed: int = 7) -> dict:
    """Create the database at ``path``; return counts of what was written."""
    from workbench.clock import FixedClock
    from workbench.service import Workbench

    rng = random.Random(seed)
    wb = Workbench.create(f"sqlite:///{path}", clock=FixedClock(datetime(2026, 11, 1, 12, tzinfo=UTC)))
    raw = wb.engine.raw_connection()
    cur = raw.cursor()
    cur.execute("BEGIN")
    cur.executemany("INSERT INTO users (id, name, role, credential, state, active) VALUES (?,?,?,?,?,1)",
                    [(sid, f"Staff {sid}", role, cred, state) for sid, cred, role, state in STAFF])
    audit = (STAMP, "system", "supervisor", "")
    pids = [f"P{i:05d}" for i in range(1, patients + 1)]
    cur.executemany(
        "INSERT INTO patients (id, first_name, last_name, birth_date, sex, state, language, phone, email, "
        "address, contact_preferences, caregiver, emergency_contacts, billing_practitioner_id, "
        "care_team_member_id, persona, scope, recorded_at, recorded_by, recorded_role, recorded_credential) "
        "VALUES (?,?,?,?,?,'NY','English','','','','{}',NULL,'[]','S017',?,'{}','live',?,?,?,?)",
        [(pid, "Pat", f"Bench{i}", f"{rng.randint(1940, 1965)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
          rng.choice("FM"), STAFF[i % 12][0], *audit) for i, pid in enumerate(pids)])
    conditions, consents = [], []
    kinds = {}
    for pid in pids:
        roll = rng.random()
        codes = ["I10", "E11.9"] if roll < 0.85 else (["I50.9"] if roll < 0.90 else ["I10"])
        conditions += [(pid, code) for code in codes]
        roll = rng.random()
        if roll < 0.80:
            kinds[pid] = "consent"
            consents.append((pid, f"2026-0{rng.randint(1, 9)}-0{rng.randint(1, 9)}"))
        elif roll < 0.85:
            kinds[pid] = "mid-month consent"
            consents.append((pid, "2026-10-15"))
        else:
            kinds[pid] = "no consent"
    corr = ("active", "", None)
    cur.executemany("INSERT INTO conditions (patient_id, icd10, display, onset, chronic, chronic_reason, "
                    "recorded_at, recorded_by, recorded_role, recorded_credential, status, reason, "
                    "supersedes_id) VALUES (?,?,'',NULL,NULL,'',?,?,?,?,?,?,?)",
                    [(pid, code, *audit, *corr) for pid, code in conditions])
    cur.executemany("INSERT INTO consents (patient_id, method, consent_date, obtained_by, disclosures, "
                    "billing_practitioner_id, recorded_at, recorded_by, recorded_role, recorded_credential, "
                    "status, reason, supersedes_id) VALUES (?,'verbal',?,'S001',?,'S017',?,?,?,?,?,?,?)",
                    [(pid, day, DISCLOSURES, *audit, *corr) for pid, day in consents])
    overlapping = set(rng.sample(pids, max(1, patients // 100)))
    per_patient = entries // patients
    extra = entries - per_patient * patients

    def rows():
        cred = {sid: c for sid, c, _role, _state in STAFF}
        role = {sid: ro for sid, _c, ro, _state in STAFF}
        for i, pid in enumerate(pids):
            team = (STAFF[i % 12][0], STAFF[12 + i % 8][0])
            n = per_patient + (1 if i < extra else 0)
            moment = datetime(2026, 10, 1, 13, 0, tzinfo=UTC)
            step = timedelta(seconds=(31 * 24 * 3600 - 14 * 3600) // max(n, 1))
            previous = moment
            for k in range(n):
                seconds = rng.randint(30, min(300, int(step.total_seconds()) - 1))
                start = moment
                if pid in overlapping and k == 1:  # starts while entry 0 is still running
                    start = previous + timedelta(seconds=10)
                previous = start
                sid = team[k % 7 == 6]
                yield (pid, sid, role[sid], cred[sid], "CCM", "patient_call", "bench call",
                       _ts(start), _ts(start + timedelta(seconds=seconds)), seconds,
                       start.date().isoformat(), 0, "timer", None, None, *audit, *corr)
                moment += step

    cur.executemany(
        "INSERT INTO time_entries (patient_id, staff_id, staff_role, staff_credential, service, activity, note, "
        "started_at, ended_at, seconds, service_date, manual, mode, timer_id, external_id, recorded_at, "
        "recorded_by, recorded_role, recorded_credential, status, reason, supersedes_id) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows())
    raw.commit()
    cur.execute("ANALYZE")
    raw.close()
    counts = {k: list(kinds.values()).count(k) for k in set(kinds.values())}
    return {"patients": patients, "entries": entries, "overlapping_patients": len(overlapping), **counts}


def bare_group_by(wb) -> float:
    from sqlalchemy import text

    t0 = time.perf_counter()
    with wb.read() as conn:
        rows = conn.execute(text("SELECT patient_id, SUM(seconds) FROM time_entries "
                                 "WHERE service_date BETWEEN :a AND :b GROUP BY patient_id"),
                            {"a": "2026-10-01", "b": "2026-10-31"}).all()
    elapsed = time.perf_counter() - t0
    assert rows, "the bare GROUP BY found no rows"
    return elapsed


def report(wb) -> tuple[float, object]:
    from workbench.reports import month_report

    t0 = time.perf_counter()
    df = month_report(wb, MONTH)
    return time.perf_counter() - t0, df


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--patients", type=int, default=5000, help="patients (default 5000)")
    ap.add_argument("--entries", type=int, default=1_000_000, help="time entries in the month (default 1000000)")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs of each query; the median is shown")
    ap.add_argument("--db", default=None, help="SQLite file to build (default: a temporary file)")
    ap.add_argument("--reuse", action="store_true",
                    help="time an existing --db built earlier by this script instead of building one")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    if args.patients <= 0 or args.entries < args.patients:
        ap.error("give at least one entry per patient")

    from workbench.clock import FixedClock
    from workbench.service import Workbench

    path = Path(args.db) if args.db else Path(tempfile.mkdtemp(prefix="wb-bench-")) / "bench.db"
    if args.reuse:
        if not args.db or not path.exists():
            ap.error("--reuse needs --db naming a database this script built")
        print(f"reusing {path}")
    elif path.exists():
        ap.error(f"{path} exists: give a new file, or --reuse it")
    else:
        t0 = time.perf_counter()
        info = build(path, args.patients, args.entries, args.seed)
        print(f"built {path} in {time.perf_counter() - t0:.1f} s: {info}")

    wb = Workbench.open(f"sqlite:///{path}", clock=FixedClock(datetime(2026, 11, 1, 12, tzinfo=UTC)))
    report(wb)  # warm the page cache once, for both
    bare = [bare_group_by(wb) for _ in range(args.repeat)]
    runs = [report(wb) for _ in range(args.repeat)]
    rep = [x[0] for x in runs]
    df = runs[-1][1]
    b, m = statistics.median(bare), statistics.median(rep)
    print(f"bare GROUP BY:  {b:.3f} s (runs: {', '.join(f'{x:.3f}' for x in bare)})")
    print(f"month report:   {m:.3f} s (runs: {', '.join(f'{x:.3f}' for x in rep)}); {len(df)} rows, "
          f"{df.attrs['exact_patients']} patients on the exact path, "
          f"{int(df['codes'].map(len).gt(0).sum())} billed, ${df['amount_usd'].sum():,.2f}")
    print(f"ratio report / GROUP BY: {m / b:.2f}x   (target: report <= 2 s and <= 2x)")
    ok = m <= 2.0 and m <= 2 * b
    print("target met" if ok else "target NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
