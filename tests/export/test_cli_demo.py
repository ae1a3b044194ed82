"""`workbench report claims`, `workbench export fhir` and `workbench export patient-copy` from the
command line on a demo database (the demo panel with a month in progress)."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from workbench.cli import main
from workbench.rules.identifiers import mbi_problem, npi_problem


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    from simulated_patients import generate_panel
    from workbench.clock import FixedClock
    from workbench.demo import add_demo_activity
    from workbench.service import Workbench

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    wb = Workbench.create(str(path), clock=FixedClock(datetime(2026, 11, 25, 15, 0, tzinfo=UTC)))
    wb.load_panel(generate_panel(60, 2026))
    add_demo_activity(wb)
    return str(path)


def test_help_for_every_new_command(capsys) -> None:
    for argv in (["report", "claims", "--help"], ["export", "--help"], ["export", "fhir", "--help"],
                 ["export", "patient-copy", "--help"]):
        with pytest.raises(SystemExit) as done:
            main(argv)
        assert done.value.code == 0
    assert "patient-copy" in capsys.readouterr().out


def test_claims_csv_and_xlsx_on_the_demo(demo_db, tmp_path) -> None:
    out = tmp_path / "claims.csv"
    assert main(["report", "claims", "--month", "2026-11", "--out", str(out), "--db", demo_db]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert rows and all(r["status"] in ("ready", "hold") for r in rows)
    ready = [r for r in rows if r["status"] == "ready"]
    assert ready, "the demo month has claims ready to send"
    for r in ready:
        assert mbi_problem(r["member_id"]) is None and npi_problem(r["billing_npi"]) is None
        assert r["dx1"] and r["codes"] and r["date_of_service"] == "2026-11-30" and r["place_of_service"] == "11"
    assert any("Initiating visit needed" in r["reasons"] for r in rows)  # demo patients never seen are held
    xlsx = tmp_path / "claims.xlsx"
    assert main(["report", "claims", "--month", "2026-11", "--format", "xlsx", "--out", str(xlsx),
                 "--date-of-service", "threshold", "--db", demo_db]) == 0
    sheet = load_workbook(xlsx)["claims"]
    assert sheet.max_row == len(rows) + 1


def test_claims_bad_month_is_a_clear_error(demo_db, tmp_path, capsys) -> None:
    assert main(["report", "claims", "--month", "2026-13", "--out", str(tmp_path / "x.csv"), "--db", demo_db]) == 2
    assert "YYYY-MM" in capsys.readouterr().err and not (tmp_path / "x.csv").exists()


def test_fhir_all_on_the_demo(demo_db, tmp_path) -> None:
    out = tmp_path / "fhir"
    assert main(["export", "fhir", "--all", "--out", str(out), "--db", demo_db]) == 0
    files = sorted(out.iterdir())
    assert len(files) == 60
    bundle = json.loads(files[0].read_text(encoding="utf-8"))
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "collection"


def test_patient_copy_on_the_demo(demo_db, tmp_path) -> None:
    assert main(["export", "patient-copy", "--patient", "P00001", "--out", str(tmp_path), "--db", demo_db]) == 0
    html = (tmp_path / "P00001.html").read_text(encoding="utf-8")
    assert "Day or night, 24/7" in html and "(518) 555-0199" in html
