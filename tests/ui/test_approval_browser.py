"""The approval pages in Chromium against a real voila (docs/billing-approval.md): a supervisor
approves a care manager's time; the billing practitioner signs the month; the claims file holds
the patient-month whose time is not approved, with the reason code and sentence; the audit packet
of one patient-month opens on the page and in its PDF, listing its consent (version), care plan
version and time entries."""

from __future__ import annotations

import csv
import io
import re

import pytest

from tests.ui.approval_seed import seed_approval_practice
from tests.ui.conftest import served
from tests.ui.test_browser import assert_local, open_app, shot
from workbench.service import Workbench

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def approval_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("approval")
    url = f"sqlite:///{tmp / 'workbench.db'}"
    seed_approval_practice(url)
    with served(url, tmp) as server:
        yield server


def test_approve_sign_hold_and_open_the_packet(page, approval_server):
    base, db = approval_server["base"], approval_server["db"]
    wb = Workbench.open(db)
    p1_entries = [e.id for e in wb.time_entries("P00001")]

    # the supervisor approves the care manager's time on P00001, entry by entry
    open_app(page, base, "month.ipynb?user=S004", ".ccm-approval-queue select")
    queue = page.locator(".ccm-approval-queue select")
    labels = [x.replace("\xa0", " ") for x in queue.locator("option").all_inner_texts()]
    assert len(labels) == 3 and all("S001 (RN)" in x for x in labels)
    queue.select_option(index=[i for i, label in enumerate(labels) if "P00001" in label])
    page.click(".ccm-approve-entries")
    page.wait_for_selector(".ccm-approval-msg-approve .ccm-msg-ok", timeout=90_000)
    assert "Approved 2 time entries" in page.inner_text(".ccm-approval-msg-approve")
    page.wait_for_function("document.querySelectorAll('.ccm-approval-queue option').length === 1")
    shot(page, "approval-queue")
    assert [a["entry_id"] for a in wb.as_user("S004").approvals("P00001", wb.today().strftime("%Y-%m"))] \
        == p1_entries

    # the billing practitioner signs the month: P00001 is signed, P00002 waits for approval
    open_app(page, base, "month.ipynb?user=S005", ".ccm-sign-month")
    page.click(".ccm-sign-month")
    page.wait_for_selector(".ccm-approval-msg-sign .ccm-msg-ok", timeout=90_000)
    said = page.inner_text(".ccm-approval-msg-sign")
    assert "Signed 1 claim(s)" in said and "1 wait for time approval" in said
    assert page.locator(".ccm-sign-month").is_enabled()  # ready again after the write
    page.wait_for_selector('.ccm-claim-row[data-patient="P00001"][data-status="ready"]', timeout=90_000)

    # the claims file holds the unapproved patient-month, with the code and its sentence
    with page.expect_download() as info:
        page.click(".ccm-claims-csv")
    rows = {r["patient_id"]: r for r in csv.DictReader(io.StringIO(open(info.value.path(), encoding="utf-8").read()))}
    assert rows["P00001"]["status"] == "ready" and rows["P00001"]["reason_codes"] == ""
    held = rows["P00002"]
    assert held["status"] == "hold"
    assert held["reason_codes"].split(";") == ["TIME_NOT_APPROVED", "NOT_SIGNED"]
    assert "1 time entry not approved by a supervisor" in held["reasons"]

    # the audit packet of P00001 opens on the page and as a PDF
    page.select_option(".ccm-packet-patient select", "P00001")
    page.click(".ccm-open-packet")
    page.wait_for_selector(".ccm-packet", timeout=90_000)
    consent = page.inner_text(".ccm-packet-consent").replace("\xa0", " ")
    assert re.search(r"CCM consent \d+, text version ccm-\d{4}\.\d+", consent), consent
    assert "Care plan version 1" in page.inner_text(".ccm-packet-plan")
    entries = [x.replace("\xa0", " ") for x in page.locator(".ccm-packet-entry").all_inner_texts()]
    assert [int(x.split()[1]) for x in entries] == p1_entries
    assert all("Rita Nurse (S001, RN, care_manager)" in x and "approved by Sam Supervisor (S004)" in x for x in entries)
    assert "Signed by S005" in page.inner_text(".ccm-packet-signature")
    shot(page, "audit-packet")
    with page.expect_download() as info:
        page.click(".ccm-packet-pdf")
    from pypdf import PdfReader

    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(info.value.path()).pages)
    assert "Audit packet: patient P00001" in text and "Care plan version 1" in text
    assert all(f"Entry {i}" in text for i in p1_entries) and "Signed by Dr. Maya Doctor" in text
    assert_local(page)
