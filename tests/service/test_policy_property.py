"""The service obeys the one policy table, as a property: for any person, any call and any patient
(live, their own practice patient, another trainee's), the call is refused with PermissionDenied
exactly when ``workbench.service.policy`` says the person's role may not do that action on that
kind of patient, and a refused call writes nothing.

Runs on an in-memory copy of the migrated database (tests/support/memory.py): the real service,
unit of work and schema, fast enough for hypothesis to try hundreds of cases.
"""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from conftest import STAFF, sample_patient  # noqa: E402

from tests.support.memory import memory_workbench  # noqa: E402
from workbench import records as r  # noqa: E402
from workbench.clock import FixedClock  # noqa: E402
from workbench.errors import PermissionDenied, WorkbenchError  # noqa: E402
from workbench.service import policy  # noqa: E402
from workbench.service.policy import Action  # noqa: E402

TRAINEE2 = r.User("S008", "Toni Trainee", r.Role.TRAINEE, r.Credential.RN, "NY")
PEOPLE = [u.id for u in STAFF] + ["S008"]
ATTEMPTS = {"TA1": ("A1", "S007"), "TB1": ("B1", "S008")}  # practice patient -> (attempt, trainee)
PATIENTS = ["P00001", "TA1", "TB1"]
DISCLOSED = dict.fromkeys(r.CONSENT_DISCLOSURES, True)
RECORD_TABLES = ("contacts", "care_plan_revisions", "consents", "escalations", "questionnaire_responses",
                 "time_entries", "timers")

#: call -> (the action the policy names for it, what it does to patient ``pid``)
CALLS = {
    "chart": (Action.READ_CHART, lambda wb, pid: wb.chart(pid)),
    "contacts": (Action.READ_CHART, lambda wb, pid: wb.contacts(pid)),
    "care_plan_history": (Action.READ_CHART, lambda wb, pid: wb.care_plan_history(pid)),
    "log_contact": (Action.WRITE_RECORD, lambda wb, pid: wb.log_contact(pid, "phone", "reached", "talked")),
    "revise_care_plan": (Action.WRITE_RECORD,
                         lambda wb, pid: wb.revise_care_plan(pid, r.CarePlan(problem_list="HTN"), 0, "first plan")),
    "record_consent": (Action.WRITE_RECORD,
                       lambda wb, pid: wb.record_consent(pid, "verbal", date(2026, 11, 2), DISCLOSED)),
    "open_escalation": (Action.WRITE_RECORD, lambda wb, pid: wb.open_escalation(pid, "chest pain")),
    "record_phq": (Action.WRITE_RECORD, lambda wb, pid: wb.record_phq(pid, "PHQ-2", [0, 1])),
    "log_time": (Action.LOG_TIME, lambda wb, pid: wb.log_time(pid, 10, "patient_call", "call")),
    "start_timer": (Action.LOG_TIME, lambda wb, pid: wb.start_timer(pid)),
    "month_bill": (Action.READ_BILLING, lambda wb, pid: wb.month_bill(pid, "2026-11")),
}


def _practice() -> object:
    """Staff, live patient P00001, and one practice patient for each of two trainees' attempts."""
    system = memory_workbench(FixedClock(datetime(2026, 11, 10, 15, 0, tzinfo=UTC)))
    for user in [*STAFF, TRAINEE2]:
        system.add_user(user)
    system.add_patient(sample_patient())
    for pid, (attempt, trainee) in ATTEMPTS.items():
        bundle = sample_patient(pid)
        bundle.patient = r.Patient(**{**bundle.patient.__dict__, "scope": f"training:{attempt}"})
        system.add_training_patient(bundle, attempt, trainee, "overdose-confusion")
    return system


def _kind(pid: str, person: str) -> str:
    if pid not in ATTEMPTS:
        return policy.LIVE
    return policy.OWN_TRAINING if ATTEMPTS[pid][1] == person else policy.ANY_TRAINING


def _counts(system) -> dict[str, int]:
    return {t: system.count(t) for t in RECORD_TABLES}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(person=st.sampled_from(PEOPLE), calls=st.lists(st.sampled_from(sorted(CALLS)), min_size=1, max_size=4),
       pid=st.sampled_from(PATIENTS))
def test_the_service_refuses_exactly_what_the_policy_table_refuses(person, calls, pid):
    system = _practice()
    wb = system.as_user(person)
    role = wb.user.role
    for name in calls:
        action, call = CALLS[name]
        may = policy.allowed(role, action, _kind(pid, person))
        before = _counts(system)
        try:
            call(wb, pid)
        except PermissionDenied as err:
            assert not may, f"{person} ({role}) refused {name} on {pid}, which the policy allows: {err}"
            assert _counts(system) == before, f"a refused {name} wrote something"
            assert str(err).endswith(".") and "Traceback" not in str(err)
        except WorkbenchError as err:  # allowed, but refused for another reason (e.g. a second timer)
            assert may, f"{person} ({role}) got {type(err).__name__} instead of a refusal for {name} on {pid}"
        else:
            assert may, f"{person} ({role}) did {name} on {pid}, which the policy refuses"


def test_the_in_memory_database_is_the_migrated_schema():
    """The double is the real schema: the same tables and triggers as a migrated file."""
    from sqlalchemy import inspect

    from workbench.store.schema import metadata

    system = memory_workbench()
    tables = set(inspect(system.engine).get_table_names())
    assert set(metadata.tables) <= tables and "alembic_version" in tables
    with system.read() as conn:
        triggers = conn.exec_driver_sql("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'").scalar()
    assert triggers and triggers > 0


def test_each_in_memory_workbench_starts_empty():
    first, second = memory_workbench(), memory_workbench()
    first.add_user(STAFF[0])
    assert [u.id for u in first.users()] == ["S001"] and second.users() == []
