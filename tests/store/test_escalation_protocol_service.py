"""Closing an escalation through the service follows its protocol (the pure protocol rules are
tested in tests/rules/test_escalation_protocols.py): on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from workbench import records as r
from workbench.errors import InvalidInput
from workbench.rules import escalation as ep

S = r.EscalationStep


def test_closing_a_suicide_risk_escalation_early_needs_a_reason_that_is_recorded(wb):
    e = wb.open_escalation("P00001", "Suicide risk: PHQ-9 item 9 answered 2")
    for step in (S.RN_TRIAGE, S.BEHAVIORAL_HEALTH, S.PROVIDER_NOTIFIED):
        wb.record_escalation_step(e.id, step, "done")
    guide = wb.escalation_guide(e.id)
    assert guide["protocol"].key == "suicide_risk" and guide["next"] == S.CRISIS_LINE_GIVEN
    with pytest.raises(InvalidInput, match="missing required steps: 988"):
        wb.record_escalation_step(e.id, S.CLOSED, "")
    assert wb.escalation(e.id).is_open
    closed = wb.record_escalation_step(e.id, S.CLOSED, "Patient admitted to inpatient psychiatry")
    note = closed.steps[-1].note
    assert note.startswith("Closed without required steps (988 Suicide & Crisis Lifeline given;")
    assert note.endswith("Reason: Patient admitted to inpatient psychiatry") and not closed.is_open


def test_closing_after_every_required_step_needs_no_reason(wb):
    e = wb.open_escalation("P00001", "Overdose: took too many oxycodone")
    for step in ep.protocols()["overdose"].order:
        kw = {"patient_consent": True} if step in r.CONSENT_GATED_STEPS else {}
        wb.record_escalation_step(e.id, step, "", **kw)
    assert wb.escalation_guide(e.id)["next"] == S.CLOSED
    closed = wb.record_escalation_step(e.id, S.CLOSED, "")
    assert closed.steps[-1].note == "" and not closed.is_open
