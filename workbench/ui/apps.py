"""The entry points, each one call from a notebook cell: ``index_app()``, ``worklist_app()``,
``chart_app()``, ``month_app()``: the ONE app (:mod:`workbench.ui.app`) opened on a view.

``AppShell`` (top bar, sign-in, timer bar and one fixed view) stays for pages built elsewhere
on the same frame. Each builds the service when called (never at import: Voila preheats
notebooks). Nothing here talks SQL: only the service.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as w

from workbench.errors import WorkbenchError
from workbench.service import SYSTEM_USER, Workbench

from . import session
from .html import STYLE, message
from .timer_bar import TimerBar

from .app import WorkbenchApp, top_bar, workbench_app


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


# ---------------------------------------------------------------------- the entry points
# Each entry notebook opens the ONE app (workbench.ui.app) on its own view.


def index_app(db=None, clock=None, params: dict[str, str] | None = None) -> WorkbenchApp:
    """The landing page."""
    return workbench_app("index", db, clock, params)


def worklist_app(db=None, clock=None, params: dict[str, str] | None = None) -> WorkbenchApp:
    """The worklist; a row opens the chart in the same kernel."""
    return workbench_app("worklist", db, clock, params)


def chart_app(db=None, clock=None, params: dict[str, str] | None = None) -> WorkbenchApp:
    """A chart; the patient comes from the URL (``?patient=P00001``)."""
    return workbench_app("chart", db, clock, params)


def month_app(db=None, clock=None, params: dict[str, str] | None = None) -> WorkbenchApp:
    """The month view (billing, supervisor, practitioner)."""
    return workbench_app("month", db, clock, params)
