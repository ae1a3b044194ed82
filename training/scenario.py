"""A scenario as Python objects, read from a validated YAML file.

The objects keep the server-side parts (rubric, model and failing paths) next to the playable
parts; ``training.views.TraineeView`` is what may be shown to a trainee.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from workbench.errors import InvalidInput

from training.format import load_yaml, validate_data, validate_file


class ScenarioInvalid(InvalidInput):
    """A scenario file with problems; ``problems`` lists ``file:line: field: message``."""

    def __init__(self, path: str, problems: list[str]):
        self.path = path
        self.problems = problems
        listing = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"The scenario file {path} has {len(problems)} problem(s):\n{listing}")


@dataclass(frozen=True)
class Objective:
    id: str
    text: str


@dataclass(frozen=True)
class Action:
    id: str
    kind: str  #: ask | explain | review_meds | arrange | refer | escalate | document
    label: str
    minutes: float  #: simulated duration
    reply: tuple[str, ...] = ()  #: alternative patient replies (one is picked by the seed)
    next: str | None = None  #: conversation node to move to; None = stay
    effects: tuple[dict, ...] = ()  #: records written through the service
    once: bool = True  #: offered only until chosen
    ends: bool = False  #: choosing it ends the attempt


@dataclass(frozen=True)
class Node:
    id: str
    patient: tuple[str, ...]  #: alternative patient lines on arrival
    actions: tuple[str, ...]


@dataclass(frozen=True)
class Event:
    id: str
    line: str
    after_minutes: float | None = None
    at_end: bool = False
    if_chosen: tuple[str, ...] = ()
    unless_chosen: tuple[str, ...] = ()
    effects: tuple[dict, ...] = ()
    goto: str | None = None
    ends: bool = False


@dataclass(frozen=True)
class Criterion:
    id: str
    objective: str
    kind: str  #: required | critical | forbidden | order | timing | documentation
    points: float
    check: dict
    feedback_met: str
    feedback_not_met: str
    title: str = ""
    fails_attempt: bool = False  #: forbidden criteria only: doing it fails the attempt

    @property
    def is_critical(self) -> bool:
        return self.kind == "critical" or (self.kind == "forbidden" and self.fails_attempt)


@dataclass(frozen=True)
class PathStep:
    action: str
    note: str | None = None


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    category: str
    objectives: tuple[Objective, ...]
    patient: dict
    situation: str
    clock_start: datetime
    call: bool  #: a live call: a timer runs from the start of the attempt
    start_node: str
    nodes: dict[str, Node]
    actions: dict[str, Action]
    events: tuple[Event, ...]
    reflection: tuple[str, ...]
    criteria: tuple[Criterion, ...]
    pass_percent: float
    model_path: tuple[PathStep, ...]
    failing_path: tuple[PathStep, ...]
    failing_triggers: str | None
    summary: str = ""
    source: str = ""
    raw: dict = field(default_factory=dict, repr=False, compare=False)

    def objective_text(self, objective_id: str) -> str:
        return next((o.text for o in self.objectives if o.id == objective_id), objective_id)


def _lines(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(str(v) for v in value)


def _steps(items: list) -> tuple[PathStep, ...]:
    return tuple(PathStep(s["action"], s.get("note")) if isinstance(s, dict) else PathStep(s)
                 for s in items)


def scenario_from_data(data: dict, source: str = "") -> Scenario:
    """Build a Scenario from data that passed ``validate_data`` (raises ScenarioInvalid if not)."""
    problems = validate_data(data, source or "<scenario>")
    if problems:
        raise ScenarioInvalid(source or "<scenario>", problems)
    start = data["clock"]["start"]
    start = start if isinstance(start, datetime) else datetime.fromisoformat(start)
    actions = {a["id"]: Action(id=a["id"], kind=a["kind"], label=a["label"],
                               minutes=float(a["minutes"]), reply=_lines(a.get("reply")),
                               next=a.get("next"), effects=tuple(a.get("effects", ())),
                               once=a.get("once", True), ends=a.get("ends", False))
               for a in data["actions"]}
    nodes = {n["id"]: Node(n["id"], _lines(n.get("patient")), tuple(n["actions"]))
             for n in data["conversation"]["nodes"]}
    events = tuple(Event(id=e["id"], line=e["line"], after_minutes=e.get("after_minutes"),
                         at_end=bool(e.get("at_end")), if_chosen=tuple(e.get("if", ())),
                         unless_chosen=tuple(e.get("unless", ())),
                         effects=tuple(e.get("effects", ())), goto=e.get("goto"),
                         ends=e.get("ends", False))
                   for e in data.get("events", ()))
    criteria = tuple(Criterion(id=c["id"], objective=c["objective"], kind=c["kind"],
                               points=float(c["points"]), check=c["check"],
                               feedback_met=c["feedback"]["met"],
                               feedback_not_met=c["feedback"]["not_met"],
                               title=c.get("title", ""), fails_attempt=c.get("fails_attempt", False))
                     for c in data["rubric"]["criteria"])
    return Scenario(
        id=data["id"], title=data["title"], category=data["category"],
        objectives=tuple(Objective(o["id"], o["text"]) for o in data["objectives"]),
        patient=data["patient"], situation=data["situation"], clock_start=start,
        call=data["clock"].get("call", True), start_node=data["conversation"]["start"],
        nodes=nodes, actions=actions, events=events,
        reflection=tuple(data.get("reflection", ())), criteria=criteria,
        pass_percent=float(data["rubric"].get("pass_percent", 70)),
        model_path=_steps(data["model_path"]), failing_path=_steps(data["failing_path"]),
        failing_triggers=data.get("failing_triggers"), summary=data.get("summary", ""),
        source=source, raw=data)


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate one scenario file; raise ScenarioInvalid naming file, line and field."""
    problems = validate_file(path)
    if problems:
        raise ScenarioInvalid(str(path), problems)
    data, _ = load_yaml(path)
    return scenario_from_data(data, str(path))
