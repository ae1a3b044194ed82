"""CLI start-up benchmark: wall time of real ``workbench`` processes, as a user runs them.

Targets: ``workbench --help`` and ``workbench report month --help`` <= 0.5 s;
``workbench import staff`` of a 5-row file <= 2 s (into an existing database). Each command is
run ``--repeat`` times in a fresh interpreter (``python -m workbench.cli``, the same code as
the ``workbench`` script); the median and the worst are printed. Figures go in
docs/performance.md.

    python benchmarks/bench_cli.py
    python benchmarks/bench_cli.py --repeat 10
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STAFF = """staff_id,name,role,credential,state
S101,Ann Able,care_manager,RN,NY
S102,Bob Baker,care_manager,LPN,NY
S103,Cy Cole,care_coordinator,CMA,NY
S104,Di Dunn,supervisor,RN,NY
S105,Ed Ellis,practitioner,MD,NY
"""
TARGETS = {"workbench --help": 0.5, "workbench report month --help": 0.5,
           "workbench import staff (5 rows)": 2.0}


def timed(argv: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "workbench.cli", *argv], capture_output=True,
                         text=True, env=env, cwd=ROOT)
    elapsed = time.perf_counter() - t0
    if out.returncode != 0:
        raise SystemExit(f"workbench {' '.join(argv)} failed: {out.stderr}")
    return elapsed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryDirectory() as tmp:
        db, staff = Path(tmp) / "bench.db", Path(tmp) / "staff.csv"
        staff.write_text(STAFF)
        timed(["init", "--db", str(db)], env)
        runs = {
            "workbench --help": lambda i: ["--help"],
            "workbench report month --help": lambda i: ["report", "month", "--help"],
            # a fresh database each time, so every run really adds the five rows
            "workbench import staff (5 rows)": lambda i: ["import", "staff", str(staff), "--db",
                                                         str(Path(tmp) / f"import{i}.db")],
        }
        for i in range(args.repeat):
            timed(["init", "--db", str(Path(tmp) / f"import{i}.db")], env)
        timed(["--help"], env)  # warm the file cache once
        print(f"python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores, "
              f"{args.repeat} runs each")
        ok = True
        for name, make in runs.items():
            times = [timed(make(i), env) for i in range(args.repeat)]
            med = statistics.median(times)
            met = med <= TARGETS[name]
            ok &= met
            print(f"{name:<34} median {med:6.3f} s  worst {max(times):6.3f} s  target "
                  f"<= {TARGETS[name]} s  {'met' if met else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
