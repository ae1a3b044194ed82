"""The catalog: every code valid and billable, every reference resolvable, sources named."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import simple_icd_10_cm as icd

from simulated_patients.catalog import HERE, load_catalog
from workbench.records import BarrierDomain

CAT = load_catalog()

CCW_2019 = {"hypertension": 0.59, "hyperlipidemia": 0.50, "arthritis": 0.35, "ischemic_heart_disease": 0.28,
            "diabetes": 0.275, "ckd": 0.26, "anemia": 0.23, "depression": 0.19, "hypothyroidism": 0.165,
            "heart_failure": 0.15}


def billable(code: str) -> bool:
    return icd.is_valid_item(code) and icd.is_leaf(code)


@pytest.mark.parametrize("code", sorted(CAT.all_icd10_codes()))
def test_every_catalog_icd10_code_is_valid_and_billable(code):
    assert billable(code), f"{code} is not a billable ICD-10-CM leaf code"


def test_billable_check_rejects_category_and_unknown_codes():
    # the check itself can fail: a category (not a leaf) and a made-up code
    assert not billable("E11")
    assert not billable("Z59.86")
    assert not billable("X99.999")


def test_condition_displays_match_icd10_descriptions():
    for spec in CAT.conditions.values():
        for c in spec.codes:
            assert icd.get_description(c.code) == c.display, c.code


def test_at_least_25_conditions_and_the_ten_ccw_targets():
    assert len(CAT.conditions) >= 25
    assert {c.key: c.ccw2019 for c in CAT.calibrated} == CCW_2019
    named = {"copd", "asthma", "atrial_fibrillation", "dementia", "osteoporosis", "bph", "cataract", "glaucoma",
             "stroke_tia", "hiv", "alcohol_use_disorder", "opioid_use_disorder"}
    assert named <= set(CAT.conditions)
    assert any(k.endswith("_cancer") for k in CAT.conditions)


def test_every_condition_has_codes_goals_and_measurable_goal_templates():
    for spec in CAT.conditions.values():
        assert spec.codes and spec.goals and spec.interventions, spec.key
        for g in spec.goals:
            assert "{due}" in g.description and g.target and g.months > 0, spec.key


def test_medication_lines_have_rxnorm_dose_and_frequency():
    for spec in CAT.conditions.values():
        lines = spec.medications + tuple(x for ls in spec.code_medications.values() for x in ls)
        for line in lines:
            assert 0 < line.p <= 1
            for o in line.options:
                assert re.fullmatch(r"\d{4,8}", o.rxnorm), (spec.key, o.name)
                assert o.dose and o.frequency
        for code in spec.code_medications:
            assert code in {c.code for c in spec.codes}


def test_observation_references_resolve_and_limits_are_ordered():
    for spec in CAT.conditions.values():
        for op in spec.observations:
            assert op.key in CAT.observations, (spec.key, op.key)
            o = CAT.observations[op.key]
            assert o.min <= op.mean <= o.max
        for _code, overrides in spec.code_observations.items():
            assert set(overrides) <= {op.key for op in spec.observations}
    for o in CAT.observations.values():
        assert re.fullmatch(r"\d{1,6}-\d", o.loinc) and o.min < o.max


@pytest.mark.parametrize("key,loinc", [("a1c", "4548-4"), ("systolic_bp", "8480-6"), ("diastolic_bp", "8462-4"),
                                       ("weight", "29463-7"), ("egfr", "62238-1"), ("ldl", "13457-7")])
def test_core_loinc_codes(key, loinc):
    assert CAT.observations[key].loinc == loinc


def test_sdoh_needs_cover_the_domains_with_z_codes():
    domains = {n.domain for n in CAT.needs}
    for d in ("housing", "food", "transportation", "utilities", "safety", "financial_strain", "lives_alone",
              "caregiver_strain", "medication_adherence"):
        assert d in domains
    for n in CAT.needs:
        BarrierDomain(n.domain)
        for v in n.variants:
            assert v.z_code.startswith("Z") and billable(v.z_code)


def test_every_catalog_file_names_its_sources():
    for path in Path(HERE).glob("*.yaml"):
        head = path.read_text(encoding="utf-8")[:3000]
        assert "Source" in head, path.name
