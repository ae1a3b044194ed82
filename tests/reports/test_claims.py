"""The claim-ready month (docs/reference.md, "A claim-ready month"), on SQLite and PostgreSQL,
and the visits service that feeds the initiating-visit rule and G0506."""

from __future__ import annotations

import dataclasses
from datetime import date

import pandas as pd
import pytest

from workbench import records as r
from workbench.errors import InvalidInput, PermissionDenied
from workbench.reports.claims import CLAIM_COLUMNS, claims_report, dotted_icd10, write_claims

ALL_TOLD = dict.fromkeys(r.CONSENT_DISCLOSURES, True)
MBI = "1EG4TE5MK73"
NPI = "1234567893"


@pytest.fixture
def month(wb, make_bundle):
    """P00003: member id, consent, initiating visit with G0506 on 2026-11-02, 45 minutes in
    November. P00001: consent and 25 minutes, but no member id and never seen."""
    system = wb.as_user("S004")
    system.set_npi("S005", NPI)
    bundle = make_bundle("P00003", first_name="Cleo", last_name="Carter")
    bundle.patient = dataclasses.replace(bundle.patient, member_id=MBI.lower()[:4] + "-" + MBI[4:])
    system.add_patient(bundle)
    for pid in ("P00001", "P00003"):
        wb.record_consent(pid, "verbal", date(2026, 11, 2), ALL_TOLD, billing_practitioner_id="S005")
    wb.as_user("S005").record_visit("P00003", date(2026, 11, 2), "office_visit", ccm_discussed=True,
                                    extensive_care_planning=True)
    wb.log_time("P00003", 25, "patient_call", "Check-in", service_date="2026-11-05")
    wb.log_time("P00003", 20, "care_plan", "Plan review", service_date="2026-11-09")
    wb.log_time("P00001", 25, "patient_call", "Check-in", service_date="2026-11-06")
    return wb


def rows_of(df: pd.DataFrame) -> dict[tuple[str, str], dict]:
    return {(row["patient_id"], row["service"]): row for row in df.to_dict("records")}


def test_claim_lines_carry_what_a_claim_needs(month) -> None:
    df = claims_report(month, "2026-11")
    assert list(df.columns) == CLAIM_COLUMNS
    rows = rows_of(df)
    assert set(rows) == {("P00001", "CCM"), ("P00003", "CCM"), ("P00003", "G0506")}
    ccm = rows[("P00003", "CCM")]
    assert (ccm["last_name"], ccm["first_name"], ccm["birth_date"], ccm["sex"]) == ("Carter", "Cleo", "1950-03-04", "F")
    assert ccm["member_id"] == MBI  # normalised: no dashes, upper case
    assert (ccm["billing_practitioner"], ccm["billing_npi"]) == ("Dr. Maya Doctor", NPI)
    assert [ccm[f"dx{i}"] for i in range(1, 5)] == ["I10", "E11.9", "", ""]
    assert ccm["codes"] == "99490x1;99439x1"
    assert ccm["date_of_service"] == "2026-11-30" and ccm["place_of_service"] == "11"
    assert ccm["amount_usd"] == pytest.approx(66.13 + 50.44)
    assert ccm["status"] == "ready" and ccm["reasons"] == ""
    assert "99439 provisional amount" in ccm["notes"]  # provisional, shown on the bill, not held


def test_g0506_row_on_the_visit_day_held_while_amount_unset(month) -> None:
    g = rows_of(claims_report(month, "2026-11"))[("P00003", "G0506")]
    assert (g["codes"], g["date_of_service"]) == ("G0506x1", "2026-11-02")
    assert g["status"] == "hold" and "G0506 amount not set in the 2026 table" in g["reasons"]
    assert "add-on to the initiating visit of 2026-11-02" in g["notes"]
    # once per patient: a second care-planning visit never makes a second G0506 line
    month.as_user("S005").record_visit("P00003", date(2026, 11, 9), "office_visit", ccm_discussed=True,
                                       extensive_care_planning=True)
    df = claims_report(month, "2026-11")
    assert (df["service"] == "G0506").sum() == 1


def test_hold_names_every_reason(month) -> None:
    row = rows_of(claims_report(month, "2026-11"))[("P00001", "CCM")]
    assert row["status"] == "hold"
    assert "Medicare member id (MBI) missing" in row["reasons"]
    assert "Initiating visit needed by 2026-11-30" in row["reasons"]
    assert row["codes"] == "99490x1"  # the codes it would bill stay visible


def test_initiating_visit_releases_the_hold(month) -> None:
    assert not month.initiation("P00001", "2026-11").met
    month.as_user("S005").record_visit("P00001", date(2026, 11, 9), "annual_wellness_visit", ccm_discussed=True)
    assert month.initiation("P00001", "2026-11").met
    row = rows_of(claims_report(month, "2026-11"))[("P00001", "CCM")]
    assert "Initiating visit" not in row["reasons"] and "MBI" in row["reasons"]
    assert not any("Initiating visit" in f for f in month.month_bill("P00001", "2026-11").flags)


