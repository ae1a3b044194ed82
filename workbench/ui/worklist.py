"""The worklist: the panel as a sortable, filterable, paged HTML table (issue 5, section 2).

The frame comes from ``wb.worklist(day)`` (workbench.reports), already in priority order
(who most needs a call today). Sorting and filtering happen in the kernel on the DataFrame
(:func:`select_rows`), and one page is rendered as ONE escaped HTML table: thousands of
patients never become thousands of widgets. A row opens the chart through its link
(``chart.ipynb?patient=ID``) or through the "Open chart" box.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as w
import pandas as pd

from workbench.errors import WorkbenchError
from workbench.service import Workbench

from . import session
from .html import badge, esc, is_missing, message, progress_bar

SORTS = {
    "priority": ("Priority (who needs a call today)", "_rank"),
    "name": ("Name", "name"),
    "age": ("Age", "age"),
    "n_chronic": ("Chronic conditions", "n_chronic"),
    "minutes": ("Minutes this month", "minutes"),
    "minutes_to_next": ("Minutes to next threshold", "minutes_to_next"),
    "last_contact": ("Last contact", "last_contact"),
}
CONSENT_FILTERS = {"all": "Any consent", "valid": "Consent valid", "missing": "No valid consent"}
FLAG_FILTERS = {
    "all": "All patients",
    "escalation": "Open escalation",
    "care_gaps": "Care gaps",
    "phq_due": "PHQ due",
    "open_timer": "Timer running",
    "under_20": "Under 20 minutes",
}


def _truthy(value) -> bool:
    if value is None:
        return False
    if isinstance(value, (list, tuple, set, frozenset)):
        return len(value) > 0
    if isinstance(value, str):
        return value.strip() not in ("", "0", "False", "false", "no")
    try:
        if pd.isna(value):
            return False
    except (TypeError, ValueError):
        return bool(value)
    return bool(value)


def _items(value) -> list[str]:
    """Flags or care gaps as a list of short texts, whatever shape the report gave them."""
    if value is None:
        return []
    if isinstance(value, (list, tuple, set, frozenset)):
        return [str(x) for x in value if str(x).strip()]
    if isinstance(value, str):
        sep = ";" if ";" in value else ","
        return [x.strip() for x in value.split(sep) if x.strip()]
    try:
        if pd.isna(value):
            return []
    except (TypeError, ValueError):
        pass
    return [str(value)] if _truthy(value) else []


def select_rows(df: pd.DataFrame, search: str = "", consent: str = "all", flag: str = "all",
                sort: str = "priority", descending: bool = False) -> pd.DataFrame:
    """Filter and sort the worklist frame (pure: returns a new frame). ``_rank`` keeps the
    report's own priority order so "priority" sorting never re-derives it."""
    out = df if "_rank" in df.columns else df.assign(_rank=range(len(df)))
    text = search.strip().lower()
    if text:
        mask = (out["name"].astype(str).str.lower().str.contains(text, regex=False)
                | out["patient_id"].astype(str).str.lower().str.contains(text, regex=False))
        out = out[mask.astype(bool)]
    if consent == "valid":
        out = out[out["consent_valid"].map(_truthy).astype(bool)]
    elif consent == "missing":
        out = out[~out["consent_valid"].map(_truthy).astype(bool)]
    if flag == "escalation":
        out = out[out["open_escalations"].map(_truthy).astype(bool)]
    elif flag == "care_gaps":
        out = out[out["care_gaps"].map(_truthy).astype(bool)]
    elif flag == "phq_due":
        out = out[out["phq_due"].map(_truthy).astype(bool)]
    elif flag == "open_timer":
        out = out[out["open_timer"].map(_truthy).astype(bool)]
    elif flag == "under_20":
        out = out[pd.to_numeric(out["minutes"], errors="coerce").fillna(0) < 20]
    column = SORTS[sort][1]
    return out.sort_values([column, "_rank"], ascending=[not descending, True], na_position="last",
                           kind="stable")


