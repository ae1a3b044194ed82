"""FHIR R4 resources from the CCM record: one builder per resource, plain dicts (JSON shape).

docs/reference.md, "FHIR export". Code systems are written once, in :mod:`workbench.rules.codesystems`; the
tests validate every resource with ``fhir.resources.R4B`` and check these codes themselves.
References inside a bundle are ``urn:uuid:`` full URLs derived from the record's ids, so the same
record always gives the same bundle.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from html import escape

from .. import records as r
from ..rules.catalog import normalize_icd10
from ..rules.codesystems import SYSTEMS
from ..rules.phq import answers_in_order

#: PHQ-9 in LOINC: the panel (the questionnaire), the total score, and the nine items in order.
PHQ9_PANEL = ("44249-1", "PHQ-9 quick depression assessment panel [Reported.PHQ]")
PHQ9_TOTAL = ("44261-6", "Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]")
PHQ9_ITEMS = ("44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3", "44260-8")

GENDER = {"F": "female", "M": "male", "X": "other"}
TASK_PRIORITY = {r.Severity.ROUTINE: "routine", r.Severity.URGENT: "urgent", r.Severity.EMERGENT: "stat"}
GOAL_STATUS = {"proposed", "planned", "accepted", "active", "on-hold", "completed", "cancelled", "rejected"}


def full_url(kind: str, key: object) -> str:
    """The ``urn:uuid:`` of a resource: stable for the same record row."""
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"ccm-workbench/{kind}/{_safe_id(str(key))}"))


def ref(kind: str, key: object, display: str | None = None) -> dict:
    out = {"reference": full_url(kind, key)}
    if display:
        out["display"] = display
    return out


def _instant(when: datetime) -> str:
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _narrative(*lines: str) -> dict:
    body = "".join(f"<p>{escape(line)}</p>" for line in lines if line)
    return {"status": "generated", "div": f'<div xmlns="http://www.w3.org/1999/xhtml">{body or "<p>-</p>"}</div>'}


def dotted_icd10(code: str) -> str:
    code = normalize_icd10(code)
    return code if len(code) <= 3 else f"{code[:3]}.{code[3:]}"


def patient(p: r.Patient) -> dict:
    out = {"resourceType": "Patient", "id": p.id,
           "identifier": [{"system": SYSTEMS["local"], "value": p.id}],
           "name": [{"family": p.last_name, "given": [p.first_name]}],
           "gender": GENDER.get(p.sex, "unknown"), "birthDate": p.birth_date.isoformat()}
    if p.deceased:
        out.update({"deceasedDateTime": p.deceased_on.isoformat()} if p.deceased_on else {"deceasedBoolean": True})
    if p.member_id:
        out["identifier"].append({"system": SYSTEMS["mbi"], "value": p.member_id})
    telecom = [{"system": "phone", "value": p.phone}] if p.phone else []
    telecom += [{"system": "email", "value": p.email}] if p.email else []
    if telecom:
        out["telecom"] = telecom
    if p.address:
        out["address"] = [{"text": p.address, **({"state": p.state} if p.state else {})}]
    if p.language:
        out["communication"] = [{"language": {"text": p.language}}]
    contacts = [x for x in ((p.caregiver,) if p.caregiver else ()) + tuple(p.emergency_contacts)]
    if contacts:
        out["contact"] = [{"relationship": [{"text": c.relationship or "contact"}], "name": {"text": c.name},
                           **({"telecom": [{"system": "phone", "value": c.phone}]} if c.phone else {})}
                          for c in dict.fromkeys(contacts)]
    if p.billing_practitioner_id:
        out["generalPractitioner"] = [ref("Practitioner", p.billing_practitioner_id)]
    return out


def practitioner(u: r.User) -> dict:
    family = u.name.split(" ")[-1] if u.name.strip() else u.id
    out = {"resourceType": "Practitioner", "id": _safe_id(u.id), "active": True,
           "name": [{"text": u.name, "family": family}],
           "identifier": [{"system": SYSTEMS["local"], "value": u.id}]}
    if u.npi:
        out["identifier"].append({"system": SYSTEMS["npi"], "value": u.npi})
    if u.credential:
        out["qualification"] = [{"code": {"text": str(u.credential)}}]
    return out


def condition(pid: str, c: r.Condition, key: object, recorded: datetime | None = None,
              codings: list[dict] | None = None) -> dict:
    """A problem-list Condition: ICD-10-CM first, then any other coding the source sent (SNOMED CT)."""
    out = {"resourceType": "Condition", "id": _safe_id(f"{pid}-condition-{key}"),
           "clinicalStatus": {"coding": [{"system": SYSTEMS["condition-clinical"], "code": "active"}]},
           "verificationStatus": {"coding": [{"system": SYSTEMS["condition-ver-status"], "code": "confirmed"}]},
           "category": [{"coding": [{"system": SYSTEMS["condition-category"], "code": "problem-list-item",
                                     "display": "Problem List Item"}]}],
           "code": {"coding": [{"system": SYSTEMS["icd10cm"], "code": dotted_icd10(c.icd10),
                                **({"display": c.display} if c.display else {})}],
                    "text": c.display or dotted_icd10(c.icd10)},
           "subject": ref("Patient", pid)}
    extra = [x for x in codings or [] if x.get("system") != SYSTEMS["icd10cm"] and x.get("code")]
    out["code"]["coding"] += [{k: x[k] for k in ("system", "code", "display") if x.get(k)} for x in extra]
    if c.onset:
        out["onsetDateTime"] = c.onset.isoformat()
    if recorded is not None:
        out["recordedDate"] = _instant(recorded)
    return out


#: the FHIR extension saying why a value is absent (a goal's target recorded without its measure)
DATA_ABSENT = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
#: Goal.lifecycleStatus -> achievementStatus (terminology.hl7.org goal-achievement)
ACHIEVEMENT = {"completed": ("achieved", "Achieved"), "cancelled": ("not-attainable", "Not Attainable"),
               "rejected": ("not-attainable", "Not Attainable")}


def goal(pid: str, g: r.Goal, key: object, start: date | None = None, expressed_by: dict | None = None) -> dict:
    """A US Core Goal with its one target: the measure, the target detail and the due day, each
    when recorded (a measure alone is kept too); a target without a measure says the measure is
    absent (FHIR gol-1: Goal.target.measure is required if Goal.target.detail is populated)."""
    status = g.status if g.status in GOAL_STATUS else "active"
    code, display = ACHIEVEMENT.get(status, ("in-progress", "In Progress"))
    out = {"resourceType": "Goal", "id": _safe_id(f"{pid}-goal-{key}"), "lifecycleStatus": status,
           "achievementStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/goal-achievement",
                                             "code": code, "display": display}]},
           "description": {"text": g.description}, "subject": ref("Patient", pid)}
    if start is not None:
        out["startDate"] = start.isoformat()
    if expressed_by is not None:
        out["expressedBy"] = expressed_by
    if g.measure or g.target or g.due_date:
        target: dict = {}
        if g.measure:
            target["measure"] = {"text": g.measure}
        elif g.target:  # gol-1: a target detail needs a measure; none was recorded, and FHIR says so
            target["measure"] = {"extension": [{"url": DATA_ABSENT, "valueCode": "unknown"}]}
        if g.target:
            target["detailString"] = g.target
        if g.due_date:
            target["dueDate"] = g.due_date.isoformat()
        out["target"] = [target]
    return out


def care_plan(pid: str, rev: r.CarePlanRevision, condition_urls: list[str], goal_keys: list[object],
              activity_urls: list[str] | None = None, custodian: str | None = None) -> dict:
    """The MCC eCare Plan CarePlan: the custodian extension names who is responsible, the author of
    the revision is a ``contributor`` (not ``author``, which the IG discourages), and interventions
    are planned work in ``activity.reference`` (ServiceRequest, Task), never ``activity.detail``."""
    plan = rev.plan
    return {"extension": [{"url": "http://hl7.org/fhir/us/mcc/StructureDefinition/custodian",
                           "valueReference": ref("Practitioner", custodian or rev.author_id)}],
        "resourceType": "CarePlan", "id": _safe_id(f"{pid}-careplan"),
        "text": _narrative("Comprehensive care plan", plan.problem_list,
                           plan.expected_outcome_prognosis, plan.symptom_management, plan.medication_management),
        "status": "active", "intent": "plan",
        "category": [{"coding": [{"system": SYSTEMS["careplan-category"], "code": "assess-plan"}]}],
        "title": "Chronic Care Management comprehensive care plan",
        "description": plan.problem_list or "Comprehensive care plan",
        "subject": ref("Patient", pid), "created": _instant(rev.recorded_at),
        "contributor": [ref("Practitioner", rev.author_id, rev.author_name)],
        "careTeam": [ref("CareTeam", f"{pid}-careteam")],
        "addresses": [{"reference": u} for u in condition_urls],
        "goal": [ref("Goal", f"{pid}-goal-{k}") for k in goal_keys],
        "activity": [{"reference": {"reference": u}} for u in activity_urls or []],
        "note": [{"text": f"{PLAN_NOTE_LABELS[k]}: {getattr(plan, k)}"} for k in PLAN_NOTE_LABELS if getattr(plan, k)],
    }


#: every text element of the care plan, written as a CarePlan.note "Label: text" (the import reads
#: them back by their label; goals and interventions are Goal and ServiceRequest resources)
PLAN_NOTE_LABELS = {k: label for k, label in {**r.CARE_PLAN_ELEMENTS, **r.CARE_PLAN_EXTRA_ELEMENTS}.items()
                    if k not in ("goals", "interventions")}


def care_team(pid: str, team: dict[str, r.User], patient_row: r.Patient) -> dict:
    """The CareTeam: the patient, the billing practitioner, the designated care-team member, and an
    authorised caregiver (a RelatedPerson in the same bundle)."""
    participants = [{"role": [{"coding": [{"system": "http://snomed.info/sct", "code": "116154003",
                                           "display": "Patient"}]}],
                     "member": ref("Patient", pid)}]
    if patient_row.caregiver is not None and patient_row.caregiver.authorized:
        participants.append({"role": [{"coding": [{"system": "http://snomed.info/sct", "code": "133932002",
                                                   "display": "Caregiver"}]}],
                             "member": ref("RelatedPerson", f"{pid}-caregiver")})
    for uid, role in ((patient_row.billing_practitioner_id, "Billing practitioner"),
                      (patient_row.care_team_member_id, "Designated care-team member")):
        if uid and uid in team:
            participants.append({"role": [{"text": role}], "member": ref("Practitioner", uid, team[uid].name)})
    return {"resourceType": "CareTeam", "id": _safe_id(f"{pid}-careteam"), "status": "active",
            "name": "Chronic Care Management team", "subject": ref("Patient", pid), "participant": participants}


def consent(pid: str, c: r.Consent, key: object) -> dict:
    provision: dict = {"type": "permit", "period": {"start": c.consent_date.isoformat()}}
    if c.revoked_on is not None:
        from ..rules.months import end_of_month

        provision["period"]["end"] = end_of_month(c.revoked_on).isoformat()
    return {"resourceType": "Consent", "id": _safe_id(f"{pid}-consent-{key}"),
            "status": "inactive" if c.revoked_on is not None else "active",
            "scope": {"coding": [{"system": SYSTEMS["consentscope"], "code": "treatment"}]},
            "category": [{"coding": [{"system": SYSTEMS["loinc"], "code": "59284-0", "display": "Patient Consent"}],
                          "text": f"{str(c.method).capitalize()} consent to Chronic Care Management"}],
            "patient": ref("Patient", pid), "dateTime": c.consent_date.isoformat(),
            # who agreed: the patient, or the representative by name and authority (a Reference by display)
            "performer": [{"type": "RelatedPerson", "display": c.agreed_by} if c.by_representative
                          else ref("Patient", pid)],
            "policyRule": {"coding": [{"system": SYSTEMS["v3-ActCode"], "code": "OPTIN"}]},
            "provision": provision}


def phq9(pid: str, q: r.QuestionnaireResponse) -> tuple[dict, dict]:
    """The PHQ-9 as answered (QuestionnaireResponse) and its total score (Observation)."""
    values = answers_in_order(q.answers, 9, "PHQ-9")
    total = q.score if q.score is not None else sum(values)
    qr = {"resourceType": "QuestionnaireResponse", "id": _safe_id(f"{pid}-phq9-{q.id}"),
          "questionnaire": f"{SYSTEMS['loinc']}/q/{PHQ9_PANEL[0]}", "status": "completed",
          "subject": ref("Patient", pid), "authored": _instant(q.recorded_at),
          "author": ref("Practitioner", q.recorded_by),
          "item": [{"linkId": code, "answer": [{"valueInteger": int(v)}]} for code, v in zip(PHQ9_ITEMS, values,
                                                                                              strict=True)]}
    obs = {"resourceType": "Observation", "id": _safe_id(f"{pid}-phq9-total-{q.id}"), "status": "final",
           "category": [{"coding": [{"system": SYSTEMS["observation-category"], "code": "survey"}]}],
           "code": {"coding": [{"system": SYSTEMS["loinc"], "code": PHQ9_TOTAL[0], "display": PHQ9_TOTAL[1]}],
                    "text": "PHQ-9 total score"},
           "subject": ref("Patient", pid), "effectiveDateTime": _instant(q.recorded_at),
           "performer": [ref("Practitioner", q.recorded_by)], "valueInteger": int(total),
           "derivedFrom": [ref("QuestionnaireResponse", f"{pid}-phq9-{q.id}")]}
    return qr, obs


def escalation_task(pid: str, e: r.Escalation) -> dict:
    status = "in-progress" if e.is_open else "completed"
    return {"resourceType": "Task", "id": _safe_id(f"{pid}-escalation-{e.id}"), "status": status,
            "intent": "order", "priority": TASK_PRIORITY.get(e.severity, "routine"),
            "description": f"Follow up: {e.reason}", "for": ref("Patient", pid),
            "authoredOn": _instant(e.opened_at), "requester": ref("Practitioner", e.opened_by),
            "note": [{"text": r.ESCALATION_STEP_LABELS.get(s.step, str(s.step))} for s in e.steps]}


def barrier_task(pid: str, b: r.Barrier, at: datetime) -> dict:
    status = {r.BarrierStatus.OPEN: "requested", r.BarrierStatus.IN_PROGRESS: "in-progress",
              r.BarrierStatus.RESOLVED: "completed"}[r.BarrierStatus(b.status)]
    out = {"resourceType": "Task", "id": _safe_id(f"{pid}-barrier-{b.id}"), "status": status, "intent": "plan",
           "description": f"Address {str(b.domain).replace('_', ' ')}: {b.description}",
           "for": ref("Patient", pid), "authoredOn": _instant(at)}
    if b.z_code:
        out["reasonCode"] = {"coding": [{"system": SYSTEMS["icd10cm"], "code": dotted_icd10(b.z_code)}]}
    if b.action:
        out["note"] = [{"text": b.action}]
    return out


ORGANIZATION_KEY = "practice"  #: the one Organization of an export: the practice


def organization(settings: r.PracticeSettings) -> dict:
    """The practice as a US Core Organization: the party the staff act for (Provenance.onBehalfOf)."""
    out = {"resourceType": "Organization", "id": ORGANIZATION_KEY, "active": True, "name": settings.name}
    if settings.phone:
        out["telecom"] = [{"system": "phone", "value": settings.phone}]
    if settings.state:
        out["address"] = [{"state": settings.state, "country": "US"}]
    return out


def provenance(pid: str, author_id: str, author_name: str, target: str, when: datetime,
               org_name: str | None = None) -> dict:
    """One Provenance per resource (US Core Provenance): who wrote it and when. The author is a
    Practitioner acting for the practice, so ``agent.onBehalfOf`` names the practice's Organization
    (US Core 6.1 provenance-1: onBehalfOf SHALL be present when agent.who is a Practitioner)."""
    key = uuid.uuid5(uuid.NAMESPACE_URL, target).hex[:24]
    return {"resourceType": "Provenance", "id": _safe_id(f"{pid}-prov-{key}"),
            "target": [{"reference": target}], "recorded": _instant(when),
            "agent": [{"type": {"coding": [{"system": SYSTEMS["provenance-participant-type"], "code": "author"}]},
                       "who": ref("Practitioner", author_id, author_name),
                       "onBehalfOf": ref("Organization", ORGANIZATION_KEY, org_name)}]}


def _safe_id(text: str) -> str:
    """A FHIR id: letters, digits, '-' and '.', at most 64 characters."""
    out = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-.") else "-" for ch in str(text))
    return out[:64] or "x"