def test_month_report_and_bill_flag_the_missing_visit(month) -> None:
    flags = month.month_report("2026-11").set_index("patient_id").loc["P00001", "flags"]
    assert any(f.startswith("Initiating visit needed by 2026-11-30") for f in flags)  # a list of flags
    assert any(f.startswith("Initiating visit needed") for f in month.month_bill("P00001", "2026-11").flags)


def test_threshold_date_of_service(month) -> None:
    rows = rows_of(claims_report(month, "2026-11", date_of_service="threshold"))
    assert rows[("P00003", "CCM")]["date_of_service"] == "2026-11-09"  # 40 min (99439) reached that day
    assert rows[("P00001", "CCM")]["date_of_service"] == "2026-11-06"


@pytest.mark.parametrize("kw, field", [
    ({"date_of_service": "tomorrow"}, "date_of_service"),
    ({"place_of_service": "office"}, "place_of_service"),
    ({"place_of_service": "1"}, "place_of_service"),
])
def test_bad_settings_refused(month, kw, field) -> None:
    with pytest.raises(InvalidInput) as err:
        claims_report(month, "2026-11", **kw)
    assert err.value.field == field


def test_csv_and_xlsx_round_trip(month, tmp_path) -> None:
    df = claims_report(month, "2026-11")
    write_claims(df, "csv", tmp_path / "c.csv")
    back = pd.read_csv(tmp_path / "c.csv", dtype=str, keep_default_na=False)
    assert back["patient_id"].tolist() == df["patient_id"].tolist()
    assert back["member_id"].tolist() == df["member_id"].tolist()
    write_claims(df, "xlsx", tmp_path / "c.xlsx")
    sheet = pd.read_excel(tmp_path / "c.xlsx", sheet_name="claims", dtype=str, keep_default_na=False)
    assert sheet["codes"].tolist() == df["codes"].tolist()
    totals = pd.read_excel(tmp_path / "c.xlsx", sheet_name="totals").iloc[0]
    assert totals["ready"] == 1 and totals["hold"] == 2


# ---------------------------------------------------------------- the visits service

def test_visit_needs_a_practitioner_and_a_real_date(wb) -> None:
    with pytest.raises(InvalidInput, match="no practitioner credential") as err:
        wb.record_visit("P00001", date(2026, 11, 2), practitioner_id="S001", ccm_discussed=True)
    assert err.value.field == "practitioner_id"
    with pytest.raises(InvalidInput, match="in the future"):
        wb.record_visit("P00001", date(2026, 12, 2), practitioner_id="S005")
    with pytest.raises(InvalidInput, match="before the patient's birth date"):
        wb.record_visit("P00001", date(1940, 1, 2), practitioner_id="S005")
    with pytest.raises(InvalidInput) as err:
        wb.record_visit("P00001", date(2026, 11, 2), "house_call", practitioner_id="S005")
    assert err.value.field == "kind"
    with pytest.raises(PermissionDenied):
        wb.as_user("S006").record_visit("P00001", date(2026, 11, 2), practitioner_id="S005")
    assert wb.visits("P00001") == []


def test_npi_checked_and_supervisor_only(wb) -> None:
    with pytest.raises(InvalidInput, match="check digit") as err:
        wb.as_user("S004").set_npi("S005", "1234567890")
    assert err.value.field == "npi"
    with pytest.raises(PermissionDenied):
        wb.set_npi("S005", NPI)
    assert wb.as_user("S004").set_npi("S005", NPI).npi == NPI
    assert wb.get_user("S005").npi == NPI
    with pytest.raises(InvalidInput, match="NPI"):
        wb.add_user(r.User("S099", "New Doc", r.Role.PRACTITIONER, r.Credential.MD, "NY", npi="123"))


def test_patient_member_id_checked_on_the_way_in(wb, make_bundle) -> None:
    bundle = make_bundle("P00010")
    bundle.patient = dataclasses.replace(bundle.patient, member_id="1SG4TE5MK73")
    with pytest.raises(InvalidInput, match="character 2") as err:
        wb.as_user("S004").add_patient(bundle)
    assert "1SG4TE5MK73" not in str(err.value)  # patient data never in a message
    assert all(p.id != "P00010" for p in wb.patients())


@pytest.mark.parametrize("code, dotted", [("E119", "E11.9"), ("E11.9", "E11.9"), ("I10", "I10"),
                                          ("h401130", "H40.1130")])
def test_dotted_icd10(code, dotted) -> None:
    assert dotted_icd10(code) == dotted
