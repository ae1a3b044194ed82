"""Calibration of a 10,000-patient panel to Medicare FFS: within 3 points."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from simulated_patients.calibration import fit_subset_model
from simulated_patients.catalog import load_catalog

CAT = load_catalog()
CCW = {c.key: c for c in CAT.calibrated}
TARGETS = {"hypertension": 0.59, "hyperlipidemia": 0.50, "arthritis": 0.35, "ischemic_heart_disease": 0.28,
           "diabetes": 0.275, "ckd": 0.26, "anemia": 0.23, "depression": 0.19, "hypothyroidism": 0.165,
           "heart_failure": 0.15}
BUCKETS = {"0-1": 0.32, "2-3": 0.32, "4-5": 0.23, "6+": 0.14}
TOL = 0.03


def keys_of(bundle) -> set[str]:
    return {CAT.condition_for_code(c.icd10).key for c in bundle.conditions}


@pytest.fixture(scope="module")
def keysets(big_panel):
    return [keys_of(b) for b in big_panel.patients]


@pytest.mark.parametrize("key,target", sorted(TARGETS.items()))
def test_prevalence_within_3_points(keysets, key, target):
    share = sum(key in k for k in keysets) / len(keysets)
    assert abs(share - target) <= TOL, f"{key}: {share:.3f} vs {target}"


def bucket(n: int) -> str:
    return "0-1" if n <= 1 else "2-3" if n <= 3 else "4-5" if n <= 5 else "6+"


@pytest.mark.parametrize("name,target", sorted(BUCKETS.items()))
def test_ccw_condition_count_buckets_within_3_points(keysets, name, target):
    counts = Counter(bucket(len(k & CCW.keys())) for k in keysets)
    share = counts[name] / len(keysets)
    assert abs(share - target) <= TOL, f"{name}: {share:.3f} vs {target}"


@pytest.mark.parametrize("a,b", [("hypertension", "hyperlipidemia"), ("hypertension", "diabetes"),
                                 ("hypertension", "ckd"), ("heart_failure", "copd"), ("diabetes", "ckd")])
def test_common_pairs_more_common_than_chance(keysets, a, b):
    n = len(keysets)
    pa = sum(a in k for k in keysets) / n
    pb = sum(b in k for k in keysets) / n
    pab = sum(a in k and b in k for k in keysets) / n
    assert pab > 1.1 * pa * pb, f"{a}+{b}: {pab:.3f} vs chance {pa * pb:.3f}"


def test_age_mostly_65_plus_with_some_under_65(big_panel):
    ages = [b.patient.age_on(date(2026, 11, 1)) for b in big_panel.patients]
    under = sum(a < 65 for a in ages) / len(ages)
    assert 0.08 <= under <= 0.18
    assert all(18 <= a <= 105 for a in ages)
    women = sum(b.patient.sex == "F" for b in big_panel.patients) / len(ages)
    assert 0.5 <= women <= 0.58


def test_sex_specific_conditions(big_panel):
    for b in big_panel.patients:
        codes = {c.icd10 for c in b.conditions}
        if b.patient.sex == "F":
            assert not codes & {"N40.0", "N40.1", "C61"}
        else:
            assert not any(c.startswith("C50") for c in codes) and "M81.0" not in codes


def test_languages_contact_personas_and_sdoh_rates(big_panel):
    n = len(big_panel.patients)
    langs = Counter(b.patient.language for b in big_panel.patients)
    assert 0.84 <= langs["English"] / n <= 0.92 and 0.05 <= langs["Spanish"] / n <= 0.10
    assert len(langs) >= 6
    domains = Counter(str(x.domain) for b in big_panel.patients for x in b.barriers)
    assert 0.20 <= domains["lives_alone"] / n <= 0.35
    assert 0.06 <= domains["food"] / n <= 0.14
    assert 0.04 <= domains["transportation"] / n <= 0.11
    assert 0.005 <= domains["safety"] / n <= 0.04
    for b in big_panel.patients[:500]:
        assert set(b.patient.persona) == {"adherence", "health_literacy", "mood", "reachability"}
        assert b.patient.contact_preferences["channel"] in {"phone", "text", "portal", "email", "letter"}
    caregivers = sum(b.patient.caregiver is not None for b in big_panel.patients) / n
    assert 0.15 <= caregivers <= 0.45


def test_consent_for_most_eligible_and_valid(big_panel):
    eligible = [b for b in big_panel.patients if len(b.conditions) >= 2]
    share = sum(b.consent is not None for b in eligible) / len(eligible)
    assert 0.75 <= share <= 0.95
    staff = {u.id: u for u in big_panel.staff}
    for b in big_panel.patients:
        if b.consent is None:
            continue
        assert len(b.conditions) >= 2
        assert b.consent.consent_date < date(2026, 11, 1)
        assert all(b.consent.disclosures.values()) and len(b.consent.disclosures) == 4
        assert b.consent.obtained_by in staff
        assert b.consent.billing_practitioner_id == b.patient.billing_practitioner_id


def test_fitted_model_marginals_exact():
    model = fit_subset_model(CAT)
    for key, target in TARGETS.items():
        assert abs(model.marginals[key] - target) < 1e-4
    assert model.cumulative[-1] == pytest.approx(1.0)


# ------------------------------------------------ every chronic condition: 2+ like Medicare FFS

def test_two_or_more_chronic_conditions_like_medicare(big_panel):
    """CMS Chronic Conditions Warehouse: about 68 % of Medicare FFS beneficiaries have 2+ chronic
    conditions. Counted over every condition of the catalog, distinct ICD-10-CM categories."""
    n = len(big_panel.patients)
    share = sum(len({c.icd10[:3] for c in b.conditions}) >= 2 for b in big_panel.patients) / n
    assert abs(share - 0.68) <= 0.05, f"{share:.3f}"


def test_about_a_third_of_the_panel_is_not_ccm_eligible(big_panel):
    from workbench.rules import assess_eligibility

    n = len(big_panel.patients)
    eligible = sum(assess_eligibility(b.conditions).ccm_eligible for b in big_panel.patients) / n
    assert abs(eligible - 0.68) <= 0.05, f"{eligible:.3f}"


@pytest.mark.parametrize("few", [0.0, 0.05, 0.5, 1.0])
def test_others_factor_keeps_each_rate_on_average(few):
    from simulated_patients.calibration import subset_model
    from simulated_patients.clinical import others_factor

    counts = subset_model().count_distribution
    f = others_factor(counts, few)
    assert f[0] == f[1] == few and len(set(f[2:])) == 1 and f[2] >= 1
    assert sum(p * x for p, x in zip(counts, f, strict=True)) == pytest.approx(1.0)


def test_others_factor_refuses_nonsense():
    from simulated_patients.clinical import others_factor

    with pytest.raises(ValueError):
        others_factor([0.3, 0.3, 0.4], 1.5)


def test_other_conditions_keep_their_rates(big_panel, monkeypatch):
    """The clustering moves the other conditions onto multimorbid patients without changing how
    common each one is: within the calibrated conditions' 3 points of a panel drawn without it."""
    import dataclasses

    from simulated_patients import clinical, generate_panel
    from simulated_patients import generator as gen

    plain = dataclasses.replace(clinical.tables(), others_factor=())
    monkeypatch.setattr(gen, "tables", lambda: plain)
    unclustered = generate_panel(5_000, seed=11)
    others = {c.key for c in CAT.others}

    def shares(panel):
        counts = Counter(k for b in panel.patients for k in keys_of(b) & others)
        return {k: counts[k] / len(panel.patients) for k in others}

    with_, without = shares(big_panel), shares(unclustered)
    for key in sorted(others):
        assert abs(with_[key] - without[key]) <= TOL, f"{key}: {with_[key]:.3f} vs {without[key]:.3f}"
