"""Perform a chart action through a signed-in ``Workbench``: the same service call a chart
tab makes when its Save button is pressed.

Used for the trainee (scripted paths, an outside evaluator's convenience) and for world
events (signed in as the system user). Refusals are the service's own errors, raised to the
caller: a refused write leaves no record, so it can never count for the trainee.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import timedelta

from workbench.errors import InvalidInput, NotFound
from workbench.records import CONSENT_DISCLOSURES, CarePlan, Goal, Intervention

from training import actions_model as m
from training.attempts import CaseState


def _open_escalation_id(tw, pid: str, case: CaseState, ref: str | None) -> int:
    if ref is not None and ref in case.refs:
        return case.refs[ref]
    open_ = tw.escalations(pid, open_only=True)
    if ref is None and len(open_) == 1:
        return open_[0].id
    raise InvalidInput("Open an escalation for this patient first (Escalation tab), then record "
                       "its steps.", field="escalation")


def _medication(tw, pid: str, name: str):
    want = name.strip().lower()
    found = [x for x in tw.medications(pid) if x.name.strip().lower() == want]
    if not found:
        raise NotFound(f"There is no medicine called '{name}' on this patient's list.")
    return found[-1]


def _goal_statuses(goals: tuple[Goal, ...], statuses: Mapping[str, str]) -> tuple[Goal, ...]:
    """The plan's goals with new statuses: each key names words of exactly one goal."""
    goals = tuple(goals)
    for words, status in statuses.items():
        hits = [i for i, g in enumerate(goals) if words.lower() in g.description.lower()]
        if len(hits) != 1:
            raise InvalidInput(f"{len(hits)} goals of the care plan contain '{words}': name exactly one.")
        goals = tuple(dataclasses.replace(g, status=status) if i == hits[0] else g
                      for i, g in enumerate(goals))
    return goals


def perform(tw, pid: str, case: CaseState, action) -> list[tuple[str, int]]:
    """Do one chart action for patient ``pid``; return the (record type, id) pairs written."""
    now = tw.now()
    today = tw.local_date(now)
    if isinstance(action, m.StartTimer):
        timer = tw.start_timer(pid, activity=action.activity)
        return [("timer", timer.id)]
    if isinstance(action, m.StopTimer):
        entry = tw.stop_timer(note=action.note, activity=action.activity)
        return [("time_entry", entry.id)]
    if isinstance(action, m.LogTime):
        entry = tw.log_time(pid, action.minutes, action.activity, action.note, service_date=today,
                            started_at=now - timedelta(minutes=action.minutes))
        return [("time_entry", entry.id)]
    if isinstance(action, m.LogContact):
        c = tw.log_contact(pid, action.channel, action.outcome, note=action.note,
                           with_whom=action.with_whom, contacted_at=now)
        return [("contact", c.id)]
    if isinstance(action, m.RecordConsent):
        told = action.disclosures or {k: True for k in CONSENT_DISCLOSURES}
        consent = tw.record_consent(pid, action.method, today,
                                    {k: bool(told.get(k, False)) for k in CONSENT_DISCLOSURES},
                                    given_by=action.given_by, representative=action.representative)
        return [("consent", consent.id)]
    if isinstance(action, m.RevokeConsent):
        return [("consent_revoked", tw.revoke_consent(pid, today, action.reason).id)]
    if isinstance(action, m.ReviseCarePlan):
        current = tw.care_plan(pid)
        plan = current.plan if current is not None else CarePlan()
        goals = _goal_statuses(plan.goals, action.goal_status) + tuple(
            Goal(g.description, g.measure, g.target,
                 today + timedelta(days=g.due_in_days) if g.due_in_days is not None else None)
            for g in action.add_goals)
        interventions = plan.interventions + tuple(
            Intervention(i.description, i.responsible, i.frequency) for i in action.add_interventions)
        unknown = set(action.set) - set(CarePlan.__dataclass_fields__)
        if unknown:
            raise InvalidInput(f"The care plan has no field '{sorted(unknown)[0]}'.")
        new = dataclasses.replace(plan, goals=goals, interventions=interventions, **action.set)
        rev = tw.revise_care_plan(pid, new, based_on=current.version if current else 0,
                                  reason=action.reason)
        return [("care_plan_revision", rev.id)]
    if isinstance(action, m.ChangeMedication):
        med = _medication(tw, pid, action.name)
        new = tw.change_medication(med.id, dose=action.dose, frequency=action.frequency,
                                   stop=action.stop, reason=action.reason)
        return [("medication", new.id)]
    if isinstance(action, m.AddMedication):
        from workbench.records import Medication

        new = tw.add_medication(pid, Medication(action.name, dose=action.dose,
                                                frequency=action.frequency), reason=action.reason)
        return [("medication", new.id)]
    if isinstance(action, m.RecordPhq):
        qr, esc = tw.record_phq(pid, action.instrument, list(action.answers))
        out = [("phq", qr.id)]
        if esc is not None:
            out.append(("escalation", esc.id))
        return out
    if isinstance(action, m.OpenEscalation):
        esc = tw.open_escalation(pid, action.reason, severity=action.severity, kind=action.kind)
        case.refs[action.ref] = esc.id
        return [("escalation", esc.id)]
    if isinstance(action, m.RecordEscalationStep):
        esc_id = _open_escalation_id(tw, pid, case, action.ref)
        esc = tw.record_escalation_step(esc_id, action.step, note=action.note,
                                        patient_consent=action.patient_consent)
        return [("escalation_step", esc.id)]
    if isinstance(action, m.AddBarrier):
        b = tw.add_barrier(pid, action.domain, action.description, status=action.status,
                           action=action.action)
        case.refs[action.ref] = b.id
        return [("barrier", b.id)]
    if isinstance(action, m.UpdateBarrier):
        bid = case.refs.get(action.ref)
        if bid is None:
            found = [b for b in tw.barriers(pid) if str(b.domain) == action.ref]
            if not found:
                raise NotFound(f"This patient has no barrier '{action.ref}' to update.")
            bid = found[-1].id
        b = tw.update_barrier(bid, action.status, action=action.action)
        case.refs[action.ref] = b.id
        return [("barrier", b.id)]
    if isinstance(action, m.ScheduleFollowUp):
        f = tw.schedule_follow_up(pid, now + timedelta(hours=action.due_in_hours), action.reason,
                                  channel=action.channel)
        return [("follow_up", f.id)]
    raise InvalidInput(f"Unknown chart action '{getattr(action, 'type', action)}'.")
