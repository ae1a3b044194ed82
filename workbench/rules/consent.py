"""Is CCM consent valid on a date, and why not (reference, "Consent (before any billable time)").

- Consent must be on record on or before the date of service.
- Consent cannot be dated in the future (relative to ``today``); such a consent is ignored.
- All four disclosures (:data:`workbench.records.CONSENT_DISCLOSURES`) must be recorded as told.
- The patient may stop at any time, effective at the **end of that calendar month**: time
  in the month of ``revoked_on`` still counts; time after that month does not.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from workbench.records import CONSENT_DISCLOSURES, Consent
from workbench.rules.months import end_of_month


@dataclass(frozen=True)
class ConsentStatus:
    valid: bool
    reason: str  #: a sentence for the care manager
    consent: Consent | None  #: the consent the decision rests on
    short: str = ""  #: a phrase for billing lines: "before consent on 2025-10-20"


def missing_disclosures(consent: Consent) -> list[str]:
    """Labels of the disclosures not recorded as told (reference, "Consent")."""
    told = consent.disclosures or {}
    return [label for key, label in CONSENT_DISCLOSURES.items() if told.get(key) is not True]


def revocation_effective(consent: Consent) -> date | None:
    """The last day consent covers after a revocation: end of the month of ``revoked_on``."""
    return end_of_month(consent.revoked_on) if consent.revoked_on else None


def _judge(consent: Consent, on: date) -> ConsentStatus:
    ends = revocation_effective(consent)
    if ends is not None and on > ends:
        return ConsentStatus(False, f"Consent was revoked on {consent.revoked_on}, effective at the end "
                                    f"of that month ({ends}); {on} is after it.", consent,
                             f"after consent ended on {ends} (revoked {consent.revoked_on})")
    missing = missing_disclosures(consent)
    if missing:
        return ConsentStatus(False, f"The consent of {consent.consent_date} does not record that the "
                                    f"patient was told: {'; '.join(missing)}.", consent,
                             f"under a consent missing disclosures ({len(missing)} of 4)")
    note = ""
    if consent.revoked_on:
        note = f" Revoked on {consent.revoked_on}; it still covers this month until {ends}."
    return ConsentStatus(True, f"Consent given on {consent.consent_date} ({consent.method}).{note}",
                         consent, "with consent")


def consent_status(consents: Sequence[Consent], on: date, today: date | None = None,
                   programme: str = "CCM") -> ConsentStatus:
    """Whether the programme's consent (CCM by default; APCM) covers the date ``on``, and why
    (reference, "Consent").

    With several consents, the latest one dated on or before ``on`` decides; a valid one
    wins over an invalid one. ``today`` (when given) rules out consents dated in the future.
    Consents to another programme are not read.
    """
    consents = [c for c in consents if c.programme == programme]
    future = [c for c in consents if today is not None and c.consent_date > today]
    usable = [c for c in consents if c not in future]
    before = sorted((c for c in usable if c.consent_date <= on), key=lambda c: c.consent_date)
    if before:
        judged = [_judge(c, on) for c in before]
        valid = [j for j in judged if j.valid]
        return valid[-1] if valid else judged[-1]
    if usable:
        first = min(usable, key=lambda c: c.consent_date)
        return ConsentStatus(False, f"Consent was given on {first.consent_date}, after {on}.", first,
                             f"before consent on {first.consent_date}")
    if future:
        first = min(future, key=lambda c: c.consent_date)
        return ConsentStatus(False, f"The consent is dated {first.consent_date}, in the future: "
                                    "consent cannot be dated ahead.", first,
                             f"under a consent dated in the future ({first.consent_date})")
    return ConsentStatus(False, f"No {programme} consent is on record.", None, "without consent (none on record)")
