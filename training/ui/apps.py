"""The two training pages as entry points: the ONE workbench app (``workbench.ui.app``)
opened on its "trainee" or "supervisor" view.

The app checks the role per view (``workbench.ui.session.VIEW_ROLES``) and the views check it
again themselves (``check_training_role``). On the trainee's page the app pins the open
attempt's own work bar (the attempt's clock) in place of the live one (``TraineeHome.work_bar``).
"""

from __future__ import annotations

from workbench.ui.app import WorkbenchApp, workbench_app


def trainee_app(db=None, clock=None, params: dict[str, str] | None = None,
                live_timer: bool = False) -> WorkbenchApp:
    """The trainee's page: shifts and scenarios, own attempts, released feedback, progress."""
    return workbench_app("trainee", db, clock, params, live_timer)


def supervisor_app(db=None, clock=None, params: dict[str, str] | None = None,
                   live_timer: bool = False) -> WorkbenchApp:
    """The supervisor dashboard: gradebook, attempt detail, overrides, release, CSV, plot."""
    return workbench_app("supervisor", db, clock, params, live_timer)
