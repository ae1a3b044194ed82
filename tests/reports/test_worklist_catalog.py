"""The worklist hands the rules only the conditions they can use (``_Catalog``): the answers
must be exactly those of the full lists (reference, "Who is eligible" and "Care gaps commonly
tracked")."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from workbench import records as r
from workbench.reports.worklist import _Catalog
from workbench.rules import assess_eligibility, care_gaps

#: Catalog codes of several categories (diabetes twice, complex and not), codes the catalog
#: does not know, and malformed ones.
CODES = ["E11.9", "E11.65", "e10.9", "I10", "I50.9", "J44.9", "N18.3", "F32.9", "Z00.00", "R51", "XYZ", "",
         "I48.91", "M17.11"]

conditions = st.lists(st.builds(
    r.Condition, icd10=st.sampled_from(CODES), display=st.sampled_from(["", "Named"]),
    chronic=st.sampled_from([None, True, False]), chronic_reason=st.sampled_from(["", "  ", "lifelong"])),
    max_size=6)


@settings(max_examples=300, deadline=None)
@given(conditions)
def test_eligibility_of_the_filtered_list_is_the_full_answer(conds):
    catalog = _Catalog()
    assert assess_eligibility(catalog.for_eligibility(conds)) == assess_eligibility(conds)


@settings(max_examples=200, deadline=None)
@given(conditions, st.integers(30, 90), st.sampled_from(["F", "M"]))
def test_care_gaps_of_the_filtered_list_are_the_full_answer(conds, age, sex):
    on = date(2026, 11, 23)
    catalog = _Catalog()
    kw = dict(age=age, sex=sex, screenings=[], immunizations=[], on=on)
    assert care_gaps(conditions=catalog.for_care_gaps(conds), **kw) == care_gaps(conditions=conds, **kw)


def test_filters_drop_what_the_rules_skip():
    catalog = _Catalog()
    conds = [r.Condition("E11.9"), r.Condition("I10", chronic=False), r.Condition("R51"),
             r.Condition("R51", chronic=True, chronic_reason="lifelong"), r.Condition("J44.9")]
    assert catalog.for_eligibility(conds) == [conds[0], conds[3], conds[4]]
    assert catalog.for_care_gaps(conds) == [conds[0]]
