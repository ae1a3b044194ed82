"""ipywidgets components and Voila apps of the CCM Workbench. They call the service, never SQL.

The widget apps load on first use.
"""

from __future__ import annotations

__all__ = ["workbench_app", "index_app", "worklist_app", "chart_app", "month_app"]


def __getattr__(name: str):
    if name in ("index_app", "worklist_app", "chart_app", "month_app", "workbench_app"):
        from . import apps

        return getattr(apps, name)
    raise AttributeError(name)
