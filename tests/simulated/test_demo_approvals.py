"""The demo practice's approval history (docs/billing-approval.md, "The demo practice"): approval
required, the oldest complete month approved and signed, the last complete month with claims held
for time not approved beside signed ones; every approval by a supervisor of someone else's time.
And its programmes (docs/reference.md, "Enrolment and programmes"): last month's report bills CCM
and APCM patients side by side, never both for one patient-month, and the APCM claims are signed."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from simulated_patients.practice import build_demo_database
from workbench.rules.apcm import APCM_CODES, APCM_PROGRAMME_CODES
from workbench.rules.billing_2026 import TABLE

NOW = datetime(2026, 12, 10, 11, 0, tzinfo=ZoneInfo("America/New_York"))


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}"
    wb, summary = build_demo_database(url, 40, 2026, NOW)
    yield wb, summary
    wb.engine.dispose()


def codes(df) -> list[set[str]]:
    return [set(filter(None, c.split(";"))) for c in df["reason_codes"]]


def test_the_demo_shows_approved_and_held_months(demo) -> None:
    wb, summary = demo
    assert wb.approval_required and summary["approvals"] > 0 and summary["claims_signed"] > 0
    october = wb.claims("2026-10")
    assert len(october) and not any(c & {"TIME_NOT_APPROVED", "NOT_SIGNED"} for c in codes(october))
    november = wb.claims("2026-11")
    held = [c for c in codes(november) if "TIME_NOT_APPROVED" in c]
    assert held and all("NOT_SIGNED" in c for c in held)  # time waiting: not signed either
    assert (november["status"] == "ready").any()


def test_every_demo_approval_is_a_supervisors_of_someone_elses_time(demo) -> None:
    wb, _ = demo
    with wb.engine.connect() as conn:
        rows = conn.execute(text("SELECT a.recorded_by, a.recorded_role, e.staff_id, a.recorded_at, e.recorded_at "
                                 "FROM time_approvals a JOIN time_entries e ON e.id = a.time_entry_id")).all()
    assert rows
    assert all(role == "supervisor" and by != staff and str(approved) >= str(written)
               for by, role, staff, approved, written in rows)


#: every CCM and PCM code of the 2026 table (base codes and add-ons)
TIME_CODES = {c for fam in TABLE.families for c in (fam.base_code, fam.addon_code) if c}


def test_last_months_report_bills_ccm_and_apcm_side_by_side_never_both(demo) -> None:
    wb, summary = demo
    report = wb.month_report("2026-11")
    billed = report[report["codes"].map(len) > 0]
    by_programme = billed.groupby("programme")["patient_id"].apply(set).to_dict()
    assert set(by_programme) == {"CCM", "APCM"} and len(by_programme["CCM"]) >= 5
    assert len(by_programme["APCM"]) == summary["moved_to_apcm"] == 3
    for row in report.to_dict("records"):
        codes = {c["code"] for c in row["codes"]}
        assert not (codes & TIME_CODES and codes & APCM_PROGRAMME_CODES), row["patient_id"]
        if row["programme"] == "APCM":
            assert codes & set(APCM_CODES.values()) and not codes & TIME_CODES
            assert row["programme_why"].startswith("Enrolled in APCM from 2026-11-01. APCM level")
            if row["total_minutes"]:  # care-management time logged for them: held, with the reason
                assert any("of CCM time not billed: APCM is billed this month (one programme per "
                           "patient-month)" in x for x in row["reasons"])
        elif row["programme"] == "CCM":
            assert codes and codes <= TIME_CODES
    levels = sorted(c["code"] for row in billed[billed["programme"] == "APCM"]["codes"] for c in row
                    if c["code"] in APCM_CODES.values())
    assert levels == ["G0557", "G0557", "G0558"]  # the QMB patient at level 3
    # the month page's table shows them side by side, each row naming its programme and why
    from workbench.ui.month import report_table

    html = report_table(report)
    assert "<th>Programme</th>" in html and "<td>APCM</td>" in html and "<td>CCM</td>" in html
    assert "Enrolled in APCM from 2026-11-01. APCM level 3" in html
    # the month before the move, the same patients were CCM patients
    october = wb.month_report("2026-10").set_index("patient_id")
    assert {october.loc[p, "programme"] for p in by_programme["APCM"] if p in october.index} <= {"CCM", ""}


def test_the_demo_apcm_claims_are_signed_by_the_billing_practitioner(demo) -> None:
    wb, _ = demo
    claims = wb.claims("2026-11")
    apcm = claims[claims["service"] == "APCM"]
    assert len(apcm) == 3
    assert not any(c & {"NOT_SIGNED", "TIME_NOT_APPROVED", "SIGNED_CLAIM_CHANGED"} for c in codes(apcm))
    assert (apcm["status"] == "ready").any()
