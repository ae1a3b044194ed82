"""The fault tables' log file is checked after every test (tests/support/log_guard.py)."""

from __future__ import annotations

import pytest

from tests.support.log_guard import guard


@pytest.fixture(autouse=True)
def _log_without_patient_data(tmp_path, monkeypatch):
    yield from guard(tmp_path, monkeypatch)
