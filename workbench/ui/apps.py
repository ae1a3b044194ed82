"""The four Voila apps, each one call from a notebook cell: ``index_app()``, ``worklist_app()``,
``chart_app()``, ``month_app()``.

Each builds the service when called (never at import: Voila preheats notebooks), resolves who
is working (:mod:`workbench.ui.session`), checks the role for the view, and shows the top bar,
the running timer and the view. Nothing here talks SQL: only the service.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as w

from workbench.errors import WorkbenchError
from workbench.service import SYSTEM_USER, Workbench

from . import session
from .html import STYLE, esc, message
from .timer_bar import TimerBar

PAGES = {"index": ("index.ipynb", "Home", "home"), "worklist": ("worklist.ipynb", "Worklist", "list-ul"),
         "month": ("month.ipynb", "Month report", "file-invoice-dollar"),
         "trainee": ("trainee.ipynb", "Training", "graduation-cap"),
         "supervisor": ("supervisor.ipynb", "Supervision", "chalkboard-teacher")}


def top_bar(wb: Workbench | None, current: str) -> str:
    user = wb.user if wb is not None and wb.user.id != SYSTEM_USER.id else None
    bold = ' style="font-weight:700"'
    links = "".join(f'<a class="ccm-nav-{key}" href="{esc(session.link(page, user))}"'
                    f'{bold if key == current else ""}>'
                    f'<i class="fa fa-{icon}"></i> {esc(label)}</a>' for key, (page, label, icon) in PAGES.items()
                    if user is None and key == "index" or user is not None and user.role in session.VIEW_ROLES[key])
    who = ""
    if user is not None:
        who = (f'<span class="ccm-who"><i class="fa fa-user-nurse"></i> <b class="ccm-who-name">{esc(user.name)}</b>'
               f' &middot; {esc(user.role.value.replace("_", " "))}'
               f'{" &middot; " + esc(user.credential) if user.credential else ""}</span>')
    name = esc(wb.settings.name) if wb is not None else ""
    return (f'<div class="ccm-topbar"><span class="ccm-brand"><i class="fa fa-heartbeat"></i>CCM Workbench</span>'
            f'{links}{who}<span style="font-size:12px;opacity:.8">{name}</span></div>')


class AppShell(w.VBox):
    """Top bar, sign-in when needed, the running timer and the view built by ``build(wb, bar)``."""

    def __init__(self, view: str, build: Callable[[Workbench, TimerBar], w.Widget], db=None, clock=None,
                 params: dict[str, str] | None = None, live_timer: bool = True):
        self.view = view
        self.build = build
        self.live_timer = live_timer
        self.params = session.query_params() if params is None else params
        self.top = w.HTML()
        self.top.add_class("ccm-top")
        self.body = w.VBox()
        self.body.add_class("ccm-body")
        self.timer_bar: TimerBar | None = None
        self.content: w.Widget | None = None
        super().__init__([w.HTML(STYLE), self.top, self.body])
        self.add_class("ccm-app")
        try:
            base, problem = session.open_as(db, session.signed_in_id(self.params), clock)
        except WorkbenchError as exc:
            self.top.value = top_bar(None, view)
            self.body.children = [w.HTML(message(str(exc), "error"))]
            return
        self.wb = base
        if base.user.id == SYSTEM_USER.id:
            self.top.value = top_bar(None, view)
            extra = [w.HTML(message(problem, "warn"))] if problem else []
            self.signin = session.SignIn(base, self.signed_in)
            self.body.children = [*extra, self.signin]
        else:
            self.signed_in(base)

    def signed_in(self, wb: Workbench) -> None:
        self.wb = wb
        self.top.value = top_bar(wb, self.view)
        try:
            session.check_role(wb.user, self.view)
        except WorkbenchError as exc:
            self.body.children = [w.HTML(message(str(exc), "error"))]
            return
        self.timer_bar = TimerBar(wb, live=self.live_timer)
        try:
            self.content = self.build(wb, self.timer_bar)
        except WorkbenchError as exc:
            self.body.children = [self.timer_bar, w.HTML(message(str(exc), "error"))]
            return
        self.body.children = [self.timer_bar, self.content]


# ---------------------------------------------------------------------- the views


def _worklist(wb: Workbench, bar: TimerBar) -> w.Widget:
    from .chart import ChartView
    from .worklist import WorklistView

    holder = w.VBox()

    def open_chart(pid: str) -> None:
        back = w.Button(description="Back to worklist", icon="arrow-left")
        back.add_class("ccm-back")
        back.on_click(lambda _: setattr(holder, "children", [view]))
        holder.children = [back, ChartView(wb, pid, bar)]

    view = WorklistView(wb, on_open=open_chart)
    holder.children = [view]
    return holder


def _chart(params: dict[str, str]) -> Callable[[Workbench, TimerBar], w.Widget]:
    def build(wb: Workbench, bar: TimerBar) -> w.Widget:
        from .chart import ChartView

        pid = params.get("patient", "").strip()
        holder = w.VBox()
        box = w.Text(value=pid, placeholder="P00001", description="Patient ID")
        box.add_class("ccm-chart-pid")
        go = w.Button(description="Open chart", icon="folder-open")
        go.add_class("ccm-chart-go")
        msg = w.HTML()

        def show(_=None) -> None:
            try:
                holder.children = [ChartView(wb, box.value.strip(), bar)]
                msg.value = ""
            except WorkbenchError as exc:
                msg.value = message(str(exc), "error")

        go.on_click(show)
        if pid:
            show()
        if pid and holder.children:
            return holder.children[0]
        return w.VBox([w.HBox([box, go]), msg, holder])

    return build


def _month(wb: Workbench, bar: TimerBar) -> w.Widget:
    from .month import MonthView

    return MonthView(wb)


def _index(wb: Workbench, bar: TimerBar) -> w.Widget:
    user = wb.user
    tiles = [("worklist", "Worklist", "list-ul", "Your panel in the order to call today: minutes, consent, "
                                                    "flags. Open a chart from here.")]
    if user.role in session.VIEW_ROLES["month"]:
        tiles.append(("month", "Month report", "file-invoice-dollar",
                      "Codes, minutes and amounts for the month, with CSV and XLSX downloads."))
    tiles.append(("chart", "Open a chart", "notes-medical", "Care plan, time, consent, contacts, screening, "
                                                           "escalation and trends for one patient."))
    if user.role in session.VIEW_ROLES["trainee"]:
        tiles.append(("trainee", "Training", "graduation-cap", "Practise scenarios on simulated patients: "
                                                                "check-ins, barriers, escalations."))
    if user.role in session.VIEW_ROLES["supervisor"]:
        tiles.append(("supervisor", "Supervision", "chalkboard-teacher", "The cohort's gradebook, attempt "
                                                                          "detail, overrides and feedback."))
    html = "".join(
        f'<a class="ccm-tile ccm-tile-{key}" href="{esc(session.link(key + ".ipynb", user))}">'
        f'<i class="fa fa-{icon}"></i><h3>{esc(title)}</h3><p>{esc(text)}</p></a>'
        for key, title, icon, text in tiles if key not in session.VIEW_ROLES or user.role in session.VIEW_ROLES[key])
    stuck = [t for t in wb.open_timers() if t.staff_id != user.id]
    note = message(f"{len(stuck)} timer(s) of other staff are still running.", "warn") if stuck and \
        user.role.value == "supervisor" else ""
    return w.HTML(f'<div class="ccm-landing"><h2 style="color:#1d4e89;margin:6px 0">Good day, {esc(user.name)}</h2>'
                  f'<p>Chronic Care Management for {esc(wb.settings.name)}: every minute, consent, care plan '
                  f'and escalation kept as an auditor expects.</p>{note}<div class="ccm-tiles">{html}</div></div>')


def index_app(db=None, clock=None, params: dict[str, str] | None = None) -> AppShell:
    """The landing page."""
    return AppShell("index", _index, db, clock, params)


def worklist_app(db=None, clock=None, params: dict[str, str] | None = None) -> AppShell:
    """The worklist app (rows open ``chart.ipynb?patient=ID``)."""
    return AppShell("worklist", _worklist, db, clock, params)


def chart_app(db=None, clock=None, params: dict[str, str] | None = None) -> AppShell:
    """The chart app; the patient comes from the URL (``?patient=P00001``)."""
    params = session.query_params() if params is None else params
    return AppShell("chart", _chart(params), db, clock, params)


def month_app(db=None, clock=None, params: dict[str, str] | None = None) -> AppShell:
    """The month view (billing, supervisor, practitioner)."""
    return AppShell("month", _month, db, clock, params)
