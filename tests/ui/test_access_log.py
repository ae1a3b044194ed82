"""The access log in the browser: opening a chart writes one access-log row, and the supervisor's
access page lists it; a care manager and a trainee are refused the page (the service refuses
every role but the supervisor: tests/intake_fhir/test_access_log.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.ui.test_browser import open_app, shot, staff_id
from workbench import records as r
from workbench.service import Workbench
from workbench.store import schema as s


def _rows(db: str) -> list:
    wb = Workbench.open(db)
    with wb.read() as conn:
        return list(conn.execute(select(s.access_log)))


def _chart_rows(db: str, uid: str) -> list:
    wb = Workbench.open(db)
    with wb.read() as conn:
        return list(conn.execute(select(s.access_log).where(s.access_log.c.user_id == uid,
                                                            s.access_log.c.action == "chart")))


def test_opening_a_chart_is_logged_and_the_supervisor_sees_it(page, voila_server):
    base, db = voila_server["base"], voila_server["db"]
    uid, sup = staff_id(db, "care_manager"), staff_id(db, "supervisor")
    pid = Workbench.open(db).patients()[3].id
    before = _chart_rows(db, uid)
    open_app(page, base, f"chart.ipynb?patient={pid}&user={uid}", ".ccm-chart-header")
    new = [x for x in _chart_rows(db, uid) if x.id not in {b.id for b in before}]
    assert [(x.patient_ids, x.place) for x in new] == [([pid], "page:chart")]

    open_app(page, base, f"access.ipynb?user={sup}", ".ccm-access-table")
    page.locator(".ccm-access-person input").fill(uid)
    page.click(".ccm-access-show")
    row = page.locator(".ccm-access-row").filter(has_text=pid).first
    row.wait_for(state="visible")
    assert uid in row.inner_text() and "page:chart" in row.inner_text()
    shot(page, "access-log")


@pytest.mark.parametrize("role", ["care_manager", "trainee"])
def test_only_a_supervisor_is_shown_the_access_page(page, voila_server, role):
    base, db = voila_server["base"], voila_server["db"]
    system = Workbench.open(db)
    if role == "trainee" and not system.users("trainee"):  # the seeded practice has none: one joins
        system.add_user(r.User("S090", "Tia Trainee", r.Role.TRAINEE, r.Credential.RN, system.settings.state))
    who = staff_id(db, role)
    system.as_user(staff_id(db, "care_manager")).open_chart(system.patients()[0].id)  # a row to keep from them
    assert any(x.action == "chart" for x in _rows(db))
    open_app(page, base, f"access.ipynb?user={who}", ".ccm-topbar")
    assert page.locator(".ccm-access-table").count() == 0
    assert page.locator(".ccm-nav-access").count() == 0
    assert "This page is for supervisor" in page.locator("body").inner_text()
    assert not any("page:chart" in t for t in page.locator(".ccm-access-row").all_inner_texts())
