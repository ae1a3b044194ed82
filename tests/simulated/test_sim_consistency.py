"""Clinical consistency of a generated panel: medicines, observations, screenings, codes."""

from __future__ import annotations

from datetime import date

import simple_icd_10_cm as icd
from hypothesis import given, settings
from hypothesis import strategies as st

from simulated_patients import generate_panel
from simulated_patients.catalog import load_catalog

CAT = load_catalog()
LIMITS = {o.loinc: (o.min, o.max) for o in CAT.observations.values()}
#: independent physiological bounds for the main measures (not read from the catalog)
HARD = {"4548-4": (3.5, 18), "8480-6": (70, 250), "8462-4": (40, 140), "29463-7": (70, 500),
        "62238-1": (5, 150), "13457-7": (20, 400)}
START = date(2026, 11, 1)


def test_every_medication_indication_is_one_of_the_patients_conditions(big_panel):
    n = 0
    for b in big_panel.patients:
        codes = {c.icd10 for c in b.conditions}
        for m in b.medications:
            assert m.indication in codes, (b.patient.id, m.name, m.indication)
            n += 1
        assert len({m.rxnorm for m in b.medications}) == len(b.medications)
    assert n > 10_000


def test_no_observation_outside_physiological_ranges(big_panel):
    for b in big_panel.patients:
        for o in b.observations:
            lo, hi = LIMITS[o.loinc]
            assert lo <= o.value <= hi, (b.patient.id, o)
            if o.loinc in HARD:
                assert HARD[o.loinc][0] <= o.value <= HARD[o.loinc][1]


def test_observations_cover_the_12_months_before_start(big_panel):
    for b in big_panel.patients[:2000]:
        for o in b.observations:
            assert date(2025, 11, 1) <= o.effective < START


def _has(b, loinc):
    return any(o.loinc == loinc for o in b.observations)


def test_observations_follow_conditions(big_panel):
    for b in big_panel.patients:
        codes = {c.icd10 for c in b.conditions}
        diabetic = any(c.startswith("E11") for c in codes)
        assert _has(b, "4548-4") == diabetic, b.patient.id
        if "I10" in codes:
            assert sum(o.loinc == "8480-6" for o in b.observations) >= 12
        if any(c.startswith("I50") for c in codes):
            assert sum(o.loinc == "29463-7" for o in b.observations) >= 12
        if any(c.startswith("N18") for c in codes):
            assert _has(b, "62238-1")
        # systolic and diastolic come in pairs on the same day
        sys_days = sorted(o.effective for o in b.observations if o.loinc == "8480-6")
        dia_days = sorted(o.effective for o in b.observations if o.loinc == "8462-4")
        assert sys_days == dia_days


def test_a1c_higher_in_diabetics_and_egfr_follows_ckd_stage(big_panel):
    a1c = [o.value for b in big_panel.patients for o in b.observations if o.loinc == "4548-4"]
    assert 6.8 <= sum(a1c) / len(a1c) <= 8.5
    stage4 = [o.value for b in big_panel.patients if any(c.icd10 == "N18.4" for c in b.conditions)
              for o in b.observations if o.loinc == "62238-1"]
    stage3a = [o.value for b in big_panel.patients if any(c.icd10 == "N18.31" for c in b.conditions)
               for o in b.observations if o.loinc == "62238-1"]
    assert max(stage4) < min(stage3a) + 15 and sum(stage4) / len(stage4) < 30 < sum(stage3a) / len(stage3a)


def test_screenings_have_realistic_gaps(big_panel):
    diabetics = [b for b in big_panel.patients if any(c.icd10.startswith("E11") for c in b.conditions)]
    eye_recent = sum(any(s.kind == "eye_exam" and (START - s.date).days <= 365 for s in b.screenings)
                     for b in diabetics) / len(diabetics)
    assert 0.45 <= eye_recent <= 0.75
    for b in diabetics:
        for s in b.screenings:
            if s.kind == "a1c":
                assert s.result.endswith("%")
    women = [b for b in big_panel.patients if b.patient.sex == "F" and 40 <= b.patient.age_on(START) <= 74]
    mammo = sum(any(s.kind == "mammography" and (START - s.date).days <= 730 for s in b.screenings)
                for b in women) / len(women)
    assert 0.55 <= mammo <= 0.85
    men = [b for b in big_panel.patients if b.patient.sex == "M"]
    assert not any(s.kind == "mammography" for b in men for s in b.screenings)


def test_every_code_in_the_panel_is_valid_and_billable(big_panel):
    codes = {c.icd10 for b in big_panel.patients for c in b.conditions}
    codes |= {x.z_code for b in big_panel.patients for x in b.barriers}
    assert len(codes) > 40
    for code in codes:
        assert icd.is_valid_item(code) and icd.is_leaf(code), code


def test_immunizations_and_allergies(big_panel):
    n = len(big_panel.patients)
    flu = sum(any(i.vaccine == "influenza" for i in b.immunizations) for b in big_panel.patients) / n
    assert 0.55 <= flu <= 0.75
    for b in big_panel.patients[:1000]:
        for i in b.immunizations:
            assert i.date < START and i.cvx
    pen = sum(any(a.substance == "penicillin" for a in b.allergies) for b in big_panel.patients) / n
    assert 0.07 <= pen <= 0.13


def test_care_plans_have_measurable_goals_and_known_ids(big_panel):
    plans = [b for b in big_panel.patients if b.care_plan is not None]
    assert 0.2 <= len(plans) / len(big_panel.patients) <= 0.5
    for b in plans[:500]:
        assert b.consent is not None and b.care_plan.problem_list
        assert b.care_plan.goals and all(g.measurable for g in b.care_plan.goals)
        assert all(g.due_date > b.consent.consent_date for g in b.care_plan.goals)


def test_contact_details_are_fictional(big_panel):
    for b in big_panel.patients[:2000]:
        assert "555-01" in b.patient.phone
        assert b.patient.email == "" or b.patient.email.split("@")[1] in {"example.com", "example.org", "example.net"}
        for p in b.patient.emergency_contacts:
            assert "555-01" in p.phone


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**40), size=st.integers(min_value=1, max_value=25))
def test_any_seed_gives_a_consistent_panel(seed, size):
    panel = generate_panel(size, seed)
    assert len(panel.patients) == size
    for b in panel.patients:
        codes = {c.icd10 for c in b.conditions}
        assert all(m.indication in codes for m in b.medications)
        assert all(LIMITS[o.loinc][0] <= o.value <= LIMITS[o.loinc][1] for o in b.observations)
        assert b.patient.birth_date < START
