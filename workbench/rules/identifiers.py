"""Identifier checks for claims: NPI and Medicare Beneficiary Identifier (pure functions).

docs/reference.md, "Identifiers on a claim":

- **NPI** (CMS, "NPI: What You Need To Know"; 45 CFR 162.406): 10 digits, the last a Luhn
  check digit computed over the constant prefix ``80840`` followed by the first nine digits.
- **MBI** (CMS, "Understanding the Medicare Beneficiary Identifier Format", 2017): 11
  characters, uppercase, dashes only for display. Positions 1 numeric 1-9; 2, 5, 8, 9 letters;
  3 and 6 letter or digit; 4, 7, 10, 11 digits 0-9. Letters S, L, O, I, B and Z are never used.

``check_*`` return the normalised value or raise :class:`workbench.errors.InvalidInput`. An MBI
is patient data, so its messages describe the fault (a position) and never repeat the value.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from workbench.errors import InvalidInput

NPI_PREFIX = "80840"
MBI_LETTERS = "ACDEFGHJKMNPQRTUVWXY"  #: A-Z without S, L, O, I, B, Z
_DIGITS = "0123456789"
#: Allowed characters by MBI position (1-based in messages).
MBI_POSITIONS = ("123456789", MBI_LETTERS, MBI_LETTERS + _DIGITS, _DIGITS, MBI_LETTERS,
                 MBI_LETTERS + _DIGITS, _DIGITS, MBI_LETTERS, MBI_LETTERS, _DIGITS, _DIGITS)
_KIND = {"123456789": "a digit 1-9", MBI_LETTERS: "a letter other than S, L, O, I, B or Z",
         MBI_LETTERS + _DIGITS: "a letter (not S, L, O, I, B, Z) or a digit", _DIGITS: "a digit"}


def luhn_digit(digits: str) -> str:
    """The Luhn check digit for ``digits`` (the digit to append)."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2 == 0:  # doubled: the rightmost payload digit sits next to the check digit
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return str((10 - total % 10) % 10)


def npi_problem(value: object) -> str | None:
    """Why ``value`` is not an NPI, or None when it is one."""
    if not isinstance(value, str):
        return f"must be text, not {type(value).__name__}"
    npi = value.strip()
    if len(npi) != 10 or not all(c in _DIGITS for c in npi):
        return "must be exactly 10 digits"
    if npi[0] not in "12":
        return "must start with 1 or 2"
    if luhn_digit(NPI_PREFIX + npi[:9]) != npi[9]:
        return "fails the NPI check digit (a typing error?)"
    return None


def check_npi(value: object, field: str = "npi", label: str = "NPI") -> str:
    """A valid NPI, stripped; otherwise InvalidInput naming the field and the value."""
    problem = npi_problem(value)
    if problem:
        raise InvalidInput(f"{label} {str(value)[:20]!r} {problem}.", field)
    return str(value).strip()


def normalise_mbi(value: str) -> str:
    """Uppercase, without the display dashes and spaces: ``1eg4-te5-mk73`` -> ``1EG4TE5MK73``."""
    return value.replace("-", "").replace(" ", "").strip().upper()


def mbi_problem(value: object) -> str | None:
    """Why ``value`` is not an MBI (a position, never the value), or None when it is one."""
    if not isinstance(value, str):
        return f"must be text, not {type(value).__name__}"
    mbi = normalise_mbi(value)
    if len(mbi) != 11:
        return f"must have 11 characters (dashes aside), not {len(mbi)}"
    for i, (ch, allowed) in enumerate(zip(mbi, MBI_POSITIONS, strict=True)):
        if ch not in allowed:
            return f"character {i + 1} must be {_KIND[allowed]}"
    return None


def check_mbi(value: object, field: str = "member_id", label: str = "Medicare member id (MBI)") -> str:
    """A valid MBI, normalised; otherwise InvalidInput naming the field and the fault only."""
    problem = mbi_problem(value)
    if problem:
        raise InvalidInput(f"{label} {problem}.", field)
    return normalise_mbi(str(value))


def _stream(key: str) -> Iterator[int]:
    """Deterministic integers from ``key`` (for demo identifiers)."""
    counter = 0
    while True:
        block = hashlib.sha256(f"{key}:{counter}".encode()).digest()
        yield from block
        counter += 1


def demo_npi(key: str) -> str:
    """A valid-format NPI derived from ``key`` (synthetic data only; not a real provider's)."""
    stream = _stream("npi:" + key)
    body = "1" + "".join(str(next(stream) % 10) for _ in range(8))
    return body + luhn_digit(NPI_PREFIX + body)


def demo_mbi(key: str) -> str:
    """A valid-format MBI derived from ``key`` (synthetic data only)."""
    stream = _stream("mbi:" + key)
    return "".join(allowed[next(stream) % len(allowed)] for allowed in MBI_POSITIONS)
