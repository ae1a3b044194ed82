"""The scenario's patient: an inline patient or a simulated-panel preset, with overrides.

Each attempt gets its own copy of the patient, scoped ``training:<attempt id>`` so that it
never shows on the live panel.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from workbench.clock import FixedClock
from workbench.errors import InvalidInput
from workbench.records import (
    Allergy,
    Barrier,
    BarrierStatus,
    CarePlan,
    Condition,
    Consent,
    CONSENT_DISCLOSURES,
    Goal,
    Intervention,
    Medication,
    Patient,
    PatientBundle,
    Person,
)

from training.model import Scenario

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
    bundle.conditions = [c if c.chronic is None or c.chronic_reason else
                         dataclasses.replace(c, chronic=None) for c in bundle.conditions]
    return bundle


def _person(d) -> Person:
    return Person(name=d.name, relationship=d.relationship, phone=str(d.phone),
                  authorized=d.authorized)


def plan_from_spec(spec, today: date) -> CarePlan:
    """A CarePlan from the scenario's text fields, goals and interventions."""
    goals = tuple(Goal(g.description, g.measure, g.target,
                       today + timedelta(days=g.due_in_days) if g.due_in_days is not None else None)
                  for g in spec.goals)
    interventions = tuple(Intervention(i.description, i.responsible, i.frequency)
                          for i in spec.interventions)
    return CarePlan(goals=goals, interventions=interventions, **(spec.model_extra or {}))


def build_bundle(scenario: Scenario, patient_id: str, scope: str, today: date, seed: int,
                 preset_loader: PresetLoader | None = None) -> PatientBundle:
    """The PatientBundle for one attempt: the scenario's patient under a fresh id and scope."""
    spec = scenario.patient
    if spec.inline is not None:
        p = spec.inline
        bundle = PatientBundle(patient=Patient(
            id=patient_id, first_name=p.first_name, last_name=p.last_name,
            birth_date=p.birth_date, sex=p.sex, state=p.state, language=p.language,
            phone=str(p.phone), address=p.address))
    else:
        loader = preset_loader or default_preset_loader
        bundle = loader(spec.preset.name, spec.preset.index, seed)
        bundle = dataclasses.replace(bundle, conditions=list(bundle.conditions),
                                     medications=list(bundle.medications))
    o = spec.overrides
    changes: dict = {"id": patient_id, "scope": scope}
    for key in ("language", "phone", "address"):
        if getattr(o, key) is not None:
            changes[key] = str(getattr(o, key))
    if o.persona is not None:
        changes["persona"] = dict(o.persona)
    if o.contact_preferences is not None:
        changes["contact_preferences"] = dict(o.contact_preferences)
    if o.caregiver is not None:
        changes["caregiver"] = _person(o.caregiver)
    if o.emergency_contacts is not None:
        changes["emergency_contacts"] = tuple(_person(x) for x in o.emergency_contacts)
    bundle.patient = dataclasses.replace(bundle.patient, **changes)
    if o.conditions is not None:
        bundle.conditions = [Condition(icd10=c.icd10, display=c.display, chronic=c.chronic)
                             for c in o.conditions]
    if o.medications is not None:
        bundle.medications = [Medication(name=m.name, dose=str(m.dose), frequency=m.frequency,
                                         indication=m.indication) for m in o.medications]
    if o.allergies is not None:
        bundle.allergies = [Allergy(a["substance"], a.get("reaction", "")) for a in o.allergies]
    if o.barriers is not None:
        bundle.barriers = [Barrier(patient_id, b.domain, b.description, BarrierStatus(b.status))
                           for b in o.barriers]
    else:
        bundle.barriers = [dataclasses.replace(b, patient_id=patient_id) for b in bundle.barriers]
    if o.consent is not None:
        bundle.consent = Consent(patient_id=patient_id, method=o.consent.method,
                                 consent_date=today - timedelta(days=o.consent.days_ago),
                                 obtained_by="", disclosures={k: True for k in CONSENT_DISCLOSURES})
    elif bundle.consent is not None:
        bundle.consent = dataclasses.replace(bundle.consent, patient_id=patient_id)
    if o.care_plan is not None:
        bundle.care_plan = plan_from_spec(o.care_plan, today)
    return bundle


def seed_patient(wb, bundle: PatientBundle, before: datetime, record=None) -> None:
    """Write a patient and their history as the workbench system user, dated a day before
    ``before``: nothing the patient came with is the trainee's, or inside their calls. With the
    attempt's ``record``, the patient is registered as that trainee's practice patient (the store
    then lets only that trainee and supervisors open it)."""
    from workbench.service import SYSTEM_USER

    seeder = wb.as_user(SYSTEM_USER.id, clock=FixedClock(before - timedelta(days=1)))
    if bundle.consent is not None and not bundle.consent.obtained_by:
        bundle.consent = dataclasses.replace(bundle.consent, obtained_by=SYSTEM_USER.id)
    if record is None:
        seeder.add_patient(bundle)
    else:
        seeder.add_training_patient(bundle, record.id, record.trainee_id, record.scenario_id, record.seed)


def seed_case(wb, record, scenario: Scenario, patient_id: str, seed: int,
              preset_loader: PresetLoader | None = None):
    """Create a scenario's patient in the attempt's scope; return its CaseState."""
    from training.attempts import CaseState

    start = record.sim_start
    today = start.astimezone(ZoneInfo(wb.settings.timezone)).date()
    bundle = build_bundle(scenario, patient_id, f"training:{record.id}", today, seed, preset_loader)
    seed_patient(wb, bundle, start, record)
    return CaseState(patient_id=patient_id, scenario_id=scenario.id)
