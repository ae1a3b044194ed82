"""Spreadsheet-safe cells: the ONE helper every CSV and XLSX writer of the product uses.

A spreadsheet runs a cell as a formula when its text starts with ``=``, ``+``, ``-`` or ``@``
(and some also act on a leading tab or carriage return): a patient named ``=HYPERLINK(...)``
would become a live link in the billing person's workbook (OWASP, "CSV Injection"). Text
starting with one of those characters is written with a leading apostrophe, which every
spreadsheet shows as plain text; numbers stay numbers. :func:`restore_cell` undoes it for a
file read back by the importer.

Writers: :func:`write_csv` / :func:`csv_text` (rows of dicts or sequences), :func:`frame_csv_text`
(a data frame), :func:`write_xlsx` (several sheets; every string cell is stored as text with
Excel's quote prefix when it starts with a formula character, never as a formula).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas loads in the functions that take frames (the CLI starts faster)
    import pandas as pd

#: First characters that make a spreadsheet evaluate a cell.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PREFIX = "'"


def safe_cell(value: object) -> object:
    """``value`` made inert for a spreadsheet: text starting with a formula character gets a
    leading apostrophe; numbers, dates, booleans and None pass through unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return PREFIX + value
    return value


def restore_cell(value: str) -> str:
    """The text a :func:`safe_cell` value stood for (for reading a file the product wrote)."""
    if isinstance(value, str) and value.startswith(PREFIX) and value[1:2] and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def is_safe(value: object) -> bool:
    """Whether ``value`` would not be run as a formula."""
    return not (isinstance(value, str) and value.startswith(FORMULA_STARTS))


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells (and column names) are spreadsheet-safe."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or _pd().api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(safe_cell)
    out.columns = [safe_cell(c) if isinstance(c, str) else c for c in out.columns]
    out.attrs = dict(df.attrs)
    return out


def csv_text(columns: Sequence[str], rows: Iterable[Mapping | Sequence]) -> str:
    """CSV text with a header; every value passed through :func:`safe_cell`."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([safe_cell(c) for c in columns])
    for row in rows:
        values = [row.get(c, "") for c in columns] if isinstance(row, Mapping) else list(row)
        writer.writerow([_plain(safe_cell(x)) for x in values])
    return buf.getvalue()


def write_csv(path: str | Path, columns: Sequence[str], rows: Iterable[Mapping | Sequence]) -> Path:
    """Write a spreadsheet-safe CSV file (UTF-8, header first); returns the path."""
    path = Path(path)
    path.write_text(csv_text(columns, rows), encoding="utf-8", newline="")
    return path


def frame_csv_text(df: pd.DataFrame) -> str:
    """A data frame as spreadsheet-safe CSV text (no index)."""
    buf = io.StringIO()
    safe_frame(df).to_csv(buf, index=False)
    return buf.getvalue()


def write_xlsx(path, sheets: Mapping[str, pd.DataFrame]):
    """Write ``{sheet name: frame}`` as one workbook. Every string cell is stored as text (never a
    formula, which openpyxl would otherwise make of ``=...``), and one that starts with a formula
    character also gets Excel's quote prefix, so it stays text when edited; the text itself is kept
    exactly as recorded."""
    from openpyxl import Workbook

    path = Path(path) if isinstance(path, str) else path  # a path or a binary file object
    book = Workbook()
    book.remove(book.active)
    for name, df in sheets.items():
        sheet = book.create_sheet(title=str(name)[:31])
        sheet.append([str(c) for c in df.columns])
        for row in df.itertuples(index=False):
            sheet.append([_xlsx_value(x) for x in row])
        for cells in sheet.iter_rows():
            for cell in cells:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # text, never "f" (formula)
                    if not is_safe(cell.value):
                        cell.quotePrefix = True
    book.save(path)
    return path


def _pd():
    import pandas

    return pandas


def _plain(value: object) -> object:
    return format(value, "f") if isinstance(value, Decimal) else value


def _xlsx_value(value: object) -> object:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, Decimal):
        return float(value)
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        value = value.item()
    if isinstance(value, (list, tuple, dict)):
        value = str(value)
    return value
