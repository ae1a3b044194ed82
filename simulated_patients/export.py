"""Rows of the import CSV format for a generated panel.

The format belongs to the record (``workbench.export.panel_csv``); this module re-exports it so
generator users find it beside the generator.
"""

from workbench.export.panel_csv import (  # noqa: F401
    PATIENT_COLUMNS,
    PATIENT_EXTRA_COLUMNS,
    STAFF_COLUMNS,
    panel_to_rows,
)
