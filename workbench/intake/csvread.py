"""A CSV reader that cannot lose rows: every line of the file is a row, part of a quoted value,
or a reported error.

Python's ``csv`` module is lenient where a lost row hides: a stray opening quote swallows the
rows after it into one value, a quote at the end of the file is closed silently, a repeated
column name keeps only the last value, and a value over 131,072 characters raises a bare
``_csv.Error``. This reader is strict instead (RFC 4180, https://www.rfc-editor.org/rfc/rfc4180):

- a value in double quotes must close, and a quote inside it is doubled (``""``); anything
  else is refused, naming the line where the value began;
- a double quote inside a value that does not start with one is refused (put the value in
  quotes and double the quote);
- a quoted value running over several lines is refused when those lines look like rows of the
  file (a line inside it with at least as many separators as the header has columns less
  three): an unbalanced quote, not a note;
- the header must name every column once; blank and repeated names are refused; names are
  compared without surrounding spaces and without case;
- every row has exactly as many values as the header has columns; blank lines are skipped;
- when required columns are missing, the message shows what the first line was read as and
  the separator used, so a semicolon- or tab-separated file is recognised at once.

Values are returned stripped of surrounding spaces, with no length limit of their own (each
importer checks its columns against the record's limits).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import ImportRefused

DELIMITER = ","
_OTHER_SEPARATORS = {";": "semicolons", "\t": "tabs", "|": "vertical bars"}


@dataclass
class CsvFile:
    """A file read whole: its columns and its rows, each with the line it starts on."""

    path: str
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]


class _Bad(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


def _text_of(path) -> str:
    raw = Path(path).read_bytes()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _Bad(1, "The file is UTF-16 text (Excel's \"Unicode Text\"): save it as \"CSV UTF-8\".")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        raise _Bad(line, "The file is not UTF-8 text (a byte on this line is not UTF-8): save it as "
                         "\"CSV UTF-8\".") from None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise _Bad(line, "The file contains a NUL byte: it is not a text CSV file (is it a spreadsheet "
                         "saved as .xlsx?). Save it as \"CSV UTF-8\".")
    return text


def _lines(text: str) -> list[str]:
    if "\n" not in text and "\r" in text:  # classic Mac line ends
        lines = text.split("\r")
    else:
        lines = text.split("\n")
        lines = [x[:-1] if x.endswith("\r") else x for x in lines]
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _quoted_record(lines: list[str], i: int, delim: str, ncols: int | None) -> tuple[list[str], int]:
    """Parse the record starting at ``lines[i]`` that contains a quote; returns (values, next i)."""
    values: list[str] = []
    parts: list[str] = []
    line, n, pos = lines[i], i, 0
    start_of_value = n
    while True:
        # start of a value: optional spaces, then either a quote or plain text
        k = pos
        while k < len(line) and line[k] in " \t":
            k += 1
        if k < len(line) and line[k] == '"':
            start_of_value, pos, parts = n, k + 1, []
            while True:  # inside quotes
                q = line.find('"', pos)
                if q < 0:
                    parts.append(line[pos:])
                    n += 1
                    if n >= len(lines):
                        raise _Bad(start_of_value + 1, "A value opens a double quote that is never closed "
                                   "(the file ends inside it). A quote inside a value must be doubled (\"\").")
                    parts.append("\n")
                    line, pos = lines[n], 0
                    continue
                parts.append(line[pos:q])
                if q + 1 < len(line) and line[q + 1] == '"':
                    parts.append('"')
                    pos = q + 2
                    continue
                pos = q + 1
                break
            if n > start_of_value and ncols is not None:
                inner = "".join(parts).split("\n")[1:]
                looks = sum(1 for x in inner if x.count(delim) >= max(3, ncols - 3))
                if looks:
                    raise _Bad(start_of_value + 1, f"A quoted value runs from line {start_of_value + 1} to line "
                               f"{n + 1} and contains what look like {looks} row(s) of this file: a double "
                               "quote is probably unbalanced (a quote inside a value must be doubled: \"\").")
            while pos < len(line) and line[pos] in " \t":
                pos += 1
            if pos < len(line) and line[pos] != delim:
                raise _Bad(start_of_value + 1, "A value in double quotes is followed by more text before the "
                           f"next separator ({line[pos:pos + 10]!r}): a quote inside a value must be doubled (\"\").")
            values.append("".join(parts))
        else:
            d = line.find(delim, pos)
            segment = line[pos:] if d < 0 else line[pos:d]
            if '"' in segment:
                raise _Bad(n + 1, "A double quote inside a value that does not start with one: put the whole "
                           "value in double quotes and double the quote inside it (\"\").")
            values.append(segment)
            pos = len(line) if d < 0 else d
        if pos >= len(line):
            return values, n + 1
        pos += 1  # past the separator
        if pos == len(line):  # a separator at the end of the line: one more, empty, value
            values.append("")
            return values, n + 1


def _record_at(lines: list[str], i: int, delim: str, ncols: int | None) -> tuple[list[str], int]:
    """The values of the record starting at ``lines[i]`` and the index of the next record."""
    line = lines[i]
    if '"' not in line:
        return line.split(delim), i + 1
    return _quoted_record(lines, i, delim, ncols)


def _records(lines: list[str], delim: str, start: int, ncols: int | None):
    """Yield (line number, values) for each record from ``lines[start]`` on."""
    i = start
    while i < len(lines):
        line = lines[i]
        if '"' not in line:  # the fast path: most lines
            yield i + 1, line.split(delim)
            i += 1
        else:
            values, nxt = _quoted_record(lines, i, delim, ncols)
            yield i + 1, values
            i = nxt


def _header_problem(header_line: str, columns: list[str], missing: list[str], required) -> str:
    shown = header_line if len(header_line) <= 120 else header_line[:120] + "…"
    msg = (f"Missing column(s): {', '.join(missing)}. Read {len(columns)} column(s) from line 1, "
           f"separated by commas: {shown!r}.")
    for sep, name in _OTHER_SEPARATORS.items():
        if sep in header_line and sep != DELIMITER:
            msg += f" The line is separated by {name}: save the file as comma-separated CSV (CSV UTF-8)."
            break
    return msg + f" The first line must name: {', '.join(required)}."


def read_csv(path, required: tuple[str, ...]) -> CsvFile:
    """Read a whole CSV file, or raise :class:`ImportRefused` listing what is wrong with it.

    Problems with the file's structure are listed together (every bad line); the rows are
    then checked by the importer."""
    try:
        lines = _lines(_text_of(path))
    except _Bad as bad:
        raise ImportRefused(str(path), [(bad.line, bad.message)]) from None
    if not lines or not lines[0].strip():
        raise ImportRefused(str(path), [(1, "The file is empty or its first line is blank: the first line "
                                            "must name the columns.")])
    try:
        header, header_end = _record_at(lines, 0, DELIMITER, None)
    except _Bad as bad:
        raise ImportRefused(str(path), [(bad.line, "In the header: " + bad.message)]) from None
    columns = [h.strip().lower() for h in header]
    problems: list[tuple[int, str]] = []
    blank = [n for n, c in enumerate(columns, 1) if not c]
    if blank:
        problems.append((1, f"Column(s) {', '.join(map(str, blank))} of the header have no name: name every "
                            "column (or delete the empty ones)."))
    seen: dict[str, int] = {}
    for n, c in enumerate(columns, 1):
        if c and c in seen:
            problems.append((1, f"Column {c!r} appears twice in the header (columns {seen[c]} and {n}): "
                                "one would silently replace the other, so keep one."))
        seen.setdefault(c, n)
    missing = [c for c in required if c not in seen]
    if missing:
        problems.append((1, _header_problem(lines[0], columns, missing, required)))
    if problems:
        raise ImportRefused(str(path), problems)
    rows: list[tuple[int, dict[str, str]]] = []
    ncols = len(columns)
    records = _records(lines, DELIMITER, header_end, ncols)
    while True:
        try:
            line, values = next(records)
        except StopIteration:
            break
        except _Bad as bad:
            problems.append((bad.line, bad.message))
            break  # after an unbalanced quote the rest of the file cannot be read reliably
        if len(values) != ncols:
            if not any(v.strip() for v in values):
                continue
            hint = ("a value with a comma must be in double quotes" if len(values) > ncols
                    else "a value is missing")
            problems.append((line, f"{len(values)} values, but the header has {ncols} columns ({hint})."))
            continue
        row = {c: v.strip() for c, v in zip(columns, values)}
        if any(row.values()):
            rows.append((line, row))
    if problems:
        raise ImportRefused(str(path), problems)
    return CsvFile(str(path), columns, rows)
