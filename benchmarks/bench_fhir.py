"""FHIR import benchmark: a Synthea-format bulk export (one NDJSON file per resource type, made by
simulated_patients.fhir_bulk) imported into a fresh SQLite database with ``import_fhir``, then
imported again (which must write nothing).

Target: 1,000 patients' bulk export imports in <= 60 s. Figures go in docs/performance.md.

    python benchmarks/bench_fhir.py              # 1,000 patients
    python benchmarks/bench_fhir.py --size 200
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=1000, help="patients (default 1000)")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    from simulated_patients.fhir_bulk import write_bulk_export
    from workbench.intake.fhir import import_fhir
    from workbench.service import Workbench

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "export"
        t0 = time.perf_counter()
        counts = write_bulk_export(folder, args.size, args.seed)
        made = time.perf_counter() - t0
        wb = Workbench.create(f"sqlite:///{Path(tmp) / 'bench.db'}")
        t0, c0 = time.perf_counter(), time.process_time()
        summary = import_fhir(wb, folder)
        first, first_cpu = time.perf_counter() - t0, time.process_time() - c0
        t0 = time.perf_counter()
        again = import_fhir(wb, folder)
        second = time.perf_counter() - t0
    print(f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPU(s)")
    print(f"export of {args.size} patients: {sum(counts.values()):,} resources, made in {made:.1f} s")
    print(f"first import:  {first:.1f} s wall, {first_cpu:.1f} s CPU ({summary.written():,} rows written)"
          "  target <= 60 s for 1,000")
    print(f"second import: {second:.1f} s ({again.written()} rows written)")
    return 0 if again.written() == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
