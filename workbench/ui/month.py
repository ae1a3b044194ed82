"""The month view (billing, supervisor, practitioner): the month report as a table and a chart,
with CSV and XLSX downloads.

The frame is ``wb.month_report(month)`` (workbench.reports; codes chosen by
workbench.rules.billing, reference "Monthly codes and time thresholds"). Downloads are data:
URI links, which work in Voila without a file server.
"""

from __future__ import annotations

import io
from datetime import date

import ipywidgets as w
import pandas as pd

from workbench.export.cells import csv_text
from workbench.reports.claims import CLAIM_COLUMNS, write_claims
from workbench.reports.formats import alternative_text, codes_text, write_report
from workbench.rules import rule_table_for
from workbench.service import Workbench

from .html import data_link, esc, figure_png, is_missing, message

COLUMNS = ("patient_id", "programme", "codes", "billable_minutes", "counted_minutes", "total_minutes", "amount_usd",
           "minutes_by_staff", "flags", "reasons", "alternative", "programme_why")
HEADERS = ("Patient", "Programme", "Codes", "Billable min", "Counted min", "Total min", "Amount (USD)",
           "Minutes by staff", "Flags", "Why minutes were not billed", "Alternative", "Programme: why")


def recent_months(today: date, count: int = 12) -> list[str]:
    y, m = today.year, today.month
    out = []
    for _ in range(count):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return out


def _cell(value, names: dict[str, str], column: str) -> str:
    """One typed report value as escaped HTML (the report's types: see workbench.reports.month)."""
    if column == "codes":
        return esc(codes_text(value)) or '<span class="ccm-muted">not billed</span>'
    if column == "minutes_by_staff":
        return "<br>".join(f"{esc(names.get(k, k))}: {int(v)} min" for k, v in (value or {}).items())
    if column in ("flags", "reasons"):
        return "<br>".join(esc(x) for x in (value or ()))
    if column == "alternative":
        return esc(alternative_text(value))
    return "" if is_missing(value) else esc(value)


def report_table(df: pd.DataFrame, names: dict[str, str] | None = None, limit: int = 200) -> str:
    names = names or {}
    cols = [c for c in COLUMNS if c in df.columns]
    heads = [HEADERS[COLUMNS.index(c)] for c in cols]
    body = "".join("<tr>" + "".join(f"<td>{_cell(row[c], names, c)}</td>" for c in cols) + "</tr>"
                   for row in df.head(limit).to_dict("records"))
    more = (f'<div class="ccm-muted ccm-small">Showing {limit} of {len(df)} rows; the downloads '
            f"have them all.</div>") if len(df) > limit else ""
    return (f'<table class="ccm-table ccm-month-table"><thead><tr>{"".join(f"<th>{esc(h)}</th>" for h in heads)}'
            f"</tr></thead><tbody>{body}</tbody></table>{more}")


CLAIM_HEADERS = (("patient", "Patient"), ("service", "Service"), ("codes", "Codes"),
                 ("date_of_service", "Date of service"), ("amount_usd", "Amount (USD)"),
                 ("billing_practitioner", "Billing practitioner"), ("status", "Status"),
                 ("reasons", "Why it is held"), ("notes", "Notes"))


def claims_table(claims: pd.DataFrame) -> str:
    """The claim lines, ready or held with the reason, patients named beside their ids."""
    body = []
    for row in claims.to_dict("records"):
        held = row["status"] == "hold"
        status = (f'<span class="ccm-badge ccm-badge-{"warn" if held else "ok"} ccm-claim-{esc(row["status"])}">'
                  f'{"held" if held else "ready"}</span>')
        cells = {"patient": f'{esc(row["first_name"])} {esc(row["last_name"])} <span class="ccm-pid">'
                            f'{esc(row["patient_id"])}</span>',
                 "amount_usd": esc(f'{float(row["amount_usd"]):,.2f}'), "status": status}
        body.append(f'<tr class="ccm-claim-row" data-patient="{esc(row["patient_id"])}" '
                    f'data-status="{esc(row["status"])}">'
                    + "".join(f"<td>{cells.get(k, esc(row.get(k)))}</td>" for k, _h in CLAIM_HEADERS) + "</tr>")
    head = "".join(f"<th>{esc(h)}</th>" for _k, h in CLAIM_HEADERS)
    return (f'<table class="ccm-table ccm-claims-table"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table>')


def claims_totals(claims: pd.DataFrame) -> str:
    ready = claims[claims["status"] == "ready"]
    held = claims[claims["status"] == "hold"]
    return (f'<div class="ccm-card ccm-claims-totals"><b class="ccm-claims-ready">{len(ready)}</b> claim line(s) '
            f'ready &middot; <b>${ready["amount_usd"].sum():,.2f}</b> &middot; '
            f'<b class="ccm-claims-held">{len(held)}</b> held (${held["amount_usd"].sum():,.2f}) until the '
            f"reason is fixed</div>")


def claims_bytes(claims: pd.DataFrame, fmt: str) -> bytes:
    """The claims export (the same writer as ``workbench report claims``; formula-safe)."""
    if fmt == "csv":
        return csv_text(CLAIM_COLUMNS, claims.to_dict("records")).encode("utf-8")
    buf = io.BytesIO()
    write_claims(claims, fmt, buf)
    return buf.getvalue()


def csv_bytes(df: pd.DataFrame) -> bytes:
    return write_report(df, "csv").encode("utf-8")


