"""Every input reported as going wrong (silent loss, wrongly accepted, tracebacks, unclear
messages), through ``workbench import`` and the service API, on SQLite and PostgreSQL: refused
with a clear message and nothing written, or accepted and stored as stated."""

from __future__ import annotations

import sys
from datetime import date, datetime, timedelta, timezone, UTC
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cases import Accepted, Case, counts, patient_file, refused, run_case, time_file, time_row  # noqa: E402

from workbench import records as r
from workbench.errors import ImportRefused, InvalidInput, NotFound
from workbench.intake.importer import import_patients, import_staff
from workbench.intake.time_entries import import_time

NY = ZoneInfo("America/New_York")
TOLD = dict.fromkeys(r.CONSENT_DISCLOSURES, True)


def imp_time(text):
    return lambda wb, f: import_time(wb, f(text))


def imp_patients(text):
    return lambda wb, f: import_patients(wb, f(text))


def imp_staff(text):
    return lambda wb, f: import_staff(wb, f(text))


def patient_row(pid="Q100", *, birth="1950-02-03", sex="F", state="NY", conditions="I10", consent="", method=""):
    return ",".join([pid, "Quintessa", "Quill", birth, sex, state, conditions, consent, method])


def person(pid="Q200", **kw):
    base = dict(id=pid, first_name="Quintessa", last_name="Quill", birth_date=date(1950, 2, 3), sex="F", state="NY")
    return r.Patient(**{**base, **kw})


def stored_entry(external_id):
    def check(wb, summary):
        assert summary.added >= 1
        return [e for e in wb.time_entries("P00001") if e.external_id == external_id]
    return check


def _phq_dict(values):
    return {f"q{n}": a for n, a in enumerate(values, 1)}


def check_phq_escalation(wb, result):
    qr, esc = result
    assert qr.score == 1 and qr.answers == [0, 0, 0, 0, 0, 0, 0, 0, 1]
    assert esc is not None and esc.source == "phq9" and esc.is_open and "item 9" in esc.reason
    stored = [x for x in wb.chart("P00002").questionnaires if x.id == qr.id]
    assert stored[0].answers == [0, 0, 0, 0, 0, 0, 0, 0, 1]


def check_phq_no_escalation(wb, result):
    qr, esc = result
    assert esc is None and qr.score == 8
    stored = [x for x in wb.chart("P00002").questionnaires if x.id == qr.id][0]
    assert stored.answers == [1, 1, 1, 1, 1, 1, 1, 1, 0]  # the answers, never the keys


def check_e1165(wb, cond):
    assert cond.icd10 == "E11.65"
    assert [c.icd10 for c in wb.chart("P00001").conditions].count("E11.65") == 1
    before = counts(wb)
    with pytest.raises(InvalidInput, match="E11.65 is already on this patient's problem list"):
        wb.add_condition("P00001", r.Condition("e11.65"))
    assert counts(wb) == before


def _ensure_plan_v1(wb):
    if wb.care_plan("P00002") is None:
        wb.revise_care_plan("P00002", r.CarePlan(problem_list="HTN"), 0, "first plan")


def check_header_spaces(wb, summary):
    assert summary.added == 1
    assert wb.get_user("W001").name == "Wendy Spaced" and wb.get_user("W001").credential == r.Credential.RN


def check_note_at_limit(wb, summary):
    entry = [e for e in wb.time_entries("P00001") if e.external_id == "LIMIT-1"][0]
    assert len(entry.note) == 4000 and entry.seconds == 20 * 60


def check_numpy_minutes(wb, entry):
    assert entry.seconds == 7 * 60 and entry.manual


def check_numpy_void(wb, _):
    assert not [e for e in wb.time_entries("P00002") if e.note == "numpy void target"]


def _numpy_void(wb, _f):
    entry = wb.log_time("P00002", 5, "care_plan", "numpy void target")
    return wb.void_time(np.int64(entry.id), "typo")


PRESENT_NOTE = "Called about BP"

