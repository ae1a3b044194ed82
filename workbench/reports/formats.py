"""Totals and output formats of the month report: aligned text, CSV, XLSX, JSON.

The report rows are typed (lists of codes with units, minutes by staff as a mapping, flags and
reasons as lists). This module is the ONE place where they become text: :func:`flat_report`
(CSV, XLSX and the aligned table use it; JSON keeps the types).
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pandas as pd

from ..errors import InvalidInput
from ..export.cells import frame_csv_text, write_xlsx

FORMATS = ("table", "csv", "xlsx", "json")


def codes_text(codes) -> str:
    """``[{"code": "99490", "units": 1}, {"code": "99439", "units": 2}]`` -> ``99490;99439x2``."""
    return ";".join(c["code"] if int(c["units"]) == 1 else f"{c['code']}x{int(c['units'])}" for c in codes or ())


def staff_minutes_text(minutes: dict) -> str:
    """``{"S001": 25, "S003": 10}`` -> ``S001:25;S003:10``."""
    return ";".join(f"{k}:{v}" for k, v in (minutes or {}).items())


def sentences_text(items) -> str:
    """A list of sentences joined with ``; ``."""
    return "; ".join(items or ())


def alternative_text(alt) -> str:
    """``{"codes": [...], "amount_usd": 45.93}`` -> ``99491 ($45.93)``; empty when None."""
    return "" if not alt else f"{codes_text(alt['codes'])} (${alt['amount_usd']:.2f})"


#: How each typed column of the month report becomes text.
TEXT_COLUMNS = {"codes": codes_text, "minutes_by_staff": staff_minutes_text, "flags": sentences_text,
                "reasons": sentences_text, "alternative": alternative_text}


def flat_report(df: pd.DataFrame) -> pd.DataFrame:
    """The month report with its typed columns as text (same columns, same order)."""
    out = df.copy()
    for col, fn in TEXT_COLUMNS.items():
        if col in out.columns:
            out[col] = [fn(v) for v in out[col]] if len(out) else pd.Series(dtype=str)
    return out


def report_totals(df: pd.DataFrame) -> dict:
    """Totals of a month report: patients, patients billed, minutes and dollars.

    Dollars are summed as exact decimals of the cents shown, then given as a float.
    """
    amount = sum((Decimal(f"{x:.2f}") for x in df["amount_usd"]), Decimal("0.00")) if len(df) else Decimal("0.00")
    billed = df["codes"].map(lambda c: len(c) > 0) if len(df) else pd.Series(dtype=bool)
    return {
        "patients": int(len(df)),
        "patients_billed": int(billed.sum()) if len(df) else 0,
        "billable_minutes": int(df["billable_minutes"].sum()) if len(df) else 0,
        "counted_minutes": int(df["counted_minutes"].sum()) if len(df) else 0,
        "total_minutes": int(df["total_minutes"].sum()) if len(df) else 0,
        "amount_usd": float(amount),
    }


def _table(df: pd.DataFrame, totals: dict) -> str:
    """Aligned text: the rows, then one totals line."""
    shown = flat_report(df)
    shown["amount_usd"] = shown["amount_usd"].map(lambda x: f"{x:.2f}")
    text = shown.to_string(index=False) if len(shown) else "(no patient had time this month)"
    line = (f"TOTAL  patients {totals['patients']}  billed {totals['patients_billed']}  "
            f"billable minutes {totals['billable_minutes']}  counted minutes {totals['counted_minutes']}  "
            f"amount ${totals['amount_usd']:.2f}")
    return f"{text}\n{line}\n"


def _json(df: pd.DataFrame, totals: dict) -> str:
    return json.dumps({"month": df.attrs.get("month"), "rows": df.to_dict(orient="records"),
                       "totals": totals}, indent=2, default=str) + "\n"


def write_report(df: pd.DataFrame, fmt: str, out: str | Path | None = None) -> str | None:
    """Write the month report as ``table``, ``csv``, ``xlsx`` or ``json``.

    With ``out`` the file is written and None returned; without it the text is returned
    (``xlsx`` needs ``out``). The CSV holds the rows only; table and JSON also carry the totals;
    the XLSX has a "report" sheet and a "totals" sheet.
    """
    if fmt not in FORMATS:
        raise InvalidInput(f"Unknown report format '{fmt}': use one of {', '.join(FORMATS)}.", "format")
    totals = report_totals(df)
    if fmt == "xlsx":
        if out is None:
            raise InvalidInput("An Excel report must be written to a file: give --out.", "out")
        write_xlsx(out, {"report": flat_report(df), "totals": pd.DataFrame([totals])})
        return None
    if fmt == "csv":
        text = frame_csv_text(flat_report(df))
    elif fmt == "json":
        text = _json(df, totals)
    else:
        text = _table(df, totals)
    if out is None:
        return text
    Path(out).write_text(text, encoding="utf-8")
    return None
