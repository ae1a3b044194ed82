"""Same seed, same panel; different seed, different panel; arguments checked."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest

from simulated_patients import generate_panel
from workbench.errors import InvalidInput


def test_same_seed_gives_identical_panel():
    a = generate_panel(300, seed=42)
    b = generate_panel(300, seed=42)
    assert a == b


def test_different_seed_gives_different_panel():
    a = generate_panel(300, seed=42)
    b = generate_panel(300, seed=43)
    assert [p.patient for p in a.patients] != [p.patient for p in b.patients]
    assert sum(x.conditions != y.conditions for x, y in zip(a.patients, b.patients, strict=True)) > 200


def test_patient_is_the_same_whatever_the_panel_size():
    small = generate_panel(50, seed=9)
    big = generate_panel(120, seed=9)
    # staff scale with size, so compare the clinical content
    for x, y in zip(small.patients, big.patients[:50], strict=True):
        assert x.conditions == y.conditions and x.observations == y.observations


def test_same_panel_in_a_fresh_interpreter_with_another_hash_seed():
    code = ("from simulated_patients import generate_panel; p = generate_panel(40, seed=5); "
            "print(repr([(b.patient, b.conditions, b.medications, b.observations[-1:]) for b in p.patients]))")
    outs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={"PYTHONHASHSEED": h, "PATH": "/usr/bin:/bin"}).stdout for h in ("1", "977")]
    assert outs[0] == outs[1] and len(outs[0]) > 1000


def test_start_date_moves_the_history():
    a = generate_panel(20, seed=1, start=date(2025, 6, 1))
    assert all(o.effective < date(2025, 6, 1) for b in a.patients for o in b.observations)
    assert all(o.effective >= date(2024, 6, 1) for b in a.patients for o in b.observations)


def test_default_start_is_fixed():
    a = generate_panel(5, seed=1)
    assert max(o.effective for b in a.patients for o in b.observations) < date(2026, 11, 1)


def test_ids_and_staff():
    panel = generate_panel(30, seed=3)
    assert [b.patient.id for b in panel.patients][:3] == ["P00001", "P00002", "P00003"]
    ids = [u.id for u in panel.staff]
    assert ids[0] == "S001" and len(set(ids)) == len(ids)
    roles = {str(u.role) for u in panel.staff}
    assert {"practitioner", "care_manager", "care_coordinator", "supervisor", "billing"} <= roles
    staff = {u.id: u for u in panel.staff}
    for b in panel.patients:
        assert staff[b.patient.billing_practitioner_id].is_practitioner
        assert str(staff[b.patient.care_team_member_id].role) in ("care_manager", "care_coordinator")


@pytest.mark.parametrize("size", [0, -1, 200_001, 2.5, True, "10"])
def test_bad_sizes_are_refused(size):
    with pytest.raises(InvalidInput):
        generate_panel(size, seed=1)


def test_preset_size_conflict_and_unknown_preset_are_refused():
    with pytest.raises(InvalidInput):
        generate_panel(13, seed=1, preset="onboarding-12")
    with pytest.raises(InvalidInput, match="no panel preset"):
        generate_panel(None, seed=1, preset="nope")


def test_enum_fields_use_the_record_enums():
    from workbench.records import BarrierDomain, BarrierStatus, ConsentMethod, Credential, Role

    panel = generate_panel(200, seed=11)
    for b in panel.patients:
        for x in b.barriers:
            assert type(x.domain) is BarrierDomain and type(x.status) is BarrierStatus
        if b.consent:
            assert type(b.consent.method) is ConsentMethod
    for u in panel.staff:
        assert type(u.role) is Role and (u.credential is None or type(u.credential) is Credential)
