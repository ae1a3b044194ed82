"""Small HTML builders for the workbench widgets. Every value shown is escaped here.

Nothing in this module reads the record: it turns plain values into safe HTML strings.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Iterable, Sequence

from workbench.rules import rule_table_for
from workbench.rules.minutes import whole_of


def bar_marks(month: str | None = None) -> tuple[int, ...]:
    """Marks on the monthly progress bar: the staff-CCM thresholds of ``month``'s rule table
    (reference, "Monthly codes and time thresholds"; this month by default)."""
    from datetime import date

    return tuple(rule_table_for(month or date.today().strftime("%Y-%m")).staff_thresholds())


def is_missing(value: object) -> bool:
    """None, NaN or NaT: a cell with nothing to show."""
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN and NaT are not equal to themselves
    except (TypeError, ValueError):
        return False


def esc(value: object) -> str:
    """Escape any value for HTML text or attribute use (None shows as an empty string)."""
    if value is None:
        return ""
    try:
        import pandas as pd

        if value is pd.NaT or (isinstance(value, float) and value != value):
            return ""
    except ImportError:  # pragma: no cover - pandas is a dependency
        pass
    from ..validate.basic import printable  # controls and BOMs never reach the page

    return html.escape(printable(str(value)), quote=True)


def progress_bar(minutes: float, marks: Sequence[int] | None = None) -> str:
    """A month progress bar marked at the rule table's thresholds (:func:`bar_marks`), scaled to
    the third one, green once the first is reached; the number is whole minutes
    (:func:`workbench.rules.minutes.whole_of`: 9 min 49 s shows 9, as every label does)."""
    marks = tuple(marks or bar_marks())
    scale = marks[min(2, len(marks) - 1)]
    mins = whole_of(max(0.0, float(minutes or 0)))
    width = min(mins, scale) / scale * 100
    state = "ccm-bar-billable" if mins >= marks[0] else "ccm-bar-short"
    ticks = "".join(f'<span class="ccm-bar-mark" style="left:{m / scale * 100:.1f}%"></span>'
                    for m in marks if m < scale)
    return (f'<div class="ccm-bar {state}" title="{mins} min this month">'
            f'<span class="ccm-bar-fill" style="width:{width:.1f}%"></span>{ticks}'
            f'<span class="ccm-bar-label">{mins}</span></div>')


def badge(text: str, kind: str = "info") -> str:
    return f'<span class="ccm-badge ccm-badge-{esc(kind)}">{esc(text)}</span>'


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], css: str = "ccm-table",
          raw: bool = False) -> str:
    """A table. Cells are escaped unless ``raw`` (then the caller escaped them already)."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c if raw else esc(c)}</td>" for c in row) + "</tr>"
                   for row in rows)
    return f'<table class="{esc(css)}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def message(text: str, kind: str = "info") -> str:
    """A one-line message box (info, ok, warn, error); the text is escaped."""
    return f'<div class="ccm-msg ccm-msg-{esc(kind)}">{esc(text)}</div>'


def data_link(data: bytes, filename: str, mime: str, label: str, css: str = "ccm-download") -> str:
    """A download link carrying the file in a data: URI (works in Voila without a file server)."""
    b64 = base64.b64encode(data).decode("ascii")
    return (f'<a class="{esc(css)}" download="{esc(filename)}" href="data:{esc(mime)};base64,{b64}">'
            f'{esc(label)}</a>')


def figure_png(fig) -> bytes:
    """A matplotlib figure as PNG bytes (shown with an ``ipywidgets.Image``: works the same in
    Voila, JupyterLab and tests, whatever the matplotlib backend)."""
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90)
    return buf.getvalue()


