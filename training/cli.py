"""Plain functions behind ``workbench scenario list|validate|schema`` and
``workbench gradebook export``. Each returns data or a list of problems, and prints nothing."""

from __future__ import annotations

import json
from pathlib import Path

from training.attempts import AttemptRepository, default_repository
from training.gradebook import gradebook, write_csv
from training.library import SCENARIO_DIR, load_library, scenario_paths
from training.model import scenario_json_schema
from training.validation import validate_file


def list_scenarios(folder: str | Path | None = None) -> list[dict]:
    """id, title, category and objectives of every scenario in the library (or a folder)."""
    return [{"id": s.id, "title": s.title, "category": s.category,
             "objectives": [o.text for o in s.objectives]}
            for s in load_library(folder).values()]


def validate(path: str | Path | None = None, play: bool = True) -> list[str]:
    """Problems in one scenario file or every ``*.yaml`` in a folder (the library by default),
    each as ``file:line: field: message``; the model and failing paths are played unless
    ``play`` is false. A folder named ``shifts`` holds practice shifts. Empty means valid."""
    path = Path(path or SCENARIO_DIR)
    if path.is_dir():
        files = scenario_paths(path)
        if not files:
            return [f"{path}:0: (folder): no scenario files (*.yaml) here"]
        if path.name == "shifts":
            from training.validation import validate_shift

            library = load_library()
            return [p for f in files for p in validate_shift(f, library)]
        return [p for f in files for p in validate_file(f, play_paths=play)]
    if path.parent.name == "shifts":
        from training.validation import validate_shift

        return validate_shift(path, load_library())
    return validate_file(path, play_paths=play)


def write_schema(out: str | Path) -> Path:
    """Write the scenario JSON Schema (for editors) to a file."""
    out = Path(out)
    out.write_text(json.dumps(scenario_json_schema(), indent=1), encoding="utf-8")
    return out


def export_gradebook(wb, out: str | Path, repo: AttemptRepository | None = None,
                     folder: str | Path | None = None) -> Path:
    """Write the cohort gradebook (one row per attempt) to a CSV file; return its path."""
    repo = repo if repo is not None else default_repository(wb)
    graded = gradebook(wb, repo, load_library(folder))
    return write_csv([row for row, _ in graded], out)
