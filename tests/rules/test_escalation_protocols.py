"""Escalation guardrails from the protocol data (workbench/rules/escalation_protocols.json)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench import records as r
from workbench.rules import escalation as ep

S = r.EscalationStep


def test_every_protocol_in_the_data_is_usable():
    raw = json.loads(ep.PROTOCOLS_FILE.read_text())
    table = ep.protocols()
    assert set(table) == {k for k in raw if not k.startswith("_")}
    assert {"suicide_risk", "overdose", "red_zone", "fall_head_strike", "general"} <= set(table)
    for p in table.values():
        required = set().union(*p.required)
        assert required <= set(p.order), f"{p.key}: every required step is also suggested"
        assert S.CLOSED not in required


@pytest.mark.parametrize("reason, source, key", [
    ("PHQ-9 item 9 positive", "phq9", "suicide_risk"),
    ("Anything at all", "phq9", "suicide_risk"),
    ("Suicide risk: says family would be better off", "manual", "suicide_risk"),
    ("Daughter found him unresponsive, took too many pills", "manual", "overdose"),
    ("Fall with head strike: on apixaban", "manual", "fall_head_strike"),
    ("Fell and hit her head on the counter", "manual", "fall_head_strike"),
    ("Red-zone symptoms: weight up 5 lb, short of breath at rest", "manual", "red_zone"),
    ("Chest pain since this morning", "scenario", "red_zone"),
    ("Lost her pill organiser", "manual", "general"),
])
def test_classify(reason, source, key):
    assert ep.classify(reason, source).key == key


def test_suicide_risk_suggests_the_next_step_and_knows_what_is_missing():
    p = ep.protocols()["suicide_risk"]
    done: list = []
    assert ep.next_step(p, done) == S.BEHAVIORAL_HEALTH
    done += [S.BEHAVIORAL_HEALTH]
    assert ep.next_step(p, done) == S.CRISIS_LINE_GIVEN
    done += [S.CRISIS_LINE_GIVEN, S.LETHAL_MEANS]  # lethal-means talk meets "safety plan or lethal means"
    assert ep.missing_steps(p, done) == [frozenset({S.FOLLOW_UP_SCHEDULED})]
    assert ep.next_step(p, done) == S.FOLLOW_UP_SCHEDULED
    assert ep.next_step(p, done + [S.FOLLOW_UP_SCHEDULED]) == S.CLOSED
    assert "988" in ep.describe_missing(ep.missing_steps(p, []), p)


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(sorted(ep.protocols())), st.lists(st.sampled_from([x for x in S if x != S.CLOSED])))
def test_following_the_suggestions_always_ends_with_nothing_missing(key, done):
    p = ep.protocols()[key]
    done = list(done)
    for _ in range(len(p.order) + 5):
        nxt = ep.next_step(p, done)
        if nxt == S.CLOSED:
            break
        assert nxt not in done and any(nxt in g for g in ep.missing_steps(p, done))
        done.append(nxt)
    assert ep.next_step(p, done) == S.CLOSED and ep.missing_steps(p, done) == []
