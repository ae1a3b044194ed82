"""Enrolment, outreach, QMB and the move to APCM through the service, on SQLite and PostgreSQL
(docs/reference.md, "Enrolment and programmes"): history with who, when and why; the policy asked;
consents carry their text version; the month report bills one programme per patient-month and says
which and why; an upgrade gives existing consents the text version in force then."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select, text

from workbench import records as r
from workbench.clock import FixedClock
from workbench.errors import InvalidInput, PermissionDenied
from workbench.store import schema as s

S = r.EnrolmentStatus
TOLD = {k: True for k in r.CONSENT_DISCLOSURES}


def counts(wb) -> dict[str, int]:
    with wb.read() as conn:
        return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                for t in (s.enrolment_events, s.outreach_attempts, s.qmb_statuses, s.consents,
                          s.care_plan_revisions)}


def test_status_history_says_who_when_why(wb):
    assert wb.enrolment_status("P00001") is None
    wb.record_outreach("P00001", "phone", "no_answer", "2026-11-02")
    wb.record_outreach("P00001", "phone", "left_message", "2026-11-03")
    assert [a.outcome for a in wb.outreach_attempts("P00001")] == ["no_answer", "left_message"]
    history = wb.enrolment_history("P00001")
    assert [(e.status, e.effective_on, e.recorded_by) for e in history] == [(S.INVITED, date(2026, 11, 2), "S001")]
    assert history[0].reason == "invited by phone" and history[0].recorded_at is not None
    wb.record_outreach("P00001", "phone", "declined", "2026-11-09")
    assert wb.enrolment_status("P00001").status == S.DECLINED
    assert wb.enrolment_status("P00001", date(2026, 11, 5)).status == S.INVITED


def test_enrolled_needs_the_programmes_consent_and_nothing_is_written_when_refused(wb):
    before = counts(wb)
    with pytest.raises(InvalidInput, match="Enrolling in CCM needs the patient's CCM consent"):
        wb.set_enrolment("P00001", "enrolled", "2026-11-01", "agreed on the phone")
    with pytest.raises(InvalidInput, match="reason"):
        wb.set_enrolment("P00001", "declined", "2026-11-01", "  ")
    with pytest.raises(InvalidInput, match="too far ahead"):
        wb.set_enrolment("P00001", "declined", "2027-01-01", "later")
    assert counts(wb) == before
    wb.record_consent("P00001", "verbal", "2026-11-01", TOLD)
    event = wb.set_enrolment("P00001", "enrolled", "2026-11-01", "agreed on the phone")
    assert event.status == S.ENROLLED and event.programme == r.Programme.CCM


def test_the_policy_is_asked(wb):
    billing = wb.as_user("S006")
    billing.set_enrolment("P00001", "enrolled-elsewhere", "2026-11-01", "claim denied: CCM billed by another practice")
    with pytest.raises(PermissionDenied):
        wb.as_user("S007").set_enrolment("P00001", "declined", "2026-11-01", "trainee on a live patient")
    with pytest.raises(PermissionDenied):
        wb.as_user("S006").move_to_apcm("P00001", "2026-12-01", "verbal")


def test_consents_carry_their_text_version_and_language(wb):
    c = wb.record_consent("P00001", "written", "2026-11-02", TOLD, language="es")
    assert (c.programme, c.text_version, c.language) == ("CCM", "ccm-2025.1", "es")
    stored = wb.consents("P00001")[-1]
    assert (stored.programme, stored.text_version, stored.language) == ("CCM", "ccm-2025.1", "es")
    assert wb.record_consent("P00002", "verbal", "2026-11-02", TOLD).language == "en"  # the patient's language
    with pytest.raises(InvalidInput, match="consent text exists in"):
        wb.record_consent("P00002", "verbal", "2026-11-02", TOLD, language="fr")


def test_move_to_apcm_in_one_unit_of_work(wb):
    wb.record_consent("P00001", "verbal", "2026-10-01", TOLD)
    before = counts(wb)
    with pytest.raises(InvalidInput, match="first day of a month"):
        wb.move_to_apcm("P00001", "2026-11-15", "verbal")
    with pytest.raises(InvalidInput, match="at the latest on 2026-12-01"):
        wb.move_to_apcm("P00001", "2027-01-01", "verbal")
    assert counts(wb) == before
    event = wb.move_to_apcm("P00001", "2026-12-01", "verbal", reason="the practice offers APCM")
    assert (event.status, event.programme, event.effective_on) == (S.ENROLLED, r.Programme.APCM, date(2026, 12, 1))
    apcm = [c for c in wb.consents("P00001") if c.programme == "APCM"]
    assert [c.text_version for c in apcm] == ["apcm-2025.1"]
    assert wb.enrolment_status("P00001") is None  # not before December
    assert wb.enrolment_status("P00001", date(2026, 12, 1)).programme == r.Programme.APCM
    with pytest.raises(InvalidInput, match="already enrolled in APCM"):
        wb.move_to_apcm("P00001", "2026-12-01", "verbal")


def test_move_to_apcm_carries_the_care_plan_over(wb):
    plan = r.CarePlan(problem_list="Hypertension", goals=(r.Goal("BP under 140/90", "blood pressure", "< 140/90"),))
    wb.revise_care_plan("P00001", plan, 0, "first plan")
    wb.move_to_apcm("P00001", "2026-12-01", "verbal")
    history = wb.care_plan_history("P00001")
    assert [h.version for h in history] == [1, 2]
    assert history[1].plan == history[0].plan and "carried over from CCM to APCM" in history[1].reason


def _log(wb, pid: str, minutes: int, day: str = "2026-11-05") -> None:
    wb.log_time(pid, minutes, r.Activity.PATIENT_CALL, "call", service_date=day)


def test_the_month_report_bills_one_programme_and_says_which_and_why(wb):
    wb.record_consent("P00001", "verbal", "2026-10-01", TOLD)
    wb.record_consent("P00002", "verbal", "2026-10-01", TOLD)
    _log(wb, "P00001", 45)
    _log(wb, "P00002", 25)
    october = wb.as_user("S001", clock=FixedClock(datetime(2026, 10, 20, 15, tzinfo=UTC)))
    october.move_to_apcm("P00001", "2026-11-01", "verbal", consent_date="2026-10-20")
    wb.set_enrolment("P00002", "declined", "2026-11-08", "does not want monthly calls")
    report = wb.as_user("S004").month_report("2026-11").set_index("patient_id")
    one, two = report.loc["P00001"], report.loc["P00002"]
    assert one["codes"] == [{"code": "G0557", "units": 1}] and one["programme"] == "APCM"
    assert one["programme_why"].startswith("Enrolled in APCM from 2026-11-01. APCM level 2")
    assert "45 min of CCM time not billed: APCM is billed this month (one programme per patient-month)" \
        in one["reasons"]
    assert two["codes"] == [] and two["programme"] == "" and two["amount_usd"] == 0
    assert two["programme_why"].startswith("ENR-DECLINED: the patient declined care management (from 2026-11-08")
    assert two["reasons"] == ["25 min not billed: " + two["programme_why"]]


def test_an_apcm_patient_bills_without_logged_time_and_qmb_is_level_3(wb):
    october = wb.as_user("S001", clock=FixedClock(datetime(2026, 10, 20, 15, tzinfo=UTC)))
    october.move_to_apcm("P00002", "2026-11-01", "verbal", consent_date="2026-10-20")
    october.set_qmb("P00002", True, "2026-10-01", "Medicaid eligibility check: QMB")
    report = wb.as_user("S004").month_report("2026-11").set_index("patient_id")
    row = report.loc["P00002"]
    assert row["codes"] == [{"code": "G0558", "units": 1}] and row["total_minutes"] == 0
    assert "G0558 amount not set in the 2026 table: shown as $0.00" in row["flags"]
    assert [q.qmb for q in wb.qmb_history("P00002")] == [True]
    from workbench.reports.claims import claims_report

    claim = claims_report(wb.as_user("S004"), "2026-11").set_index("patient_id").loc["P00002"]
    assert (claim["service"], claim["codes"], claim["status"]) == ("APCM", "G0558x1", "hold")


def test_enrolment_rows_are_append_only(wb):
    wb.record_outreach("P00001", "letter", "sent", "2026-11-02")
    with pytest.raises(Exception, match="append-only|permission denied"):  # the trigger, or the app role
        with wb.write() as uow:
            uow.execute(text("UPDATE enrolment_events SET status = 'enrolled'"))
    assert [e.status for e in wb.enrolment_history("P00001")] == [S.INVITED]


@pytest.fixture(params=["sqlite", "postgresql"])
def db_at_0008(request, tmp_path):
    """A database at revision 0008 holding a patient and a consent written by the code of then."""
    from tests.support.old_database import database_at

    with database_at(request, tmp_path, "0008") as engine:
        yield engine


def test_existing_consents_get_the_text_version_in_force_then(db_at_0008):
    from workbench.store import upgrade

    upgrade(db_at_0008)
    with db_at_0008.connect() as conn:
        rows = conn.execute(text("SELECT programme, text_version, language FROM consents")).all()
    assert [tuple(x) for x in rows] == [("CCM", "ccm-2025.1", "")]


def test_bh_add_ons_bill_with_the_apcm_code_by_its_practitioner_only(wb):
    wb.record_consent("P00001", "verbal", "2026-10-01", TOLD)
    october = wb.as_user("S001", clock=FixedClock(datetime(2026, 10, 20, 15, tzinfo=UTC)))
    october.move_to_apcm("P00002", "2026-11-01", "verbal", consent_date="2026-10-20")
    before = counts(wb)
    with pytest.raises(InvalidInput, match="not an APCM behavioural-health add-on"):
        wb.record_bh_service("P00002", "2026-11", "99484")
    with pytest.raises(InvalidInput, match="care manager"):
        wb.record_bh_service("P00002", "2026-11", "G0570", practitioner_id="S001")
    assert counts(wb) == before
    wb.record_bh_service("P00002", "2026-11", "G0568")  # the billing practitioner, S005
    wb.record_bh_service("P00001", "2026-11", "G0570")  # a CCM month: no APCM base code
    wb.log_time("P00001", 22, r.Activity.PATIENT_CALL, "call", service_date="2026-11-04")
    report = wb.as_user("S004").month_report("2026-11").set_index("patient_id")
    assert [c["code"] for c in report.loc["P00002", "codes"]] == ["G0557", "G0568"]
    assert report.loc["P00002", "amount_usd"] == pytest.approx(53.78 + 149.30)
    assert [c["code"] for c in report.loc["P00001", "codes"]] == ["99490"]
    assert "G0570 not billed: a behavioural-health add-on needs an APCM base code billed the same month." \
        in report.loc["P00001", "flags"]
