"""A starting comprehensive care plan for a simulated patient.

Fills the CMS elements (reference, "The comprehensive care plan") from the catalog's goal
and intervention templates, the patient's medicines, allergies, immunizations, screenings
and social needs. ``complete=False`` leaves a few elements empty on purpose, as real first
drafts often are, so trainees have something to find (care-plan completeness check).

The plan asserts nothing the record does not show: no assessment nobody made ("alert and
oriented", "home is safe") is written by default (those elements say what is still to assess),
and a goal or intervention about a medicine is written only for a patient taking it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from simulated_patients.catalog import Catalog
from simulated_patients.coherence import drug_class
from simulated_patients.clinical import months_after
from workbench.records import CarePlan, Goal, Intervention, PatientBundle


#: A goal or intervention naming one of these words needs a medicine that matches it.
NEEDS_MEDICINE = {
    "anticoagulant": lambda m: drug_class(m.name) == "anticoagulant",
    "allopurinol": lambda m: "allopurinol" in m.name.lower(),
    "levothyroxine": lambda m: "levothyroxine" in m.name.lower(),
    "iron-tablet": lambda m: "ferrous" in m.name.lower(),
    "inhaler": lambda m: "actuat" in m.name.lower() or "inhal" in m.name.lower(),
    "eye drop": lambda m: "ophthalmic" in m.name.lower(),
    "eye-drop": lambda m: "ophthalmic" in m.name.lower(),
}


def fits(text: str, medications) -> bool:
    """Whether a template's text asks for no medicine the patient does not take."""
    low = text.lower()
    return all(any(test(m) for m in medications) for word, test in NEEDS_MEDICINE.items() if word in low)


def build_care_plan(bundle: PatientBundle, catalog: Catalog, start: date, *, complete: bool = True) -> CarePlan:
    """The first version of the plan, dated from ``start`` (goal due dates follow it)."""
    p = bundle.patient
    specs = [catalog.condition_for_code(c.icd10) for c in bundle.conditions]
    specs = [s for s in specs if s is not None]
    meds = [m for m in bundle.medications if m.status == "active"]
    goals = tuple(
        Goal(description=g.description.format(due=months_after(start, g.months).isoformat()), measure=g.measure,
             target=g.target, due_date=months_after(start, g.months))
        for s in specs for g in [g for g in s.goals if fits(g.description, meds)][:1]
    )
    interventions = tuple(Intervention(description=i.description, responsible=i.responsible, frequency=i.frequency)
                          for s in specs for i in [i for i in s.interventions if fits(i.description, meds)][:1])
    problems = "; ".join(f"{c.icd10} {c.display}" for c in bundle.conditions)
    med_list = "; ".join(f"{m.name} {m.dose} {m.frequency} (for {m.indication})" for m in bundle.medications)
    barriers = [b for s in specs for b in s.barriers[:1]]
    needs = "; ".join(f"{b.description} ({b.z_code}, {b.status})" for b in bundle.barriers)
    lives_alone = any(b.domain == "lives_alone" for b in bundle.barriers)
    cognitive = ("Dementia on the problem list: assess memory and help needed with medicines and appointments"
                 if any(s.key == "dementia" for s in specs)
                 else "Not yet assessed: ask about memory, daily activities and help needed at the next call")
    plan = CarePlan(
        problem_list=problems,
        expected_outcome_prognosis="Stable with support; aim to avoid hospital stays and keep independence",
        goals=goals,
        cognitive_functional_assessment=cognitive,
        symptom_management=("Ask at each call about new or worse symptoms of the conditions on the problem "
                            "list; new or severe symptoms go to the RN the same day"),
        interventions=interventions,
        medication_management=(med_list or "No regular medicines") + (
            f". Barriers to ask about: {'; '.join(barriers)}" if barriers else ""),
        environmental_evaluation=("Lives alone (social needs screen); home safety not yet assessed" if lives_alone
                                  else "Not yet assessed: ask who lives at home and about home safety"),
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
