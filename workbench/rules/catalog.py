"""The catalog of chronic conditions that qualify for CCM (reference, "Who is eligible").

CMS gives example conditions, not a closed list; the CMS Chronic Conditions Warehouse adds
more. Each category is named in plain words and matched by ICD-10-CM code prefixes (dots
ignored, case ignored; the longest matching prefix wins). A clinician can mark any other
condition chronic, with a reason (see :mod:`workbench.rules.eligibility`).

**Complex categories** (our choice, documented here because CMS names no list): a single
condition from these may make the patient a PCM candidate (reference, "Who is eligible":
PCM is "one complex chronic condition ... with significant risk of hospitalization,
exacerbation, functional decline or death, needing a disease-specific care plan").
We chose the conditions whose usual course has exacerbations or decompensation that lead
to admissions: diabetes, heart failure, COPD, asthma, chronic kidney disease, cancer,
dementia, ischemic heart disease, atrial fibrillation, stroke/TIA and HIV/AIDS.
Hypertension, hyperlipidemia, arthritis, osteoporosis, glaucoma, cataract, BPH,
hypothyroidism, anemia, autism, depression, substance use and other cardiovascular disease
count toward CCM but are not complex on their own. Edit :data:`COMPLEX_CATEGORIES` to change it.
"""

from __future__ import annotations

import re
from functools import lru_cache


def _range(letter: str, start: int, stop: int) -> tuple[str, ...]:
    """``_range("E", 8, 13)`` -> ``("E08", ..., "E13")``."""
    return tuple(f"{letter}{n:02d}" for n in range(start, stop + 1))


#: Category -> ICD-10-CM code prefixes (without dots). Reference, "Who is eligible".
CATEGORIES: dict[str, tuple[str, ...]] = {
    # CMS examples
    "Alzheimer's and related dementia": ("F01", "F02", "F03", "G30", "G310", "G3183"),
    "Arthritis (osteoarthritis, rheumatoid)": ("M05", "M06") + _range("M", 15, 19),
    "Asthma": ("J45",),
    "Atrial fibrillation": ("I48",),
    "Autism spectrum disorder": ("F84",),
    "Cancer": tuple(f"C{n:02d}" for n in range(0, 97)) + ("C7A", "C7B"),
    "Other cardiovascular disease": _range("I", 5, 9) + _range("I", 34, 38) + ("I42", "I70", "I739"),
    "COPD": ("J41", "J42", "J43", "J44"),
    "Depression": ("F32", "F33", "F341"),
    "Diabetes": _range("E", 8, 13),
    "Glaucoma": ("H40", "H42"),
    "HIV/AIDS": ("B20", "Z21"),
    "Hypertension": _range("I", 10, 16),
    "Substance use disorder": _range("F", 10, 19),
    # CMS Chronic Conditions Warehouse additions
    "Hypothyroidism": ("E00", "E01", "E02", "E03"),
    "Anemia": _range("D", 50, 64),
    "Benign prostatic hyperplasia": ("N40",),
    "Cataract": ("H25", "H26", "H28"),
    "Chronic kidney disease": ("N18",),
    "Heart failure": ("I50",),
    "Hyperlipidemia": ("E780", "E781", "E782", "E783", "E784", "E785"),
    "Ischemic heart disease": _range("I", 20, 25),
    "Osteoporosis": ("M80", "M81"),
    "Stroke/TIA": ("I60", "I61", "I62", "I63", "I69", "G45"),
}

#: Categories complex enough for a PCM candidate when alone (see the module docstring).
COMPLEX_CATEGORIES: frozenset[str] = frozenset({
    "Diabetes", "Heart failure", "COPD", "Asthma", "Chronic kidney disease", "Cancer",
    "Alzheimer's and related dementia", "Ischemic heart disease", "Atrial fibrillation",
    "Stroke/TIA", "HIV/AIDS",
})

_PREFIXES: list[tuple[str, str]] = sorted(
    ((prefix, name) for name, prefixes in CATEGORIES.items() for prefix in prefixes),
    key=lambda item: -len(item[0]),
)
_CODE = re.compile(r"^[A-Z][0-9][0-9A-Z]")


def normalize_icd10(code: str) -> str:
    """``" e11.65 "`` -> ``"E1165"``: upper case, no dots or spaces."""
    return re.sub(r"[\s.]", "", code or "").upper()


@lru_cache(maxsize=65536)
def chronic_category(icd10: str) -> str | None:
    """The catalog category of an ICD-10-CM code, or None when the code is not in the catalog.

    Reference, "Who is eligible": CMS examples plus the Chronic Conditions Warehouse list.
    Cached: a panel repeats the same few hundred codes thousands of times.
    """
    code = normalize_icd10(icd10)
    if not _CODE.match(code):
        return None
    for prefix, name in _PREFIXES:
        if code.startswith(prefix):
            return name
    return None


def is_complex(category: str | None) -> bool:
    """True when the category may support PCM on its own (reference, "Who is eligible")."""
    return category in COMPLEX_CATEGORIES
