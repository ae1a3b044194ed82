"""A write sent twice is refused by the service, on both backends: the same PHQ-9 within a
minute, and manual minutes that overlap the same person's running timer on that patient."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from workbench import records as r
from workbench.errors import InvalidInput

NINE = [1, 1, 0, 2, 0, 1, 0, 0, 0]


def _consent(wb, pid="P00001"):
    wb.record_consent(pid, r.ConsentMethod.VERBAL, wb.today(), {k: True for k in r.CONSENT_DISCLOSURES})


def test_the_same_phq9_twice_within_a_minute_is_refused(wb, clock):
    wb.record_phq("P00001", "PHQ-9", NINE)
    clock.advance(seconds=20)
    with pytest.raises(InvalidInput, match="same answers was recorded for P00001 less than a minute ago"):
        wb.record_phq("P00001", "PHQ-9", NINE)
    assert wb.count("questionnaire_responses") == 1


@pytest.mark.parametrize("change", ["other answers", "other patient", "after a minute", "other instrument"])
def test_a_different_or_later_phq_is_recorded(wb, clock, change):
    wb.record_phq("P00001", "PHQ-9", NINE)
    if change == "other answers":
        wb.record_phq("P00001", "PHQ-9", [0] * 9)
    elif change == "other patient":
        wb.record_phq("P00002", "PHQ-9", NINE)
    elif change == "after a minute":
        clock.advance(seconds=61)
        wb.record_phq("P00001", "PHQ-9", NINE)
    else:
        wb.record_phq("P00001", "PHQ-2", NINE[:2])
    assert wb.count("questionnaire_responses") == 2


def test_manual_minutes_while_my_timer_runs_on_that_patient_are_refused(wb, clock):
    _consent(wb)
    wb.start_timer("P00001")
    clock.advance(minutes=5)
    with pytest.raises(InvalidInput, match="timer for P00001 has been running since 10:00"):
        wb.log_time("P00001", 3, "patient_call", "call")
    start = clock.now() - timedelta(minutes=8)  # 09:57-10:02: overlaps the timer from 10:00
    with pytest.raises(InvalidInput, match="Stop the timer first"):
        wb.log_time("P00001", 5, "patient_call", "call", started_at=start)
    assert wb.count("time_entries") == 0


def test_manual_minutes_that_do_not_overlap_are_recorded(wb, clock):
    _consent(wb)
    wb.start_timer("P00001")
    clock.advance(minutes=5)
    wb.log_time("P00002", 3, "patient_call", "another patient")
    wb.log_time("P00001", 4, "patient_call", "before the timer",
                started_at=datetime(2026, 11, 10, 14, 50, tzinfo=UTC))  # 09:50-09:54 New York
    wb.log_time("P00001", 4, "patient_call", "yesterday", service_date="2026-11-09")
    wb.as_user("S002").log_time("P00001", 3, "patient_call", "a colleague's call")
    assert wb.count("time_entries") == 4
