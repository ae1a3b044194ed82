"""Totals and the four output formats of the month report."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from workbench.errors import InvalidInput
from workbench.reports import REPORT_COLUMNS, month_report, report_totals, write_report

from report_helpers import consent


@pytest.fixture
def report(swb):
    consent(swb, "P00001")
    consent(swb, "P00002")
    swb.log_time("P00001", 45, "patient_call", "call, with a comma", service_date="2026-11-02")
    swb.log_time("P00002", 21, "patient_call", "call", service_date="2026-11-03")
    swb.as_user("S003").log_time("P00002", 3, "patient_call", "call", service_date="2026-11-04")
    return month_report(swb, "2026-11")


def test_totals(report):
    totals = report_totals(report)
    assert totals == {"patients": 2, "patients_billed": 2, "billable_minutes": 60, "counted_minutes": 69,
                      "total_minutes": 69, "amount_usd": 182.70}  # 66.13 + 50.44 + 66.13 (2026 table)


def test_totals_of_an_empty_month(swb):
    df = month_report(swb, "2026-11")
    assert df.empty and list(df.columns) == REPORT_COLUMNS
    assert report_totals(df)["amount_usd"] == 0.0 and report_totals(df)["patients"] == 0
    assert "no patient had time" in write_report(df, "table")


def test_csv_round_trip(report, tmp_path):
    out = tmp_path / "m.csv"
    assert write_report(report, "csv", out) is None
    back = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(back.columns) == REPORT_COLUMNS
    assert back["codes"].tolist() == ["99490;99439", "99490"]
    assert back["amount_usd"].astype(float).tolist() == report["amount_usd"].tolist()
    assert pd.read_csv(io.StringIO(write_report(report, "csv")), dtype=str, keep_default_na=False).equals(back)


def test_xlsx_round_trip(report, tmp_path):
    out = tmp_path / "m.xlsx"
    write_report(report, "xlsx", out)
    back = pd.read_excel(out, sheet_name="report", dtype=str, keep_default_na=False)
    assert back["patient_id"].tolist() == ["P00001", "P00002"]
    assert back["minutes_by_staff"].tolist() == ["S001:45", "S001:21;S003:3"]
    totals = pd.read_excel(out, sheet_name="totals").iloc[0]
    assert totals["amount_usd"] == pytest.approx(182.70)
    with pytest.raises(InvalidInput, match="--out"):
        write_report(report, "xlsx")


def test_json_round_trip(report, tmp_path):
    data = json.loads(write_report(report, "json"))
    assert data["month"] == "2026-11" and data["totals"] == report_totals(report)
    assert pd.DataFrame(data["rows"], columns=REPORT_COLUMNS).equals(report.reset_index(drop=True))


def test_table_is_aligned_with_a_totals_line(report):
    text = write_report(report, "table")
    lines = text.rstrip("\n").split("\n")
    assert lines[0].split()[:3] == ["patient_id", "month", "codes"]
    assert lines[-1].startswith("TOTAL") and "$182.70" in lines[-1]
    assert len({len(x) for x in lines[:-1]}) == 1  # every row the same width


def test_unknown_format_refused(report):
    with pytest.raises(InvalidInput, match="table, csv, xlsx, json"):
        write_report(report, "pdf")


def test_typed_columns_become_text_only_here(report):
    from workbench.reports.formats import alternative_text, codes_text, flat_report, staff_minutes_text

    assert codes_text([{"code": "99490", "units": 1}, {"code": "99439", "units": 2}]) == "99490;99439x2"
    assert codes_text([]) == ""
    assert staff_minutes_text({"S001": 21, "S003": 3}) == "S001:21;S003:3"
    assert alternative_text(None) == "" and alternative_text(
        {"codes": [{"code": "99491", "units": 1}], "amount_usd": 82.0}) == "99491 ($82.00)"
    flat = flat_report(report)
    assert list(flat.columns) == list(report.columns)
    assert flat["codes"].tolist() == ["99490;99439", "99490"]
    assert report["codes"].tolist()[1] == [{"code": "99490", "units": 1}]  # the report itself stays typed
    assert all(isinstance(x, list) for x in report["flags"]) and all(isinstance(x, dict) for x in report["minutes_by_staff"])
