"""The demo practice's month reports at a fixed clock, compared byte for byte with a stored copy.

Moving modules between packages must not change what the practice bills: this builds the demo
practice (40 patients, seed 2026, as ``workbench demo`` builds it) at a fixed instant and writes
each of its three months' report as CSV with the report command's writer. A change in a report is
either a bug or a deliberate change of behaviour; in the second case regenerate the copies with
``UPDATE_SNAPSHOTS=1`` and review the diff.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from simulated_patients.practice import build_demo_database, month_start
from workbench.reports.formats import write_report

DATA = Path(__file__).parent / "data"
NOW = datetime(2026, 12, 1, 11, 0, tzinfo=ZoneInfo("America/New_York"))
MONTHS = [month_start(NOW.date(), k).strftime("%Y-%m") for k in (2, 1, 0)]


@pytest.fixture(scope="module")
def demo_wb(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('snapshot') / 'demo.db'}"
    wb, _ = build_demo_database(url, 40, 2026, NOW)
    yield wb
    wb.engine.dispose()


@pytest.mark.parametrize("month", MONTHS)
def test_the_demo_month_report_is_unchanged(demo_wb, month):
    csv = write_report(demo_wb.month_report(month), "csv")
    stored = DATA / f"demo-month-{month}.csv"
    if os.environ.get("UPDATE_SNAPSHOTS"):
        stored.write_text(csv)
    assert csv.count("\n") > 2, "the demo month has rows"
    assert csv == stored.read_text()
