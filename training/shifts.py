"""Practice shifts: a training-scoped panel of several patients, worked on one clock.

A shift file (``training/shifts/*.yaml``) names the library scenarios whose patients are on
the panel, adds generated routine patients from a simulated-panel preset, and lists world
events (a discharge notice, a pharmacy message) that arrive as the shift clock moves, written
by the system user. The trainee chooses whom to call from the real worklist
(``wb.worklist(scope=attempt.scope)``). A single-scenario attempt is a shift of one.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import Field, ValidationError

from workbench.errors import InvalidInput, NotFound

from training.format import _loc, read_yaml
from training.model import Clock, Event, Slug, Strict, Text

SHIFT_DIR = Path(__file__).parent / "shifts"


class ShiftCase(Strict):
    scenario: Slug


class ShiftEvent(Event):
    """A world event of the shift: ``after_minutes`` counts from the shift's start."""

    case: Slug = Field(description="the scenario whose patient it concerns")


class RoutinePanel(Strict):
    """Generated patients with nothing special today (a plain monthly check-in)."""

    preset: str = "onboarding-12"
    count: int = Field(0, ge=0, le=20)
    first_index: int = Field(0, ge=0)


class Shift(Strict):
    schema_version: int = Field(2, ge=2, le=2)
    id: Slug
    title: Text
    summary: str = ""
    clock: Clock
    panel: RoutinePanel = RoutinePanel()
    cases: list[ShiftCase] = Field(min_length=1)
    events: list[ShiftEvent] = []


def parse_shift(path: str | Path, library: dict) -> tuple[Shift | None, list[str]]:
    """A shift file and its problems (``file:line: field: message``)."""
    path = Path(path)
    try:
        data, problems = read_yaml(path)
    except yaml.YAMLError as exc:
        return None, [f"{path}:1: (file): this is not valid YAML ({exc})"]
    try:
        shift = Shift.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            problems.add(_loc(err["loc"], data), err["msg"].removeprefix("Value error, "))
        return None, problems.items
    names = [c.scenario for c in shift.cases]
    for i, name in enumerate(names):
        if name not in library:
            problems.add(("cases", i, "scenario"), f"'{name}' is not a library scenario")
        elif names.index(name) != i:
            problems.add(("cases", i, "scenario"), f"'{name}' is on the shift twice")
    for i, ev in enumerate(shift.events):
        if ev.case not in names:
            problems.add(("events", i, "case"), f"'{ev.case}' is not one of this shift's cases")
        if ev.goto is not None:
            problems.add(("events", i, "goto"), "a shift event cannot move a conversation")
    if shift.id != path.stem:
        problems.add(("id",), f"the id '{shift.id}' should match the file name '{path.stem}'")
    return (shift if not problems.items else None), problems.items


def load_shifts(library: dict, folder: str | Path | None = None) -> dict[str, Shift]:
    out = {}
    for path in sorted(Path(folder or SHIFT_DIR).glob("*.yaml")):
        shift, problems = parse_shift(path, library)
        if problems:
            raise InvalidInput("\n".join(problems))
        out[shift.id] = shift
    return out


def get_shift(shift_id: str, library: dict | None = None) -> Shift:
    from training.library import load_library

    shifts = load_shifts(library or load_library())
    if shift_id not in shifts:
        raise NotFound(f"There is no practice shift called '{shift_id}'.")
    return shifts[shift_id]


def shift_events_due(attempt, at_end: bool):
    """(event, case) pairs of the shift's world events that are due now."""
    shift = attempt.shift
    rec = attempt.record
    elapsed = (attempt.clock.peek() - rec.sim_start).total_seconds() / 60
    by_scenario = {c.scenario_id: c for c in rec.cases if c.scenario_id}
    due = []
    for ev in shift.events:
        if ev.id in rec.fired or ev.at_end != at_end:
            continue
        if not at_end and elapsed < ev.after_minutes:
            continue
        case = by_scenario[ev.case]
        if ev.if_ or ev.unless:
            from training.checks import find_ref

            ctx = attempt._context(case)
            if not all(find_ref(r, ctx).met for r in ev.if_) or any(
                    find_ref(r, ctx).met for r in ev.unless):
                continue
        due.append((ev, case))
    return due
