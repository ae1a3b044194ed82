"""The demo practice's approval history (docs/billing-approval.md, "The demo practice"): approval
required, the oldest complete month approved and signed, the last complete month with claims held
for time not approved beside signed ones; every approval by a supervisor of someone else's time."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from simulated_patients.practice import build_demo_database

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
