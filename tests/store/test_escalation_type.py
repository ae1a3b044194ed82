"""The escalation's type is stored with it (migration 0006), chosen when it is opened and
validated against the protocol table; without one it is derived from the source and reason as
before. The protocol followed is the stored type's. On SQLite and PostgreSQL."""

import pytest
from sqlalchemy import func, select

from workbench.errors import InvalidInput
from workbench.rules.escalation import protocols
from workbench.store import schema as s

# kind given, reason, source -> stored kind
CHOSEN = [
    ("overdose", "Took too many pills", "manual", "overdose"),
    ("red_zone", "Cannot afford the co-pay", "manual", "red_zone"),      # the choice wins over the words
    ("general", "Chest pain since lunch", "manual", "general"),         # even "general"
    ("  Suicide_Risk ", "Low mood", "manual", "suicide_risk"),           # trimmed, any case
    (None, "Chest pain since lunch", "manual", "red_zone"),              # derived from the reason
    (None, "Fell and hit his head", "manual", "fall_head_strike"),
    (None, "Low mood", "phq9", "suicide_risk"),                          # derived from the source
    (None, "Cannot afford the co-pay", "manual", "general"),
]


@pytest.mark.parametrize("kind, reason, source, stored", CHOSEN)
def test_the_type_is_stored_as_chosen_or_derived(wb, kind, reason, source, stored):
    e = wb.open_escalation("P00001", reason, source=source, kind=kind)
    assert e.kind == stored
    assert wb.escalation(e.id).kind == stored and wb.escalations("P00001")[-1].kind == stored
    assert wb.escalation_guide(e.id)["protocol"].key == stored


@pytest.mark.parametrize("kind", ["medication-ish", "", "  ", "Suicide risk", 5, True])
def test_a_type_not_in_the_protocol_table_is_refused_and_nothing_is_written(wb, kind):
    with wb.read() as conn:
        before = conn.execute(select(func.count()).select_from(s.escalations)).scalar_one()
    with pytest.raises(InvalidInput) as err:
        wb.open_escalation("P00001", "Chest pain", kind=kind)
    assert err.value.field == "kind"
    for key in protocols():
        assert key in str(err.value)  # the message lists the choices
    with wb.read() as conn:
        assert conn.execute(select(func.count()).select_from(s.escalations)).scalar_one() == before


def test_the_stored_type_decides_the_required_steps_when_closing(wb):
    # an overdose by type, though the reason reads like a red-zone call
    e = wb.open_escalation("P00001", "Chest pain after the pills", kind="overdose")
    wb.record_escalation_step(e.id, "rn_triage")
    with pytest.raises(InvalidInput, match="overdose escalation is missing required steps"):
        wb.record_escalation_step(e.id, "closed")


def test_the_kinds_are_the_protocol_table(wb):
    assert wb.escalation_kinds() == {p.key: p.label for p in protocols().values()}
    assert wb.escalation_kinds()["general"] == "Other urgent concern"
