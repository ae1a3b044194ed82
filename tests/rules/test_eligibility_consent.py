"""Catalog, eligibility (reference, "Who is eligible"), consent (reference, "Consent") and the
state staffing rule (reference, "Who may do the work")."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rules_builders import PID, consent, d

from workbench.records import Condition, ConsentMethod, Consent, Credential, Role, User
from workbench.rules import (CATEGORIES, StaffingRule, assess_eligibility, chronic_category, consent_status,
                             is_complex)


@pytest.mark.parametrize("code, category", [
    ("I10", "Hypertension"), ("I16.0", "Hypertension"), ("I17", None),
    ("E11.9", "Diabetes"), ("e08.00", "Diabetes"), ("E13.9", "Diabetes"), ("E14", None),
    ("N18.3", "Chronic kidney disease"), ("N19", None),
    ("I50.22", "Heart failure"), ("J44.1", "COPD"), ("J45.909", "Asthma"),
    ("C50.911", "Cancer"), ("G30.9", "Alzheimer's and related dementia"), ("G31.9", None),
    ("E78.5", "Hyperlipidemia"), ("E78.6", None), ("F33.1", "Depression"), ("F41.1", None),
    ("I25.10", "Ischemic heart disease"), ("I48.91", "Atrial fibrillation"), ("G45.9", "Stroke/TIA"),
    ("M17.11", "Arthritis (osteoarthritis, rheumatoid)"), ("M81.0", "Osteoporosis"), ("N40.0", "Benign prostatic hyperplasia"),
    ("E03.9", "Hypothyroidism"), ("D63.1", "Anemia"), ("H40.11", "Glaucoma"), ("B20", "HIV/AIDS"),
    ("F10.20", "Substance use disorder"), ("F84.0", "Autism spectrum disorder"), ("H25.9", "Cataract"),
    ("Z00.00", None), ("", None), ("??", None),
])
def test_chronic_category(code, category) -> None:
    assert chronic_category(code) == category


def test_every_complex_category_exists() -> None:
    assert is_complex("Diabetes") and not is_complex("Hypertension") and not is_complex(None)
    from workbench.rules import COMPLEX_CATEGORIES
    assert COMPLEX_CATEGORIES <= set(CATEGORIES)


C = Condition


@pytest.mark.parametrize("conditions, program, categories", [
    ((C("I10"), C("E11.9")), "CCM", ("Hypertension", "Diabetes")),
    ((C("E11.9"), C("E11.65")), "PCM", ("Diabetes",)),  # same category counts once
    ((C("I50.9"),), "PCM", ("Heart failure",)),
    ((C("I10"),), "none", ("Hypertension",)),
    ((), "none", ()),
    ((C("Z99.2"),), "none", ()),
    ((C("I10"), C("E11.9", chronic=False)), "none", ("Hypertension",)),  # clinician says not chronic
    ((C("I10"), C("G47.33", "Sleep apnea", chronic=True, chronic_reason="CPAP for years")), "CCM",
     ("Hypertension", "Other chronic condition: Sleep apnea")),
    ((C("I10"), C("G47.33", "Sleep apnea", chronic=True)), "none", ("Hypertension",)),  # no reason given
    ((C("J44.1"), C("N18.3"), C("I10")), "CCM", ("COPD", "Chronic kidney disease", "Hypertension")),
    ((C("G47.33", "Sleep apnea", chronic=True, chronic_reason="lifelong"),), "none",
     ("Other chronic condition: Sleep apnea",)),
])
def test_assess_eligibility(conditions, program, categories) -> None:
    result = assess_eligibility(conditions)
    assert result.program == program
    assert result.categories == categories
    assert result.reason


def test_clinician_reason_shows_in_the_reason() -> None:
    result = assess_eligibility([C("I10"), C("G47.33", "Sleep apnea", chronic=True, chronic_reason="CPAP for years")])
    assert "marked chronic by a clinician: CPAP for years" in result.reason


@given(st.lists(st.sampled_from(["I10", "E11.9", "N18.3", "Z00.0", "I50.9", "M81.0", "E11.65"]), max_size=6))
def test_ccm_exactly_when_two_distinct_categories(codes) -> None:
    result = assess_eligibility([C(code) for code in codes])
    categories = {chronic_category(code) for code in codes} - {None}
    assert (result.program == "CCM") == (len(categories) >= 2)


NOT_TOLD = {"service_explained": True, "cost_sharing": True, "one_practitioner": True, "stop_any_time": False}


@pytest.mark.parametrize("consents, on, today, valid, phrase", [
    ([], "2025-10-10", None, False, "without consent (none on record)"),
    ([consent("2025-10-20")], "2025-10-19", None, False, "before consent on 2025-10-20"),
    ([consent("2025-10-20")], "2025-10-20", None, True, "with consent"),
    ([consent("2025-10-01")], "2025-10-03", "2025-09-30", False, "under a consent dated in the future (2025-10-01)"),
    ([consent("2025-01-02", revoked="2025-10-12")], "2025-10-31", None, True, "with consent"),
    ([consent("2025-01-02", revoked="2025-10-12")], "2025-11-01", None, False,
     "after consent ended on 2025-10-31 (revoked 2025-10-12)"),
    ([consent("2025-01-02", revoked="2025-02-03")], "2025-02-28", None, True, "with consent"),
    ([consent(told=NOT_TOLD)], "2025-10-10", None, False, "under a consent missing disclosures (1 of 4)"),
    ([consent(told={})], "2025-10-10", None, False, "under a consent missing disclosures (4 of 4)"),
    # a new consent after a revocation covers again
    ([consent("2025-01-02", revoked="2025-03-03"), consent("2025-06-01")], "2025-10-10", None, True, "with consent"),
    # an older valid consent is not spoiled by a later incomplete one
    ([consent("2025-01-02"), consent("2025-06-01", told=NOT_TOLD)], "2025-10-10", None, True, "with consent"),
])
def test_consent_status(consents, on, today, valid, phrase) -> None:
    status = consent_status(consents, d(on), d(today) if today else None)
    assert status.valid is valid
    assert status.short == phrase
    assert status.reason


def test_missing_disclosure_named_for_the_care_manager() -> None:
    status = consent_status([consent(told=NOT_TOLD)], d("2025-10-10"))
    assert "They may stop at any time" in status.reason


@given(st.dates(min_value=d("2024-01-01"), max_value=d("2026-12-31")),
       st.dates(min_value=d("2024-01-01"), max_value=d("2026-12-31")))
def test_revocation_covers_exactly_to_the_end_of_its_month(revoked, on) -> None:
    c = Consent(PID, ConsentMethod.WRITTEN, d("2024-01-01"), "RN1", consent().disclosures, revoked_on=revoked)
    valid = consent_status([c], on).valid
    assert valid == ((on.year, on.month) <= (revoked.year, revoked.month))


@pytest.mark.parametrize("credential, state, flagged", [
    (Credential.CMA, "NJ", True), (Credential.CNA, "CA", True), (Credential.RMA, "pa", True),
    (Credential.CMA, "NY", False), (Credential.RN, "NJ", False), (Credential.LPN, "CA", False),
    (Credential.MD, "NJ", False), (None, "NJ", False), (Credential.CMA, None, False),
])
def test_staffing_rule(credential, state, flagged) -> None:
    user = User("S1", "Sam", Role.CARE_COORDINATOR, credential, state)
    flag = StaffingRule().flag(user)
    assert (flag is not None) is flagged
    if flagged:
        assert flag == f"staff {credential} in {state.upper()}: flagged by state staffing rule"


def test_staffing_rule_is_configurable() -> None:
    user = User("S1", "Sam", Role.CARE_COORDINATOR, Credential.CMA, "NY")
    assert StaffingRule(frozenset({"ny"})).flag(user) is not None
    assert StaffingRule(frozenset()).flag(User("S2", "Al", Role.CARE_COORDINATOR, Credential.CMA, "NJ")) is None