def xlsx_bytes(df: pd.DataFrame) -> bytes:
    buf = io.BytesIO()
    write_report(df, "xlsx", buf)
    return buf.getvalue()


class MonthView(w.VBox):
    def __init__(self, wb: Workbench, month: str | None = None):
        self.wb = wb
        months = recent_months(wb.today())
        self.month = w.Dropdown(options=months, value=month if month in months else months[0],
                                description="Month")
        self.month.add_class("ccm-month-picker")
        self.month.observe(lambda _: self.refresh(), "value")
        self.totals = w.HTML()
        self.totals.add_class("ccm-month-totals")
        self.downloads = w.HTML()
        self.downloads.add_class("ccm-month-downloads")
        self.plot = w.VBox()
        self.plot.add_class("ccm-month-plot")
        self.table = w.HTML()
        self.table.add_class("ccm-month-report")
        self.claims_totals = w.HTML()
        self.claims_totals.add_class("ccm-claims-summary")
        self.claims_downloads = w.HTML()
        self.claims_downloads.add_class("ccm-claims-downloads")
        self.claims_table = w.HTML()
        self.claims_table.add_class("ccm-claims")
        claims = w.VBox([w.HTML('<div class="ccm-section-title">Claims: ready or held</div>'),
                         self.claims_totals, self.claims_downloads, self.claims_table])
        claims.add_class("ccm-claims-box")
        from .approval_panel import ApprovalPanel

        self.approval = ApprovalPanel(wb, lambda: self.month.value, on_change=self._claims)
        super().__init__([self.month, claims, self.approval, self.totals, self.downloads, self.plot, self.table])
        self.add_class("ccm-month-view")
        self.refresh()

    def refresh(self) -> None:
        df = self.wb.month_report(self.month.value)
        self.wb.record_access("report", list(df["patient_id"]) if len(df) else [], "page:month",
                              detail=f"month {self.month.value}")
        self.df = df
        self._claims()
        if len(df) == 0:
            self.totals.value = message(f"No time recorded in {self.month.value}.", "info")
            self.downloads.value = ""
            self.table.value = ""
            self.plot.children = []
            return
        amount = pd.to_numeric(df["amount_usd"], errors="coerce").fillna(0)
        billed = df["codes"].map(lambda c: len(c) > 0)
        self.totals.value = (f'<div class="ccm-card"><b>{len(df)}</b> patients with time &middot; '
                             f'<b class="ccm-month-billed">{int(billed.sum())}</b> with codes met (claims ready '
                             f'or held above) &middot; codes worth <b>${amount.sum():,.2f}</b> &middot; '
                             f'{pd.to_numeric(df["total_minutes"], errors="coerce").fillna(0).sum():,.0f} '
                             f"minutes recorded</div>")
        name = f"ccm-month-{self.month.value}"
        self.downloads.value = (data_link(csv_bytes(df), f"{name}.csv", "text/csv", "Download CSV",
                                          "ccm-download ccm-download-csv")
                                + data_link(xlsx_bytes(df), f"{name}.xlsx",
                                            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                            "Download XLSX", "ccm-download ccm-download-xlsx"))
        self.table.value = report_table(df, {u.id: u.name for u in self.wb.users()})
        self._draw(df, amount)

    def _claims(self) -> None:
        """Ready and held claim lines of the month, and the claims export as downloads."""
        claims = self.wb.claims(self.month.value)
        self.claims = claims
        if hasattr(self, "approval"):
            self.approval.refresh(claims)
        if len(claims) == 0:
            self.claims_totals.value = message(f"No claim lines in {self.month.value}.", "info")
            self.claims_downloads.value = self.claims_table.value = ""
            return
        self.claims_totals.value = claims_totals(claims)
        name = f"ccm-claims-{self.month.value}"
        self.claims_downloads.value = (
            data_link(claims_bytes(claims, "csv"), f"{name}.csv", "text/csv", "Download claims CSV",
                      "ccm-download ccm-claims-csv")
            + data_link(claims_bytes(claims, "xlsx"), f"{name}.xlsx",
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        "Download claims XLSX", "ccm-download ccm-claims-xlsx"))
        self.claims_table.value = claims_table(claims)

    def _draw(self, df: pd.DataFrame, amount: pd.Series) -> None:
        from matplotlib.figure import Figure

        codes = df["codes"].map(codes_text).replace("", "not billed")
        by_code = pd.DataFrame({"codes": codes, "amount": amount}).groupby("codes")["amount"].agg(["count", "sum"])
        by_code = by_code.sort_values("count", ascending=False).head(10)
        fig = Figure(figsize=(11, 3.2))
        a1, a2 = fig.subplots(1, 2)
        a1.barh(by_code.index, by_code["count"], color="#1d4e89")
        a1.set_title("Patients by codes billed")
        a1.invert_yaxis()
        mins = pd.to_numeric(df["total_minutes"], errors="coerce").fillna(0)
        a2.hist(mins, bins=range(0, int(max(mins.max(), 60)) + 10, 5), color="#2e9e5b")
        marks = rule_table_for(self.month.value).staff_thresholds()[:3]
        for x in marks:
            a2.axvline(x, color="#52606d", linestyle="--", linewidth=1)
        a2.set_title(f"Minutes per patient (lines at {'/'.join(map(str, marks))})")
        fig.tight_layout()
        self.image = w.Image(value=figure_png(fig), format="png", layout=w.Layout(max_width="100%"))
        self.plot.children = [self.image]
