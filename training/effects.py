"""Turn a scenario effect into a real write through the workbench service.

Every write goes through ``workbench.service.Workbench`` signed in as the trainee with the
simulated clock, so the attempt's record is made exactly as a care manager's would be.
Each function returns the ``(record type, id)`` pairs it wrote, for the attempt's evidence.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from workbench.errors import InvalidInput
from workbench.records import (
    Activity,
    BarrierDomain,
    BarrierStatus,
    CONSENT_DISCLOSURES,
    CarePlan,
    Channel,
    ConsentMethod,
    ContactOutcome,
    ESCALATION_STEP_LABELS,
    EscalationStep,
    Severity,
)

from training.attempts import AttemptRecord
from training.patients import goal_from_dict

Writes = list[tuple[str, int]]
#: Effects whose ``note`` the trainee's own note replaces.
NOTE_EFFECTS = frozenset({"start_call", "stop_call", "log_time", "log_contact", "escalation_step"})


def local_today(wb, when: datetime) -> date:
    """The practice's local date at a moment (months and service dates are local)."""
    return when.astimezone(ZoneInfo(wb.settings.timezone)).date()


def apply_effect(tw, attempt: AttemptRecord, effect: dict, trainee_note: str | None) -> Writes:
    """Write one effect for the attempt's patient; return what was written."""
    kind = effect["type"]
    pid = attempt.patient_id
    note = trainee_note if (trainee_note and kind in NOTE_EFFECTS) else effect.get("note", "")
    now = tw.clock.now()
    today = local_today(tw, now)
    if kind == "start_call":
        if tw.running_timer() is None:
            tw.start_timer(pid, activity=Activity(effect.get("activity", "patient_call")), note=note)
        return []
    if kind == "stop_call":
        if tw.running_timer() is None:
            return []
        activity = Activity(effect["activity"]) if "activity" in effect else None
        entry = tw.stop_timer(note=note or None, activity=activity)
        return [("time_entry", entry.id)]
    if kind == "log_time":
        minutes = float(effect["minutes"])
        entry = tw.log_time(pid, minutes, Activity(effect["activity"]), note, service_date=today,
                            started_at=now - timedelta(minutes=minutes))
        return [("time_entry", entry.id)]
    if kind == "log_contact":
        contact = tw.log_contact(pid, Channel(effect["channel"]), ContactOutcome(effect["outcome"]),
                                 note=note, with_whom=effect.get("with_whom", "patient"),
                                 contacted_at=now)
        return [("contact", contact.id)]
    if kind == "record_consent":
        told = effect.get("disclosures", {k: True for k in CONSENT_DISCLOSURES})
        disclosures = {k: bool(told.get(k, False)) for k in CONSENT_DISCLOSURES}
        consent = tw.record_consent(pid, ConsentMethod(effect["method"]), today, disclosures)
        return [("consent", consent.id)]
    if kind == "revoke_consent":
        consent = tw.revoke_consent(pid, today, effect["reason"])
        return [("consent_revoked", consent.id)]
    if kind == "revise_care_plan":
        return _revise_plan(tw, pid, effect, today)
    if kind == "open_escalation":
        esc = tw.open_escalation(pid, effect["reason"], severity=Severity(effect.get("severity",
                                                                                    "urgent")),
                                 source="scenario")
        attempt.refs[effect["ref"]] = esc.id
        return [("escalation", esc.id)]
    if kind == "escalation_step":
        writes: Writes = []
        step = EscalationStep(effect["step"])
        esc_id = attempt.refs.get(effect["ref"])
        if esc_id is None:
            esc = tw.open_escalation(pid, ESCALATION_STEP_LABELS[step], severity=Severity.URGENT,
                                     source="scenario")
            esc_id = attempt.refs[effect["ref"]] = esc.id
            writes.append(("escalation", esc.id))
        esc = tw.record_escalation_step(esc_id, step, note=note,
                                        patient_consent=effect.get("patient_consent"), at=now)
        writes.append(("escalation_step", f"{esc.id}.{len(esc.steps) - 1}"))
        return writes
    if kind == "add_barrier":
        b = tw.add_barrier(pid, BarrierDomain(effect["domain"]), effect["description"],
                           status=BarrierStatus(effect.get("status", "open")),
                           action=effect.get("action", ""))
        attempt.refs[effect["ref"]] = b.id
        return [("barrier", b.id)]
    if kind == "update_barrier":
        bid = attempt.refs.get(effect["ref"])
        if bid is None:  # a barrier the patient came with: the ref names its domain
            found = [b for b in tw.barriers(pid) if str(b.domain) == effect["ref"]]
            if not found:
                raise InvalidInput(f"This scenario updates a barrier '{effect['ref']}' that was "
                                   "never recorded.", field="effects.ref")
            bid = found[-1].id
        b = tw.update_barrier(bid, BarrierStatus(effect["status"]), action=effect.get("action", ""))
        attempt.refs[effect["ref"]] = b.id
        return [("barrier", b.id)]
    raise InvalidInput(f"Unknown scenario effect '{kind}'.", field="effects.type")


def _revise_plan(tw, pid: str, effect: dict, today: date) -> Writes:
    current = tw.care_plan(pid)
    plan = current.plan if current is not None else CarePlan()
    changes: dict = dict(effect.get("set", {}))
    if "add_goals" in effect:
        changes["goals"] = plan.goals + tuple(goal_from_dict(g, today) for g in effect["add_goals"])
    if "add_interventions" in effect:
        from workbench.records import Intervention
        changes["interventions"] = plan.interventions + tuple(
            Intervention(i["description"], i.get("responsible", ""), i.get("frequency", ""))
            for i in effect["add_interventions"])
    new_plan = dataclasses.replace(plan, **changes)
    rev = tw.revise_care_plan(pid, new_plan, based_on=current.version if current else 0,
                              reason=effect["reason"])
    return [("care_plan_revision", rev.id)]


def stop_call_at_end(tw, attempt: AttemptRecord) -> Writes:
    """Close a call the trainee never documented.

    The timer is closed with a reason and its time is NOT recorded: undocumented time does
    not count (reference, "What counts"), and the rubric's documentation check sees no entry.
    """
    timer = tw.running_timer()
    if timer is not None:
        tw.close_abandoned_timer(timer.id, "Training call ended without documentation")
    return []
