"""Coded values: ICD-10-CM codes, sex, state, telephone numbers, PHQ answers, the billing
practitioner.

ICD-10-CM codes must be codes that can go on a claim: billable, i.e. the most specific code of
its branch (``E11.9``, not the category ``E11``; never a chapter such as ``4`` or a block such
as ``E08-E13``), per the CDC/NCHS ICD-10-CM tabular list (https://www.cdc.gov/nchs/icd/icd-10-cm/)
as packaged by ``simple_icd_10_cm``. Codes are stored in their dotted form: ``E119`` and
``e11.9`` are both stored as ``E11.9``. The library takes two seconds to load, so it is imported
only when a code is checked (the command line must start fast).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

from .. import records as r
from ..errors import InvalidInput
from .basic import bounded_text, show

#: USPS codes of the states, DC and the territories where Medicare pays for CCM.
STATES = frozenset(
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM "
    "NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR VI GU AS MP".split())
SEXES = ("F", "M", "X")
_CODE_SHAPE = re.compile(r"^[A-Z][0-9][0-9A-Z](\.?[0-9A-Z]{1,4})?$")


#: A number as people write it: an optional leading +, digits with spaces, dashes, dots, slashes
#: or parentheses, and an optional extension ("ext. 12", "x12").
_PHONE = re.compile(r"^\+?[0-9(][0-9 ().\-/]*?(?:\s*(?:ext\.?|x)\s*[0-9]{1,6})?$", re.IGNORECASE)
_EXTENSION = re.compile(r"(?:ext\.?|x)\s*[0-9]{1,6}$", re.IGNORECASE)
#: Digits in a dialable number: 7 (a local number) to 15 (the most ITU-T E.164 allows).
PHONE_DIGITS = (7, 15)


def phone(value, label: str, *, field: str | None = None, required: bool = False, max_len: int = 32) -> str:
    """A telephone number someone will dial (the practice's line, the 24/7 line): 7 to 15 digits
    (ITU-T Recommendation E.164 allows at most 15) written with spaces, dashes, dots, slashes or
    parentheses, an optional leading ``+`` and an optional extension. Stored as written, stripped;
    empty when not required. Letters ("1-800-FLOWERS"), two numbers in one field or a note such
    as "call the front desk" are refused: the patient copy prints this number as it is."""
    value = bounded_text(value, label, max_len, field=field, required=required)
    if not value:
        return ""
    digits = sum(ch.isdigit() for ch in _EXTENSION.sub("", value))
    low, high = PHONE_DIGITS
    if not _PHONE.match(value) or not low <= digits <= high:
        raise InvalidInput(f"{label} {show(value)} is not a telephone number: give {low} to {high} digits, "
                           "with spaces, dashes, dots or parentheses if you like, e.g. (518) 555-0100 or "
                           "+1 518 555 0100 ext. 12.", field)
    return value


def sex(value, field: str | None = "sex", label: str = "sex") -> str:
    """``F``, ``M`` or ``X`` (any case); words such as "female" are refused, not guessed."""
    if isinstance(value, str) and value.strip().upper() in SEXES:
        return value.strip().upper()
    raise InvalidInput(f"{label} {show(value)} must be F, M or X.", field)


def state(value, *, label: str = "state", field: str | None = "state", required: bool = False) -> str:
    """A two-letter USPS state code (any case), or empty when not required."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise InvalidInput(f"{label} is required (a two-letter code such as NY).", field)
        return ""
    if isinstance(value, str) and value.strip().upper() in STATES:
        return value.strip().upper()
    raise InvalidInput(f"{label} {show(value)} is not a two-letter US state code (e.g. NY, NJ, CA).", field)


@lru_cache(maxsize=4096)
def _icd10(code: str) -> tuple[str | None, str]:
    """(normalised code, "") or (None, reason)."""
    import simple_icd_10_cm as icd

    if icd.is_valid_item(code) and icd.is_chapter_or_block(code) and not icd.is_category_or_subcategory(code):
        kind = "chapter" if icd.is_chapter(code) else "block"
        return None, (f"is a {kind} of ICD-10-CM ({icd.get_description(code)}), not a code: give "
                      "the code itself, e.g. E11.9")
    bare = code.replace(".", "")
    if not _CODE_SHAPE.match(code) or not icd.is_valid_item(bare):
        return None, "is not an ICD-10-CM code"
    dotted = icd.add_dot(bare)
    if not icd.is_leaf(dotted):
        leaves = [c for c in icd.get_descendants(dotted) if icd.is_leaf(c)]
        leaves.sort(key=lambda c: (not c.endswith("9"), len(c), c))
        examples = ", ".join(leaves[:3])
        kind = "a category, not a billable code" if icd.is_category(dotted) else "not a billable code"
        return None, f"is {kind}: use a more specific code under it (e.g. {examples})"
    return dotted, ""


def icd10(value, field: str | None = "icd10", label: str = "Condition code") -> str:
    """A billable ICD-10-CM code in its dotted form (``E119`` -> ``E11.9``)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise InvalidInput(f"{label} is required.", field)
    if not isinstance(value, str):
        raise InvalidInput(f"{label} must be text, not {type(value).__name__}.", field)
    code = value.strip().upper().replace(" ", "")
    if len(code) > 16:
        raise InvalidInput(f"{label} {show(value)} is not an ICD-10-CM code.", field)
    normal, reason = _icd10(code)
    if normal is None:
        raise InvalidInput(f"{label} {show(value.strip())} {reason}.", field)
    return normal


def icd10_description(code: str) -> str:
    """The tabular list's description of a (checked) code."""
    import simple_icd_10_cm as icd

    return icd.get_description(code)


def phq_answers(answers, instrument: str) -> tuple[int, ...]:
    """PHQ-2 / PHQ-9 answers in any reasonable shape (list, tuple, numpy array, dict keyed
    ``q1``..``q9`` or 1..9), each 0-3, as a tuple in item order."""
    from ..rules.phq import answers_in_order

    if instrument not in ("PHQ-2", "PHQ-9"):
        raise InvalidInput(f"Unknown instrument {show(instrument)}: use PHQ-2 or PHQ-9.", "instrument")
    return answers_in_order(answers, 2 if instrument == "PHQ-2" else 9, instrument)


def billing_practitioner(user: r.User | None, uid: str, field: str | None = "billing_practitioner_id") -> r.User:
    """The billing practitioner: a staff member holding a practitioner credential (MD, DO, NP,
    PA, CNS, CNM). ``user`` is the staff record of ``uid`` (None when there is none)."""
    from ..errors import NotFound

    if user is None:
        raise NotFound(f"billing_practitioner_id {show(uid)} is not a staff member.")
    if not user.is_practitioner:
        allowed = ", ".join(sorted(c.value for c in r.PRACTITIONER_CREDENTIALS))
        held = user.credential.value if user.credential else "no credential"
        raise InvalidInput(f"billing_practitioner_id {show(uid)} is a {user.role.value.replace('_', ' ')} "
                           f"with {held}: the billing practitioner must be a physician or qualified "
                           f"health professional ({allowed}).", field)
    return user


def consent_disclosures(disclosures) -> dict:
    """The four disclosures, each confirmed True (reference: docs/reference.md, "Consent")."""
    if not isinstance(disclosures, Mapping):
        raise InvalidInput("Disclosures must be a checklist of the four things told.", "disclosures")
    unknown = [str(k) for k in disclosures if k not in r.CONSENT_DISCLOSURES]
    if unknown:
        raise InvalidInput(f"Unknown disclosure(s): {', '.join(sorted(unknown))}.", "disclosures")
    missing = [label for key, label in r.CONSENT_DISCLOSURES.items() if disclosures.get(key) is not True]
    if missing:
        raise InvalidInput("Consent needs the patient to have been told: " + "; ".join(missing) + ".",
                           "disclosures")
    return {k: True for k in r.CONSENT_DISCLOSURES}
