"""A patient's default timer activity (pure rule): escalation, then care transition, then a call."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.records import Activity
from workbench.rules.default_activity import default_activity
from workbench.rules.why_now import DISCHARGE_WINDOW_DAYS, Facts, reasons


@pytest.mark.parametrize("open_escalations,days_since_discharge,expected", [
    (0, None, Activity.PATIENT_CALL),
    (1, None, Activity.ESCALATION),
    (3, None, Activity.ESCALATION),
    (0, 0, Activity.CARE_TRANSITION),  # the day of the discharge
    (0, 29, Activity.CARE_TRANSITION),  # the last day of the window
    (0, 30, Activity.PATIENT_CALL),  # the window is over
    (0, -1, Activity.PATIENT_CALL),  # a contact dated after today does not count
    (1, 2, Activity.ESCALATION),  # an open escalation comes before a discharge
    (0, 400, Activity.PATIENT_CALL),
])
def test_default_activity_table(open_escalations, days_since_discharge, expected):
    assert default_activity(open_escalations, days_since_discharge) is expected


@given(st.integers(0, 5), st.one_of(st.none(), st.integers(-5, 2 * DISCHARGE_WINDOW_DAYS)))
def test_the_default_follows_the_most_urgent_why_now_reason(n, days):
    """The default is the activity of the worklist's most urgent escalation/discharge reason."""
    found = [x.code for x in reasons(Facts(open_escalations=n, days_since_discharge=days))]
    expected = {"escalation": Activity.ESCALATION, "post_discharge": Activity.CARE_TRANSITION}
    assert default_activity(n, days) is (expected[found[0]] if found else Activity.PATIENT_CALL)
