"""Time approval and claim sign-off (docs/billing-approval.md), on SQLite and PostgreSQL: a
supervisor approves others' time (one entry or a week's timesheet), nobody their own; a voided
entry's approval no longer counts and an amended entry needs approval again; the billing
practitioner signs the month's claims; the claims export holds the rest with a code and a sentence."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import text

from workbench import records as r
from workbench.errors import InvalidInput, PermissionDenied
from workbench.reports.claims import claims_report
from workbench.rules.apcm import BH_ADDONS
from workbench.store import schema as s

ALL_TOLD = dict.fromkeys(r.CONSENT_DISCLOSURES, True)
MBI = "1EG4TE5MK73"
NPI = "1234567893"
PID = "P00009"


@pytest.fixture
def month(wb, make_bundle):
    """P00009: member id, consent and an initiating visit, 25 minutes in November by S001 in two
    entries; approval required; a second supervisor S008."""
    system = wb.as_user("S004")
    system.set_npi("S005", NPI)
    system.set_approval_required(True)
    system.add_user(r.User("S008", "Pat Second", r.Role.SUPERVISOR, r.Credential.RN, "NY"))
    bundle = make_bundle(PID)
    system.add_patient(dataclasses.replace(bundle, patient=dataclasses.replace(bundle.patient, member_id=MBI)))
    wb.record_consent(PID, "verbal", date(2026, 11, 2), ALL_TOLD, billing_practitioner_id="S005")
    wb.as_user("S005").record_visit(PID, date(2026, 11, 2), "office_visit", ccm_discussed=True)
    wb.log_time(PID, 15, "patient_call", "Check-in", service_date="2026-11-03")
    wb.log_time(PID, 10, "care_plan", "Plan review", service_date="2026-11-05")
    return wb


def ccm_row(wb):
    rows = [x for x in claims_report(wb, "2026-11").to_dict("records")
            if x["patient_id"] == PID and x["service"] == "CCM"]
    assert len(rows) == 1
    return rows[0]


def codes(row) -> set[str]:
    return set(filter(None, row["reason_codes"].split(";")))


def entry_ids(wb) -> list[int]:
    return [e.id for e in wb.time_entries(PID, "2026-11")]


def test_claim_held_until_approved_and_signed(month) -> None:
    row = ccm_row(month)
    assert {"TIME_NOT_APPROVED", "NOT_SIGNED"} <= codes(row)
    assert "2 time entries not approved by a supervisor" in row["reasons"]
    sup = month.as_user("S004")
    sup.approve_time(entry_ids(month)[:1])
    row = ccm_row(month)
    assert f"1 time entry not approved by a supervisor (entry {entry_ids(month)[1]})" in row["reasons"]
    assert sup.approve_week("S001", "2026-11-04") == 1  # the week of Monday 2026-11-02
    assert "TIME_NOT_APPROVED" not in codes(ccm_row(month))
    result = month.as_user("S005").sign_claims("2026-11")
    assert result["signed"] == [PID]
    row = ccm_row(month)
    assert not {"TIME_NOT_APPROVED", "NOT_SIGNED", "SIGNED_CLAIM_CHANGED"} & codes(row)
    assert len(row["reason_codes"].split(";")) == len(row["reasons"].split("; ")) or row["reasons"] == ""


def test_practice_without_approval_holds_nothing_for_it(month) -> None:
    month.as_user("S004").set_approval_required(False)
    assert not {"TIME_NOT_APPROVED", "NOT_SIGNED"} & codes(ccm_row(month))
    assert month.approval_required is False


def test_nobody_approves_their_own_time(month) -> None:
    sup = month.as_user("S004")
    sup.log_time(PID, 5, "record_review", "Chart review", service_date="2026-11-06")
    own = entry_ids(month)[-1]
    with pytest.raises(PermissionDenied, match="Nobody approves their own time"):
        sup.approve_time([own])
    with pytest.raises(PermissionDenied, match="Nobody approves their own time"):
        sup.approve_week("S004", "2026-11-06")
    assert month.as_user("S008").approve_time([own])  # another supervisor does


@pytest.mark.parametrize("who", ["S001", "S003", "S005", "S006", "S007"])
def test_only_supervisors_approve_time(month, who) -> None:
    with pytest.raises(PermissionDenied):
        month.as_user(who).approve_time(entry_ids(month)[:1])


def test_all_or_nothing_and_no_second_approval(month) -> None:
    sup = month.as_user("S004")
    first, second = entry_ids(month)
    sup.approve_time([first])
    with pytest.raises(InvalidInput, match="already approved"):
        sup.approve_time([second, first])
    assert [x["entry_id"] for x in sup.approvals(PID, "2026-11")] == [first]  # second not written


def test_voided_entry_approval_no_longer_counts_amended_needs_approval_again(month) -> None:
    sup = month.as_user("S004")
    month.log_time(PID, 20, "patient_call", "Follow-up", service_date="2026-11-09")
    first, second, third = entry_ids(month)
    sup.approve_time([first, second, third])
    month.void_time(first, "Wrong patient")
    assert [x["entry_id"] for x in sup.approvals(PID, "2026-11")] == [second, third]
    assert first not in {x["entry_id"] for x in sup.approval_queue("2026-11")}  # voided: nothing to approve
    with sup.write() as uow:  # an amendment, as the time import's --update writes one
        amended = uow.supersede(s.time_entries, second, "minutes were 12", void=False, changes={"seconds": 720})
    assert [x["entry_id"] for x in sup.approvals(PID, "2026-11")] == [third]
    assert amended in {x["entry_id"] for x in sup.approval_queue("2026-11")}
    assert "TIME_NOT_APPROVED" in codes(ccm_row(month))
    for old in (first, second):
        with pytest.raises(InvalidInput, match="voided or amended"):
            month.as_user("S008").approve_time([old])
    sup.approve_time([amended])
    assert "TIME_NOT_APPROVED" not in codes(ccm_row(month))


def test_a_signature_stands_only_for_the_claim_signed(month) -> None:
    sup = month.as_user("S004")
    sup.approve_time(entry_ids(month))
    doctor = month.as_user("S005")
    assert doctor.sign_claims("2026-11", PID)["signed"] == [PID]
    month.log_time(PID, 22, "patient_call", "Follow-up", service_date="2026-11-09")
    row = ccm_row(month)
    assert "TIME_NOT_APPROVED" in codes(row)
    sup.approve_time(entry_ids(month)[-1:])
    row = ccm_row(month)
    assert codes(row) & {"SIGNED_CLAIM_CHANGED"} and "sign again" in row["reasons"]
    assert doctor.sign_claims("2026-11")["signed"] == [PID]
    assert "SIGNED_CLAIM_CHANGED" not in codes(ccm_row(month))


def test_a_signature_is_dated_by_the_practice_day_not_the_utc_day(month, clock) -> None:
    """Signed at 8:30 pm in New York on 30 November (already 1 December in UTC): the hold that
    asks for a new signature says the claim was signed on the 30th."""
    month.as_user("S004").approve_time(entry_ids(month))
    clock.set(datetime(2026, 12, 1, 1, 30, tzinfo=UTC))
    assert month.as_user("S005").sign_claims("2026-11", PID)["signed"] == [PID]
    month.log_time(PID, 22, "patient_call", "Follow-up", service_date="2026-11-09")
    month.as_user("S004").approve_time(entry_ids(month)[-1:])
    row = ccm_row(month)
    assert "SIGNED_CLAIM_CHANGED" in codes(row)
    assert "on 2026-11-30" in row["reasons"] and "2026-12-01" not in row["reasons"]


def test_signing_needs_approval_and_the_billing_practitioner(month) -> None:
    doctor = month.as_user("S005")
    with pytest.raises(PermissionDenied, match="not yet approved"):
        doctor.sign_claims("2026-11", PID)
    out = doctor.sign_claims("2026-11")
    assert out["signed"] == [] and "not yet approved" in out["skipped"][PID]
    for who in ("S001", "S004", "S006"):
        with pytest.raises(PermissionDenied):
            month.as_user(who).sign_claims("2026-11")
    month.as_user("S004").add_user(r.User("S009", "Dr. Other", r.Role.PRACTITIONER, r.Credential.DO, "NY"))
    month.as_user("S004").approve_time(entry_ids(month))
    with pytest.raises(PermissionDenied, match="billing practitioner"):
        month.as_user("S009").sign_claims("2026-11", PID)


APCM_PID = "P00010"


@pytest.fixture
def apcm(month, make_bundle, clock):
    """P00010 (two chronic conditions, member id, initiating visit) moved from CCM to APCM from
    November (APCM consent on 20 October), with 30 minutes of CCM time logged in November that the
    APCM month does not bill; approval required."""
    from workbench.clock import FixedClock

    bundle = make_bundle(APCM_PID)
    month.as_user("S004").add_patient(dataclasses.replace(
        bundle, patient=dataclasses.replace(bundle.patient, member_id="2EG4TE5MK73")))
    month.record_consent(APCM_PID, "verbal", date(2026, 10, 1), ALL_TOLD, billing_practitioner_id="S005")
    month.as_user("S005").record_visit(APCM_PID, date(2026, 10, 1), "office_visit", ccm_discussed=True)
    october = month.as_user("S001", clock=FixedClock(datetime(2026, 10, 20, 15, tzinfo=UTC)))
    october.move_to_apcm(APCM_PID, "2026-11-01", "verbal", consent_date="2026-10-20")
    month.log_time(APCM_PID, 30, "patient_call", "Check-in", service_date="2026-11-04")
    return month


def apcm_row(wb):
    rows = [x for x in claims_report(wb, "2026-11").to_dict("records") if x["patient_id"] == APCM_PID]
    assert [x["service"] for x in rows] == ["APCM"]
    return rows[0]


def test_the_billing_practitioner_signs_an_apcm_claim_and_it_goes_out(apcm) -> None:
    """An APCM month is billed monthly, not by time: its claim waits for the signature only (the
    month's CCM time, not billed, waits for no approval), is signed like a CCM claim, and a change
    of its codes (a behavioural-health add-on) needs a new signature."""
    row = apcm_row(apcm)
    assert row["codes"] == "G0557x1" and codes(row) == {"NOT_SIGNED"} and row["status"] == "hold"
    for who in ("S001", "S004", "S006"):
        with pytest.raises(PermissionDenied):
            apcm.as_user(who).sign_claims("2026-11", APCM_PID)
    doctor = apcm.as_user("S005")
    out = doctor.sign_claims("2026-11")
    assert APCM_PID in out["signed"] and "not yet approved" in out["skipped"][PID]  # the CCM claim waits
    row = apcm_row(apcm)
    assert (row["status"], row["reason_codes"], row["reasons"]) == ("ready", "", "")
    assert doctor.sign_claims("2026-11", APCM_PID) == {"signed": [], "skipped": {APCM_PID: "already signed as it stands"}}
    apcm.record_bh_service(APCM_PID, "2026-11", "G0568")
    row = apcm_row(apcm)
    assert row["codes"] == "G0557x1;G0568x1" and codes(row) == {"SIGNED_CLAIM_CHANGED"}
    assert "codes then G0557x1, now G0557x1;G0568x1" in row["reasons"]
    assert doctor.sign_claims("2026-11", APCM_PID)["signed"] == [APCM_PID]
    assert apcm_row(apcm)["status"] == "ready"
    packet = apcm.as_user("S004").audit_packet(APCM_PID, "2026-11")
    assert packet["claim"]["programme"] == "APCM"
    assert packet["claim"]["signature"]["codes"] == "G0557x1;G0568x1" and packet["claim"]["signature"]["entry_ids"] == []
    why = [c["why"] for c in packet["claim"]["codes"]]
    assert why[0].startswith("APCM level 2: monthly") and why[1].startswith(BH_ADDONS["G0568"] + ": with the APCM")


def test_bad_input_is_a_sentence(month) -> None:
    sup = month.as_user("S004")
    with pytest.raises(InvalidInput, match="Time entry id"):
        sup.approve_time(["x"])
    with pytest.raises(InvalidInput, match="at least one"):
        sup.approve_time([])
    with pytest.raises(InvalidInput, match="not a date"):
        sup.approve_week("S001", "last week")
    with pytest.raises(InvalidInput, match="Nothing to approve"):
        sup.approve_week("S001", "2026-10-05")
    with pytest.raises(InvalidInput):
        month.as_user("S005").sign_claims("2026-13")


def test_approvals_and_signatures_are_append_only(month, db_url) -> None:
    month.as_user("S004").approve_time(entry_ids(month))
    month.as_user("S005").sign_claims("2026-11")
    from workbench.store import make_engine

    from tests.conftest import owner_url

    url = owner_url(db_url) if db_url.startswith("postgresql") else db_url
    engine = make_engine(url)
    try:
        for stmt in ("UPDATE time_approvals SET entry_staff_id = 'S002'", "DELETE FROM time_approvals",
                     "UPDATE claim_signoffs SET codes = ''", "DELETE FROM claim_signoffs"):
            with pytest.raises(Exception, match="append-only"):
                with engine.begin() as conn:
                    conn.execute(text(stmt))
    finally:
        engine.dispose()
