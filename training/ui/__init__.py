"""Trainee player and supervisor dashboard, as Voila apps.

``trainee_app()`` and ``supervisor_app()`` are one call from a notebook cell. The widgets load
on first use, so importing this package stays light.
"""

from __future__ import annotations

__all__ = ["trainee_app", "supervisor_app", "TraineeHome", "PlayerView", "SupervisorDashboard"]


def __getattr__(name: str):
    if name in ("trainee_app", "supervisor_app"):
        from . import apps

        return getattr(apps, name)
    if name in ("TraineeHome", "PlayerView"):
        from . import trainee

        return getattr(trainee, name)
    if name == "SupervisorDashboard":
        from . import supervisor

        return supervisor.SupervisorDashboard
    raise AttributeError(name)
