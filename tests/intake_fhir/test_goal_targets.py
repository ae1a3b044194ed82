"""A Goal's target arrives in any of FHIR's detail[x] forms (Quantity, Range, CodeableConcept...)
and often several targets at once (systolic and diastolic): each is kept as words in the editor's
target, never dropped."""

from __future__ import annotations

from datetime import date

import pytest

from workbench.intake.fhir.plans import goal

A1C = {"text": "Hemoglobin A1c"}


def _goal(*targets: dict) -> dict:
    return {"resourceType": "Goal", "lifecycleStatus": "active", "description": {"text": "Better control"},
            "target": list(targets)}


@pytest.mark.parametrize("target, measure, text", [
    ({"measure": A1C, "detailString": "below 7.5 %"}, "Hemoglobin A1c", "below 7.5 %"),
    ({"measure": A1C, "detailQuantity": {"value": 7.0, "comparator": "<", "unit": "%"}}, "Hemoglobin A1c", "< 7 %"),
    ({"measure": A1C, "detailQuantity": {"value": 7.5, "code": "%"}}, "Hemoglobin A1c", "7.5 %"),
    ({"detailRange": {"low": {"value": 120, "unit": "mm[Hg]"}, "high": {"value": 139, "unit": "mm[Hg]"}}},
     "", "120-139 mm[Hg]"),
    ({"detailRange": {"low": {"value": 4, "unit": "days/wk"}}}, "", ">= 4 days/wk"),
    ({"detailRange": {"high": {"value": 180, "unit": "lb"}}}, "", "<= 180 lb"),
    ({"detailCodeableConcept": {"coding": [{"display": "Normal"}]}}, "", "Normal"),
    ({"detailInteger": 3}, "", "3"),
    ({"detailBoolean": True}, "", "yes"),
    ({"detailRatio": {"numerator": {"value": 1, "unit": "tablet"}, "denominator": {"value": 1, "unit": "day"}}},
     "", "1 tablet / 1 day"),
    ({"measure": A1C}, "Hemoglobin A1c", ""),
    ({"detailQuantity": {"unit": "%"}}, "", ""),  # a quantity without a value says nothing
])
def test_every_detail_form_is_kept_as_words(target, measure, text):
    g = goal(_goal({**target, "dueDate": "2027-03-01"}))
    assert (g.measure, g.target, g.due_date) == (measure, text, date(2027, 3, 1))


def test_several_targets_are_joined_each_with_its_measure_and_the_earliest_due_date():
    g = goal(_goal(
        {"measure": {"text": "Systolic blood pressure"}, "detailQuantity": {"value": 130, "comparator": "<",
                                                                            "unit": "mm[Hg]"},
         "dueDate": "2027-04-01"},
        {"measure": {"text": "Diastolic blood pressure"}, "detailQuantity": {"value": 80, "comparator": "<",
                                                                             "unit": "mm[Hg]"},
         "dueDate": "2027-02-01"}))
    assert g.measure == "Systolic blood pressure; Diastolic blood pressure"
    assert g.target == "Systolic blood pressure: < 130 mm[Hg]; Diastolic blood pressure: < 80 mm[Hg]"
    assert g.due_date == date(2027, 2, 1)


def test_a_goal_without_targets_has_none():
    g = goal({"resourceType": "Goal", "description": {"text": "Walk"}})
    assert (g.measure, g.target, g.due_date, g.status) == ("", "", None, "active")
