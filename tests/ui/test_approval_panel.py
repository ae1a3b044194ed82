"""The approval panel's widgets on the month page, without a browser (docs/billing-approval.md):
what each role is offered, messages beside their buttons, and no second write from a double click."""

from __future__ import annotations

import pytest

from tests.ui.approval_seed import seed_approval_practice
from workbench.ui.month import MonthView


@pytest.fixture
def practice(tmp_path):
    from workbench import service

    url = f"sqlite:///{tmp_path / 'w.db'}"
    wb = seed_approval_practice(url)
    yield wb
    engine = service._ENGINES.pop(url, None)
    if engine is not None:
        engine.dispose()


def texts(slot) -> str:
    return slot.value


def test_each_role_is_offered_its_part(practice) -> None:
    sup = MonthView(practice.as_user("S004")).approval
    doc = MonthView(practice.as_user("S005")).approval
    bill = MonthView(practice.as_user("S006")).approval
    assert sup.queue in sup.children and sup.sign_button not in sup.children
    assert doc.sign_button in doc.children and doc.queue not in doc.children
    assert bill.queue not in bill.children and bill.sign_button not in bill.children
    assert bill.packet in bill.children and any(bill.packet_button in getattr(c, "children", ()) for c in bill.children)


def test_approving_entries_twice_by_double_click_writes_once(practice) -> None:
    view = MonthView(practice.as_user("S004"))
    panel = view.approval
    p1 = [v for label, v in panel.queue.options if "P00001" in label]
    panel.queue.value = tuple(p1)
    panel.approve_button.click()
    panel.approve_button.click()  # the second half of a double click: the form is empty now
    assert "Approved 2 time entries" in panel.msg.slot("approve").value
    assert practice.count("time_approvals") == 2
    assert [label for label, _v in panel.queue.options if "P00001" in label] == []
    held = view.claims.set_index("patient_id").loc["P00001", "reason_codes"]
    assert held == "NOT_SIGNED"  # the claims above were redrawn after the write


def test_a_timesheet_is_chosen_never_defaulted(practice) -> None:
    panel = MonthView(practice.as_user("S004")).approval
    assert panel.week.value is None and len(panel.week.options) == 1
    panel.week_button.click()
    assert "Choose a timesheet first" in panel.msg.slot("week").value
    assert practice.count("time_approvals") == 0
    panel.week.index = 0
    panel.week_button.click()
    assert "3 entries" in panel.msg.slot("week").value and panel.msg.slot("approve").value == ""
    panel.week_button.click()
    assert "3 entries" in panel.msg.slot("week").value  # kept: nothing more written
    assert practice.count("time_approvals") == 3


def test_signing_says_what_waits_and_an_error_sits_beside_its_button(practice) -> None:
    panel = MonthView(practice.as_user("S005")).approval
    panel.sign_button.click()
    assert "Signed 0 claim(s)" in panel.msg.slot("sign").value and "2 wait for time approval" in panel.msg.slot("sign").value
    assert practice.count("claim_signoffs") == 0
    panel.patient.value = "P00002"
    panel.packet_button.click()
    assert "Audit packet of P00002" in panel.msg.slot("packet").value and panel.msg.slot("sign").value == ""
    assert "ccm-packet-entry" in panel.packet.value and "not approved" in panel.packet.value
