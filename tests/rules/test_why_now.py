"""The worklist's "why now" reasons and the one rounding rule for minutes (pure rules)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.rules import rule_table_for
from workbench.rules.minutes import minutes_text, whole_minutes, whole_of
from workbench.rules.why_now import CODES, TONES, Facts, reasons, threshold_reason, urgency

THRESHOLDS = tuple(rule_table_for("2026-11").staff_thresholds())
OK = dict(billable_program=True, consent_valid=True, thresholds=THRESHOLDS, days_left=12)


def test_the_thresholds_come_from_the_rule_table():
    assert THRESHOLDS[:3] == (20, 40, 60)


@pytest.mark.parametrize("facts,expected", [
    (Facts(), []),
    (Facts(open_escalations=1), [("escalation", "Escalation open", "danger")]),
    (Facts(open_escalations=2), [("escalation", "2 escalations open", "danger")]),
    (Facts(days_since_discharge=3), [("post_discharge", "Post-discharge day 3", "danger")]),
    (Facts(days_since_discharge=30), []),  # the 30-day window is over
    (Facts(days_since_discharge=-1), []),  # a contact dated after the day asked about
    (Facts(minutes=11, **OK), [("threshold", "9 min to reach 20, 12 days left", "warn")]),
    (Facts(minutes=39, **{**OK, "days_left": 1}), [("threshold", "1 min to reach 40, 1 day left", "warn")]),
    (Facts(minutes=THRESHOLDS[-1], **OK), []),  # the last threshold is met: nothing owed
    (Facts(minutes=5, billable_program=True, consent_valid=False, thresholds=THRESHOLDS),
     [("consent_call", "Consent call needed", "warn")]),
    (Facts(minutes=5, billable_program=False, consent_valid=False, thresholds=THRESHOLDS), []),
    (Facts(phq_due=True), [("phq_due", "PHQ due", "info")]),
    (Facts(care_gaps=1), [("care_gaps", "1 care gap", "info")]),
    (Facts(care_gaps=3), [("care_gaps", "3 care gaps", "info")]),
    (Facts(timer_running=True), [("timer_running", "Timer running", "ok")]),
    (Facts(open_escalations=1, days_since_discharge=2, phq_due=True, minutes=0, **OK),
     [("escalation", "Escalation open", "danger"), ("post_discharge", "Post-discharge day 2", "danger"),
      ("threshold", "20 min to reach 20, 12 days left", "warn"), ("phq_due", "PHQ due", "info")]),
])
def test_reasons(facts, expected):
    assert [(x.code, x.sentence, x.tone) for x in reasons(facts)] == expected


@pytest.mark.parametrize("closer,farther", [
    # 9 minutes from 20 with days left comes before a patient who owes a whole threshold
    (Facts(minutes=11, **OK), Facts(minutes=0, **OK)),
    (Facts(minutes=35, **OK), Facts(minutes=21, **OK)),
    # fewer days left is sooner for the same minutes owed
    (Facts(minutes=0, **{**OK, "days_left": 3}), Facts(minutes=0, **{**OK, "days_left": 20})),
    # an escalation before everything; a fresh discharge before minutes
    (Facts(open_escalations=1), Facts(days_since_discharge=0, minutes=19, **OK)),
    (Facts(days_since_discharge=5), Facts(minutes=19, **OK)),
    (Facts(days_since_discharge=1), Facts(days_since_discharge=8)),
    # minutes owed before a consent call, a consent call before a PHQ screen
    (Facts(minutes=0, **OK), Facts(billable_program=True, thresholds=THRESHOLDS)),
    (Facts(billable_program=True, thresholds=THRESHOLDS), Facts(phq_due=True)),
    (Facts(phq_due=True), Facts(care_gaps=4)),
    (Facts(care_gaps=1), Facts(timer_running=True)),
])
def test_urgency_order(closer, farther):
    assert urgency(reasons(closer)) > urgency(reasons(farther))


facts = st.builds(Facts, open_escalations=st.integers(0, 3), billable_program=st.booleans(),
                  consent_valid=st.booleans(), minutes=st.integers(0, 90), thresholds=st.just(THRESHOLDS),
                  days_left=st.integers(1, 31), days_since_discharge=st.none() | st.integers(-2, 40),
                  phq_due=st.booleans(), care_gaps=st.integers(0, 6), timer_running=st.booleans())


@settings(max_examples=200, deadline=None)
@given(facts)
def test_reasons_are_typed_sorted_and_unique(f):
    found = reasons(f)
    assert [x.weight for x in found] == sorted((x.weight for x in found), reverse=True)
    assert len({x.code for x in found}) == len(found)
    assert all(x.code in CODES and x.tone == TONES[x.code] and x.sentence for x in found)
    assert (f.open_escalations > 0) == any(x.code == "escalation" for x in found)
    assert urgency(found) >= (found[0].weight if found else 0)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 200), st.integers(1, 31))
def test_threshold_reason_names_the_next_threshold(minutes, days):
    found = threshold_reason(minutes, THRESHOLDS, days)
    above = [t for t in THRESHOLDS if t > minutes]
    if not above:
        assert found is None
    else:
        assert found.sentence.startswith(f"{above[0] - minutes} min to reach {above[0]}, {days} day")


@pytest.mark.parametrize("seconds,minutes", [
    (0, 0), (59, 0), (60, 1), (589, 9), (599, 9), (600, 10), (1199, 19), (1200, 20),
    (-5, 0), (None, 0), (float("nan"), 0), (59.99, 0), (1200.0, 20),
])
def test_whole_minutes(seconds, minutes):
    assert whole_minutes(seconds) == minutes


def test_the_bar_and_the_label_agree_at_9_min_49_s():
    assert whole_of(589 / 60) == whole_minutes(589) == 9 and minutes_text(589) == "9 min"


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 100_000))
def test_whole_minutes_never_rounds_up_and_is_monotone(seconds):
    m = whole_minutes(seconds)
    assert m * 60 <= seconds < (m + 1) * 60
    assert whole_minutes(seconds + 1) >= m
    assert whole_of(seconds / 60) == m
