"""Fixtures for the report and import tests: a SQLite workbench with staff (helpers in report_helpers.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

_HERE = str(Path(__file__).parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from report_helpers import STAFF  # noqa: E402


@pytest.fixture
def swb(sqlite_url, clock, make_bundle):
    """A SQLite workbench (staff S001-S007, patients P00001 and P00002, no consent), as S001."""
    from workbench.service import Workbench

    system = Workbench.open(sqlite_url, clock=clock)
    for u in STAFF:
        system.add_user(u)
    system.add_patient(make_bundle())
    system.add_patient(make_bundle("P00002", first_name="Ben", last_name="Franklin"))
    return system.as_user("S001")
