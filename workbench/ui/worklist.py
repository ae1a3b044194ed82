"""The worklist: the panel as a sortable, filterable, paged HTML table.

The frame comes from ``wb.worklist(day)`` (workbench.reports), already in priority order
(who most needs a call today). Sorting and filtering happen in the kernel on the DataFrame
(:func:`select_rows`), and one page is rendered as ONE escaped HTML table: thousands of
patients never become thousands of widgets. A row opens the chart through its link
(``chart.ipynb?patient=ID``) or through the "Open chart" box.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo

import threading

import ipywidgets as w
import pandas as pd

from workbench.reports.worklist import sort_worklist
from workbench.service import Workbench, changes

from . import session
from .feedback import FormMessages, on_click
from .html import badge, esc, is_missing, message, progress_bar

SORTS = {
    "priority": ("Why now (who needs a call today)", "_rank"),
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
    """A boolean or count cell of the report (NaN and None are False)."""
    if value is None or is_missing(value):
        return False
    return bool(value)


def with_search_text(df: pd.DataFrame) -> pd.DataFrame:
    """The frame with ``_haystack`` (name, id and condition names, lower case, ``|``-separated)
    and ``_codes`` (`` |e11.9|i10``: each ICD-10 code after a ``|``), built once so that each
    keystroke is one vectorised ``str.contains``."""
    if "_haystack" in df.columns:
        return df
    names = df["conditions"] if "conditions" in df.columns else pd.Series([[]] * len(df), index=df.index)
    codes = df["icd10"] if "icd10" in df.columns else pd.Series([[]] * len(df), index=df.index)
    hay = (df["name"].astype(str) + "|" + df["patient_id"].astype(str) + "|"
           + names.map(lambda xs: "|".join(map(str, xs or ())))).str.lower()
    return df.assign(_haystack=hay, _codes=codes.map(lambda xs: "".join(f"|{x}" for x in xs or ())).str.lower())


def _search_mask(df: pd.DataFrame, text: str) -> pd.Series:
    """Rows whose name, id or condition name contains ``text``, or whose ICD-10 code starts
    with it ("E11" finds E11.9); case-insensitive."""
    low = text.lower().replace("|", " ")
    return (df["_haystack"].str.contains(low, regex=False)
            | df["_codes"].str.contains("|" + low, regex=False)).astype(bool)


def select_rows(df: pd.DataFrame, search: str = "", consent: str = "all", flag: str = "all",
                sort: str = "priority", descending: bool = False, mine: str | None = None) -> pd.DataFrame:
    """Filter and sort the worklist frame (pure: returns a new frame). ``mine`` keeps the
    patients whose care team includes that staff id. ``_rank`` keeps the report's own priority
    order so "priority" sorting never re-derives it."""
    out = df if "_rank" in df.columns else df.assign(_rank=range(len(df)))
    if mine:
        out = out[out["care_team"].map(lambda team: mine in (team or ())).astype(bool)]
    text = search.strip()
    if text:
        out = with_search_text(out)
        out = out[_search_mask(out, text)]
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


def _why_html(row) -> str:
    """The reasons to call now (:class:`workbench.rules.why_now.Reason`), one badge each, its
    colour from the reason's tone (a typed value: never read from the sentence)."""
    why = row.get("why")
    items = why if isinstance(why, (list, tuple)) else ()
    return "".join(f'<span class="ccm-badge ccm-badge-{esc(x.tone)} ccm-why-{esc(x.code)}">{esc(x.sentence)}</span>'
                   for x in items)


def _fmt_date(value, tz: tzinfo | None = None) -> str:
    """A date as YYYY-MM-DD; an aware time is first put in ``tz`` (the practice's zone: a call
    at 7 pm in Chicago was made that day, whatever day it already is in UTC)."""
    if is_missing(value):
        return ""
    if tz is not None and getattr(value, "tzinfo", None) is not None:
        value = value.astimezone(tz)
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


HEADERS = ("Patient", "Why now", "Minutes this month", "Consent", "Last contact", "Age", "Chronic")


def render_rows(rows: pd.DataFrame, href: Callable[[str], str], nav: str = "chart",
                tz: tzinfo | None = None) -> str:
    """One page of the worklist as an HTML table; every value escaped. Each name is a link
    whose ``data-ccm-nav`` is ``<nav>:<patient id>`` (the app opens it in the same kernel).
    The last contact's day is its day in ``tz`` (the practice's zone)."""
    body = []
    for row in rows.to_dict("records"):
        pid = str(row["patient_id"])
        consent = row.get("consent") or ("valid" if _truthy(row.get("consent_valid")) else "none")
        consent_badge = badge(str(consent), "ok" if _truthy(row.get("consent_valid")) else "danger")
        outcome = str(row.get("last_outcome") or "").replace("_", " ")
        last = _fmt_date(row.get("last_contact"), tz)
        last = f"{last} ({outcome})" if last and outcome else last
        body.append(
            f'<tr data-patient="{esc(pid)}">'
            f'<td><a class="ccm-open-chart" data-ccm-nav="{esc(nav)}:{esc(pid)}" href="{esc(href(pid))}">'
            f'{esc(row.get("name"))}</a> <span class="ccm-pid">{esc(pid)}</span></td>'
            f'<td class="ccm-why">{_why_html(row)}</td>'
            f'<td>{progress_bar(row.get("minutes") or 0)}</td><td>{consent_badge}</td>'
            f'<td class="ccm-last-contact">{esc(last)}</td>'
            f'<td>{esc(_num(row.get("age")))}</td><td>{esc(_num(row.get("n_chronic")))}</td></tr>')
    head = "".join(f"<th>{esc(h)}</th>" for h in HEADERS)
    return (f'<table class="ccm-table ccm-worklist-table"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table>')


