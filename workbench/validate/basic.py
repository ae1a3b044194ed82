"""Text, identifiers, choices, whole numbers and JSON values: the checks under every other one.

Each check returns the value as it will be stored (stripped, normalised) or raises
:class:`~workbench.errors.InvalidInput` naming the field and the value. Free text a person typed
(names, notes, addresses) is never repeated in a message: only its length or the kind of fault.
Limits are read from the schema (:mod:`workbench.store.schema`), so SQLite (which would store
anything) and PostgreSQL (which refuses what does not fit) accept exactly the same values.
"""

from __future__ import annotations

import math
import numbers
import re
import unicodedata
from enum import Enum
from typing import TypeVar

from ..errors import InvalidInput
from ..store.schema import NOTE_MAX, SHORT_MAX

E = TypeVar("E", bound=Enum)

#: PostgreSQL INTEGER, the type of every row id.
INT_MAX = 2**31 - 1

#: C0 and C1 control characters (ESC, NEL among them) and the Unicode line and paragraph
#: separators: never in a name, an id or one line of text
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
#: the same, less line breaks and tabs, for notes (NEL, LS and PS become line breaks first)
_CONTROL_IN_NOTE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_NOTE_BREAKS = re.compile(r"[\x85\u2028\u2029]")
#: ids: no spaces, controls, separators or format characters (zero-width, direction marks)
_ID = re.compile(r"^[^\s\x00-\x1f\x7f-\x9f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]+$")
#: a byte-order mark (U+FEFF): removed wherever it is (a spreadsheet or an editor adds them)
BOM = "\ufeff"
_SHOWN = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]")
_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp", "Mn", "Me"})


def visible(value: str) -> bool:
    """Whether ``value`` holds at least one character a person can see (not only spaces,
    zero-width characters, marks or controls)."""
    return any(unicodedata.category(ch) not in _INVISIBLE and ch != "\u3164" for ch in value)


def printable(value: str) -> str:
    """``value`` as a page shows free text: C0/C1 controls other than line breaks and tabs, and
    byte-order marks, removed (a stored note can never move the cursor or recolour a terminal)."""
    return _CONTROL_IN_NOTE.sub("", _NOTE_BREAKS.sub("\n", value.replace(BOM, "")))


def show(value, limit: int = 40) -> str:
    """A value as a message shows it: short, one line, control characters visible."""
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, numbers.Number):
        return str(value)
    if not isinstance(value, str):
        return type(value).__name__
    text = value if len(value) <= limit else value[:limit] + "…"
    return "'" + _SHOWN.sub(lambda m: f"\\u{ord(m.group()):04x}" if ord(m.group()) > 0xff
                            else f"\\x{ord(m.group()):02x}", text) + "'"


def limit_of(column) -> int:
    """The length a schema column allows (``String(n)``)."""
    return column.type.length


def _plain(value, label: str, field: str | None) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidInput(f"{label} must be text, not {type(value).__name__}.", field)
    if "\x00" in value:
        raise InvalidInput(f"{label} contains a NUL character (\\x00), which cannot be stored: "
                           "remove it (it usually comes from a binary file pasted as text).", field)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidInput(f"{label} contains characters that are not valid text "
                           "(unpaired surrogates): retype it.", field) from None
    return value.replace(BOM, "")


def text(value, label: str, *, required: bool = True, max_len: int = NOTE_MAX,
         field: str | None = None) -> str:
    """Free text (a note, a reason, an address): stripped; line breaks and tabs allowed; never
    silently cut. The value itself is never shown in a message."""
    value = _NOTE_BREAKS.sub("\n", _plain(value, label, field)).strip()
    if required and not visible(value):
        raise InvalidInput(f"{label} is required." if not value else
                           f"{label} has no visible character (only spaces or invisible characters).", field)
    if len(value) > max_len:
        raise InvalidInput(f"{label} is {len(value):,} characters long; the limit is {max_len:,}.", field)
    if _CONTROL_IN_NOTE.search(value):
        raise InvalidInput(f"{label} contains a control character such as an escape sequence (only "
                           "line breaks and tabs are allowed in text).", field)
    return value


def short(value, label: str, *, required: bool = True, field: str | None = None,
          max_len: int = SHORT_MAX) -> str:
    """One line of text (a name, a dose): no line breaks or other control characters."""
    value = _plain(value, label, field).strip()
    if required and not value:
        raise InvalidInput(f"{label} is required.", field)
    if len(value) > max_len:
        raise InvalidInput(f"{label} is {len(value):,} characters long; the limit is {max_len:,}.", field)
    if _CONTROL.search(value):
        raise InvalidInput(f"{label} must be one line of text (it contains a line break, tab, line "
                           "separator, escape or other control character).", field)
    if value and not visible(value):
        raise InvalidInput(f"{label} has no visible character (only spaces or invisible characters).",
                           field)
    return value


