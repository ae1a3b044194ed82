"""Every CSV and XLSX the product writes is spreadsheet-safe: text a spreadsheet would run as a
formula (leading =, +, -, @, tab or carriage return) is neutralised. Each writer is tested by
reading its file back: CSV cells start with an apostrophe, XLSX cells are text, never formulas."""

from __future__ import annotations

import csv
import dataclasses
import io
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from workbench import records as r
from workbench.export.cells import FORMULA_STARTS, is_safe, restore_cell, safe_cell

EVIL = ["=HYPERLINK(\"http://x\",\"y\")", "+1-555-0100", "-2+3", "@SUM(A1)", "\tTab", "\rCR"]
ALL_TOLD = dict.fromkeys(r.CONSENT_DISCLOSURES, True)


@pytest.mark.parametrize("value", EVIL)
def test_formula_text_neutralised_and_restored(value) -> None:
    assert safe_cell(value) == "'" + value and is_safe(safe_cell(value))
    assert restore_cell(safe_cell(value)) == value


@pytest.mark.parametrize("value", ["Ada", "O'Brien", "'quoted", "", 12, -5, 3.5, None, date(2026, 1, 2)])
def test_plain_values_unchanged(value) -> None:
    assert safe_cell(value) == value and restore_cell(value) == value


@given(st.text(max_size=30))
def test_safe_and_reversible(text) -> None:
    assert is_safe(safe_cell(text))
    assert restore_cell(safe_cell(text)) == text


@pytest.fixture
def evil(swb, make_bundle):
    """Patients whose names are formulas, with a billable month."""
    system = swb.as_user("S004")
    for i, name in enumerate(EVIL[:4], start=3):
        bundle = make_bundle(f"P0000{i}", first_name=name, last_name=name)
        bundle.patient = dataclasses.replace(bundle.patient, member_id="1EG4TE5MK73", phone=name)
        system.add_patient(bundle)
        swb.record_consent(f"P0000{i}", "verbal", date(2026, 11, 2), ALL_TOLD)
        swb.log_time(f"P0000{i}", 21, "patient_call", name, service_date="2026-11-05")
    return swb


def csv_cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def assert_csv_safe(text: str) -> None:
    cells = csv_cells(text)
    assert all(is_safe(c) for c in cells)
    assert any(c.startswith("'=HYPERLINK") or c.startswith("'+1-555") for c in cells)  # the names are there


def assert_xlsx_safe(source) -> None:
    book = load_workbook(source)
    seen = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                    assert cell.quotePrefix  # stays text when a person edits it
                    seen.append(cell.value)
    assert any(v.startswith("=HYPERLINK") for v in seen)  # kept as recorded, shown as text


def test_month_report_csv_and_xlsx(evil, tmp_path) -> None:
    from workbench.reports import write_report

    df = evil.month_report("2026-11")
    df["patient_id"] = df["patient_id"].map({f"P0000{i}": n for i, n in enumerate(EVIL[:4], start=3)})
    assert_csv_safe(write_report(df, "csv"))
    write_report(df, "xlsx", tmp_path / "m.xlsx")
    assert_xlsx_safe(tmp_path / "m.xlsx")


def test_month_view_downloads(evil) -> None:
    from workbench.ui.month import csv_bytes, xlsx_bytes

    df = evil.month_report("2026-11")
    df["flags"] = EVIL[:len(df)] + [""] * (len(df) - len(EVIL[:len(df)]))
    df["patient_id"] = df["patient_id"].map(lambda p: "=HYPERLINK(1)" if p == "P00003" else p)
    assert_csv_safe(csv_bytes(df).decode("utf-8"))
    assert_xlsx_safe(io.BytesIO(xlsx_bytes(df)))


def test_claims_csv_and_xlsx(evil, tmp_path) -> None:
    from workbench.reports.claims import claims_report, write_claims

    df = claims_report(evil, "2026-11")
    assert set(df["first_name"]) >= set(EVIL[:4])
    write_claims(df, "csv", tmp_path / "c.csv")
    assert_csv_safe((tmp_path / "c.csv").read_text(encoding="utf-8"))
    write_claims(df, "xlsx", tmp_path / "c.xlsx")
    assert_xlsx_safe(tmp_path / "c.xlsx")


def test_panel_export(evil, tmp_path) -> None:
    from workbench.export.panel_csv import export_panel

    paths = export_panel(evil, tmp_path)
    assert_csv_safe(next(p for p in paths if p.name == "patients.csv").read_text(encoding="utf-8"))


def test_gradebook_csv(tmp_path) -> None:
    from training.gradebook import GRADEBOOK_COLUMNS, GradebookRow, write_csv

    row = GradebookRow(attempt_id="A1", trainee_id="S007", trainee_name="=HYPERLINK(\"x\")", scenario_id="s1",
                       scenario_title="+1-555 call", started_at="2026-11-02", status="released", points=3.0,
                       possible=4.0, percent=75.0, passed=True, failed_critical="", overridden=0, released=True)
    text = write_csv([row], tmp_path / "g.csv").read_text(encoding="utf-8")
    assert_csv_safe(text)
    back = list(csv.DictReader(io.StringIO(text)))
    assert list(back[0]) == GRADEBOOK_COLUMNS and back[0]["points"] == "3.0"
    assert restore_cell(back[0]["trainee_name"]) == "=HYPERLINK(\"x\")"
