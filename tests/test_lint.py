"""The linters as tests, so `make test` runs them: ruff's checks (pyproject.toml, [tool.ruff.lint])
over the repository and mypy (pyproject.toml, [tool.mypy]) over the record, the rules and the store."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def run(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / argv[0]), *argv[1:]], cwd=ROOT, capture_output=True, text=True,
                          timeout=600, env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_ruff_finds_nothing():
    out = run("ruff", "check", "--no-cache", "--output-format", "concise", ".")
    assert out.returncode == 0, out.stdout + out.stderr


def test_ruff_sees_a_problem(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import os\n")
    out = run("ruff", "check", "--no-cache", "--config", str(ROOT / "pyproject.toml"), str(bad))
    assert out.returncode == 1 and "F401" in out.stdout


def test_mypy_finds_nothing():
    out = run("mypy", "--no-incremental")
    assert out.returncode == 0, out.stdout + out.stderr