STYLE = """
<style>
.ccm-app { font-family: var(--jp-ui-font-family, system-ui, sans-serif); color: #1f2933; }
.ccm-topbar { display:flex; align-items:center; gap:18px; background:#1d4e89; color:#fff;
  padding:6px 14px; border-radius:6px; margin-bottom:2px; }
.ccm-topbar a { color:#fff; text-decoration:none; opacity:.9; }
.ccm-topbar a:hover { opacity:1; text-decoration:underline; }
.ccm-brand { font-weight:700; font-size:17px; letter-spacing:.3px; margin-right:12px; }
.ccm-brand i { margin-right:6px; }
.ccm-who { margin-left:auto; font-size:13px; opacity:.95; }
.ccm-table { border-collapse:collapse; width:100%; font-size:13px; background:#fff; }
.ccm-table th { text-align:left; background:#e8eef6; padding:6px 8px; border-bottom:2px solid #c5d3e6;
  white-space:nowrap; }
.ccm-table td { padding:5px 8px; border-bottom:1px solid #e4e7eb; vertical-align:middle; }
.ccm-table tr:hover td { background:#f5f9ff; }
.ccm-table a { color:#1d4e89; font-weight:600; text-decoration:none; }
.ccm-table a:hover { text-decoration:underline; }
.ccm-bar { position:relative; width:130px; height:16px; background:#e4e7eb; border-radius:3px;
  overflow:hidden; }
.ccm-bar-fill { position:absolute; left:0; top:0; bottom:0; background:#f0a202; }
.ccm-bar-billable .ccm-bar-fill { background:#2e9e5b; }
.ccm-bar-mark { position:absolute; top:0; bottom:0; width:1px; background:#52606d; opacity:.6; }
.ccm-bar-label { position:absolute; right:4px; top:0; font-size:11px; line-height:16px; color:#1f2933; }
.ccm-badge { display:inline-block; padding:1px 7px; margin:1px 2px; border-radius:9px; font-size:11px;
  white-space:nowrap; }
.ccm-badge-info { background:#e3ecfa; color:#1d4e89; }
.ccm-badge-warn { background:#fff1d6; color:#8a5300; }
.ccm-badge-danger { background:#fde2e1; color:#a61b1b; }
.ccm-badge-ok { background:#dff3e6; color:#1e6b3d; }
.ccm-msg { padding:8px 12px; border-radius:5px; margin:6px 0; font-size:13px; }
.ccm-msg-info { background:#e3ecfa; color:#1d4e89; }
.ccm-msg-ok { background:#dff3e6; color:#1e6b3d; }
.ccm-msg-warn { background:#fff1d6; color:#8a5300; }
.ccm-msg-error { background:#fde2e1; color:#a61b1b; font-weight:600; }
.ccm-dl { display:grid; grid-template-columns: 170px 1fr; gap:3px 12px; margin:0; font-size:13px; }
.ccm-dl dt { color:#52606d; font-weight:600; }
.ccm-dl dd { margin:0; }
.ccm-facts { border-collapse:collapse; font-size:13px; }
.ccm-facts th { text-align:left; color:#52606d; padding:2px 12px 2px 0; vertical-align:top; white-space:nowrap; }
.ccm-facts td { padding:2px 0; vertical-align:top; line-height:1.35; }
.ccm-chart-header ul { margin:4px 0; padding-left:18px; line-height:1.35; font-size:13px; }
.ccm-muted { color:#52606d; }
.ccm-small { font-size:12px; }
.ccm-row { display:flex; gap:12px; align-items:center; }
.ccm-row-wide { gap:24px; }
.ccm-gap-above { margin-top:6px; }
.ccm-checklist { list-style:none; padding-left:4px; }
.ccm-cp-preview { width:100%; height:420px; border:1px solid #d9e2ec; background:#fff; }
.ccm-chart-title { display:flex; align-items:baseline; gap:12px; }
.ccm-patient-name { font-size:20px; font-weight:700; }
.ccm-chart-columns { display:grid; grid-template-columns:1.3fr 1fr 1fr; gap:16px; margin-top:8px; }
.ccm-practice-name { font-size:12px; opacity:.8; }
.ccm-greeting { color:#1d4e89; margin:6px 0; }
.ccm-card { background:#fff; border:1px solid #d9e2ec; border-radius:6px; padding:12px 16px; margin:6px 0; }
.ccm-section-title { font-size:15px; font-weight:700; color:#1d4e89; margin:10px 0 4px 0; }
.ccm-timerbar { background:#0b7a5a; color:#fff; padding:6px 12px; border-radius:5px; font-weight:600; }
.ccm-timerbar-idle { background:transparent; color:#52606d; font-weight:400; padding:2px 0; }
.ccm-tiles { display:flex; gap:16px; flex-wrap:wrap; }
.ccm-tile { display:block; width:260px; background:#fff; border:1px solid #d9e2ec; border-radius:8px;
  padding:16px; text-decoration:none; color:#1f2933; box-shadow:0 1px 3px rgba(0,0,0,.06); }
.ccm-tile:hover { border-color:#1d4e89; box-shadow:0 2px 8px rgba(29,78,137,.2); }
.ccm-tile h3 { margin:4px 0 6px 0; color:#1d4e89; font-size:16px; }
.ccm-tile i { font-size:22px; color:#1d4e89; }
.ccm-tile p { margin:0; font-size:13px; color:#52606d; }
.ccm-download { display:inline-block; padding:5px 12px; margin-right:8px; background:#1d4e89; color:#fff !important;
  border-radius:4px; text-decoration:none; font-size:13px; }
.ccm-diff-added td { background:#eefaf2; } .ccm-diff-removed td { background:#fdf0ef; }
.ccm-check-ok { color:#1e6b3d; } .ccm-check-missing { color:#a61b1b; }
/* the worklist: one line per patient (30+ rows on a 900 px screen) */
.ccm-worklist-table tr { height:20px; }
.ccm-worklist-table td { padding:1px 6px; line-height:16px; font-size:12.5px; white-space:nowrap; }
.ccm-worklist-table th { padding:3px 6px; position:sticky; top:0; z-index:1; }
.ccm-worklist-table .ccm-bar { height:12px; width:110px; }
.ccm-worklist-table .ccm-bar-label { line-height:12px; font-size:10px; }
.ccm-worklist-table .ccm-badge { padding:0 6px; margin:0 2px; font-size:10.5px; line-height:15px; }
.ccm-worklist-view .widget-inline-hbox, .ccm-worklist-view .widget-button, .ccm-worklist-view .widget-toggle-button {
  height:26px; margin-top:1px; margin-bottom:1px; }
.ccm-pid { font-size:11px; color:#52606d; margin-left:4px; }
.ccm-worklist { max-height:calc(100vh - 250px); overflow-y:auto; border:1px solid #e4e7eb; flex:0 0 auto !important;
  height:auto !important; }
.ccm-worklist-view .widget-text, .ccm-worklist-view .widget-dropdown { margin:2px 4px; }
/* care plan: past-due goals, the save bar on top */
.ccm-goal-overdue { background:#fde2e1; border-radius:4px; }
.ccm-cp-savebar { background:#f5f9ff; border:1px solid #c5d3e6; border-radius:5px; padding:2px 6px; }
.widget-button { min-width:fit-content; }
/* the work bar */
.ccm-timerbar-box { background:#fff; border:1px solid #d9e2ec; border-radius:6px; padding:1px 8px; margin:2px 0; }
.ccm-timerbar-box .widget-hbox { align-items:center; gap:6px; }
.ccm-timerbar-running { flex:1 1 auto; }
.ccm-workbar-chart { display:flex; align-items:center; gap:8px; font-size:13px; color:#52606d; margin:0 10px; }
.ccm-workbar-minutes { font-weight:700; color:#1f2933; }
.ccm-timerbar-elsewhere { font-weight:400; opacity:.9; }
/* the one app: pinned top, breadcrumbs, views kept alive but hidden */
.ccm-pinned { position:sticky; top:-4px; z-index:50; background:#f4f6f9; padding:4px 0 2px 0; }
.ccm-view-hidden { height:0 !important; min-height:0 !important; overflow:hidden !important;
  visibility:hidden !important; margin:0 !important; padding:0 !important; }
.ccm-crumbbar { font-size:13px; color:#52606d; padding:2px 4px; display:flex; gap:8px; align-items:center; }
.ccm-crumbbar a { color:#1d4e89; text-decoration:none; }
.ccm-crumbbar a:hover { text-decoration:underline; }
.ccm-back { font-weight:600; margin-right:8px; padding:1px 8px; border:1px solid #c5d3e6; border-radius:4px;
  background:#fff; }
.ccm-crumb-here { color:#1f2933; font-weight:600; }
.ccm-feedback:empty { display:none; }
.ccm-live { scroll-margin-top:190px; scroll-margin-bottom:24px; }
.ccm-feedback .ccm-msg { margin:4px 0; }
.ccm-why { white-space:normal !important; min-width:180px; }
.ccm-worklist-table td.ccm-why .ccm-badge { margin:1px 2px; }
.ccm-claims-table td { white-space:normal; }
.ccm-claims-table td:first-child { white-space:nowrap; }
.ccm-nav-current { font-weight:700; opacity:1 !important; border-bottom:2px solid #fff; }
</style>
"""
