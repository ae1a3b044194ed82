"""Loading scenarios: ``load_scenario(path)`` gives a ``training.model.Scenario`` or raises
``ScenarioInvalid`` listing every ``file:line: field: message``."""

from __future__ import annotations

from pathlib import Path

from workbench.errors import InvalidInput

from training.format import parse_file
from training.model import Criterion, Objective, Option, Scenario

__all__ = ["Criterion", "Objective", "Option", "Scenario", "ScenarioInvalid", "load_scenario"]


class ScenarioInvalid(InvalidInput):
    """A scenario file with problems; ``problems`` lists ``file:line: field: message``."""

    def __init__(self, path: str, problems: list[str]):
        self.path = path
        self.problems = problems
        listing = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"The scenario file {path} has {len(problems)} problem(s):\n{listing}")


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate one scenario file; raise ScenarioInvalid naming file, line and field."""
    scenario, problems = parse_file(path)
    if problems:
        raise ScenarioInvalid(str(path), problems)
    return scenario
