"""Time approval and claim sign-off, as pure rules (docs/billing-approval.md).

A practice that requires approval (the practice setting ``approval_required``) holds a
patient-month's claim until every time entry it stands on has been approved by a supervisor
and the billing practitioner has signed the claim as it now stands. Each hold is a
:class:`Hold`: a reason code a program can act on, and the sentence a billing person reads.

Who may approve: a supervisor (``Action.APPROVE_TIME`` in the service's policy), never for their
own time. Who may sign: the patient's billing practitioner (a physician or qualified health
professional credential), only their own patients' claims.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

#: reason code -> what it means (the sentence of each hold is built from it)
HOLD_CODES = {
    "TIME_NOT_APPROVED": "time entries the claim stands on are not approved by a supervisor",
    "NOT_SIGNED": "the billing practitioner has not signed this month's claim",
    "SIGNED_CLAIM_CHANGED": "the claim changed after the billing practitioner signed it",
}


@dataclass(frozen=True)
class Hold:
    code: str  #: a key of :data:`HOLD_CODES`
    text: str  #: one sentence, ids only (no names, no notes)


@dataclass(frozen=True)
class Signature:
    """A practitioner's signature on a patient-month's claim as it stood."""

    practitioner_id: str
    signed_on: date
    codes: str
    entry_ids: frozenset[int]


def _ids(ids: Iterable[int], limit: int = 8) -> str:
    ids = sorted(ids)
    shown = ", ".join(str(i) for i in ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def claim_holds(entry_ids: Collection[int], approved: Collection[int], codes: str,
                signature: Signature | None, *, required: bool) -> list[Hold]:
    """Why a patient-month's claim is held for approval or signature (empty: it is not).

    ``entry_ids``: the current time entries the claim stands on; ``approved``: ids with an
    approval; ``codes``: the claim's codes now; ``signature``: the latest signature, if any.
    Nothing is held when the practice does not require approval.
    """
    if not required:
        return []
    out = []
    waiting = set(entry_ids) - set(approved)
    if waiting:
        n = len(waiting)
        out.append(Hold("TIME_NOT_APPROVED",
                        f"{n} time {'entry' if n == 1 else 'entries'} not approved by a supervisor "
                        f"(entry {_ids(waiting)})"))
    if signature is None:
        out.append(Hold("NOT_SIGNED", "not signed by the billing practitioner"))
    elif signature.codes != codes or signature.entry_ids != frozenset(entry_ids):
        what = (f"codes then {signature.codes or 'none'}, now {codes or 'none'}"
                if signature.codes != codes else "its time entries changed")
        out.append(Hold("SIGNED_CLAIM_CHANGED",
                        f"signed by {signature.practitioner_id} on {signature.signed_on.isoformat()}, "
                        f"then changed ({what}): sign again"))
    return out


def approval_refusal(approver_id: str, entry_staff_id: str, *, current: bool,
                     already_approved: bool) -> str | None:
    """Why ``approver_id`` may not approve this entry (None: they may). The role is the policy's
    business; this is what no role can override."""
    if approver_id == entry_staff_id:
        return "Nobody approves their own time: another supervisor approves it."
    if not current:
        return "That time entry was voided or amended: approve the current entry instead."
    if already_approved:
        return "That time entry is already approved."
    return None


def signing_refusal(signer_id: str, is_practitioner: bool, billing_practitioner_id: str | None,
                    holds: Sequence[Hold]) -> str | None:
    """Why ``signer_id`` may not sign this patient-month's claim (None: they may)."""
    if not is_practitioner:
        return "Only a physician or qualified health professional signs claims."
    if billing_practitioner_id != signer_id:
        return "Only the patient's billing practitioner signs this claim."
    if any(h.code == "TIME_NOT_APPROVED" for h in holds):
        return "The claim has time not yet approved by a supervisor: it is signed after approval."
    return None


def week_start(day: date) -> date:
    """The Monday of ``day``'s week (a timesheet runs Monday to Sunday)."""
    return day - timedelta(days=day.weekday())
