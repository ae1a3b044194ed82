"""The one workbench app with the training pages added: what every entry notebook opens.

The workbench package never imports training, so the app (``workbench.ui.app.WorkbenchApp``) is
handed its "trainee" and "supervisor" views here. Each view's module is imported on first use.
The app checks the role per view (``workbench.ui.session.VIEW_ROLES``) and the views check it
again themselves (``check_training_role``). On the trainee's page the app pins the open
attempt's own work bar (the attempt's clock) in place of the live one (``TraineeHome.work_bar``).
"""

from __future__ import annotations

import ipywidgets as w

from workbench.ui import app


def trainee_view(wb, live: bool = True) -> w.Widget:
    from training.ui.trainee import TraineeHome

    return TraineeHome(wb, live=live)


def supervisor_view(wb, live: bool = True) -> w.Widget:
    from training.ui.supervisor import SupervisorDashboard

    return SupervisorDashboard(wb, live=live)


TRAINING_VIEWS: dict[str, app.ViewFactory] = {"trainee": trainee_view, "supervisor": supervisor_view}


def workbench_app(start: str = "worklist", db=None, clock=None, params: dict[str, str] | None = None,
                  live_timer: bool = True) -> app.WorkbenchApp:
    """The app opened on ``start`` with the training pages (what each entry notebook calls)."""
    return app.workbench_app(start, db, clock, params, live_timer, TRAINING_VIEWS)