def bounded_text(value, label: str, max_len: int, *, field: str | None = None, required: bool = True) -> str:
    """Text, stripped, of at most ``max_len`` characters; blank is "" (refused when required)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise InvalidInput(f"{label} is required.", field)
        return ""
    if not isinstance(value, str):
        raise InvalidInput(f"{label} must be text, not {type(value).__name__}.", field)
    value = value.replace(BOM, "").strip()
    if not value:
        if required:
            raise InvalidInput(f"{label} is required.", field)
        return ""
    if len(value) > max_len:
        raise InvalidInput(f"{label} {show(value)} is {len(value)} characters long; the limit is {max_len}.",
                           field)
    return value


def identifier(value, label: str, max_len: int, *, field: str | None = None, required: bool = True) -> str:
    """An id (patient, staff, entry): up to ``max_len`` characters, no spaces or control characters."""
    value = bounded_text(value, label, max_len, field=field, required=required)
    if not value:
        return ""
    if not _ID.match(value):
        raise InvalidInput(f"{label} {show(value)} may not contain spaces, control characters, line "
                           "separators or invisible characters.", field)
    return value


def choice(value, enum: type[E], label: str, field: str | None = None) -> E:
    """A value from one of the record's enums, given as the enum or its text (any case)."""
    if isinstance(value, enum):
        return value
    if isinstance(value, str):
        found = enum._value2member_map_.get(value)  # the fast path: an exact value
        if found is not None:
            return found
        try:
            return enum(value)
        except ValueError:
            folded = {str(m.value).lower(): m for m in enum}
            if value.strip().lower() in folded:
                return folded[value.strip().lower()]
    allowed = ", ".join(str(m.value) for m in enum)
    raise InvalidInput(f"{label} {show(value)} is not one of: {allowed}.", field)


def whole(value, label: str, *, minimum: int | None = None, maximum: int = INT_MAX,
          field: str | None = None) -> int:
    """A whole number: Python or numpy integers (not booleans, not text)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise InvalidInput(f"{label} must be a whole number, not {type(value).__name__}.", field)
    value = int(value)
    if minimum is not None and value < minimum:
        raise InvalidInput(f"{label} {value} is below {minimum}.", field)
    if value > maximum:
        raise InvalidInput(f"{label} {value} is above {maximum:,}.", field)
    return value


def row_id(value, label: str, field: str | None = None) -> int:
    """The id of a row in the record (a positive 32-bit integer on every backend)."""
    return whole(value, label, minimum=1, field=field)


def real(value, label: str, field: str | None = None) -> float:
    """A finite number (Python or numpy; not a boolean, not text)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InvalidInput(f"{label} must be a number, not {type(value).__name__}.", field)
    value = float(value)
    if not math.isfinite(value):
        raise InvalidInput(f"{label} must be a finite number (got {value}).", field)
    return value


def boolean(value, label: str, field: str | None = None) -> bool:
    if not isinstance(value, bool):
        try:
            import numpy

            if isinstance(value, numpy.bool_):
                return bool(value)
        except ImportError:  # pragma: no cover - numpy comes with pandas
            pass
        raise InvalidInput(f"{label} must be yes or no (True/False).", field)
    return value


def json_value(value, label: str, field: str | None = None, *, max_chars: int = 100_000, _depth: int = 0):
    """A value stored in a JSON column: dicts with text keys, lists, text, finite numbers,
    booleans and None; no NUL characters; not absurdly large. Returns plain Python types."""
    if _depth > 20:
        raise InvalidInput(f"{label} is nested too deeply.", field)
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        value = _plain(value, label, field)
        if len(value) > max_chars:
            raise InvalidInput(f"{label} has a text of {len(value):,} characters; the limit is {max_chars:,}.",
                               field)
        return value
    if isinstance(value, numbers.Integral):
        return whole(value, label, minimum=-INT_MAX, field=field)
    if isinstance(value, numbers.Real):
        return real(value, label, field)
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise InvalidInput(f"{label}: keys must be text, not {type(k).__name__}.", field)
            out[_plain(k, label, field)] = json_value(v, label, field, max_chars=max_chars, _depth=_depth + 1)
        return out
    if isinstance(value, (list, tuple)):
        return [json_value(v, label, field, max_chars=max_chars, _depth=_depth + 1) for v in value]
    raise InvalidInput(f"{label} cannot hold a {type(value).__name__}.", field)
