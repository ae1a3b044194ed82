"""The scenario's patient: an inline patient or a simulated-panel preset, with overrides.

Each attempt gets its own copy of the patient, scoped ``training:<attempt id>`` so that it
never shows on the live panel.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date, timedelta

from workbench.errors import InvalidInput
from workbench.records import (
    Allergy,
    Barrier,
    BarrierDomain,
    BarrierStatus,
    CarePlan,
    Condition,
    Consent,
    ConsentMethod,
    CONSENT_DISCLOSURES,
    Goal,
    Intervention,
    Medication,
    Patient,
    PatientBundle,
    Person,
)

from training.scenario import Scenario

#: (preset name, patient index, seed) -> PatientBundle
PresetLoader = Callable[[str, int, int], PatientBundle]


def default_preset_loader(name: str, index: int, seed: int) -> PatientBundle:
    """Take patient ``index`` of a simulated-panel preset (``simulated_patients``), with
    links to the preset's staff removed (the training store need not hold that staff)."""
    from simulated_patients import generate_panel

    try:
        panel = generate_panel(None, seed, preset=name)
    except (KeyError, ValueError, LookupError) as exc:
        raise InvalidInput(f"There is no simulated-panel preset called '{name}'.",
                           field="patient.preset.name") from exc
    try:
        bundle = panel.patients[index]
    except IndexError as exc:
        raise InvalidInput(f"The preset '{name}' has no patient number {index}.",
                           field="patient.preset.index") from exc
    bundle.patient = dataclasses.replace(bundle.patient, billing_practitioner_id=None,
                                         care_team_member_id=None)
    if bundle.consent is not None:
        bundle.consent = dataclasses.replace(bundle.consent, obtained_by="",
                                             billing_practitioner_id=None)
    bundle.visits = []  # visits name the preset's practitioners
    return bundle


def _person(d: dict) -> Person:
    return Person(name=d["name"], relationship=d.get("relationship", ""),
                  phone=str(d.get("phone", "")), authorized=bool(d.get("authorized", False)))


def plan_from_dict(d: dict, today: date) -> CarePlan:
    """A CarePlan from the scenario's text fields, goals and interventions."""
    texts = {k: v for k, v in d.items() if k not in ("goals", "interventions")}
    goals = tuple(goal_from_dict(g, today) for g in d.get("goals", ()))
    interventions = tuple(Intervention(i["description"], i.get("responsible", ""),
                                       i.get("frequency", "")) for i in d.get("interventions", ()))
    return CarePlan(goals=goals, interventions=interventions, **texts)


def goal_from_dict(g: dict, today: date) -> Goal:
    due = today + timedelta(days=int(g["due_in_days"])) if "due_in_days" in g else None
    return Goal(description=g["description"], measure=g.get("measure", ""),
                target=str(g.get("target", "")), due_date=due)


def build_bundle(scenario: Scenario, patient_id: str, scope: str, today: date, seed: int,
                 preset_loader: PresetLoader | None = None) -> PatientBundle:
    """The PatientBundle for one attempt: the scenario's patient under a fresh id and scope."""
    spec = scenario.patient
    if "inline" in spec:
        p = spec["inline"]
        bundle = PatientBundle(patient=Patient(
            id=patient_id, first_name=p["first_name"], last_name=p["last_name"],
            birth_date=p["birth_date"], sex=p["sex"], state=p.get("state", ""),
            language=p.get("language", "English"), phone=str(p.get("phone", "")),
            address=p.get("address", "")))
    else:
        loader = preset_loader or default_preset_loader
        bundle = loader(spec["preset"]["name"], int(spec["preset"]["index"]), seed)
        bundle = dataclasses.replace(bundle, conditions=list(bundle.conditions),
                                     medications=list(bundle.medications))
    o = spec.get("overrides", {})
    changes: dict = {"id": patient_id, "scope": scope}
    for key in ("language", "phone", "address"):
        if key in o:
            changes[key] = str(o[key])
    if "persona" in o:
        changes["persona"] = dict(o["persona"])
    if "contact_preferences" in o:
        changes["contact_preferences"] = dict(o["contact_preferences"])
    if "caregiver" in o:
        changes["caregiver"] = _person(o["caregiver"])
    if "emergency_contacts" in o:
        changes["emergency_contacts"] = tuple(_person(x) for x in o["emergency_contacts"])
    bundle.patient = dataclasses.replace(bundle.patient, **changes)
    if "conditions" in o:
        bundle.conditions = [Condition(icd10=c["icd10"], display=c.get("display", ""),
                                       chronic=c.get("chronic")) for c in o["conditions"]]
    if "medications" in o:
        bundle.medications = [Medication(name=m["name"], dose=str(m.get("dose", "")),
                                         frequency=m.get("frequency", ""),
                                         indication=m.get("indication", ""))
                              for m in o["medications"]]
    if "allergies" in o:
        bundle.allergies = [Allergy(a["substance"], a.get("reaction", "")) for a in o["allergies"]]
    if "barriers" in o:
        bundle.barriers = [Barrier(patient_id, BarrierDomain(b["domain"]), b["description"],
                                   BarrierStatus(b.get("status", "open"))) for b in o["barriers"]]
    else:
        bundle.barriers = [dataclasses.replace(b, patient_id=patient_id) for b in bundle.barriers]
    if "consent" in o:
        c = o["consent"]
        bundle.consent = Consent(patient_id=patient_id, method=ConsentMethod(c["method"]),
                                 consent_date=today - timedelta(days=int(c["days_ago"])),
                                 obtained_by="", disclosures={k: True for k in CONSENT_DISCLOSURES})
    elif bundle.consent is not None:
        bundle.consent = dataclasses.replace(bundle.consent, patient_id=patient_id)
    if "care_plan" in o:
        bundle.care_plan = plan_from_dict(o["care_plan"], today)
    return bundle
