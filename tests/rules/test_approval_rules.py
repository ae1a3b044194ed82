"""Time approval and claim sign-off as pure rules (docs/billing-approval.md): which holds a
patient-month's claim carries, who may approve an entry, who may sign; tables of cases and
hypothesis properties."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.rules.approval import (HOLD_CODES, Hold, Signature, approval_refusal, claim_holds,
                                      signing_refusal, week_start)

SIGNED = Signature("S005", date(2026, 12, 2), "99490x1", frozenset({1, 2}))

HOLD_CASES = [
    # entries, approved, codes now, signature, required -> codes held
    ({1, 2}, set(), "99490x1", None, False, []),
    ({1, 2}, set(), "99490x1", None, True, ["TIME_NOT_APPROVED", "NOT_SIGNED"]),
    ({1, 2}, {1}, "99490x1", None, True, ["TIME_NOT_APPROVED", "NOT_SIGNED"]),
    ({1, 2}, {1, 2}, "99490x1", None, True, ["NOT_SIGNED"]),
    ({1, 2}, {1, 2}, "99490x1", SIGNED, True, []),
    ({1, 2}, {1, 2, 9}, "99490x1", SIGNED, True, []),  # approvals of other entries do not matter
    ({1, 2, 3}, {1, 2, 3}, "99490x1", SIGNED, True, ["SIGNED_CLAIM_CHANGED"]),  # an entry added
    ({1, 4}, {1, 4}, "99490x1", SIGNED, True, ["SIGNED_CLAIM_CHANGED"]),  # 2 amended: a new row 4
    ({1, 2}, {1, 2}, "99490x1;99439x1", SIGNED, True, ["SIGNED_CLAIM_CHANGED"]),
    ({1, 2, 3}, {1, 2}, "99490x1", SIGNED, True, ["TIME_NOT_APPROVED", "SIGNED_CLAIM_CHANGED"]),
]


@pytest.mark.parametrize("entries, approved, codes, signature, required, held", HOLD_CASES)
def test_claim_holds(entries, approved, codes, signature, required, held) -> None:
    holds = claim_holds(entries, approved, codes, signature, required=required)
    assert [h.code for h in holds] == held
    assert all(h.code in HOLD_CODES and h.text for h in holds)


def test_hold_sentences_name_entry_ids_and_what_changed() -> None:
    holds = claim_holds([5, 3, 8], [8], "99490x1;99439x1", SIGNED, required=True)
    assert holds[0].text == "2 time entries not approved by a supervisor (entry 3, 5)"
    assert holds[1].text == ("signed by S005 on 2026-12-02, then changed (codes then 99490x1, now "
                             "99490x1;99439x1): sign again")
    many = claim_holds(range(1, 12), [], "", None, required=True)[0].text
    assert "entry 1, 2, 3, 4, 5, 6, 7, 8 and 3 more" in many


REFUSALS = [
    # approver, entry's staff, current, already approved -> words of the refusal (None: allowed)
    ("S004", "S001", True, False, None),
    ("S004", "S004", True, False, "Nobody approves their own time"),
    ("S004", "S004", False, True, "Nobody approves their own time"),  # own time first, whatever else
    ("S004", "S001", False, False, "voided or amended"),
    ("S004", "S001", True, True, "already approved"),
]


@pytest.mark.parametrize("approver, staff, current, done, words", REFUSALS)
def test_approval_refusal(approver, staff, current, done, words) -> None:
    why = approval_refusal(approver, staff, current=current, already_approved=done)
    assert (why is None) if words is None else (words in why)


SIGNING = [
    # signer, practitioner credential, patient's billing practitioner, hold codes -> words (None: may sign)
    ("S005", True, "S005", ["NOT_SIGNED"], None),
    ("S005", True, "S005", ["PATIENT_ID", "SIGNED_CLAIM_CHANGED"], None),  # other holds do not stop a signature
    ("S005", True, "S009", ["NOT_SIGNED"], "billing practitioner"),
    ("S005", True, None, ["NOT_SIGNED"], "billing practitioner"),
    ("S004", False, "S004", ["NOT_SIGNED"], "physician or qualified health professional"),
    ("S005", True, "S005", ["TIME_NOT_APPROVED", "NOT_SIGNED"], "not yet approved"),
]


@pytest.mark.parametrize("signer, qhp, billing, codes, words", SIGNING)
def test_signing_refusal(signer, qhp, billing, codes, words) -> None:
    why = signing_refusal(signer, qhp, billing, [Hold(c, "") for c in codes])
    assert (why is None) if words is None else (words in why)


ids = st.frozensets(st.integers(1, 40), max_size=12)


@given(entries=ids, approved=ids, signed_ids=ids, same_codes=st.booleans(), signed=st.booleans())
def test_a_claim_is_free_exactly_when_approved_whole_and_signed_as_it_stands(
        entries, approved, signed_ids, same_codes, signed) -> None:
    sig = Signature("S005", date(2026, 12, 2), "99490x1" if same_codes else "99491x1", signed_ids) if signed else None
    holds = claim_holds(entries, approved, "99490x1", sig, required=True)
    codes = [h.code for h in holds]
    assert ("TIME_NOT_APPROVED" in codes) == bool(entries - approved)
    free = not (entries - approved) and signed and same_codes and signed_ids == entries
    assert (holds == []) == free
    assert len(codes) == len(set(codes)) <= 2
    assert claim_holds(entries, approved, "99490x1", sig, required=False) == []


@given(st.dates(date(2000, 1, 1), date(2100, 1, 1)))
def test_a_timesheet_week_starts_on_the_monday_on_or_before_the_day(day) -> None:
    monday = week_start(day)
    assert monday.weekday() == 0 and timedelta(0) <= day - monday <= timedelta(days=6)
