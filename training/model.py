"""The scenario file format (``schema_version: 2``) as pydantic models: one source of truth.

The same models load a file, validate it (``training.format`` turns their errors into
``file:line: field: message``), drive the engine and export the JSON Schema editors use
(``scenario_json_schema()``). A scenario has two kinds of content:

* what is **said**: options (spoken choices) and the patient's lines. Saying something writes
  nothing to the chart;
* what is **done**: chart actions (``ChartAction``) that the trainee performs through the
  workbench service, as at work. The model and failing paths list them (``do:`` steps) so the
  validator can play them; world events may write records as the system, never as the trainee.

Checks and chart actions live in ``training.checks_model`` and ``training.actions_model``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from workbench.records import BarrierDomain, ConsentMethod

from training.actions_model import ChartAction
from training.checks_model import Check, Ref

SCHEMA_VERSION = 2
CATEGORIES = ("check-in", "barrier", "escalation", "care-transition", "screening", "consent",
              "access", "engagement", "safety", "medication", "coordination")
CRITERION_KINDS = ("required", "critical", "forbidden", "order", "timing", "documentation")

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _lines(value):
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


class Objective(Strict):
    id: Slug
    text: Text


class Option(Strict):
    """One thing the trainee may say. It writes nothing: doing happens in the chart."""

    id: Slug
    label: Text
    minutes: float = Field(1, ge=0, description="simulated minutes it takes to say")
    reply: tuple[Text, ...] = Field((), description="alternative patient replies (seeded)")
    next: str | None = Field(None, description="conversation node to move to")
    once: bool = True
    ends: bool = Field(False, description="saying it ends the call")
    phrases: tuple[Text, ...] = Field((), description="typed own words that count as saying it "
                                      "(any of these phrases, matched word for word)")

    _norm = field_validator("reply", "phrases", mode="before")(_lines)


class Node(Strict):
    id: Slug
    patient: tuple[Text, ...] = Field((), description="alternative patient lines on arrival")
    options: tuple[str, ...] = ()

    _norm = field_validator("patient", mode="before")(_lines)


class Conversation(Strict):
    start: str
    nodes: list[Node] = Field(min_length=1)


class Event(Strict):
    """Something the world does: a line, system-authored records, a jump, the call ending."""

    id: Slug
    line: Text
    after_minutes: float | None = Field(None, ge=0, description="minutes after the call began")
    at_end: bool = False
    if_: tuple[Ref, ...] = Field((), alias="if")
    unless: tuple[Ref, ...] = ()
    effects: tuple[ChartAction, ...] = ()
    goto: str | None = None
    ends: bool = Field(False, description="the call ends (the patient hangs up, EMS takes over)")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _when(self):
        if (self.after_minutes is None) == (not self.at_end):
            raise ValueError("give exactly one of 'after_minutes: N' or 'at_end: true'")
        return self


class Feedback(Strict):
    met: Text
    not_met: Text


class Criterion(Strict):
    id: Slug
    objective: str
    kind: Literal[CRITERION_KINDS]  # type: ignore[valid-type]
    points: float = Field(ge=0)
    title: str = ""
    check: Check
    feedback: Feedback
    fails_attempt: bool = Field(False, description="forbidden only: doing it fails the attempt")

    @model_validator(mode="after")
    def _fails(self):
        if self.fails_attempt and self.kind != "forbidden":
            raise ValueError("only a forbidden criterion may say fails_attempt: true")
        return self

    @property
    def is_critical(self) -> bool:
        return self.kind == "critical" or (self.kind == "forbidden" and self.fails_attempt)


class Rubric(Strict):
    pass_percent: float = Field(80, ge=0, le=100)
    criteria: list[Criterion] = Field(min_length=1)


class PathStep(Strict):
    """One step of a scripted path: say an option, type free text, do a chart action,
    let simulated minutes pass, or hang up."""

    say: str | None = None
    text: str | None = None
    do: ChartAction | None = None
    advance: float | None = Field(None, gt=0)
    hang_up: bool | None = None

    @model_validator(mode="before")
    @classmethod
    def _bare(cls, value):
        return {"say": value} if isinstance(value, str) else value

    @model_validator(mode="after")
    def _one(self):
        given = [k for k in ("say", "text", "do", "advance", "hang_up") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("a step is exactly one of say:, text:, do:, advance: or hang_up:")
        return self


class Preset(Strict):
    name: str
    index: int = Field(ge=0)


class InlinePatient(Strict):
    first_name: Text
    last_name: Text
    birth_date: date
    sex: Literal["F", "M", "X"]
    state: str = ""
    language: str = "English"
    phone: str = ""
    address: str = ""


class ConditionSpec(Strict):
    icd10: Text
    display: str = ""
    chronic: bool | None = None


class MedicationSpec(Strict):
    name: Text
    dose: str = ""
    frequency: str = ""
    indication: str = ""


class PersonSpec(Strict):
    name: Text
    relationship: str = ""
    phone: str = ""
    authorized: bool = False


class BarrierSpec(Strict):
    domain: BarrierDomain
    description: Text
    status: str = "open"


class ConsentSpec(Strict):
    method: ConsentMethod
    days_ago: int = Field(ge=0)


class GoalSpec(Strict):
    description: Text
    measure: str = ""
    target: str = ""
    due_in_days: int | None = None


class InterventionSpec(Strict):
    description: Text
    responsible: str = ""
    frequency: str = ""


class PlanSpec(BaseModel):
    """A care plan on file: the CarePlan text fields plus goals and interventions."""

    model_config = ConfigDict(extra="allow", frozen=True)
    goals: list[GoalSpec] = []
    interventions: list[InterventionSpec] = []

    @model_validator(mode="after")
    def _texts(self):
        from workbench.records import CarePlan

        allowed = set(CarePlan.__dataclass_fields__) - {"goals", "interventions"}
        for key, value in (self.model_extra or {}).items():
            if key not in allowed:
                raise ValueError(f"unknown care-plan field '{key}'")
            if not isinstance(value, str):
                raise ValueError(f"care-plan field '{key}' should be text")
        return self


class Overrides(Strict):
    conditions: list[ConditionSpec] | None = None
    medications: list[MedicationSpec] | None = None
    allergies: list[dict] | None = None
    persona: dict | None = None
    caregiver: PersonSpec | None = None
    emergency_contacts: list[PersonSpec] | None = None
    language: str | None = None
    consent: ConsentSpec | None = None
    care_plan: PlanSpec | None = None
    barriers: list[BarrierSpec] | None = None
    contact_preferences: dict | None = None
    phone: str | None = None
    address: str | None = None


class PatientSpec(Strict):
    preset: Preset | None = None
    inline: InlinePatient | None = None
    overrides: Overrides = Overrides()

    @model_validator(mode="after")
    def _one(self):
        if (self.preset is None) == (self.inline is None):
            raise ValueError("give exactly one of 'preset' (a simulated-panel patient) or 'inline'")
        return self


class Answers(Strict):
    """What the patient answers when the trainee asks (graded against what is recorded)."""

    phq9: tuple[int, ...] | None = Field(None, min_length=9, max_length=9)
    phq2: tuple[int, ...] | None = Field(None, min_length=2, max_length=2)

    @field_validator("phq9", "phq2")
    @classmethod
    def _range(cls, value):
        if value is not None and any(not 0 <= a <= 3 for a in value):
            raise ValueError("each PHQ answer is 0, 1, 2 or 3")
        return value


class Clock(Strict):
    start: datetime

    @field_validator("start")
    @classmethod
    def _aware(cls, value: datetime):
        if value.tzinfo is None:
            raise ValueError("give the time zone, e.g. 2026-11-23T15:00:00-05:00")
        return value


class Scenario(Strict):
    schema_version: Literal[2]
    id: Slug
    title: Text
    category: Literal[CATEGORIES]  # type: ignore[valid-type]
    summary: str = ""
    objectives: list[Objective] = Field(min_length=1)
    patient: PatientSpec
    answers: Answers = Answers()
    situation: Text
    clock: Clock
    conversation: Conversation
    options: list[Option] = Field(min_length=1)
    events: list[Event] = []
    reflection: list[Text] = []
    rubric: Rubric
    model_path: list[PathStep] = Field(min_length=1)
    failing_path: list[PathStep] = Field(min_length=1)
    failing_triggers: str

    source: str = Field("", exclude=True, description="the file it was read from (not in YAML)")

    # look-ups the engine uses ------------------------------------------------------
    def node(self, node_id: str) -> Node:
        return next(n for n in self.conversation.nodes if n.id == node_id)

    def option(self, option_id: str) -> Option:
        return next(o for o in self.options if o.id == option_id)

    @property
    def criteria(self) -> list[Criterion]:
        return self.rubric.criteria

    @property
    def pass_percent(self) -> float:
        return self.rubric.pass_percent

    def objective_text(self, objective_id: str) -> str:
        return next((o.text for o in self.objectives if o.id == objective_id), objective_id)


def scenario_json_schema() -> dict:
    """The JSON Schema of a scenario file, for editors (``workbench scenario schema``)."""
    schema = Scenario.model_json_schema(by_alias=True)
    schema["properties"].pop("source", None)
    schema["title"] = "CCM Workbench training scenario (schema_version 2)"
    return schema
