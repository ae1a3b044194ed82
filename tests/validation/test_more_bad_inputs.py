"""Bad inputs of our own, in the spirit of the reported ones (the product meets inputs nobody
listed): files a spreadsheet or a script might produce, and API values a notebook might pass.
Same rule on SQLite and PostgreSQL: refused with a clear message and nothing written, or
accepted and stored as stated."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cases import (PATIENT_HEADER, Accepted, Case, patient_file, refused, run_case,  # noqa: E402
                   time_file, time_row)

from workbench import records as r
from workbench.errors import ImportRefused, InvalidInput, NotFound
from workbench.intake.importer import import_patients, import_staff
from workbench.intake.time_entries import import_time

NY = ZoneInfo("America/New_York")
TOLD = dict.fromkeys(r.CONSENT_DISCLOSURES, True)


def imp_time(content):
    return lambda wb, f: import_time(wb, f(content))


def imp_patients(content):
    return lambda wb, f: import_patients(wb, f(content))


def imp_staff(content):
    return lambda wb, f: import_staff(wb, f(content))


def prow(pid, **kw):
    base = dict(first="Quintessa", last="Quill", birth="1950-02-03", sex="F", state="NY", conditions="I10",
                consent="", method="")
    v = {**base, **kw}
    return ",".join([pid, v["first"], v["last"], v["birth"], v["sex"], v["state"], v["conditions"], v["consent"],
                     v["method"]])


def person(pid="Q300", **kw):
    base = dict(id=pid, first_name="Quintessa", last_name="Quill", birth_date=date(1950, 2, 3), sex="F", state="NY")
    return r.Patient(**{**base, **kw})


def _with_settings(wb, **changes):
    """The practice settings as stored, with ``changes`` (time zone and state kept)."""
    import dataclasses

    return dataclasses.replace(wb.as_user(wb.user.id).settings, **changes)


def entry_with(external_id, check):
    def run_check(wb, summary):
        found = [e for p in ("P00001", "P00002") for e in wb.time_entries(p) if e.external_id == external_id]
        assert len(found) == 1, found
        check(found[0])
    return run_check


def stored_patient(pid, check):
    def run_check(wb, _):
        check(wb.chart(pid))
    return run_check


def _fold_entry(wb, _f):
    # 01:30 on 2026-11-01 happened twice in New York; fold=1 is the second time (EST, -05:00)
    return wb.log_time("P00001", 15, "care_plan", "after the clocks went back",
                       started_at=datetime(2026, 11, 1, 1, 30, tzinfo=NY, fold=1))


def _check_fold(wb, entry):
    assert entry.started_at.astimezone(UTC) == datetime(2026, 11, 1, 6, 30, tzinfo=UTC)
    assert entry.service_date == date(2026, 11, 1)


def _young_patient(wb):
    if not [p for p in wb.patients() if p.id == "Y001"]:
        sys_wb = wb.as_user("S004")
        sys_wb.add_patient(r.Patient("Y001", "Quintessa", "Young", date(2005, 6, 1), "F", "NY"))


def _check_bom_mac(wb, summary):
    assert summary.added == 1 and wb.get_user("M001").name == "Mac Line"


def _check_ml(entry):
    assert entry.note == "Line one\nline two, with a comma" and entry.seconds == 20 * 60


CASES = [
    # ------------------------------------------------------------------ files
    Case("fewer-values-than-columns", imp_time(time_file("X1,P00001,S001,2026-11-03T09:30:00-05:00,,20,patient_call")),
         refused("7 values, but the header has 9 columns", exc=ImportRefused, lines=(2,))),
    Case("more-values-than-columns", imp_time(time_file(time_row("X2", note="BP 140/90, HR 80"))),
         refused("10 values, but the header has 9 columns", "double quotes", exc=ImportRefused, lines=(2,))),
    Case("bare-quote-inside-a-value", imp_time(time_file(time_row("X3", note='5" wound'))),
         refused("A double quote inside a value that does not start with one", exc=ImportRefused, lines=(2,))),
    Case("text-after-a-closing-quote", imp_time(time_file(time_row("X4", note='"ok"then'))),
         refused("followed by more text", exc=ImportRefused, lines=(2,))),
    Case("blank-header-column", imp_staff("staff_id,name,,role,credential,state\nX1,Xena,,care_manager,RN,NY\n"),
         refused("Column(s) 3 of the header have no name", exc=ImportRefused, lines=(1,))),
    Case("duplicate-header-differing-in-case", imp_staff("staff_id,name,role,credential,state,Name\n"
                                                         "X1,Xena,care_manager,RN,NY,Other\n"),
         refused("'name' appears twice", exc=ImportRefused, lines=(1,))),
    Case("tab-separated-file", imp_staff("staff_id\tname\trole\tcredential\tstate\nX1\tXena\tcare_manager\tRN\tNY\n"),
         refused("Read 1 column(s)", "separated by tabs", exc=ImportRefused, lines=(1,))),
    Case("utf16-file", imp_staff(("staff_id,name,role,credential,state\n").encode("utf-16")),
         refused("UTF-16", "CSV UTF-8", exc=ImportRefused, lines=(1,))),
    Case("latin1-byte-on-line-3", imp_staff(b"staff_id,name,role,credential,state\nX1,Xena,care_manager,RN,NY\n"
                                           b"X2,Jos\xe9,care_manager,RN,NY\n"),
         refused("not UTF-8", exc=ImportRefused, lines=(3,))),
    Case("nul-byte-in-the-file", imp_staff(b"staff_id,name,role,credential,state\nX1,Xe\x00na,care_manager,RN,NY\n"),
         refused("NUL byte", exc=ImportRefused, lines=(2,))),
    Case("empty-file", imp_staff(""), refused("empty", exc=ImportRefused, lines=(1,))),
    Case("bom-and-classic-mac-line-ends", imp_staff("\ufeffstaff_id,name,role,credential,state\rM001,Mac Line,"
                                                    "care_manager,RN,NY\r"), Accepted(_check_bom_mac)),
    Case("multi-line-quoted-note-is-kept", imp_time(time_file(time_row(
        "ML1", note='"Line one\nline two, with a comma"'))), Accepted(entry_with("ML1", _check_ml))),
    Case("quoted-line-break-in-a-name", imp_patients(patient_file(prow("Q301", first='"Quin\ntessa"'))),
         refused("first_name must be one line of text", exc=ImportRefused, lines=(2,))),
    Case("minutes-with-decimal-comma", imp_time(time_file(time_row("X5", minutes='"19,5"'))),
         refused("minutes '19,5'", "decimal point, not a comma", exc=ImportRefused, lines=(2,))),
    Case("minutes-negative", imp_time(time_file(time_row("X6", minutes="-5"))),
         refused("minutes '-5' is not a number of minutes", exc=ImportRefused, lines=(2,))),
    Case("minutes-nan", imp_time(time_file(time_row("X7", minutes="nan"))),
         refused("minutes 'nan'", exc=ImportRefused, lines=(2,))),
    Case("minutes-over-12-hours", imp_time(time_file(time_row("X8", minutes="721"))),
         refused("more than 12 hours", exc=ImportRefused, lines=(2,))),
    Case("minutes-.5-is-30-seconds", imp_time(time_file(time_row("HALF1", minutes=".5"))),
         Accepted(entry_with("HALF1", lambda e: e.seconds == 30 or pytest.fail(str(e.seconds))))),
    Case("ended-at-equals-started-at", imp_time(time_file(time_row(
        "X9", minutes="", ended="2026-11-03T09:30:00-05:00"))),
        refused("ended_at is not after started_at", exc=ImportRefused, lines=(2,))),
    Case("offset-not-a-quarter-hour", imp_time(time_file(time_row("X10", started="2026-11-03T09:30:00+05:07"))),
         refused("offset +05:07", "quarter hours", exc=ImportRefused, lines=(2,))),
    Case("week-date-time", imp_time(time_file(time_row("X11", started="2026-W45-2T09:30:00-05:00"))),
         refused("is not a date and time (ISO 8601", exc=ImportRefused, lines=(2,))),
    Case("basic-format-time", imp_time(time_file(time_row("X12", started="20261103T093000-0500"))),
         refused("'20261103T093000-0500' is not a date and time", exc=ImportRefused, lines=(2,))),
    Case("entry-before-the-patient-was-born", imp_time(time_file(time_row(
        "X13", pid="Y001", started="2003-05-01T09:30:00-04:00"))),
        refused("before the patient's birth date", exc=ImportRefused, lines=(2,)), setup=_young_patient),
    Case("entry-id-too-long", imp_time(time_file(time_row("E" * 65))),
         refused("entry_id", "65 characters long; the limit is 64", exc=ImportRefused, lines=(2,))),
    Case("entry-id-with-a-space", imp_time(time_file(time_row("T 1"))),
         refused("entry_id 'T 1' may not contain spaces", exc=ImportRefused, lines=(2,))),
    Case("good-rows-then-one-bad-row-writes-nothing", imp_time(time_file(
        time_row("G1"), time_row("G2"), time_row("G3", activity="golf"))),
        refused("activity 'golf' is not one of", exc=ImportRefused, lines=(4,))),
    Case("staff-state-spelled-out", imp_staff("staff_id,name,role,credential,state\nX20,Xena,care_manager,RN,"
                                              "New Jersey\n"),
         refused("state 'New Jersey' is not a two-letter US state code", exc=ImportRefused, lines=(2,))),
    Case("staff-role-nurse", imp_staff("staff_id,name,role,credential,state\nX21,Xena,nurse,RN,NY\n"),
         refused("role 'nurse' is not one of", exc=ImportRefused, lines=(2,))),
    Case("patient-email-without-at", imp_patients(patient_file(
        prow("Q302") + ",quill.example.org", header=PATIENT_HEADER + ",email")),
        refused("email has no @", exc=ImportRefused, lines=(2,))),
    Case("patient-phone-65-characters", imp_patients(patient_file(
        prow("Q303") + "," + "5" * 65, header=PATIENT_HEADER + ",phone")),
        refused("phone is 65 characters long; the limit is 64", exc=ImportRefused, lines=(2,))),
    Case("same-code-twice", imp_patients(patient_file(prow("Q304", conditions="I10;i10"))),
         refused("condition I10 is listed 2 times", exc=ImportRefused, lines=(2,))),
    Case("lowercase-code-without-dot-is-stored-dotted", imp_patients(patient_file(prow("Q305", conditions="e1165; i10"))),
         Accepted(stored_patient("Q305", lambda c: [x.icd10 for x in c.conditions] == ["E11.65", "I10"]
                                 or pytest.fail(str(c.conditions))))),
    Case("consent-before-birth", imp_patients(patient_file(prow("Q306", birth="2010-01-01", consent="2009-05-01",
                                                                method="verbal"))),
         refused("consent_date 2009-05-01 is before the patient's birth date", exc=ImportRefused, lines=(2,))),
    Case("birth-in-the-future", imp_patients(patient_file(prow("Q307", birth="2027-01-01"))),
         refused("birth_date 2027-01-01 is in the future", exc=ImportRefused, lines=(2,))),
    # ------------------------------------------------------------------ API
    Case("minutes-nan-api", lambda wb, f: wb.log_time("P00001", float("nan"), "care_plan", "x"),
         refused("finite number", exc=InvalidInput)),
    Case("minutes-0.01-is-under-a-second", lambda wb, f: wb.log_time("P00001", 0.01, "care_plan", "x"),
         refused("less than one second", exc=InvalidInput)),
    Case("minutes-decimal-refused", lambda wb, f: wb.log_time("P00001", Decimal("5"), "care_plan", "x"),
         refused("Minutes must be a number, not Decimal", exc=InvalidInput)),
    Case("minutes-one-second-accepted", lambda wb, f: wb.log_time("P00001", 1 / 60, "care_plan", "one second"),
         Accepted(lambda wb, e: e.seconds == 1 or pytest.fail(str(e.seconds)))),
    Case("numpy-float-minutes", lambda wb, f: wb.log_time("P00001", np.float64(2.5), "care_plan", "np float"),
         Accepted(lambda wb, e: e.seconds == 150 or pytest.fail(str(e.seconds)))),
    Case("fall-back-fold-1-is-the-second-01:30", _fold_entry, Accepted(_check_fold)),
    Case("started-at-as-naive-text", lambda wb, f: wb.log_time("P00001", 5, "care_plan", "x",
                                                               started_at="2026-11-03T09:30"),
         refused("no time-zone offset", exc=InvalidInput)),
    Case("void-id-over-32-bits", lambda wb, f: wb.void_time(2**40, "typo"),
         refused("Entry id 1099511627776 is above 2,147,483,647", exc=InvalidInput)),
    Case("void-id-as-text", lambda wb, f: wb.void_time("12", "typo"),
         refused("Entry id must be a whole number, not str", exc=InvalidInput)),
    Case("escalation-id-over-32-bits", lambda wb, f: wb.escalation(2**35),
         refused("Escalation id", "above", exc=InvalidInput)),
    Case("phq9-zero-based-keys", lambda wb, f: wb.record_phq("P00002", "PHQ-9", {n: 0 for n in range(9)}),
         refused("PHQ-9 needs answers to questions 1 to 9 (got 0, 1, 2, 3, 4, 5, 6, 7, 8)", exc=InvalidInput)),
    Case("phq9-as-a-string", lambda wb, f: wb.record_phq("P00002", "PHQ-9", "000000001"),
         refused("PHQ-9 answers must be a list of 9 numbers", exc=InvalidInput)),
    Case("phq9-answer-4", lambda wb, f: wb.record_phq("P00002", "PHQ-9", [0] * 8 + [4]),
         refused("PHQ-9 question 9: the answer must be 0, 1, 2 or 3 (got 4)", exc=InvalidInput)),
    Case("phq9-answers-as-a-set", lambda wb, f: wb.record_phq("P00002", "PHQ-9", {0, 1, 2}),
         refused("got set", exc=InvalidInput)),
    Case("phq9-answer-true", lambda wb, f: wb.record_phq("P00002", "PHQ-9", [True] + [0] * 8),
         refused("question 1", exc=InvalidInput)),
    Case("phq-unknown-instrument", lambda wb, f: wb.record_phq("P00002", "GAD-7", [0] * 7),
         refused("Unknown instrument 'GAD-7'", exc=InvalidInput)),
    Case("lone-surrogate-in-a-name", lambda wb, f: wb.add_patient(person(first_name="Quin\ud800")),
         refused("first_name contains characters that are not valid text", exc=InvalidInput)),
    Case("nan-in-persona", lambda wb, f: wb.add_patient(person(persona={"mood": float("nan")})),
         refused("persona must be a finite number", exc=InvalidInput)),
    Case("nul-in-contact-preferences", lambda wb, f: wb.add_patient(person(contact_preferences={"best": "am\x00"})),
         refused("contact_preferences contains a NUL", exc=InvalidInput)),
    Case("unknown-scope", lambda wb, f: wb.add_patient(person(scope="elsewhere")),
         refused("scope 'elsewhere' must be 'live' or 'training:<attempt id>'", exc=InvalidInput)),
    Case("caregiver-name-201", lambda wb, f: wb.add_patient(person(caregiver=r.Person("Q" * 201))),
         refused("caregiver name is 201 characters long", exc=InvalidInput)),
    Case("unknown-care-team-member", lambda wb, f: wb.add_patient(person(care_team_member_id="S999")),
         refused("care_team_member_id S999 is not a staff member", exc=InvalidInput)),
    Case("consent-obtained-by-unknown-staff", lambda wb, f: wb.add_patient(r.PatientBundle(
        person(), consent=r.Consent("Q300", "verbal", date(2026, 1, 5), "S999", TOLD))),
        refused("obtained_by S999 is not a staff member", exc=InvalidInput)),
    Case("medication-indication-not-billable", lambda wb, f: wb.add_patient(r.PatientBundle(
        person(), medications=[r.Medication("metformin", indication="E11")])),
        refused("medication indication 'E11' is a category", exc=InvalidInput)),
    Case("practitioner-as-billing-practitioner-accepted", lambda wb, f: wb.add_patient(person(
        "Q310", billing_practitioner_id="S005", sex="m", state="nj")),
        Accepted(lambda wb, p: (wb.get_patient("Q310").sex, wb.get_patient("Q310").state) == ("M", "NJ")
                 or pytest.fail(str(wb.get_patient("Q310"))))),
    Case("condition-onset-before-birth", lambda wb, f: wb.add_condition("P00001", r.Condition(
        "J44.9", onset=date(1940, 1, 1))), refused("Onset 1940-01-01 is before 1950-03-04", exc=InvalidInput)),
    Case("with-whom-longer-than-its-column", lambda wb, f: wb.log_contact("P00001", "phone", "reached",
                                                                          with_whom="w" * 33),
         refused("With whom is 33 characters long; the limit is 32", exc=InvalidInput)),
    Case("escalation-source-longer-than-its-column", lambda wb, f: wb.open_escalation(
        "P00001", "confused", source="s" * 33), refused("Source is 33 characters long; the limit is 32",
                                                       exc=InvalidInput)),
    Case("staff-id-with-a-space", lambda wb, f: wb.add_user(r.User("S 9", "Xena", r.Role.CARE_MANAGER)),
         refused("staff_id 'S 9' may not contain spaces", exc=InvalidInput)),
    Case("staff-state-spelled-out-api", lambda wb, f: wb.add_user(r.User("S090", "Xena", r.Role.CARE_MANAGER,
                                                                         state="New York")),
         refused("state 'New York'", exc=InvalidInput)),
    Case("sdoh-answer-yes-as-text", lambda wb, f: wb.record_sdoh("P00001", {"housing": "yes"}),
         refused("must be yes or no", exc=InvalidInput)),
    Case("care-plan-goal-with-nul", lambda wb, f: wb.revise_care_plan("P00001", r.CarePlan(
        goals=(r.Goal("walk\x00daily"),)), 0, "first"), refused("NUL", exc=InvalidInput)),
    Case("based-on-numpy-zero-accepted", lambda wb, f: wb.revise_care_plan("P00001", r.CarePlan(
        problem_list="COPD"), np.int64(0), "first plan"),
        Accepted(lambda wb, rev: rev.version == 1 or pytest.fail(str(rev)))),
    Case("unknown-time-zone", lambda wb, f: wb.set_settings(r.PracticeSettings(timezone="Mars/Olympus_Mons")),
         refused("Unknown time zone 'Mars/Olympus_Mons'", exc=InvalidInput)),
    Case("settings-24-7-line-is-words", lambda wb, f: wb.set_settings(_with_settings(
        wb, after_hours_phone="ask the front desk")), refused("24/7 line 'ask the front desk' is not a telephone number",
                                                             exc=InvalidInput)),
    Case("settings-practice-phone-16-digits", lambda wb, f: wb.set_settings(_with_settings(
        wb, phone="+1 518 555 0100 12345")), refused("Practice phone", "7 to 15 digits", exc=InvalidInput)),
    Case("settings-phone-with-a-line-break", lambda wb, f: wb.set_settings(_with_settings(
        wb, phone="518 555\n0100")), refused("Practice phone", "is not a telephone number", exc=InvalidInput)),
    Case("settings-phones-stored-as-written", lambda wb, f: wb.as_user("S004").set_settings(_with_settings(
        wb, phone=" (518) 555-0100 ", after_hours_phone="+1 518 555 0199 ext. 4")),
        Accepted(lambda wb, _: (wb.as_user(wb.user.id).settings.phone,
                                wb.as_user(wb.user.id).settings.after_hours_phone)
                 == ("(518) 555-0100", "+1 518 555 0199 ext. 4") or pytest.fail(str(wb.settings)))),
    Case("nul-in-patient-id-lookup", lambda wb, f: wb.time_entries("P0\x00001"),
         refused("Patient id 'P0\\x00001' may not contain", exc=InvalidInput)),
    Case("unknown-patient", lambda wb, f: wb.log_time("P99999", 10, "care_plan", "x"),
         refused("No patient with id 'P99999'", exc=NotFound)),
    Case("month-year-0000", lambda wb, f: wb.time_entries("P00001", "0000-01"),
         refused("Month '0000-01' is not in the form YYYY-MM", exc=InvalidInput)),
    Case("contact-before-2000", lambda wb, f: wb.log_contact("P00001", "phone", "reached",
                                                             contacted_at=datetime(1999, 12, 31, tzinfo=UTC)),
         refused("before 2000-01-01", exc=InvalidInput)),
    Case("consent-date-as-datetime", lambda wb, f: wb.record_consent("P00001", "verbal",
                                                                     datetime(2026, 11, 2, tzinfo=UTC), TOLD),
         refused("Consent date must be a date, not datetime", exc=InvalidInput)),
    Case("log-time-date-and-start-disagree", lambda wb, f: wb.log_time(
        "P00001", 5, "care_plan", "x", service_date=date(2026, 11, 2),
        started_at=datetime(2026, 11, 3, 15, tzinfo=UTC) - timedelta(hours=1)),
        refused("does not match the start time", exc=InvalidInput)),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_more_bad_input(vwb, csv_file, case):
    run_case(vwb, csv_file, case)


def test_case_ids_are_unique():
    assert len({c.id for c in CASES}) == len(CASES)


def test_a_time_file_imported_twice_is_present_the_second_time(vwb, csv_file):
    path = csv_file(time_file(time_row("TWICE-1"), time_row("TWICE-2", minutes="", ended="2026-11-03T10:00:00-05:00")))
    first, second = import_time(vwb, path), import_time(vwb, path)
    assert (first.added, second.added, second.already_present) == (2, 0, 2)

