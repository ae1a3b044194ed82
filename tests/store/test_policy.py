"""Authorisation in the service: one table (workbench.service.policy), checked behind every chart read and
every write, on both databases. Table-driven: each row is (who, what they try, on which patient,
allowed?)."""

from datetime import date

import pytest

from workbench.service import policy
from workbench import records as r
from workbench.errors import PermissionDenied
from workbench.service.policy import Action

TRAINEE2 = r.User("S008", "Toni Trainee", r.Role.TRAINEE, r.Credential.RN, "NY")
PLAN = r.CarePlan(problem_list="HTN")
DISCLOSED = dict.fromkeys(r.CONSENT_DISCLOSURES, True)


@pytest.fixture
def team(wb, make_bundle):
    """Live patient P00001; practice patient TA1 of attempt A1 (trainee S007); TB1 of B1 (S008)."""
    system = wb.as_user("system")
    system.add_user(TRAINEE2)
    for attempt, pid, trainee in (("A1", "TA1", "S007"), ("B1", "TB1", "S008")):
        bundle = make_bundle(pid)
        bundle.patient = r.Patient(**{**bundle.patient.__dict__, "scope": f"training:{attempt}"})
        system.add_training_patient(bundle, attempt, trainee, "overdose-confusion")
    return wb


# what each call does to the patient ``pid``
CALLS = {
    "chart": lambda wb, pid: wb.chart(pid),
    "contacts": lambda wb, pid: wb.contacts(pid),
    "care_plan": lambda wb, pid: wb.care_plan_history(pid),
    "log_contact": lambda wb, pid: wb.log_contact(pid, "phone", "reached", "talked"),
    "revise_care_plan": lambda wb, pid: wb.revise_care_plan(pid, PLAN, 0, "first plan"),
    "record_consent": lambda wb, pid: wb.record_consent(pid, "verbal", date(2026, 11, 2), DISCLOSED),
    "open_escalation": lambda wb, pid: wb.open_escalation(pid, "chest pain"),
    "record_phq": lambda wb, pid: wb.record_phq(pid, "PHQ-2", [0, 1]),
    "log_time": lambda wb, pid: wb.log_time(pid, 10, "patient_call", "call"),
    "start_timer": lambda wb, pid: wb.start_timer(pid),
    "month_bill": lambda wb, pid: wb.month_bill(pid, "2026-11"),
}
READS = ("chart", "contacts", "care_plan")
WRITES = ("log_contact", "revise_care_plan", "record_consent", "open_escalation", "record_phq")
TIME = ("log_time", "start_timer")

CASES = (
    # trainees: only the practice patients of their own attempts
    [("S007", c, "P00001", False) for c in READS + WRITES + TIME + ("month_bill",)]
    + [("S007", c, "TA1", True) for c in READS + WRITES + TIME + ("month_bill",)]
    + [("S007", c, "TB1", False) for c in READS + WRITES + TIME]
    # care staff: live patients; not other people's practice patients
    + [(who, c, "P00001", True) for who in ("S001", "S003") for c in READS + WRITES + TIME]
    + [(who, c, "TA1", False) for who in ("S001", "S003") for c in READS + WRITES + TIME]
    # supervisors: everything, live and training
    + [("S004", c, pid, True) for c in READS + WRITES + TIME for pid in ("P00001", "TA1", "TB1")]
    # practitioners: live only
    + [("S005", c, "P00001", True) for c in READS + WRITES + TIME]
    + [("S005", c, "TA1", False) for c in READS]
    # billing: the month's time and codes, never a chart, never time of their own
    + [("S006", "month_bill", "P00001", True)]
    + [("S006", c, "P00001", False) for c in READS + WRITES + TIME]
)


@pytest.mark.parametrize(("who", "call", "pid", "ok"), CASES)
def test_policy_table(team, who, call, pid, ok):
    wb = team.as_user(who)
    if ok:
        CALLS[call](wb, pid)
    else:
        with pytest.raises(PermissionDenied) as err:
            CALLS[call](wb, pid)
        assert err.value.args[0].endswith(".") and "Permission" not in err.value.args[0]


@pytest.mark.parametrize(("who", "ok"), [("S004", True), ("system", True), ("S001", False),
                                         ("S007", False), ("S006", False), ("S005", False)])
def test_only_supervisors_add_staff(team, who, ok):
    new = r.User("S099", "New Person", r.Role.SUPERVISOR, r.Credential.RN, "NY")
    if ok:
        team.as_user(who).add_user(new)
    else:
        with pytest.raises(PermissionDenied, match="may not add staff"):
            team.as_user(who).add_user(new)
        assert "S099" not in {u.id for u in team.users()}


def test_messages_a_person_understands(team):
    with pytest.raises(PermissionDenied, match="this is a live patient"):
        team.as_user("S007").chart("P00001")
    with pytest.raises(PermissionDenied, match="belongs to another person's training attempt"):
        team.as_user("S008").chart("TA1")
    with pytest.raises(PermissionDenied, match="A billing may not log time"):
        team.as_user("S006").log_time("P00001", 10, "patient_call", "call")
    # nothing was written by the refused calls
    assert team.as_user("S004").time_entries("P00001") == []


def test_lists_show_only_what_the_user_may_read(team):
    assert [p.id for p in team.as_user("S007").patients(None)] == ["TA1"]
    assert {p.id for p in team.as_user("S004").patients(None)} >= {"P00001", "TA1", "TB1"}
    with pytest.raises(PermissionDenied):
        team.as_user("S007").patients("live")
    with pytest.raises(PermissionDenied):
        team.as_user("S007").worklist()
    with pytest.raises(PermissionDenied):
        team.as_user("S006").worklist()
    team.as_user("S006").month_report("2026-11")


def test_trainee_starts_only_their_own_practice(team, make_bundle):
    bundle = make_bundle("TC1")
    bundle.patient = r.Patient(**{**bundle.patient.__dict__, "scope": "training:C1"})
    with pytest.raises(PermissionDenied):
        team.as_user("S007").add_training_patient(bundle, "C1", "S008", "overdose-confusion")
    with pytest.raises(PermissionDenied):
        team.as_user("S007").add_patient(bundle)  # a practice patient needs its attempt
    team.as_user("S007").add_training_patient(bundle, "C1", "S007", "overdose-confusion")
    team.as_user("S007").chart("TC1")


def test_ui_view_roles_come_from_the_policy():
    from workbench.ui.session import VIEW_ROLES

    assert VIEW_ROLES == policy.view_roles()
    assert r.Role.BILLING not in VIEW_ROLES["chart"] and r.Role.BILLING in VIEW_ROLES["month"]
    assert VIEW_ROLES["supervisor"] == {r.Role.SUPERVISOR}
    for page, roles in VIEW_ROLES.items():
        for role in r.Role:
            assert (role in roles) == policy.allowed(role, Action(f"page:{page}"), policy.ANYWHERE)
