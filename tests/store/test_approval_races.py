"""Two supervisor kernels approving the same time at once on one PostgreSQL (connected as the
app role): every entry is approved exactly once, and the loser of each race gets the project's
sentence, never a raw IntegrityError (docs/billing-approval.md)."""

from __future__ import annotations

import pytest

from tests.store.test_races import _run

pytestmark = pytest.mark.postgres


def _entry_worker(url, ids, out):
    from workbench.errors import InvalidInput
    from workbench.service import Workbench

    import os

    wb = Workbench.open(url, user="S004" if os.getpid() % 2 else "S008")
    won, lost, unexpected = 0, 0, []
    for entry_id in ids:
        try:
            wb.approve_time([entry_id])
            won += 1
        except InvalidInput:
            lost += 1
        except Exception as err:  # noqa: BLE001 - reported to the test
            unexpected.append(repr(err))
    out.put({"won": won, "lost": lost, "unexpected": unexpected})


def _week_worker(url, monday, out):
    from workbench.errors import InvalidInput
    from workbench.service import Workbench

    wb = Workbench.open(url, user="S008")
    try:
        out.put({"approved": wb.approve_week("S001", monday), "lost": 0, "unexpected": []})
    except InvalidInput:
        out.put({"approved": 0, "lost": 1, "unexpected": []})
    except Exception as err:  # noqa: BLE001
        out.put({"approved": 0, "lost": 0, "unexpected": [repr(err)]})


@pytest.fixture
def pg_time(pg_server, clock):
    from tests.conftest import STAFF, forget_engines, new_app_database, sample_patient
    from workbench import records as r
    from workbench.service import Workbench

    url = new_app_database(pg_server)
    system = Workbench.open(url, clock=clock)
    for u in STAFF:
        system.add_user(u)
    system.add_user(r.User("S008", "Pat Second", r.Role.SUPERVISOR, r.Credential.RN, "NY"))
    system.add_patient(sample_patient())
    nurse = system.as_user("S001")
    ids = [nurse.log_time("P00001", 5, "record_review", f"Review {i}", service_date=f"2026-11-{2 + i % 5:02d}").id
           for i in range(30)]
    yield url, ids
    forget_engines(url)


def _approvals(url) -> tuple[int, int]:
    from sqlalchemy import text

    from workbench.service import Workbench

    with Workbench.open(url).engine.connect() as conn:
        return (conn.execute(text("SELECT count(*) FROM time_approvals")).scalar_one(),
                conn.execute(text("SELECT count(DISTINCT time_entry_id) FROM time_approvals")).scalar_one())


def test_each_entry_is_approved_once_under_two_processes(pg_time):
    url, ids = pg_time
    results = _run(_entry_worker, url, ids)
    assert [r["unexpected"] for r in results] == [[], []]
    assert sum(r["won"] for r in results) == len(ids)
    assert sum(r["lost"] for r in results) == len(ids)
    assert _approvals(url) == (len(ids), len(ids))


def test_one_timesheet_approved_twice_at_once_approves_each_entry_once(pg_time):
    url, ids = pg_time
    results = _run(_week_worker, url, "2026-11-02")
    assert [r["unexpected"] for r in results] == [[], []]
    assert sum(r["approved"] for r in results) == len(ids)  # the whole week, by one of them
    assert _approvals(url) == (len(ids), len(ids))
