"""Barriers through the service, on SQLite and PostgreSQL: adding, updating and resolving each
write a new row (the old one stays, superseded), a resolution only when resolved, an unchanged
update refused, and a practice attempt that has ended refuses any further write."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from workbench import records as r
from workbench.errors import InvalidInput, PermissionDenied
from workbench.store import schema as s


def count(wb) -> int:
    with wb.read() as conn:
        return conn.execute(select(func.count()).select_from(s.barriers)).scalar()


def test_update_and_resolve_are_new_rows(wb):
    b = wb.add_barrier("P00001", "transportation", "No car for the eye exam", action="Van ride booked")
    with pytest.raises(InvalidInput, match="Nothing changed"):
        wb.update_barrier(b.id, "open", action="Van ride booked")
    with pytest.raises(InvalidInput, match="only when the barrier is resolved"):
        wb.update_barrier(b.id, "in_progress", action="Van ride booked", resolution="done")
    moved = wb.update_barrier(b.id, "in_progress", action="Van ride booked for Dec 4",
                              description="No car since October")
    done = wb.update_barrier(moved.id, "resolved", action="Van ride booked for Dec 4",
                             resolution="She went; the van came on time")
    assert count(wb) == 3
    (current,) = wb.barriers("P00001")
    assert (current.id, current.status, current.description, current.resolution) == (
        done.id, r.BarrierStatus.RESOLVED, "No car since October", "She went; the van came on time")
    with pytest.raises(InvalidInput, match="already corrected"):
        wb.update_barrier(b.id, "resolved", action="x")  # only the latest row can be updated
    assert wb.barriers("P00001", open_only=True) == []


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.sampled_from(list(r.BarrierStatus)), st.sampled_from(["", "ride", "bus pass"])),
                      min_size=1, max_size=5))
def test_one_current_row_per_barrier_whatever_the_updates(wb, steps):
    before = count(wb)
    b = wb.add_barrier("P00002", "food", "Runs short some weeks")
    written = 1
    for status, action in steps:
        try:
            b = wb.update_barrier(b.id, status, action=action)
            written += 1
        except InvalidInput:
            pass  # nothing changed, or resolved without an action: nothing written
    assert count(wb) == before + written
    current = [x for x in wb.barriers("P00002") if x.id == b.id]
    assert len(current) == 1 and current[0].status == b.status


def test_an_ended_practice_attempt_is_read_only(wb, clock):
    from training.attempts import StoreAttempts
    from training.engine import start_attempt
    from training.library import load_library

    sc = load_library()["checkin-hypertension-arthritis"]
    system, trainee = wb.as_user("S004"), wb.as_user("S007")
    attempt = start_attempt(trainee, sc, "S007", seed=1, repo=StoreAttempts(trainee))
    tw, pid = attempt.workbench, attempt.patient_id
    tw.log_contact(pid, "phone", "reached", "before the end")
    attempt.end()
    for write in (lambda: tw.start_timer(pid), lambda: tw.log_contact(pid, "phone", "reached", "late"),
                  lambda: tw.add_barrier(pid, "food", "late"),
                  lambda: system.log_contact(pid, "phone", "reached", "a supervisor, late")):
        with pytest.raises(PermissionDenied, match="ended"):
            write()
    assert len(tw.contacts(pid)) == 1  # reading is fine, and nothing was added
