"""Benchmark the simulated-panel generator.

Prints patients per second generated in memory (one process, one core) and, when the
service offers ``Workbench.load_panel``, the time to load the panel into a fresh SQLite
database. Targets: >= 2,000 patients/s in memory; 10,000 patients loaded <= 15 s.

    python benchmarks/bench_panel.py --size 10000 --seed 7
    python benchmarks/bench_panel.py --size 10000 --skip-load
"""

from __future__ import annotations

import argparse
import gc
import tempfile
import time
from pathlib import Path

from simulated_patients import generate_panel
from simulated_patients.calibration import subset_model
from simulated_patients.clinical import tables


def time_generation(size: int, seed: int, repeats: int):
    """Best of ``repeats`` runs (catalog parsing and model fitting are done once before)."""
    tables()
    subset_model()
    generate_panel(10, seed)  # warm Faker's word lists
    best, panel = float("inf"), None
    for _ in range(repeats):
        gc.collect()
        t0 = time.perf_counter()
        panel = generate_panel(size, seed)
        best = min(best, time.perf_counter() - t0)
    return panel, best


# --------------------------------------------------------------------------- SQLite load timing
def time_sqlite_load(panel, folder: Path) -> float | None:
    """Seconds to load ``panel`` into a fresh SQLite file through ``Workbench.load_panel``.

    Returns None when the service (or its ``load_panel``) is not available.
    """
    try:
        from workbench.service import Workbench
    except ImportError:
        return None
    if not hasattr(Workbench, "load_panel"):
        return None
    wb = Workbench.create(folder / "bench.db")
    t0 = time.perf_counter()
    wb.load_panel(panel)
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000, help="patients to generate (default 10000)")
    parser.add_argument("--seed", type=int, default=7, help="panel seed (default 7)")
    parser.add_argument("--repeats", type=int, default=3, help="generation runs; the best is reported (default 3)")
    parser.add_argument("--skip-load", action="store_true", help="do not time the SQLite load")
    args = parser.parse_args(argv)

    panel, seconds = time_generation(args.size, args.seed, args.repeats)
    n_obs = sum(len(b.observations) for b in panel.patients)
    n_rows = sum(len(b.conditions) + len(b.medications) + len(b.observations) + len(b.screenings)
                 + len(b.immunizations) + len(b.allergies) + len(b.barriers) for b in panel.patients)
    print(f"generated {args.size:,} patients (seed {args.seed}) in {seconds:.2f} s: "
          f"{args.size / seconds:,.0f} patients/s in memory (target >= 2,000)")
    print(f"  {n_obs:,} observations, {n_rows:,} clinical rows ({n_rows / args.size:.0f} per patient)")
    if not args.skip_load:
        with tempfile.TemporaryDirectory() as tmp:
            load = time_sqlite_load(panel, Path(tmp))
        if load is None:
            print("SQLite load: Workbench.load_panel is not available; skipped")
        else:
            print(f"SQLite load of {args.size:,} patients: {load:.1f} s (target <= 15 s for 10,000)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
