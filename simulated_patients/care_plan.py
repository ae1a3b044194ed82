"""A starting comprehensive care plan for a simulated patient.

Fills the CMS elements (reference, "The comprehensive care plan") from the catalog's goal
and intervention templates, the patient's medicines, allergies, immunizations, screenings
and social needs. ``complete=False`` leaves a few elements empty on purpose, as real first
drafts often are, so trainees have something to find (care-plan completeness check).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from simulated_patients.catalog import Catalog
from simulated_patients.clinical import months_after
from workbench.records import CarePlan, Goal, Intervention, PatientBundle


def build_care_plan(bundle: PatientBundle, catalog: Catalog, start: date, *, complete: bool = True) -> CarePlan:
    """The first version of the plan, dated from ``start`` (goal due dates follow it)."""
    p = bundle.patient
    specs = [catalog.condition_for_code(c.icd10) for c in bundle.conditions]
    specs = [s for s in specs if s is not None]
    goals = tuple(
        Goal(description=g.description.format(due=months_after(start, g.months).isoformat()), measure=g.measure,
             target=g.target, due_date=months_after(start, g.months))
        for s in specs for g in s.goals[:1]
    )
    interventions = tuple(Intervention(description=i.description, responsible=i.responsible, frequency=i.frequency)
                          for s in specs for i in s.interventions[:1])
    problems = "; ".join(f"{c.icd10} {c.display}" for c in bundle.conditions)
    meds = "; ".join(f"{m.name} {m.dose} {m.frequency} (for {m.indication})" for m in bundle.medications)
    barriers = [b for s in specs for b in s.barriers[:1]]
    needs = "; ".join(f"{b.description} ({b.z_code}, {b.status})" for b in bundle.barriers)
    lives_alone = any(b.domain == "lives_alone" for b in bundle.barriers)
    cognitive = ("Memory problems; needs help with medicines and appointments"
                 if any(s.key == "dementia" for s in specs) else "Alert and oriented; independent in daily activities")
    plan = CarePlan(
        problem_list=problems,
        expected_outcome_prognosis="Stable with support; aim to avoid hospital stays and keep independence",
        goals=goals,
        cognitive_functional_assessment=cognitive,
        symptom_management="; ".join(barriers) or "No active symptoms reported",
        interventions=interventions,
        medication_management=meds or "No regular medicines",
        environmental_evaluation="Lives alone; check home safety" if lives_alone else "Lives with family; home is safe",
        caregiver_assessment=(f"{p.caregiver.name} ({p.caregiver.relationship}) helps"
                              + (", authorized to discuss care" if p.caregiver.authorized else ", not yet authorized"))
        if p.caregiver else "No caregiver",
        coordination="Primary care practice; specialists as listed in the problem list; community resources as needed",
        periodic_review="Review at least every 12 months and after any hospital stay or ER visit",
        revision_notes="",
        allergies="; ".join(f"{a.substance} ({a.reaction})" for a in bundle.allergies) or "No known allergies",
        immunizations="; ".join(f"{i.vaccine} {i.date.isoformat()}" for i in bundle.immunizations) or "None recorded",
        preventive_screenings="; ".join(f"{s.kind} {s.date.isoformat()}" for s in bundle.screenings) or "None recorded",
        surgical_history="",
        family_history="",
        sdoh_needs=needs or "No social needs found on screening",
    )
    if not complete:
        plan = replace(plan, caregiver_assessment="", environmental_evaluation="")
    return plan
