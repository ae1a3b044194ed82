"""Rubric checks a supervisor writes in YAML, and the references they use.

Every check looks only at what the trainee did or said: records the trainee wrote in the
attempt's scope and did not void (``training.evidence``), lines of the transcript, and the
world events that fired. ``training.checks`` evaluates them.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from workbench.records import (
    Activity,
    BarrierDomain,
    BarrierStatus,
    Channel,
    ConsentGivenBy,
    ConsentMethod,
    ContactOutcome,
    EscalationStep,
    Severity,
)

#: What a ``record:`` filter may look for, and the fields each kind may filter on.
RECORD_FILTERS: dict[str, tuple[str, ...]] = {
    "time_entry": ("activity", "note_contains"),
    "contact": ("channel", "outcome", "with_whom", "note_contains"),
    "consent": ("method", "all_disclosures", "given_by", "note_contains"),  #: text: the representative
    "consent_revoked": ("note_contains",),
    "care_plan_revision": ("note_contains",),
    "goal": ("note_contains", "measurable"),
    "intervention": ("note_contains",),  #: an intervention added or changed in the care plan
    "care_plan_text": ("note_contains",),  #: a care-plan text element written or changed
    "medication_change": ("name_contains", "change", "note_contains"),
    "phq": ("instrument",),
    "escalation": ("severity", "kind", "note_contains"),
    "escalation_step": ("step", "patient_consent", "severity", "kind", "note_contains"),
    "barrier": ("domain", "status", "has_action", "note_contains"),
    "follow_up": ("channel", "note_contains"),
}
RECORD_TYPES = tuple(RECORD_FILTERS)


class _S(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _words(value):
    if value is None:
        return None
    return (value,) if isinstance(value, str) else tuple(value)


class RecordFilter(_S):
    """Records of one kind, narrowed by fields. ``note_contains`` (one word or a list: any of
    them) is matched in the record's own text: note, reason, description or action.
    ``severity`` and ``kind`` (one or a list: any of them) name the escalation's severity and
    type (a step is judged by the escalation it belongs to), so a step on a routine
    "appointment question" escalation does not meet a same-day criterion."""

    type: Literal[RECORD_TYPES]  # type: ignore[valid-type]
    activity: Activity | None = None
    channel: Channel | None = None
    outcome: ContactOutcome | None = None
    with_whom: str | None = None
    method: ConsentMethod | None = None
    severity: tuple[Severity, ...] | None = None
    kind: tuple[str, ...] | None = None
    step: EscalationStep | None = None
    patient_consent: bool | None = None
    domain: BarrierDomain | None = None
    status: BarrierStatus | None = None
    has_action: bool | None = None
    instrument: Literal["PHQ-2", "PHQ-9"] | None = None
    change: Literal["added", "stopped", "dose_changed", "frequency_changed"] | None = None
    name_contains: str | None = None
    measurable: bool | None = None
    all_disclosures: bool | None = None
    given_by: tuple[ConsentGivenBy, ...] | None = None  #: who agreed (any of): patient, health_care_proxy, ...
    note_contains: tuple[str, ...] | None = None

    _norm = field_validator("note_contains", "severity", "kind", "given_by", mode="before")(_words)

    @model_validator(mode="after")
    def _fields_fit_type(self):
        allowed = RECORD_FILTERS[self.type]
        extra = [k for k in self.model_fields_set if k != "type" and k not in allowed]
        if extra:
            raise ValueError(f"a {self.type} filter cannot use {', '.join(sorted(extra))} "
                             f"(allowed: {', '.join(allowed)})")
        return self

    def given(self) -> dict:
        return {k: getattr(self, k) for k in sorted(self.model_fields_set) if k != "type"}


class Ref(_S):
    """Something that happened: an option said, a record written, a world event, or the
    patient speaking a node's line (``line: NODE``)."""

    said: str | None = None
    record: RecordFilter | None = None
    event: str | None = None
    line: str | None = None

    @model_validator(mode="after")
    def _one(self):
        if len(self.model_fields_set) != 1:
            raise ValueError("a reference is exactly one of said:, record:, event: or line:")
        return self


class Order(_S):
    first: Ref
    then: Ref


class GoalCheck(_S):
    """A care-plan goal the trainee wrote (or changed) containing any of these words; by default
    an open one (proposed or active) with a measurable target and a due date (within
    ``due_within_days`` if given). ``status: [cancelled, completed]`` with ``measurable: false``
    asks for a goal closed instead (a goal the patient can no longer keep)."""

    any_of: tuple[str, ...] = Field(min_length=1)
    measurable: bool = True
    due_within_days: int | None = Field(None, ge=0)
    status: tuple[Literal["proposed", "active", "completed", "cancelled"], ...] = Field(
        ("proposed", "active"), min_length=1)


class MedicationCheck(_S):
    name_contains: str
    change: Literal["added", "stopped", "dose_changed", "frequency_changed", "any"] = "any"


class Phq(_S):
    instrument: Literal["PHQ-2", "PHQ-9"] = "PHQ-9"
    matches_patient: bool = True


Since = Literal["first_call", "latest_call"]


class TimedStep(_S):
    """A step with its own time limit, counted from the step listed before it."""

    step: EscalationStep
    within_minutes: float = Field(ge=0)


