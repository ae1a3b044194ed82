"""Writers outside the service ask the same policy table: loading a panel (patients, new staff,
first settings) is checked per scope of its patients and for the staff it adds; nothing is written
by a refused load. On SQLite and PostgreSQL."""

import pytest

from workbench import records as r
from workbench.errors import PermissionDenied

NEW_STAFF = r.User("S050", "Nia New", r.Role.CARE_MANAGER, r.Credential.RN, "NY")


def _panel(make_bundle, pid, staff=(), scope="live"):
    bundle = make_bundle(pid)
    bundle.patient = r.Patient(**{**bundle.patient.__dict__, "scope": scope})
    return r.Panel(staff=list(staff), patients=[bundle])


# (who, staff in the panel?, allowed?)
CASES = [
    ("S004", False, True),   # supervisor
    ("S004", True, True),
    ("S001", False, True),   # a care manager adds live patients ...
    ("S001", True, False),   # ... but not staff
    ("S003", False, False),  # a care coordinator adds no patients
    ("S007", False, False),  # nor a trainee (live patients)
    ("S006", False, False),  # nor billing
]


@pytest.mark.parametrize(("who", "with_staff", "ok"), CASES)
def test_load_panel_asks_the_policy(wb, make_bundle, who, with_staff, ok):
    panel = _panel(make_bundle, "P00100", [NEW_STAFF] if with_staff else [])
    actor = wb.as_user(who)
    if ok:
        assert actor.load_panel(panel) == 1
        assert "P00100" in {p.id for p in wb.as_user("S004").patients(None)}
        assert (NEW_STAFF.id in {u.id for u in wb.users()}) == with_staff
    else:
        with pytest.raises(PermissionDenied) as err:
            actor.load_panel(panel)
        assert err.value.args[0].endswith(".")
        assert "P00100" not in {p.id for p in wb.as_user("S004").patients(None)}
        assert NEW_STAFF.id not in {u.id for u in wb.users()}


def test_a_panel_of_someone_elses_practice_patients_is_refused(wb, make_bundle):
    system = wb.as_user("system")
    bundle = make_bundle("TA1")
    bundle.patient = r.Patient(**{**bundle.patient.__dict__, "scope": "training:A1"})
    system.add_training_patient(bundle, "A1", "S007", "overdose-confusion")
    panel = _panel(make_bundle, "TA2", scope="training:A1")
    with pytest.raises(PermissionDenied):
        wb.as_user("S001").load_panel(panel)
    assert "TA2" not in {p.id for p in wb.as_user("S004").patients(None)}
