"""Bad input: each case raises a clear error of the project's own and writes nothing."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import text

from workbench import records as r
from workbench.errors import InvalidInput, NotFound, WorkbenchError
from workbench.store.schema import CLINICAL_TABLES

ALL4 = dict.fromkeys(r.CONSENT_DISCLOSURES, True)
NOW = datetime(2026, 11, 10, 15, 0, tzinfo=UTC)

CASES = [
    # (id, call, expected exception, words the message must contain)
    ("end-before-start", lambda wb: wb.close_abandoned_timer(wb.start_timer("P00001").id, "fix",
                                                            ended_at=NOW - timedelta(minutes=5)),
     InvalidInput, "before the timer started"),
    ("zero-minutes", lambda wb: wb.log_time("P00001", 0, "care_plan", "x"), InvalidInput, "more than zero"),
    ("negative-minutes", lambda wb: wb.log_time("P00001", -5, "care_plan", "x"), InvalidInput, "more than zero"),
    ("over-12-hours", lambda wb: wb.log_time("P00001", 721, "care_plan", "x"), InvalidInput, "12 hours"),
    ("nan-minutes", lambda wb: wb.log_time("P00001", float("nan"), "care_plan", "x"), InvalidInput, "number"),
    ("minutes-as-text", lambda wb: wb.log_time("P00001", "20", "care_plan", "x"), InvalidInput, "number"),
    ("minutes-as-bool", lambda wb: wb.log_time("P00001", True, "care_plan", "x"), InvalidInput, "number"),
    ("entry-date-future", lambda wb: wb.log_time("P00001", 10, "care_plan", "x", service_date=date(2026, 12, 1)),
     InvalidInput, "future"),
    ("entry-start-future", lambda wb: wb.log_time("P00001", 10, "care_plan", "x",
                                                  started_at=NOW + timedelta(hours=1)), InvalidInput, "future"),
    ("entry-ends-in-future", lambda wb: wb.log_time("P00001", 30, "care_plan", "x",
                                                    started_at=NOW - timedelta(minutes=10)), InvalidInput, "future"),
    ("naive-datetime", lambda wb: wb.log_time("P00001", 10, "care_plan", "x",
                                              started_at=datetime(2026, 11, 9, 9, 0)), InvalidInput, "time zone"),
    ("bad-date-text", lambda wb: wb.log_time("P00001", 10, "care_plan", "x", service_date="11/09/2026"),
     InvalidInput, "YYYY-MM-DD"),
    ("consent-future", lambda wb: wb.record_consent("P00001", "verbal", date(2026, 11, 11), ALL4),
     InvalidInput, "future"),
    ("consent-missing-disclosure", lambda wb: wb.record_consent(
        "P00001", "verbal", date(2026, 11, 1), {**ALL4, "cost_sharing": False}), InvalidInput, "Cost sharing"),
    ("consent-bad-method", lambda wb: wb.record_consent("P00001", "telepathy", date(2026, 11, 1), ALL4),
     InvalidInput, "verbal"),
    ("unknown-patient", lambda wb: wb.log_time("P99999", 10, "care_plan", "x"), NotFound, "P99999"),
    ("unknown-patient-timer", lambda wb: wb.start_timer("P99999"), NotFound, "P99999"),
    ("unknown-staff", lambda wb: wb.as_user("S999"), NotFound, "S999"),
    ("unknown-billing-practitioner", lambda wb: wb.record_consent(
        "P00001", "verbal", date(2026, 11, 1), ALL4, billing_practitioner_id="S999"), NotFound, "S999"),
    ("empty-note", lambda wb: wb.log_time("P00001", 10, "care_plan", "   "), InvalidInput, "required"),
    ("note-too-long", lambda wb: wb.log_time("P00001", 10, "care_plan", "x" * 4001), InvalidInput, "limit"),
    ("note-wrong-type", lambda wb: wb.log_time("P00001", 10, "care_plan", 42), InvalidInput, "text"),
    ("unknown-activity", lambda wb: wb.log_time("P00001", 10, "golf", "x"), InvalidInput, "golf"),
    ("unknown-service", lambda wb: wb.log_time("P00001", 10, "care_plan", "x", service="XYZ"), InvalidInput, "XYZ"),
    ("patient-id-wrong-type", lambda wb: wb.log_time(42, 10, "care_plan", "x"), InvalidInput, "text"),
    ("empty-care-plan-reason", lambda wb: wb.revise_care_plan("P00001", r.CarePlan(), 0, ""), InvalidInput,
     "reason"),
    ("care-plan-not-a-plan", lambda wb: wb.revise_care_plan("P00001", {"problem_list": "x"}, 0, "r"),
     InvalidInput, "CarePlan"),
    ("revoke-without-consent", lambda wb: wb.revoke_consent("P00001", date(2026, 11, 5), "stop"),
     InvalidInput, "no active consent"),
    ("void-unknown-entry", lambda wb: wb.void_time(12345, "typo"), NotFound, "12345"),
    ("void-without-reason", lambda wb: wb.void_time(1, ""), InvalidInput, "reason"),
    ("contact-bad-channel", lambda wb: wb.log_contact("P00001", "pigeon", "reached"), InvalidInput, "pigeon"),
    ("contact-future", lambda wb: wb.log_contact("P00001", "phone", "reached",
                                                 contacted_at=NOW + timedelta(days=1)), InvalidInput, "future"),
    ("ems-without-consent-answer", lambda wb: wb.record_escalation_step(
        wb.open_escalation("P00001", "confused").id, "ems_called"), InvalidInput, "agreed"),
    ("escalation-empty-reason", lambda wb: wb.open_escalation("P00001", ""), InvalidInput, "reason"),
    ("attest-not-practitioner", lambda wb: wb.attest_month("P00001", "2026-11", True, True), WorkbenchError,
     "physician"),
    ("bad-month", lambda wb: wb.time_entries("P00001", "2026-13"), InvalidInput, "YYYY-MM"),
]


def _counts(wb):
    with wb.engine.connect() as conn:
        return {t: conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar_one() for t in CLINICAL_TABLES}


@pytest.mark.parametrize("case_id,call,exc,words", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_refused_and_nothing_written(wb, case_id, call, exc, words):
    before = _counts(wb)
    with pytest.raises(exc) as err:
        call(wb)
    assert isinstance(err.value, WorkbenchError)
    assert words.lower() in str(err.value).lower()
    after = _counts(wb)
    # Cases whose setup had to write something first (a timer, an escalation) may add exactly
    # that setup row; the refused call itself adds nothing.
    setup = {"end-before-start": {"timers"}, "ems-without-consent-answer": {"escalations"}}
    changed = {t for t in CLINICAL_TABLES if after[t] != before[t]}
    assert changed == setup.get(case_id, set())


def test_script_tag_in_a_note_is_stored_verbatim(wb):
    note = '<script>alert("x")</script> & called'
    entry = wb.log_time("P00001", 10, "patient_call", note)
    assert wb.time_entries("P00001")[0].note == note == entry.note