class Steps(_S):
    """Escalation steps the trainee recorded, in this order, the first within N minutes (of
    ``of``, or of the start of the first or the latest call: ``since``). A step given as
    ``{step: ems_called, within_minutes: 10}`` must follow the step before it within its own
    limit. ``severity``/``kind`` restrict the steps to escalations of that severity or type."""

    steps: tuple[EscalationStep | TimedStep, ...] = Field(min_length=1)
    in_order: bool = True
    within_minutes: float | None = Field(None, ge=0)
    of: Ref | None = None
    since: Since = "first_call"
    severity: tuple[Severity, ...] | None = None
    kind: tuple[str, ...] | None = None

    _norm = field_validator("severity", "kind", mode="before")(_words)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(str(s.step if isinstance(s, TimedStep) else s) for s in self.steps)

    def limit(self, i: int) -> float | None:
        s = self.steps[i]
        return s.within_minutes if isinstance(s, TimedStep) else None


class ConsentCheck(_S):
    """Consent recorded by the trainee with every disclosure ticked, and each ticked
    disclosure said in the call before the consent was recorded: ``disclosed_by`` maps each
    disclosure (service_explained, cost_sharing, one_practitioner, stop_any_time) to the
    options (any of them) that say it."""

    disclosed_by: dict[str, tuple[str, ...]] = Field(min_length=1)

    @field_validator("disclosed_by", mode="before")
    @classmethod
    def _lists(cls, value):
        if isinstance(value, dict):
            return {k: _words(v) for k, v in value.items()}
        return value

    @field_validator("disclosed_by")
    @classmethod
    def _known(cls, value):
        from workbench.records import CONSENT_DISCLOSURES

        unknown = sorted(set(value) - set(CONSENT_DISCLOSURES))
        if unknown:
            raise ValueError(f"'{unknown[0]}' is not a consent disclosure (one of: "
                             f"{', '.join(CONSENT_DISCLOSURES)})")
        return value


class FollowUp(_S):
    within_hours: float = Field(gt=0)


class TimeHonest(_S):
    """The patient's logged minutes within ± ``minutes`` or ± ``percent`` of the time worked
    on that patient: the calls plus the after-call work in that chart (see docs/scenarios.md)."""

    minutes: float = 2
    percent: float = 20


class NoteCheck(_S):
    """Every note the trainee wrote on these records is their own: not empty, not ".", not
    close to any text the trainee was shown (labels, patient lines, replies, situation,
    event lines, feedback: similarity ``similar`` or more), at least ``min_words`` words and
    ``min_content`` content words, and no sentence repeated across notes; one of them has
    any of ``any_of``."""

    of: tuple[Literal["time_entry", "contact", "escalation_step", "barrier"], ...] = ("time_entry",)
    min_words: int = Field(5, ge=1)
    min_content: int = Field(3, ge=0)
    similar: float = Field(0.8, gt=0, le=1)
    any_of: tuple[str, ...] = ()

    _norm = field_validator("of", "any_of", mode="before")(_words)


_FORMS = ("said", "said_any", "typed_any", "record", "all_records", "order", "within_minutes",
          "goal", "medication", "phq", "consent", "consent_before_care_plan", "escalation_steps",
          "follow_up", "time_honest", "no_overlapping_entries", "note", "event")


class Check(_S):
    said: str | None = None
    said_any: tuple[str, ...] | None = None
    typed_any: tuple[str, ...] | None = Field(None, description="phrases typed in own words")
    record: RecordFilter | None = None
    all_records: RecordFilter | None = None
    require: dict | None = Field(None, description="with all_records: what each must have")
    order: Order | None = None
    within_minutes: float | None = Field(None, ge=0)
    of: Ref | None = None
    after: Ref | None = Field(None, description="with within_minutes: from this (default: call start)")
    since: Since | None = Field(None, description="with within_minutes: from the first or latest call")
    goal: GoalCheck | None = None
    medication: MedicationCheck | None = None
    phq: Phq | None = None
    consent: ConsentCheck | None = None
    consent_before_care_plan: Literal[True] | None = None
    escalation_steps: Steps | None = None
    follow_up: FollowUp | None = None
    time_honest: TimeHonest | None = None
    no_overlapping_entries: Literal[True] | None = None
    note: NoteCheck | None = None
    event: str | None = None

    @model_validator(mode="after")
    def _one_form(self):
        forms = [k for k in _FORMS if k in self.model_fields_set]
        if len(forms) != 1:
            raise ValueError(f"a check holds exactly one of: {', '.join(_FORMS)}")
        form = forms[0]
        if (form == "within_minutes") != (self.of is not None):
            raise ValueError("within_minutes: N goes with of: (what must happen in time)")
        if self.after is not None and form != "within_minutes":
            raise ValueError("after: belongs to a within_minutes check")
        if self.since is not None and (form != "within_minutes" or self.after is not None):
            raise ValueError("since: belongs to a within_minutes check without after:")
        if (form == "all_records") != (self.require is not None):
            raise ValueError("all_records: goes with require: (what every such record must have)")
        if self.require is not None:
            RecordFilter(type=self.all_records.type, **self.require)
        return self

    @property
    def form(self) -> str:
        return next(k for k in _FORMS if k in self.model_fields_set)
