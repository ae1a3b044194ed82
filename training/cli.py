"""Plain functions behind ``workbench scenario list|validate`` and ``workbench gradebook export``.

The lead wires them into the ``workbench`` argparse command; each returns data or a list of
problems, and prints nothing.
"""

from __future__ import annotations

from pathlib import Path

from training.attempts import AttemptRepository, default_repository
from training.format import validate_file
from training.gradebook import gradebook, write_csv
from training.library import SCENARIO_DIR, load_library, scenario_paths


def list_scenarios(folder: str | Path | None = None) -> list[dict]:
    """id, title, category and objectives of every scenario in the library (or a folder)."""
    return [{"id": s.id, "title": s.title, "category": s.category,
             "objectives": [o.text for o in s.objectives]}
            for s in load_library(folder).values()]


def validate(path: str | Path | None = None) -> list[str]:
    """Problems in one scenario file or every ``*.yaml`` in a folder (the library by default),
    each as ``file:line: field: message``. An empty list means all is well."""
    path = Path(path or SCENARIO_DIR)
    if path.is_dir():
        files = scenario_paths(path)
        if not files:
            return [f"{path}:0: (folder): no scenario files (*.yaml) here"]
        return [p for f in files for p in validate_file(f)]
    return validate_file(path)


def export_gradebook(wb, out: str | Path, repo: AttemptRepository | None = None,
                     folder: str | Path | None = None) -> Path:
    """Write the cohort gradebook (one row per attempt) to a CSV file; return its path."""
    repo = repo if repo is not None else default_repository(wb)
    graded = gradebook(wb, repo, load_library(folder))
    return write_csv([row for row, _ in graded], out)
