"""The two training Voila apps, each one call from a notebook cell.

They reuse the workbench's ``AppShell`` (top bar, who is working, sign-in picker, and the role
check from ``workbench.ui.session.VIEW_ROLES``: "trainee" and "supervisor"); the views check the
role again themselves (``check_training_role``). The work timer bar is
hidden on training pages: a scenario's simulated call is not stopped from the real timer bar.
"""

from __future__ import annotations

import ipywidgets as w

from workbench.service import Workbench
from workbench.ui.apps import AppShell
from workbench.ui.timer_bar import TimerBar


def _hide(bar: TimerBar) -> None:
    bar.layout.display = "none"


def _trainee(wb: Workbench, bar: TimerBar) -> w.Widget:
    from .trainee import TraineeHome

    _hide(bar)
    return TraineeHome(wb)


def _supervisor(wb: Workbench, bar: TimerBar) -> w.Widget:
    from .supervisor import SupervisorDashboard

    _hide(bar)
    return SupervisorDashboard(wb)


def trainee_app(db=None, clock=None, params: dict[str, str] | None = None) -> AppShell:
    """The trainee player: assigned scenarios, play, own attempts, released feedback, progress."""
    return AppShell("trainee", _trainee, db, clock, params, live_timer=False)


def supervisor_app(db=None, clock=None, params: dict[str, str] | None = None) -> AppShell:
    """The supervisor dashboard: gradebook, attempt detail, overrides, release, CSV, plot."""
    return AppShell("supervisor", _supervisor, db, clock, params, live_timer=False)
