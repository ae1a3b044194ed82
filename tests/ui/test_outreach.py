"""The worklist's "Eligible, not enrolled" view (ui/outreach.py) as widgets: names escaped, the
attempts counted, the message beside the button, a refused write says why and writes nothing."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from conftest import sample_patient  # noqa: E402
from helpers import consent_all, seeded_ui_db  # noqa: E402

from workbench.service import Workbench  # noqa: E402
from workbench.ui.html import esc  # noqa: E402
from workbench.ui.worklist import WorklistView  # noqa: E402

EVIL = '<img src=x onerror="alert(1)">'


@pytest.fixture
def db(sqlite_url, clock, monkeypatch):
    return seeded_ui_db(sqlite_url, clock, monkeypatch, sample_patient(),
                        sample_patient("P00002", first_name="Ben", last_name=EVIL),
                        sample_patient("P00003", first_name="Cy"))


def test_the_outreach_view_lists_records_and_says_so_beside_the_button(db, clock):
    wb = Workbench.open(db, "S001", clock)
    consent_all(wb, "P00003")  # consented: not on the list
    view = WorklistView(wb)
    assert view.outreach is None  # built only when chosen
    view.whose.value = "outreach"
    out = view.outreach
    assert view.table.layout.display == "none" and out.layout.display is None
    # the panel's sort, filters and pages are put away with its table
    assert {x.layout.display for x in (view.sort, view.search, view.prev, view.count)} == {"none"}
    assert EVIL not in out.table.value and esc(EVIL) in out.table.value
    assert 'data-patient="P00001"' in out.table.value and 'data-patient="P00003"' not in out.table.value
    assert "2 eligible patients not enrolled" in out.count.value
    out.patient.value, out.channel.value, out.outcome.value = "P00001", "phone", "left_message"
    out.record.click()
    assert "Recorded for P00001: left a message by phone. Status: Invited." in out.msg.value
    assert [a.outcome for a in wb.outreach_attempts("P00001")] == ["left_message"]
    assert not out.record.disabled
    row = out.table.value.split('data-patient="P00001"')[1].split("</tr>")[0]
    assert "<td class='ccm-num'>1</td>" in row and "left message" in row
    out.patient.value = "P09999"
    out.record.click()
    assert "No patient with id" in out.msg.value and "ccm-msg-error" in out.msg.value
    out.record.disabled = True  # a write in progress: a second click writes nothing
    out.patient.value = "P00001"
    out.record.click()
    assert len(wb.outreach_attempts("P00001")) == 1
    out.record.disabled = False
    out.record.click()  # recorded: the patient box is emptied, so a double click's second half
    out.record.click()  # finds nothing to write and keeps the result
    assert len(wb.outreach_attempts("P00001")) == 2 and out.patient.value == ""
    assert "Recorded for P00001" in out.msg.value and "ccm-msg-error" not in out.msg.value
    view.whose.value = "all"
    assert out.layout.display == "none" and view.table.layout.display is None
    assert {x.layout.display for x in (view.sort, view.search, view.prev, view.count)} == {None}


def test_a_practice_worklist_has_no_outreach_view(db, clock):
    wb = Workbench.open(db, "S001", clock)
    assert "outreach" in [v for _l, v in WorklistView(wb).whose.options]
    view = WorklistView(wb, frame=wb.worklist(), scope="training:x")
    assert "outreach" not in [v for _l, v in view.whose.options]


def test_the_month_page_shows_ccm_and_apcm_side_by_side(db, clock):
    from datetime import UTC, datetime

    from workbench.clock import FixedClock
    from workbench.ui.month import MonthView

    wb = Workbench.open(db, "S001", clock)
    for pid in ("P00001", "P00002"):
        consent_all(wb.as_user("S001", clock=FixedClock(datetime(2026, 10, 1, 15, tzinfo=UTC))), pid)
        wb.log_time(pid, 25, "patient_call", "call", service_date="2026-11-03")
    october = wb.as_user("S001", clock=FixedClock(datetime(2026, 10, 20, 15, tzinfo=UTC)))
    october.move_to_apcm("P00002", "2026-11-01", "verbal", consent_date="2026-10-20")
    view = MonthView(Workbench.open(db, "S004", clock), "2026-11")
    html = view.table.value
    assert "<th>Programme</th>" in html and "<th>Programme: why</th>" in html
    rows = {r.split("</td>")[0].split("<td>")[-1]: r for r in html.split("<tr>")[2:]}
    assert "<td>CCM</td><td>99490</td>" in rows["P00001"]
    assert "<td>APCM</td><td>G0557</td>" in rows["P00002"] and "Enrolled in APCM from 2026-11-01" in rows["P00002"]
