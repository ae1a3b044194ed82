"""Consequences follow what the record shows: the angioedema call does not come when the
trainee stopped lisinopril or told the prescriber, however they recorded it; it does when
nothing was done."""

from __future__ import annotations

import pytest

from training.engine import start_attempt

from .conftest import TRAINEE

DISCHARGE = "discharge-med-reconciliation"
SWOLLEN = "swollen tongue"


@pytest.mark.parametrize("actions, swollen", [
    ([], True),
    ([{"type": "change_medication", "name": "lisinopril", "stop": True,
       "reason": "Prescriber said stop it today"}], False),
    ([{"type": "log_contact", "channel": "phone", "outcome": "reached", "with_whom": "prescriber",
       "note": "Lisinopril with Entresto"}], False),
    ([{"type": "log_contact", "channel": "phone", "outcome": "reached", "with_whom": "pharmacy",
       "note": "Asked about the new tablets"}], True),
])
def test_the_angioedema_call_depends_on_the_record(wb, repo, library, actions, swollen):
    attempt = start_attempt(wb, library[DISCHARGE], TRAINEE.id, seed=3, repo=repo)
    attempt.say("identify")
    for action in actions:
        attempt.do(action)
    attempt.end()
    said = " ".join(ln.text for ln in attempt.transcript if ln.speaker == "narrator")
    assert (SWOLLEN in said) is swollen
