"""The scenario library: every ``training/scenarios/*.yaml`` file that ships with the workbench."""

from __future__ import annotations

from pathlib import Path


from training.model import Scenario
from training.scenario import load_scenario

SCENARIO_DIR = Path(__file__).parent / "scenarios"


def scenario_paths(folder: str | Path | None = None) -> list[Path]:
    """The scenario files in a folder (the library by default), sorted by name."""
    return sorted(Path(folder or SCENARIO_DIR).glob("*.yaml"))


def load_library(folder: str | Path | None = None) -> dict[str, Scenario]:
    """All scenarios of a folder by id; raises ScenarioInvalid on the first bad file."""
    return {s.id: s for s in (load_scenario(p) for p in scenario_paths(folder))}
