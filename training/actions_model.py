"""Chart actions: what a trainee DOES in the chart, one model per kind of write.

A chart action is what the trainee's ``Workbench`` does when they press Save in a chart tab
(``training.actions.perform`` makes the same service call). Scripted paths use them in
``do:`` steps; world events use them in ``effects:`` (written by the system user). ``ref``
names an escalation or a barrier so a later step can refer to it.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field

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


#: FHIR Goal.lifecycleStatus words the care-plan editor offers
GoalStatus = Literal["proposed", "active", "completed", "cancelled"]


class _A(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StartTimer(_A):
    type: Literal["start_timer"]
    activity: Activity = Activity.PATIENT_CALL


class StopTimer(_A):
    type: Literal["stop_timer"]
    note: str = Field(description="the trainee's note: what was done and what happens next")
    activity: Activity | None = None


class LogTime(_A):
    type: Literal["log_time"]
    minutes: float = Field(gt=0)
    activity: Activity
    note: str


class LogContact(_A):
    type: Literal["log_contact"]
    channel: Channel
    outcome: ContactOutcome
    with_whom: str = "patient"
    note: str = ""


class RecordConsent(_A):
    type: Literal["record_consent"]
    method: ConsentMethod
    disclosures: dict[str, bool] | None = Field(None, description="default: all four told")
    given_by: ConsentGivenBy = Field(ConsentGivenBy.PATIENT, description="who agreed: the patient or a representative")
    representative: str = Field("", description="the representative's name and relation")


class RevokeConsent(_A):
    type: Literal["revoke_consent"]
    reason: str


class Goal(_A):
    description: str
    measure: str = ""
    target: str = ""
    due_in_days: int | None = Field(None, ge=0)


class Intervention(_A):
    description: str
    responsible: str = ""
    frequency: str = ""


class ReviseCarePlan(_A):
    type: Literal["revise_care_plan"]
    reason: str
    set: dict[str, str] = {}
    add_goals: list[Goal] = []
    add_interventions: list[Intervention] = []
    goal_status: dict[str, GoalStatus] = Field(
        {}, description="words of a goal already in the plan -> its new status (one goal each)")


class ChangeMedication(_A):
    """Change one medicine on the list: a new dose or frequency, or stop it."""

    type: Literal["change_medication"]
    name: str = Field(description="the medicine on the list (matched case-insensitively)")
    dose: str | None = None
    frequency: str | None = None
    stop: bool = False
    reason: str


class AddMedication(_A):
    type: Literal["add_medication"]
    name: str
    dose: str = ""
    frequency: str = ""
    reason: str


class RecordPhq(_A):
    type: Literal["record_phq"]
    instrument: Literal["PHQ-2", "PHQ-9"]
    answers: list[int]


class OpenEscalation(_A):
    type: Literal["open_escalation"]
    ref: str
    reason: str
    severity: Severity = Severity.URGENT
    kind: str | None = Field(None, description="its type (escalation protocols); default: from "
                             "the reason")


class RecordEscalationStep(_A):
    """A step of an escalation the trainee OPENED before (``ref``), or the patient's only
    open escalation. Never opens one by itself."""

    type: Literal["escalation_step"]
    step: EscalationStep
    ref: str | None = None
    patient_consent: bool | None = None
    note: str = ""


class AddBarrier(_A):
    type: Literal["add_barrier"]
    ref: str
    domain: BarrierDomain
    description: str
    status: BarrierStatus = BarrierStatus.OPEN
    action: str = ""


class UpdateBarrier(_A):
    type: Literal["update_barrier"]
    ref: str = Field(description="a barrier added earlier, or the domain of one on file")
    status: BarrierStatus
    action: str = ""


class ScheduleFollowUp(_A):
    type: Literal["schedule_follow_up"]
    due_in_hours: float = Field(gt=0)
    reason: str
    channel: Channel = Channel.PHONE


ChartAction = Annotated[Union[StartTimer, StopTimer, LogTime, LogContact, RecordConsent,
                              RevokeConsent, ReviseCarePlan, ChangeMedication, AddMedication,
                              RecordPhq, OpenEscalation, RecordEscalationStep, AddBarrier,
                              UpdateBarrier, ScheduleFollowUp], Field(discriminator="type")]

ACTION_TYPES = ("start_timer", "stop_timer", "log_time", "log_contact", "record_consent",
                "revoke_consent", "revise_care_plan", "change_medication", "add_medication",
                "record_phq", "open_escalation", "escalation_step", "add_barrier",
                "update_barrier", "schedule_follow_up")