def _flag_kind(text: str) -> str:
    low = text.lower()
    if "escalation" in low:
        return "danger"
    if "timer" in low:
        return "ok"
    return "warn"


def _flags_html(row) -> str:
    """The report's own flags when it gives them; otherwise flags derived from the columns."""
    given = _items(row.get("flags"))
    if given:
        return "".join(badge(f, _flag_kind(f)) for f in given)
    parts = []
    if _truthy(row.get("open_escalations")):
        parts.append(badge("Escalation open", "danger"))
    if _truthy(row.get("open_timer")):
        parts.append(badge("Timer running", "ok"))
    if _truthy(row.get("phq_due")):
        parts.append(badge("PHQ due", "warn"))
    gaps = _items(row.get("care_gaps"))
    if gaps:
        count = gaps[0] if len(gaps) == 1 and gaps[0].isdigit() else str(len(gaps))
        parts.append(badge(f"Care gaps: {count}", "warn"))
    return "".join(parts)


def _fmt_date(value) -> str:
    if is_missing(value):
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d")
    return str(value)[:10]


def _num(value, fmt: str = "{:.0f}") -> str:
    try:
        if value is None or pd.isna(value):
            return ""
        return fmt.format(float(value))
    except (TypeError, ValueError):
        return str(value)


HEADERS = ("Patient", "Age", "Chronic", "Consent", "Minutes this month", "To next", "Days left",
           "Last contact", "Outcome", "Flags")


def render_rows(rows: pd.DataFrame, href: Callable[[str], str]) -> str:
    """One page of the worklist as an HTML table; every value escaped."""
    body = []
    for row in rows.to_dict("records"):
        pid = str(row["patient_id"])
        consent = row.get("consent") or ("valid" if _truthy(row.get("consent_valid")) else "none")
        consent_badge = badge(str(consent), "ok" if _truthy(row.get("consent_valid")) else "danger")
        nxt = _num(row.get("minutes_to_next"))
        nxt = f"{nxt} min" if nxt else ""
        body.append(
            f'<tr data-patient="{esc(pid)}">'
            f'<td><a class="ccm-open-chart" data-ccm-nav="chart:{esc(pid)}" href="{esc(href(pid))}">'
            f'{esc(row.get("name"))}</a>'
            f'<div style="font-size:11px;color:#52606d">{esc(pid)}</div></td>'
            f'<td>{esc(_num(row.get("age")))}</td><td>{esc(_num(row.get("n_chronic")))}</td>'
            f'<td>{consent_badge}</td><td>{progress_bar(row.get("minutes") or 0)}</td>'
            f'<td>{esc(nxt)}</td><td>{esc(_num(row.get("days_left")))}</td>'
            f'<td>{esc(_fmt_date(row.get("last_contact")))}</td>'
            f'<td>{esc(str(row.get("last_outcome") or "").replace("_", " "))}</td>'
            f'<td>{_flags_html(row)}</td></tr>')
    head = "".join(f"<th>{esc(h)}</th>" for h in HEADERS)
    return (f'<table class="ccm-table ccm-worklist-table"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table>')


