"""Reports as pandas frames: the month report (billing) and the worklist.

Entry points, called by the service (``Workbench.month_report`` / ``Workbench.worklist``) and the
CLI (``workbench report month``):

- :func:`month_report` (``wb, month, scope="live"``) -> DataFrame, one row per patient-month;
- :func:`report_totals` (``df``) -> dict; :func:`write_report` (``df, fmt, out``) for
  table | csv | xlsx | json;
- :func:`worklist` (``wb, day, scope="live"``) -> DataFrame sorted by priority.
"""

from workbench.reports.formats import report_totals, write_report
from workbench.reports.month import REPORT_COLUMNS, month_report
from workbench.reports.worklist import WORKLIST_COLUMNS, priority, worklist

__all__ = ["REPORT_COLUMNS", "WORKLIST_COLUMNS", "month_report", "priority", "report_totals", "worklist",
           "write_report"]