CASES = [
    # ------------------------------------------------------------------ silent loss
    Case("stray-opening-quote-swallows-rows", imp_time(time_file(
        time_row("SL1", note='"Called about BP'), time_row("SL2"), time_row("SL3"), time_row("SL4"))),
        refused("line 2:", "never closed", exc=ImportRefused, lines=(2,))),
    Case("stray-quote-closed-by-a-later-quote", imp_time(time_file(
        time_row("SL5", note='"Called about BP'), time_row("SL6"), time_row("SL7", note='said "fine'))),
        refused("line 2:", "doubled", exc=ImportRefused, lines=(2,))),
    Case("stray-quote-closed-at-a-separator", imp_time(time_file(
        time_row("SL8", note='"Called about BP'), time_row("SL9"), time_row("SL10", note='said "'))),
        refused("line 2:", "look like", "unbalanced", exc=ImportRefused, lines=(2,))),
    Case("unterminated-quote-at-the-end", imp_time(time_file(
        time_row("SL11"), time_row("SL12", note='"ends open'))),
        refused("line 3:", "never closed", exc=ImportRefused, lines=(3,))),
    # ------------------------------------------------------------------ wrongly accepted
    Case("duplicate-header-column", imp_time(time_file(
        time_row("WA1") + ",200", header=time_file(header="entry_id,patient_id,staff_id,started_at,ended_at,"
                                                         "minutes,activity,note,voids_entry_id,minutes").strip())),
        refused("'minutes' appears twice", "columns 6 and 10", exc=ImportRefused, lines=(1,))),
    Case("minutes-0.001-import", imp_time(time_file(time_row("WA2", minutes="0.001"))),
         refused("minutes 0.001 is less than one second", exc=ImportRefused, lines=(2,))),
    Case("minutes-1e-9-import", imp_time(time_file(time_row("WA3", minutes="1e-9"))),
         refused("minutes '1e-9' is not a number of minutes", exc=ImportRefused, lines=(2,))),
    Case("minutes-2_0-import", imp_time(time_file(time_row("WA4", minutes="2_0"))),
         refused("minutes '2_0' is not a number of minutes", exc=ImportRefused, lines=(2,))),
    Case("minutes-0.001-api", lambda wb, f: wb.log_time("P00001", 0.001, "care_plan", "x"),
         refused("Minutes 0.001", "less than one second", exc=InvalidInput)),
    Case("minutes-1e-9-api", lambda wb, f: wb.log_time("P00001", 1e-9, "care_plan", "x"),
         refused("Minutes 1e-09", "less than one second", exc=InvalidInput)),
    Case("icd-chapter-4-import", imp_patients(patient_file(patient_row("Q101", conditions="4"))),
         refused("'4' is a chapter of ICD-10-CM", exc=ImportRefused, lines=(2,))),
    Case("icd-block-E08-E13-import", imp_patients(patient_file(patient_row("Q102", conditions="E08-E13"))),
         refused("'E08-E13' is a block of ICD-10-CM", exc=ImportRefused, lines=(2,))),
    Case("icd-chapter-4-api", lambda wb, f: wb.add_condition("P00001", r.Condition("4")),
         refused("'4' is a chapter", exc=InvalidInput)),
    Case("icd-block-api", lambda wb, f: wb.add_condition("P00001", r.Condition("E08-E13")),
         refused("'E08-E13' is a block", exc=InvalidInput)),
    Case("icd-E110-and-E11.0-import", imp_patients(patient_file(patient_row("Q103", conditions="E110;E11.0"))),
         refused("'E110' is not a billable code", "'E11.0' is not a billable code", "E11.00",
                 exc=ImportRefused, lines=(2,))),
    Case("icd-E119-and-E11.9-are-one-code-import", imp_patients(patient_file(patient_row("Q104",
                                                                                        conditions="E119;E11.9"))),
         refused("condition E11.9 is listed 2 times", exc=ImportRefused, lines=(2,))),
    Case("icd-E119-is-E11.9-api", lambda wb, f: wb.add_condition("P00002", r.Condition("E119")),
         refused("E11.9 is already on this patient's problem list", exc=InvalidInput)),
    Case("icd-normalised-and-stored-once-api", lambda wb, f: wb.add_condition("P00001", r.Condition("E1165")),
         Accepted(check_e1165)),
    Case("birth-1850-import", imp_patients(patient_file(patient_row("Q105", birth="1850-01-01"))),
         refused("birth_date 1850-01-01 is before 1900-01-01", exc=ImportRefused, lines=(2,))),
    Case("birth-1850-api", lambda wb, f: wb.add_patient(person(birth_date=date(1850, 1, 1))),
         refused("birth_date 1850-01-01 is before 1900-01-01", exc=InvalidInput)),
    Case("time-entry-1850-api", lambda wb, f: wb.log_time("P00001", 10, "care_plan", "x", service_date=date(1850, 1, 1)),
         refused("Date 1850-01-01 is before 2000-01-01", exc=InvalidInput)),
    Case("time-entry-started-1850-api", lambda wb, f: wb.log_time(
        "P00001", 10, "care_plan", "x", started_at=datetime(1850, 1, 1, 9, tzinfo=UTC)),
        refused("Start time 1850-01-01T09:00+00:00 is before 2000-01-01", exc=InvalidInput)),
    Case("consent-1900-api", lambda wb, f: wb.record_consent("P00001", "verbal", date(1900, 1, 1), TOLD),
         refused("Consent date 1900-01-01 is before 2000-01-01", exc=InvalidInput)),
    Case("consent-week-date-api", lambda wb, f: wb.record_consent("P00001", "verbal", "2026-W01-1", TOLD),
         refused("Consent date '2026-W01-1' is not a date (use YYYY-MM-DD)", exc=InvalidInput)),
    Case("consent-week-date-import", imp_patients(patient_file(patient_row("Q106", consent="2026-W01-1",
                                                                           method="verbal"))),
         refused("consent_date '2026-W01-1' is not a date", exc=ImportRefused, lines=(2,))),
    Case("offset-+23:59-import", imp_time(time_file(time_row("WA5", started="2026-11-03T09:30:00+23:59"))),
         refused("offset +23:59", "between -14:00 and +14:00", exc=ImportRefused, lines=(2,))),
    Case("offset-+23:59-api", lambda wb, f: wb.log_time("P00001", 10, "care_plan", "x", started_at=datetime(
        2026, 11, 3, 9, 30, tzinfo=timezone(timedelta(hours=23, minutes=59)))),
        refused("offset +23:59", exc=InvalidInput)),
    Case("care-coordinator-as-billing-practitioner-import", imp_patients(patient_file(
        patient_row("Q107") + ",S003", header="patient_id,first_name,last_name,birth_date,sex,state,conditions,"
                                             "consent_date,consent_method,billing_practitioner_id")),
        refused("billing_practitioner_id 'S003' is a care coordinator with CMA", "physician or qualified",
                exc=ImportRefused, lines=(2,))),
    Case("care-coordinator-as-billing-practitioner-add-patient", lambda wb, f: wb.add_patient(
        person(billing_practitioner_id="S003")), refused("'S003' is a care coordinator", exc=InvalidInput)),
    Case("care-coordinator-as-billing-practitioner-consent", lambda wb, f: wb.record_consent(
        "P00001", "verbal", date(2026, 11, 2), TOLD, billing_practitioner_id="S003"),
        refused("'S003' is a care coordinator", "MD", exc=InvalidInput)),
    Case("sex-female-api", lambda wb, f: wb.add_patient(person(sex="female")),
         refused("sex 'female' must be F, M or X", exc=InvalidInput)),
    Case("state-New-York-api", lambda wb, f: wb.add_patient(person(state="New York")),
         refused("state 'New York' is not a two-letter US state code", exc=InvalidInput)),
    Case("add-condition-XYZ", lambda wb, f: wb.add_condition("P00001", r.Condition("XYZ")),
         refused("'XYZ' is not an ICD-10-CM code", exc=InvalidInput)),
    Case("spring-forward-02:30-api", lambda wb, f: wb.log_time(
        "P00001", 10, "care_plan", "x", started_at=datetime(2026, 3, 8, 2, 30, tzinfo=NY)),
        refused("2026-03-08 02:30 does not exist in America/New_York", exc=InvalidInput)),
    # ------------------------------------------------------------------ tracebacks
    Case("note-over-131072-characters-import", imp_time(time_file(time_row("TB1", note="n" * 131_073))),
         refused("note is 131,073 characters long; the limit is 4,000", exc=ImportRefused, lines=(2,))),
    Case("note-at-the-limit-import", imp_time(time_file(time_row("LIMIT-1", note="n" * 4000))),
         Accepted(check_note_at_limit)),
    Case("minutes-inf-api", lambda wb, f: wb.log_time("P00001", float("inf"), "care_plan", "x"),
         refused("Minutes must be a finite number (got inf)", exc=InvalidInput)),
    Case("minutes-inf-import", imp_time(time_file(time_row("TB2", minutes="inf"))),
         refused("minutes 'inf' is not a number of minutes", exc=ImportRefused, lines=(2,))),
    Case("phq9-as-dict-item9-positive-opens-escalation", lambda wb, f: wb.record_phq(
        "P00002", "PHQ-9", _phq_dict([0, 0, 0, 0, 0, 0, 0, 0, 1])), Accepted(check_phq_escalation)),
    Case("phq9-as-dict-item9-zero-stores-answers", lambda wb, f: wb.record_phq(
        "P00002", "PHQ-9", _phq_dict([1, 1, 1, 1, 1, 1, 1, 1, 0])), Accepted(check_phq_no_escalation)),
    Case("name-201-characters", lambda wb, f: wb.add_patient(person(first_name="Quintessa" + "x" * 192)),
         refused("first_name is 201 characters long; the limit is 200", exc=InvalidInput)),
    Case("patient-id-over-32-characters", lambda wb, f: wb.add_patient(person(pid="P" * 33)),
         refused("patient_id 'PPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPP' is 33 characters long", "the limit is 32", "33 characters long; the limit is 32",
                 exc=InvalidInput)),
    Case("nul-byte-in-a-name", lambda wb, f: wb.add_patient(person(last_name="Quill\x00")),
         refused("last_name contains a NUL character", exc=InvalidInput)),
    Case("nul-byte-in-a-note", lambda wb, f: wb.log_time("P00001", 10, "care_plan", "Quintessa\x00said"),
         refused("contains a NUL character", exc=InvalidInput)),
    # ------------------------------------------------------------------ unclear
    Case("semicolon-delimited-file", imp_staff("staff_id;name;role;credential;state\nX1;Xena;care_manager;RN;NY\n"),
         refused("Read 1 column(s) from line 1", "'staff_id;name;role;credential;state'", "semicolons",
                 exc=ImportRefused, lines=(1,))),
    Case("header-with-spaces-after-commas", imp_staff(
        "staff_id, name, role, credential, state\nW001, Wendy Spaced, care_manager, RN, NY\n"),
        Accepted(check_header_spaces)),
    Case("based_on-past-the-latest-version", lambda wb, f: wb.revise_care_plan(
        "P00002", r.CarePlan(problem_list="HTN, DM"), 5, "update"),
        refused("There is no version 5 of this care plan: the latest is version 1", exc=InvalidInput),
        setup=_ensure_plan_v1),
    Case("numpy-int-phq-answers", lambda wb, f: wb.record_phq("P00002", "PHQ-9", np.array([1, 1, 1, 1, 1, 1, 1, 1, 0])),
         Accepted(check_phq_no_escalation)),
    Case("numpy-int-minutes", lambda wb, f: wb.log_time("P00001", np.int64(7), "care_plan", "numpy minutes"),
         Accepted(check_numpy_minutes)),
    Case("numpy-int-entry-id", _numpy_void, Accepted(check_numpy_void)),
    Case("no-time-entrie-wording", lambda wb, f: wb.void_time(99999, "typo"),
         refused("No time entry 99999.", exc=NotFound)),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_reported_input(vwb, csv_file, case):
    run_case(vwb, csv_file, case)


def test_every_case_id_is_unique():
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))
