"""Every notebook in notebooks/ runs (nbval, lax) against a temporary seeded database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_notebooks_run_with_nbval(tmp_path):
    from workbench.service import Workbench

    sys.path.insert(0, str(ROOT / "tests"))
    from conftest import STAFF, sample_patient

    db = f"sqlite:///{tmp_path / 'nb.db'}"
    wb = Workbench.create(db)
    for u in STAFF:
        wb.add_user(u)
    wb.add_patient(sample_patient())
    env = {**os.environ, "WORKBENCH_DB": db, "QUERY_STRING": "patient=P00001&user=S001"}
    env.pop("JUPYTERHUB_USER", None)
    proc = subprocess.run([sys.executable, "-m", "pytest", "--nbval-lax", "-q", "-p", "no:cacheprovider",
                           "--rootdir", str(ROOT / "notebooks"), str(ROOT / "notebooks")],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    # nbval collects one item per code cell: every cell of every notebook ran
    cells = sum(1 for nb in (ROOT / "notebooks").glob("*.ipynb")
                for c in __import__("json").loads(nb.read_text())["cells"] if c["cell_type"] == "code")
    assert f"{cells} passed" in proc.stdout