class WorklistView(w.VBox):
    """The worklist screen. ``frame`` defaults to ``wb.worklist()``; ``on_open(pid)`` is called
    by the "Open chart" button (inside JupyterLab); rows also link to ``chart.ipynb``."""

    def __init__(self, wb: Workbench, frame: pd.DataFrame | None = None, page_size: int = 50,
                 on_open: Callable[[str], None] | None = None):
        self.wb = wb
        self.page_size = page_size
        self.on_open = on_open
        self.page = 0
        self.frame = (wb.worklist() if frame is None else frame).reset_index(drop=True)
        self.frame = self.frame.assign(_rank=range(len(self.frame)))
        self.search = w.Text(placeholder="Name or patient ID", description="Find",
                             continuous_update=False, layout=w.Layout(width="260px"))
        self.consent = w.Dropdown(options=[(v, k) for k, v in CONSENT_FILTERS.items()], value="all",
                                  description="Consent", layout=w.Layout(width="230px"))
        self.flag = w.Dropdown(options=[(v, k) for k, v in FLAG_FILTERS.items()], value="all",
                               description="Show", layout=w.Layout(width="230px"))
        self.sort = w.Dropdown(options=[(v[0], k) for k, v in SORTS.items()], value="priority",
                               description="Sort by", layout=w.Layout(width="320px"))
        self.descending = w.ToggleButton(value=False, description="Descending", icon="sort-amount-down",
                                         layout=w.Layout(width="120px"))
        for widget, cls in ((self.search, "ccm-worklist-search"), (self.consent, "ccm-worklist-consent"),
                            (self.flag, "ccm-worklist-flag"), (self.sort, "ccm-worklist-sort"),
                            (self.descending, "ccm-worklist-desc")):
            widget.add_class(cls)
            widget.observe(self._filters_changed, "value")
        self.prev = w.Button(description="Previous", icon="chevron-left", layout=w.Layout(width="110px"))
        self.next = w.Button(description="Next", icon="chevron-right", layout=w.Layout(width="110px"))
        self.prev.add_class("ccm-worklist-prev")
        self.next.add_class("ccm-worklist-next")
        self.prev.on_click(lambda _: self.go(self.page - 1))
        self.next.on_click(lambda _: self.go(self.page + 1))
        self.count = w.HTML()
        self.count.add_class("ccm-worklist-count")
        self.table = w.HTML()
        self.table.add_class("ccm-worklist")
        self.open_id = w.Text(placeholder="P00001", description="Patient ID", layout=w.Layout(width="220px"))
        self.open_button = w.Button(description="Open chart", icon="folder-open")
        self.open_id.add_class("ccm-open-id")
        self.open_button.add_class("ccm-open-button")
        self.open_button.on_click(lambda _: self.open_chart(self.open_id.value.strip()))
        self.msg = w.HTML()
        controls = w.HBox([self.search, self.consent, self.flag, self.sort, self.descending],
                          layout=w.Layout(flex_flow="row wrap"))
        pager = w.HBox([self.prev, self.next, self.count, w.HTML("&nbsp;" * 4), self.open_id, self.open_button])
        super().__init__([controls, pager, self.msg, self.table])
        self.add_class("ccm-worklist-view")
        self.refresh()

    # ------------------------------------------------------------------ state
    def rows(self) -> pd.DataFrame:
        return select_rows(self.frame, self.search.value, self.consent.value, self.flag.value,
                           self.sort.value, self.descending.value)

    def _filters_changed(self, _change=None) -> None:
        self.page = 0
        self.refresh()

    def go(self, page: int) -> None:
        self.page = page
        self.refresh()

    def href(self, pid: str) -> str:
        return session.link("chart.ipynb", self.wb.user, patient=pid)

    def refresh(self) -> None:
        rows = self.rows()
        pages = max(1, -(-len(rows) // self.page_size))
        self.page = min(max(self.page, 0), pages - 1)
        start = self.page * self.page_size
        shown = rows.iloc[start:start + self.page_size]
        self.prev.disabled = self.page == 0
        self.next.disabled = self.page >= pages - 1
        self.count.value = (f"<span>{len(rows):,} of {len(self.frame):,} patients &middot; "
                            f"page {self.page + 1} of {pages}</span>")
        self.table.value = render_rows(shown, self.href) if len(shown) else message(
            "No patients match these filters.", "info")
        self.shown_ids = [str(x) for x in shown["patient_id"]]

    def open_chart(self, pid: str) -> None:
        if not pid:
            self.msg.value = message("Type a patient ID (for example P00001).", "warn")
            return
        try:
            self.wb.get_patient(pid)
        except WorkbenchError as exc:
            self.msg.value = message(str(exc), "error")
            return
        if self.on_open is not None:
            self.msg.value = ""
            self.on_open(pid)
        else:
            self.msg.value = (f'<div class="ccm-msg ccm-msg-info"><a href="{esc(self.href(pid))}">'
                              f'Open the chart of {esc(pid)}</a></div>')
