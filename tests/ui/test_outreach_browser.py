"""The worklist's "Eligible, not enrolled" view in Debian's Chromium against a real voila on
127.0.0.1: a care manager opens it, records an outreach attempt, sees the message beside the
button and the attempt counted in the row, and nothing leaves 127.0.0.1."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from test_browser import assert_local, open_app, shot, staff_id  # noqa: E402

pytestmark = pytest.mark.browser


def test_outreach_view_records_an_attempt(page, voila_server):
    base, db = voila_server["base"], voila_server["db"]
    uid = staff_id(db, "care_manager")
    open_app(page, base, f"worklist.ipynb?user={uid}", ".ccm-worklist-table")
    page.locator(".ccm-worklist-whose button").filter(has_text="Eligible, not enrolled").click()
    page.wait_for_selector(".ccm-outreach-table tbody tr", state="visible")
    page.wait_for_selector(".ccm-worklist-table", state="hidden")  # the panel table gives way
    first = page.locator(".ccm-outreach-table tbody tr").first
    pid = first.get_attribute("data-patient")
    assert first.locator("td.ccm-num").inner_text() == "0"  # fewest attempts first
    page.locator(".ccm-outreach-id input").fill(pid)
    page.locator(".ccm-outreach-outcome select").select_option(label="Left a message")
    page.locator(".ccm-outreach-record").click()
    page.wait_for_selector(f".ccm-outreach-msg:has-text('Recorded for {pid}: left a message by phone')")
    row = page.locator(f'.ccm-outreach-table tr[data-patient="{pid}"]')
    row.locator("td", has_text="left message").wait_for()
    assert row.locator("td.ccm-num").inner_text() == "1"
    assert "Invited" in row.inner_text()
    shot(page, "worklist-outreach")
    # recorded: the box is emptied; an id nobody has is refused beside the button, the result replaced
    assert page.locator(".ccm-outreach-id input").input_value() == ""
    page.locator(".ccm-outreach-id input").fill("P09999")
    page.locator(".ccm-outreach-record").click()
    page.wait_for_selector(".ccm-outreach-msg .ccm-msg-error")
    box = page.locator(".ccm-outreach-msg .ccm-msg-error").bounding_box()
    button = page.locator(".ccm-outreach-record").bounding_box()
    assert box is not None and button is not None and abs(box["y"] - button["y"]) < 60  # beside it
    assert 0 <= box["y"] and box["y"] + box["height"] <= 900  # on screen, no scrolling
    assert page.locator(".ccm-outreach-msg .ccm-msg-ok").count() == 0
    from workbench.service import Workbench

    assert [a.outcome for a in Workbench.open(db, uid).outreach_attempts(pid)] == ["left_message"]
    assert_local(page)
