"""The one workbench app: every screen is a view switched inside ONE kernel.

A browser tab opens one notebook (``worklist.ipynb``, ``chart.ipynb?patient=ID``, ``month.ipynb``,
``index.ipynb`` or a training page); each of them calls :func:`workbench_app` with its start view.
From then on the worklist, a chart, the month report, the landing page and the training pages
are views of the same :class:`WorkbenchApp`:

- links carry ``data-ccm-nav="<target>"`` (``worklist``, ``chart:P00001``, ``month``...). The
  ``ccm`` Voila template (``share/jupyter/voila/templates/ccm/index.html.j2``) catches clicks on
  them, hands the target to the kernel through a hidden text box (``.ccm-nav-bridge``) and
  pushes the link's own URL on the browser history, so a reload or a copied URL opens the
  same screen (the entry notebooks are the deep links) and the browser's Back button comes back
  here (``back``). Outside that template (JupyterLab) the links are plain links.
- the worklist view is built once and only hidden while a chart is shown: its search box,
  filters, page and scroll position are there when you come back.
- the work bar (:class:`workbench.ui.timer_bar.TimerBar`) is pinned above every view.

Nothing here talks SQL: only the service. Roles are checked per view (``session.VIEW_ROLES``)
and again by the service.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import ipywidgets as w

from workbench.errors import WorkbenchError
from workbench.service import SYSTEM_USER, Workbench

from . import session
from .feedback import clear_all
from .lifecycle import close_tree
from .loop import later
from .html import STYLE, esc, message
from .orphaned_timers import OrphanedTimers
from .timer_bar import TimerBar

#: Top-bar entries: view key -> (entry notebook, label, Font Awesome icon).
PAGES = {"index": ("index.ipynb", "Home", "home"), "worklist": ("worklist.ipynb", "Worklist", "list-ul"),
         "month": ("month.ipynb", "Month report", "file-invoice-dollar"),
         "trainee": ("trainee.ipynb", "Training", "graduation-cap"),
         "supervisor": ("supervisor.ipynb", "Supervision", "chalkboard-teacher"),
         "access": ("access.ipynb", "Access log", "user-shield")}

#: A view handed in by the app's caller (the training pages come from the training package, which
#: the workbench package never imports): ``factory(wb, live=...) -> widget``.
ViewFactory = Callable[..., w.Widget]

HIDDEN = "ccm-view-hidden"


def nav_link(target: str, label_html: str, href: str, css: str = "", extra: str = "") -> str:
    """An ``<a>`` that switches the view in the kernel (``data-ccm-nav``) and is a real link too."""
    return (f'<a class="{esc(css)}" data-ccm-nav="{esc(target)}" href="{esc(href)}"{extra}>'
            f'{label_html}</a>')


def target_href(target: str, user) -> str:
    """The entry notebook URL (relative) that opens ``target`` in a fresh tab."""
    view, _, arg = target.partition(":")
    if view == "chart":
        return session.link("chart.ipynb", user, **({"patient": arg} if arg else {}))
    page = PAGES.get(view, ("index.ipynb",))[0]
    return session.link(page, user)


def top_bar(wb: Workbench | None, current: str) -> str:
    user = wb.user if wb is not None and wb.user.id != SYSTEM_USER.id else None
    links = "".join(
        nav_link(key, f'<i class="fa fa-{icon}"></i> {esc(label)}', session.link(page, user),
                 f"ccm-nav-{key}" + (" ccm-nav-current" if key == current else ""))
        for key, (page, label, icon) in PAGES.items()
        if user is None and key == "index" or user is not None and user.role in session.VIEW_ROLES[key])
    who = ""
    if user is not None:
        who = (f'<span class="ccm-who"><i class="fa fa-user-nurse"></i> <b class="ccm-who-name">{esc(user.name)}</b>'
               f' &middot; {esc(user.role.value.replace("_", " "))}'
               f'{" &middot; " + esc(user.credential) if user.credential else ""}</span>')
    name = esc(wb.settings.name) if wb is not None else ""
    return (f'<div class="ccm-topbar"><span class="ccm-brand"><i class="fa fa-heartbeat"></i>CCM Workbench</span>'
            f'{links}{who}<span class="ccm-practice-name">{name}</span></div>')


def landing_html(wb: Workbench) -> str:
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
        nav_link(key, f'<i class="fa fa-{icon}"></i><h3>{esc(title)}</h3><p>{esc(text)}</p>',
                 target_href(key, user), f"ccm-tile ccm-tile-{key}")
        for key, title, icon, text in tiles if key not in session.VIEW_ROLES or user.role in session.VIEW_ROLES[key])
    stuck = [t for t in wb.open_timers() if t.staff_id != user.id]
    note = message(f"{len(stuck)} timer(s) of other staff are still running.", "warn") if stuck and \
        user.role.value == "supervisor" else ""
    return (f'<div class="ccm-landing"><h2 class="ccm-greeting">Good day, {esc(user.name)}</h2>'
            f'<p>Chronic Care Management for {esc(wb.settings.name)}: every minute, consent, care plan '
            f'and escalation kept as an auditor expects.</p>{note}<div class="ccm-tiles">{html}</div></div>')


class WorkbenchApp(w.VBox):
    """Top bar, breadcrumbs, the pinned work bar and one view at a time, all in one kernel.

    ``start`` is ``"index"``, ``"worklist"``, ``"chart"`` (the patient from ``params["patient"]``),
    ``"month"``, ``"trainee"`` or ``"supervisor"``. :meth:`navigate` switches views; :meth:`back`
    returns to the previous one. ``extra_views`` are views other packages provide (the training
    pages, from :func:`training.ui.apps.workbench_app`); a view that is neither built in nor
    handed in is refused with a sentence.
    """

    def __init__(self, start: str = "worklist", db=None, clock=None, params: dict[str, str] | None = None,
                 live_timer: bool = True, extra_views: Mapping[str, ViewFactory] | None = None):
        self.extra_views = dict(extra_views or {})
        self.params = session.query_params() if params is None else params
        self.start = start
        self.live_timer = live_timer
        self.top = w.HTML()
        self.top.add_class("ccm-top")
        self.crumbs = w.HTML()
        self.crumbs.add_class("ccm-crumbs")
        self.bridge = w.Text(continuous_update=True, layout=w.Layout(display="none"))
        self.bridge.add_class("ccm-nav-bridge")
        self.bridge.observe(self._bridged, "value")
        self.pinned = w.VBox([self.top])
        self.pinned.add_class("ccm-pinned")
        self.stage = w.VBox()
        self.stage.add_class("ccm-stage")
        self.body = w.VBox()
        self.body.add_class("ccm-body")
        self.timer_bar: TimerBar | None = None
        self.views: dict[str, w.Widget] = {}
        self.current: str | None = None
        self.history: list[str] = []
        self.chart_pid: str | None = None
        self.msg = w.HTML()
        self.msg.add_class("ccm-app-msg")
        super().__init__([w.HTML(STYLE), self.bridge, self.pinned, self.body])
        self.add_class("ccm-app")
        from .boundary import install

        install(self.fault)  # a handler's uncaught failure: a sentence here, the details in the log
        try:
            base, problem = session.open_as(db, session.signed_in_id(self.params), clock)
        except Exception as exc:  # noqa: BLE001 - the page's boundary: a sentence, never a traceback
            from ..service.boundary import sentence

            self.top.value = top_bar(None, start)
            self.body.children = [w.HTML(message(sentence(exc, context="open page"), "error"))]
            return
        self.wb = base
        if base.user.id == SYSTEM_USER.id:
            self.top.value = top_bar(None, start)
            extra = [w.HTML(message(problem, "warn"))] if problem else []
            self.signin = session.SignIn(base, self.signed_in)
            self.body.children = [*extra, self.signin]
        else:
            self.signed_in(base)

    def fault(self, text: str) -> None:
        """Show a failure no control caught, at the top of the page (the error boundary)."""
        self.msg.value = message(text, "error")
        if self.msg not in self.body.children:
            self.body.children = [self.msg, *self.body.children]

    # ------------------------------------------------------------------ compatibility
    @property
    def content(self) -> w.Widget | None:
        """The widget of the view on screen (None when the view was refused)."""
        return self.views.get(self.current) if self.current else None

    @property
    def view(self) -> str | None:
        return self.current

    # ------------------------------------------------------------------ sign-in
    def signed_in(self, wb: Workbench) -> None:
        self.wb = wb
        self.timer_bar = TimerBar(wb, live=self.live_timer, on_open_chart=self.open_chart)
        self.orphans = OrphanedTimers(wb, on_change=self.timer_bar.changed)  # timers left running
        self.timer_bar.listeners.append(self.orphans.refresh)
        self.pinned.children = [self.top, self.timer_bar, self.orphans, self.crumbs]
        self.body.children = [self.msg, self.stage]
        target = self.start
        if self.start == "chart":
            pid = self.params.get("patient", "").strip()
            target = f"chart:{pid}" if pid else "chart"
        self.navigate(target, remember=False)

    # ------------------------------------------------------------------ navigation
    def _bridged(self, change) -> None:
        target = str(change["new"]).split("#", 1)[0].strip()
        if not target:
            return
        try:
            handler = getattr(self.content, "handle_nav", None)
            if handler is not None and handler(target):
                return  # a view that keeps its own sub-screens (a practice shift's worklist) took it
            if target == "back":
                self.back()
            else:
                self.navigate(target)
        except Exception as exc:  # noqa: BLE001 - an observer's failure: the page's boundary
            from ..service.boundary import sentence

            self.fault(sentence(exc, context="navigate"))

    def navigate(self, target: str, remember: bool = True) -> bool:
        """Show ``target`` (``worklist``, ``chart:PID``, ``chart``, ``month``, ``index``,
        ``trainee``, ``supervisor``). Returns False (and says why) when it cannot be shown."""
        view, _, arg = target.partition(":")
        if view not in session.VIEW_ROLES:
            self.msg.value = message(f"There is no screen called '{view}'.", "error")
            return False
        previous = self._target()
        try:
            session.check_role(self.wb.user, view)
            widget = self._view_for(view, arg)
        except WorkbenchError as exc:
            self.msg.value = message(str(exc), "error")
            if self.current is None:
                self.top.value = top_bar(self.wb, view)
            return False
        if remember and previous is not None and previous != target:
            self.history.append(previous)
        self.msg.value = ""
        self._show(view, widget)
        return True

    def back(self) -> bool:
        """Return to the previous view (the worklist keeps its filters and scroll)."""
        while self.history:
            if self.navigate(self.history.pop(), remember=False):
                return True
        if self.current != "worklist" and self.start != "worklist" and \
                self.wb.user.role in session.VIEW_ROLES["worklist"]:
            return self.navigate("worklist", remember=False)
        return False

    def open_chart(self, pid: str) -> None:
        self.navigate(f"chart:{pid}")

    def _target(self) -> str | None:
        if self.current == "chart":
            return f"chart:{self.chart_pid}" if self.chart_pid else "chart"
        return self.current

    def _view_for(self, view: str, arg: str) -> w.Widget:
        if view == "chart":
            return self._chart(arg.strip())
        if view in self.views:
            if view == "index":
                self.views[view].value = landing_html(self.wb)
            return self.views[view]
        if view == "index":
            return w.HTML(landing_html(self.wb))
        if view == "worklist":
            from .worklist import WorklistView

            return WorklistView(self.wb, on_open=self.open_chart)
        if view == "month":
            from .month import MonthView

            return MonthView(self.wb)
        if view == "access":
            from .access_log import AccessLogView

            return AccessLogView(self.wb)
        if view not in self.extra_views:
            raise WorkbenchError(f"The '{view}' screen is not part of this app.")
        return self.extra_views[view](self.wb, live=self.live_timer)

    def _chart(self, pid: str) -> w.Widget:
        from .chart import ChartPicker, ChartView

        if not pid:
            self.chart_pid = None
            return ChartPicker(self.wb, self.open_chart)
        old = self.views.get("chart")
        if isinstance(old, ChartView) and old.pid == pid:
            old.refresh_header()
            return old
        # practice charts are worked in the shift: read-only here (read_only=None decides by the patient)
        chart = ChartView(self.wb, pid, self.timer_bar, first_tab=False, read_only=None)
        self.chart_pid = pid
        return chart

    def _show(self, view: str, widget: w.Widget) -> None:
        old_chart = self.views.get("chart")
        if view == "chart" and old_chart is not None and old_chart is not widget:
            self.views.pop("chart")
            if hasattr(old_chart, "detach"):
                old_chart.detach()
            close_tree(old_chart)  # its tabs, rows, layouts: not only its top box
        self.views[view] = widget
        for key, x in self.views.items():
            if key == view:
                x.remove_class(HIDDEN)
            else:
                x.add_class(HIDDEN)
                if hasattr(x, "on_hide"):
                    x.on_hide()
        widget.add_class(f"ccm-view-{view}")
        if widget not in self.stage.children:
            self.stage.children = (*[c for c in self.stage.children if c in self.views.values()], widget)
        self.current = view
        clear_all()  # a message belongs to the view it was said in
        own_bar = getattr(widget, "work_bar", None)  # a practice shift pins its own (attempt clock)
        live = [self.timer_bar, self.orphans] if own_bar is None else [own_bar]
        self.pinned.children = [self.top, *live, self.crumbs]
        if self.timer_bar is not None:
            on_chart = view == "chart" and not getattr(widget, "read_only", False)
            self.timer_bar.set_patient(self.chart_pid if on_chart else None,
                                       getattr(widget, "data", None) if on_chart else None)
        self.top.value = top_bar(self.wb, view)
        self.crumbs.value = self._crumbs()
        if hasattr(widget, "on_show"):
            widget.on_show()  # re-read what changed while it was hidden (the worklist)
        if hasattr(widget, "ensure_tab"):
            later(widget.ensure_tab)  # after the header went out (and was painted): the tab follows

    def _crumbs(self) -> str:
        user = self.wb.user
        parts = []
        if self.history:
            back = self.history[-1]
            parts.append(nav_link("back", '<i class="fa fa-arrow-left"></i> Back', target_href(back, user),
                                  "ccm-back"))
        trail: list[tuple[str, str]] = []
        if self.current == "chart":
            if user.role in session.VIEW_ROLES["worklist"]:
                trail.append(("worklist", "Worklist"))
            label = "Open a chart"
            if self.chart_pid:
                shown = self.views.get("chart")
                data = getattr(shown, "data", None)  # the chart on screen knows its patient
                try:
                    name = data.patient.name if data is not None and shown.pid == self.chart_pid else \
                        self.wb.get_patient(self.chart_pid).name
                    label = f"{name} ({self.chart_pid})"
                except WorkbenchError:
                    label = self.chart_pid
            trail.append(("", label))
        elif self.current:
            trail.append(("", PAGES.get(self.current, ("", self.current.capitalize()))[1]))
        crumbs = [nav_link("index", "Home", target_href("index", user), "ccm-crumb") if self.current != "index"
                  else '<span class="ccm-crumb-here">Home</span>']
        for key, label in trail:
            crumbs.append(nav_link(key, esc(label), target_href(key, user), "ccm-crumb") if key
                          else f'<span class="ccm-crumb-here">{esc(label)}</span>')
        if self.current == "index":
            crumbs = crumbs[:1]
        return f'<div class="ccm-crumbbar">{"".join(parts)}{" &rsaquo; ".join(crumbs)}</div>'


def workbench_app(start: str = "worklist", db=None, clock=None, params: dict[str, str] | None = None,
                  live_timer: bool = True, extra_views: Mapping[str, ViewFactory] | None = None) -> WorkbenchApp:
    """The one app, opened on ``start``, with the views ``extra_views`` adds (the entry notebooks
    call :func:`training.ui.apps.workbench_app`, which adds the training pages)."""
    return WorkbenchApp(start, db, clock, params, live_timer, extra_views)
