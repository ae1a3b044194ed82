"""The shape of a year's billing rule table: code families, amounts and their confidence.

docs/reference.md, "Monthly codes and time thresholds" and "Payment amounts": billing rules
change each year with the Physician Fee Schedule, so each year has its own module
(``billing_2025.py``, ``billing_2026.py``) built from these types; :mod:`workbench.rules.tables`
chooses one by service month. Each amount carries its confidence; anything short of confirmed is
*provisional* and every bill that uses it says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType

from workbench.errors import InvalidInput
from workbench.records import Service

STAFF = "staff"  #: clinical staff time (physician/QHP time may also count)
PRACTITIONER = "practitioner"  #: physician/QHP personally


@dataclass(frozen=True)
class CodeFamily:
    """A base code and its add-on (reference, "Monthly codes and time thresholds").

    The base code needs ``base_minutes``; each add-on unit needs a further full
    ``addon_minutes``; ``addon_cap`` is the most add-on units (None: no cap).
    """

    key: str
    label: str
    service: Service
    performer: str  #: STAFF or PRACTITIONER
    base_code: str
    base_minutes: int
    addon_code: str
    addon_minutes: int
    addon_cap: int | None
    needs_complex: bool = False  #: needs the billing practitioner's complexity attestation

    def units(self, seconds: int) -> tuple[int, int]:
        """``(base units 0/1, add-on units)`` for the seconds; never rounds up."""
        if seconds < self.base_minutes * 60:
            return 0, 0
        addon = (seconds - self.base_minutes * 60) // (self.addon_minutes * 60)
        if self.addon_cap is not None:
            addon = min(addon, self.addon_cap)
        return 1, int(addon)


def standard_families(*, cap_99439: int | None = 2, cap_99437: int | None = None,
                      cap_99489: int | None = None, cap_99425: int | None = None,
                      cap_99427: int | None = None) -> tuple[CodeFamily, ...]:
    """The five code families of docs/reference.md, in tie-break order (first wins a tie)."""
    return (
        CodeFamily("ccm", "CCM by clinical staff", Service.CCM, STAFF, "99490", 20, "99439", 20, cap_99439),
        CodeFamily("ccm_complex", "Complex CCM", Service.CCM, STAFF, "99487", 60, "99489", 30, cap_99489,
                   needs_complex=True),
        CodeFamily("ccm_practitioner", "CCM by physician/QHP", Service.CCM, PRACTITIONER,
                   "99491", 30, "99437", 30, cap_99437),
        CodeFamily("pcm_practitioner", "PCM by physician/QHP", Service.PCM, PRACTITIONER,
                   "99424", 30, "99425", 30, cap_99425),
        CodeFamily("pcm_staff", "PCM by clinical staff", Service.PCM, STAFF, "99426", 30, "99427", 30, cap_99427),
    )


#: Confidence words that make an amount final (not provisional).
CONFIRMED = frozenset({"confirmed", "good"})


@dataclass(frozen=True)
class AmountSource:
    """One code's amount in a year's table, with how sure we are of it and where it came from."""

    amount: Decimal | None  #: None: not set (billed as $0.00, flagged)
    confidence: str  #: "confirmed" | "good" | "two sources" | "one source" | "approximate" | ...
    note: str = ""  #: where the figure came from, shown on the bill when provisional

    @property
    def provisional(self) -> bool:
        return self.amount is not None and self.confidence not in CONFIRMED


@dataclass(frozen=True)
class RuleTable:
    """One Physician Fee Schedule year: code families and national non-facility amounts."""

    year: int
    families: tuple[CodeFamily, ...]
    amounts: Mapping[str, Decimal | None]  #: None: amount not set (shown, billed as $0.00)
    provisional: frozenset[str] = frozenset()  #: codes whose amount is not confirmed
    source: str = ""
    notes: Mapping[str, str] = field(default_factory=dict)  #: code -> why its amount is provisional

    def __post_init__(self) -> None:
        object.__setattr__(self, "amounts", MappingProxyType(dict(self.amounts)))
        object.__setattr__(self, "notes", MappingProxyType(dict(self.notes)))

    def provisional_note(self, code: str) -> str:
        return self.notes.get(code) or "not confirmed"

    def family(self, key: str) -> CodeFamily:
        for fam in self.families:
            if fam.key == key:
                return fam
        raise InvalidInput(f"The {self.year} rule table has no code family {key!r}.")

    def amount(self, code: str) -> Decimal | None:
        return self.amounts.get(code)

    def staff_thresholds(self) -> list[int]:
        """Minutes at which staff CCM pays more: 20, 40, 60 with the default cap."""
        fam = self.family("ccm")
        cap = fam.addon_cap if fam.addon_cap is not None else 10
        return [fam.base_minutes + n * fam.addon_minutes for n in range(cap + 1)]


def table_from_sources(*, year: int, families: tuple[CodeFamily, ...], sources: Mapping[str, AmountSource],
                       source: str) -> RuleTable:
    """A :class:`RuleTable` from one dict of :class:`AmountSource` (amount, confidence, note)."""
    return RuleTable(year=year, families=families,
                     amounts={code: src.amount for code, src in sources.items()},
                     provisional=frozenset(code for code, src in sources.items() if src.provisional),
                     source=source,
                     notes={code: src.note for code, src in sources.items() if src.provisional})
