"""Who qualifies for CCM or PCM (reference, "Who is eligible").

- CCM: two or more chronic conditions in distinct catalog categories (two diabetes codes
  are one condition for this count).
- PCM candidate: exactly one qualifying category, and it is complex
  (:data:`workbench.rules.catalog.COMPLEX_CATEGORIES`).
- A clinician's word wins over the catalog: ``Condition.chronic=False`` removes a catalog
  condition; ``Condition.chronic=True`` with a ``chronic_reason`` counts a condition the
  catalog does not know (as its own category, not complex) and the reason is shown.
  ``chronic=True`` without a reason does not count for a non-catalog code: docs/reference.md
  asks for the reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from workbench.records import Condition
from workbench.rules.catalog import chronic_category, is_complex, normalize_icd10

CCM = "CCM"
PCM = "PCM"
NONE = "none"


@dataclass(frozen=True)
class QualifyingCondition:
    condition: Condition
    category: str
    complex: bool
    marked_by_clinician: bool = False  #: True when it counts only because a clinician said so

    @property
    def text(self) -> str:
        name = self.condition.display or normalize_icd10(self.condition.icd10)
        if self.marked_by_clinician:
            return f"{name} (marked chronic by a clinician: {self.condition.chronic_reason.strip()})"
        return f"{name} ({self.category})"


@dataclass(frozen=True)
class Eligibility:
    program: str  #: "CCM" | "PCM" | "none"
    qualifying: tuple[QualifyingCondition, ...]
    reason: str

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(q.category for q in self.qualifying))

    @property
    def ccm_eligible(self) -> bool:
        return self.program == CCM

    @cached_property
    def pcm_possible(self) -> bool:
        """PCM may be billed: a complex condition is present (alone or among others)."""
        return any(q.complex for q in self.qualifying)


def assess_eligibility(conditions: Sequence[Condition]) -> Eligibility:
    """CCM, PCM candidate or none, with the qualifying conditions and a reason sentence.

    Reference, "Who is eligible".
    """
    qualifying: list[QualifyingCondition] = []
    seen_codes: set[str] = set()
    for cond in conditions:
        code = normalize_icd10(cond.icd10)
        if code in seen_codes or cond.chronic is False:
            continue
        category = chronic_category(code)
        if category is not None:
            qualifying.append(QualifyingCondition(cond, category, is_complex(category)))
            seen_codes.add(code)
        elif cond.chronic is True and cond.chronic_reason.strip():
            label = f"Other chronic condition: {cond.display or code}"
            qualifying.append(QualifyingCondition(cond, label, False, marked_by_clinician=True))
            seen_codes.add(code)

    categories = list(dict.fromkeys(q.category for q in qualifying))
    listed = "; ".join(q.text for q in qualifying)
    if len(categories) >= 2:
        return Eligibility(CCM, tuple(qualifying),
                           f"Eligible for CCM: {len(categories)} chronic conditions in distinct "
                           f"categories: {listed}.")
    if len(categories) == 1:
        if any(q.complex for q in qualifying):
            return Eligibility(PCM, tuple(qualifying),
                               f"PCM candidate: one complex chronic condition: {listed}. "
                               "CCM needs two or more.")
        return Eligibility(NONE, tuple(qualifying),
                           f"Not eligible: only one chronic condition ({listed}) and it is not "
                           "on the complex list for PCM. CCM needs two or more.")
    return Eligibility(NONE, (), "Not eligible: no chronic condition from the catalog and none "
                                 "marked chronic by a clinician with a reason.")