class WorklistView(w.VBox):
    """The worklist screen. ``frame`` defaults to ``wb.worklist()``; ``on_open(pid)`` is called
    by the "Open chart" button (inside JupyterLab); rows also link to ``chart.ipynb``.
    ``nav`` and ``href`` change where a row leads (a practice shift keeps its rows inside the
    shift: ``nav="practice"``)."""

    def __init__(self, wb: Workbench, frame: pd.DataFrame | None = None, page_size: int = 100,
                 on_open: Callable[[str], None] | None = None, nav: str = "chart",
                 href: Callable[[str], str] | None = None, scope: str = "live"):
        self.wb = wb
        self.scope = scope
        self.page_size = page_size
        self.on_open = on_open
        self.nav = nav
        self._href = href
        self.page = 0
        self.marks = wb.change_marks()  # change stamps of what this frame was built from
        self.frame = self._prepare(wb.worklist(scope=scope) if frame is None else frame)
        self.stale = False
        self.visible = True
        changes.subscribe(wb.engine, self._written)
        uid = wb.user.id
        self.mine_count = int(self.frame["care_team"].map(lambda t: uid in (t or ())).sum()) \
            if "care_team" in self.frame.columns else 0
        self.outreach = None  # the "Eligible, not enrolled" view (ui/outreach.py), built when first chosen
        self.whose = w.ToggleButtons(options=[(f"My patients ({self.mine_count})", "mine"),
                                              (f"All patients ({len(self.frame)})", "all")]
                                     + ([("Eligible, not enrolled", "outreach")] if scope == "live" else []),
                                     value="mine" if self.mine_count else "all")
        self.whose.style.button_width = "170px"  # three views, Find, Consent and Show on one row at 1280 px
        self.search = w.Text(placeholder="Name, ID, code, condition", description="Find",
                             continuous_update=True, layout=w.Layout(width="250px"),
                             style={"description_width": "36px"})
        self.consent = w.Dropdown(options=[(v, k) for k, v in CONSENT_FILTERS.items()], value="all",
                                  description="Consent", layout=w.Layout(width="210px"),
                                  style={"description_width": "56px"})
        self.flag = w.Dropdown(options=[(v, k) for k, v in FLAG_FILTERS.items()], value="all",
                               description="Show", layout=w.Layout(width="210px"),
                               style={"description_width": "40px"})
        self.sort = w.Dropdown(options=[(v[0], k) for k, v in SORTS.items()], value="priority",
                               description="Sort by", layout=w.Layout(width="340px"),
                               style={"description_width": "52px"})
        self.descending = w.ToggleButton(value=False, description="Descending", icon="sort-amount-down",
                                         layout=w.Layout(width="116px"))
        for widget, cls in ((self.whose, "ccm-worklist-whose"), (self.search, "ccm-worklist-search"), (self.consent, "ccm-worklist-consent"),
                            (self.flag, "ccm-worklist-flag"), (self.sort, "ccm-worklist-sort"),
                            (self.descending, "ccm-worklist-desc")):
            widget.add_class(cls)
            widget.observe(self._filters_changed, "value")
        self.prev = w.Button(description="Previous", icon="chevron-left", layout=w.Layout(width="100px"))
        self.next = w.Button(description="Next", icon="chevron-right", layout=w.Layout(width="80px"))
        self.prev.add_class("ccm-worklist-prev")
        self.next.add_class("ccm-worklist-next")
        self.prev.on_click(lambda _: self.go(self.page - 1))
        self.next.on_click(lambda _: self.go(self.page + 1))
        self.count = w.HTML()
        self.count.add_class("ccm-worklist-count")
        self.table = w.HTML()
        self.table.add_class("ccm-worklist")
        self.open_id = w.Text(placeholder="Name or P00001", description="Open", continuous_update=False,
                              layout=w.Layout(width="220px"), style={"description_width": "40px"})
        self.open_button = w.Button(description="Open chart", icon="folder-open", layout=w.Layout(width="124px"))
        self.open_id.add_class("ccm-open-id")
        self.open_button.add_class("ccm-open-button")
        # "Open chart"'s answer right under its row, announced; cleared by the next action or view
        self.msg = FormMessages("ccm-open-msg", "open")
        on_click(self.open_button, lambda: self.open_chart(self.open_id.value.strip()), self.msg, "open")
        self.choices = w.HBox(layout=w.Layout(flex_flow="row wrap"))
        self.choices.add_class("ccm-open-choices")
        controls = w.HBox([self.whose, self.search, self.consent, self.flag],
                          layout=w.Layout(flex_flow="row wrap", align_items="center"))
        pager = w.HBox([self.sort, self.descending, self.prev, self.next, self.count, self.open_id, self.open_button],
                       layout=w.Layout(flex_flow="row wrap", align_items="center"))
        super().__init__([controls, pager, self.msg.slot("open"), self.choices, self.table])
        self.add_class("ccm-worklist-view")
        self.refresh()

    # ------------------------------------------------------------------ state
    @staticmethod
    def _prepare(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.reset_index(drop=True)
        return with_search_text(frame.assign(_rank=range(len(frame))))

    def _written(self) -> None:
        """A write committed in this kernel: re-read now when on screen (and in the kernel's own
        thread), else when shown again."""
        self.stale = True
        if self.visible and threading.current_thread() is threading.main_thread():
            self.catch_up()

    def on_show(self) -> None:
        """The view is on screen again (navigation, breadcrumb, browser Back)."""
        self.visible = True
        self.catch_up()

    def on_hide(self) -> None:
        self.visible = False

    def catch_up(self) -> set[str]:
        """Re-read the rows of the patients with anything written since this frame was built (by
        change stamps: also what other kernels wrote), merge them in priority order and redraw,
        keeping the search, filters and page. Returns the patient ids re-read."""
        pids, marks = self.wb.changed_since(self.marks)
        self.marks, self.stale = marks, False
        pids &= set(self.frame["patient_id"].astype(str))
        if not pids:
            return set()
        fresh = self.wb.worklist(scope=self.scope, patient_ids=pids)
        keep = self.frame[~self.frame["patient_id"].astype(str).isin(set(fresh["patient_id"]))]
        keep = keep.drop(columns=[c for c in keep.columns if c.startswith("_")])
        merged = pd.concat([keep, fresh], ignore_index=True) if len(keep) else fresh
        self.frame = self._prepare(sort_worklist(merged))
        self.refresh()
        return pids

    def reload(self, frame: pd.DataFrame) -> None:
        """New figures (after work was recorded), keeping the search, filters and page."""
        self.frame = self._prepare(frame)
        self.refresh()

    def rows(self) -> pd.DataFrame:
        return select_rows(self.frame, self.search.value, self.consent.value, self.flag.value,
                           self.sort.value, self.descending.value,
                           mine=self.wb.user.id if self.whose.value == "mine" else None)

    def _filters_changed(self, _change=None) -> None:
        self.page = 0
        self.refresh()

    def go(self, page: int) -> None:
        self.page = page
        self.refresh()

    def href(self, pid: str) -> str:
        if self._href is not None:
            return self._href(pid)
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
        self.table.value = render_rows(shown, self.href, self.nav, self.wb.tz) if len(shown) else message(
            "No patients match these filters.", "info")
        self.shown_ids = [str(x) for x in shown["patient_id"]]
        self._show_outreach(self.whose.value == "outreach")

    def _show_outreach(self, on: bool) -> None:
        """The outreach list in place of the panel's table (built the first time it is chosen)."""
        if on and self.outreach is None:
            from .outreach import OutreachView

            self.outreach = OutreachView(self.wb, self.href)
            self.children = (*self.children, self.outreach)
        elif on:
            self.outreach.refresh()
        if self.outreach is not None:
            self.outreach.layout.display = None if on else "none"
        # the panel's filters, sort and pages do not apply to the outreach list
        for widget in (self.table, self.search, self.consent, self.flag, self.sort, self.descending, self.prev,
                       self.next, self.count):
            widget.layout.display = "none" if on else None

    def open_chart(self, text: str) -> None:
        """Open the chart of the patient ``text`` names (an id, or part of a name); several
        matches are listed as buttons."""
        from .chart import find_patients

        self.choices.children = ()
        if not text:
            self.msg.value = message("Type a name or a patient ID (for example P00001).", "warn")
            return
        found = find_patients(self.wb, text, scope=self.scope)
        if not found:
            self.msg.value = message("No patient matches what you typed.", "error")
            return
        if len(found) > 1:
            self.msg.value = message(f"{len(found)} patients match: choose one.", "info")
            buttons = []
            for p in found:
                b = w.Button(description=f"{p.name} ({p.id})", layout=w.Layout(width="auto"))
                b.add_class("ccm-open-choice")
                b.on_click(lambda _, pid=p.id: self._open(pid))
                buttons.append(b)
            self.choices.children = buttons
            return
        self._open(found[0].id)

    def _open(self, pid: str) -> None:
        self.choices.children = ()
        if self.on_open is not None:
            self.msg.value = ""
            self.on_open(pid)
        else:
            self.msg.value = (f'<div class="ccm-msg ccm-msg-info"><a href="{esc(self.href(pid))}">'
                              f'Open the chart of {esc(pid)}</a></div>')
