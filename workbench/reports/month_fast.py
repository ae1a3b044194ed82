"""The month report's fast path: stage 1 of the rules from SQL sums, and the consent status
per day computed once per distinct set of consents.

:func:`_fast_time` gives the same numbers, words and order as
:func:`workbench.rules.summarize_month` for a month that needs no entry-by-entry pass (see
:mod:`workbench.reports.month` for when one is needed). ``workbench.reports.month`` re-exports
every name here.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from .. import records as r
from ..rules import Excluded, MonthTime, ServiceTime, StaffingRule, consent_status
from ..rules._text import duration

_BILLED = (r.Service.CCM.value, r.Service.PCM.value)
_PRACTITIONER = frozenset(c.value for c in r.PRACTITIONER_CREDENTIALS)
_CREDENTIALS = frozenset(c.value for c in r.Credential)


def _consent_key(consents: list[r.Consent]) -> tuple:
    """What :func:`workbench.rules.consent_status` reads of a patient's consents (dates,
    method, disclosures, revocation), in order: patients with equal keys get equal statuses."""
    return tuple((c.consent_date, c.method, c.revoked_on, repr(sorted((c.disclosures or {}).items())), c.programme)
                 for c in consents)


class _StatusCache:
    """:func:`workbench.rules.consent_status` once per distinct (consents, day): a panel's
    consents repeat (same date, same disclosures), and the rule is the slow part of the
    day-by-day path. Only ``valid``, ``short`` and the consent's date, method and revocation
    are read from a shared status."""

    def __init__(self, today: date) -> None:
        self.today = today
        self._done: dict[tuple, object] = {}

    def __call__(self, consents: list[r.Consent], on: date, key: tuple | None = None):
        k = (_consent_key(consents) if key is None else key, on)
        if k not in self._done:
            self._done[k] = consent_status(consents, on, self.today)
        return self._done[k]


def _constant_consent(consents: list[r.Consent], first: date, last: date, today: date,
                      status: _StatusCache | None = None):
    """The consent status that holds on every day of the month, or None when it may change.

    Reference, "Consent": validity changes only on a consent's date or at the end of a
    revocation's month, so with no consent dated in ``(first, last]`` or in the future, and no
    revocation inside the month, the status on the first day holds all month.
    """
    for c in consents:
        if c.consent_date > today or first < c.consent_date <= last:
            return None
        if c.revoked_on is not None and c.revoked_on >= first:
            return None
    return consent_status(consents, first, today) if status is None else status(consents, first)


def _staff_flag(staff_id: str, cred: str, users: dict[str, r.User], staffing: StaffingRule,
                flags: dict[tuple[str, str], str | None]) -> str | None:
    """The state staffing flag for one staff member working under ``cred``, once per pair."""
    key = (staff_id, cred)
    if key not in flags:
        user = users.get(staff_id)
        flags[key] = None if user is None else \
            staffing.flag(r.User(user.id, user.name, user.role, r.Credential(cred), user.state))
    return flags[key]


def _fast_time(pid: str, month: str, groups, users: dict[str, r.User], staffing: StaffingRule,
               staff_flags: dict | None = None) -> MonthTime:
    """Stage 1 from SQL sums: ``groups`` are ``(staff_id, credential, service, seconds, consent)``
    with the consent status that held on those seconds' dates. Exact (the same numbers, words
    and order as :func:`workbench.rules.summarize_month`) for a month with credentials on every
    entry, CCM/PCM time only, and no overlap among the counted entries."""
    pools = {svc: [0, 0] for svc in _BILLED}  # [staff, practitioner]
    by_staff: dict[str, int] = defaultdict(int)
    flagged: dict[str, int] = defaultdict(int)
    excluded: dict[str, int] = defaultdict(int)
    for staff_id, cred, service, seconds, consent in groups:
        if seconds <= 0:
            continue
        if not consent.valid:
            excluded[consent.short] += seconds
            continue
        pools[service][cred in _PRACTITIONER] += seconds
        by_staff[staff_id] += seconds
        flag = _staff_flag(staff_id, cred, users, staffing, {} if staff_flags is None else staff_flags)
        if flag:
            flagged[f"{flag} ({staff_id}"] += seconds

    def service_time(svc: str) -> ServiceTime:
        staff, pract = pools[svc]
        return ServiceTime(staff, pract, staff + pract)

    return MonthTime(patient_id=pid, month=month, ccm=service_time("CCM"), pcm=service_time("PCM"),
                     excluded=tuple(Excluded(x, phrase) for phrase, x in sorted(excluded.items())),
                     flags=tuple(f"{head}, {duration(x)})" for head, x in sorted(flagged.items())),
                     seconds_by_staff=dict(sorted(by_staff.items())))
