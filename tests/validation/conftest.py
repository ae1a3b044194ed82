"""Fixtures for the bad-input tables: one workbench per backend and module (SQLite and a real
PostgreSQL), with the shared staff and patients of tests/conftest.py, a helper to write CSV files,
(the row counts and the case runner are in cases.py), and a log file per test that must hold no
patient name or note afterwards."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from conftest import STAFF, new_app_database, sample_patient  # noqa: E402

from tests.support.log_guard import guard  # noqa: E402


@pytest.fixture(autouse=True)
def _log_without_patient_data(tmp_path, monkeypatch):
    """Every table's log file is its own, and holds no patient name or note afterwards."""
    yield from guard(tmp_path, monkeypatch)


def _create(url: str) -> None:
    try:
        from workbench.store import create_database
    except ImportError:  # before databases were created explicitly, open() made them
        return
    create_database(url)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def vwb(request, tmp_path_factory):
    """A workbench on each backend, shared by a module's cases (refused cases write nothing;
    accepted ones use their own ids): staff S001-S007, patients P00001 and P00002, signed in as
    S001 (a care manager, who may import)."""
    from datetime import UTC, datetime

    from workbench import service
    from workbench.clock import FixedClock
    from workbench.service import Workbench

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('validation') / 'workbench.db'}"
    else:
        url = new_app_database(request.getfixturevalue("pg_server"))  # the app role's URL
    if request.param == "sqlite":
        _create(url)
    clock = FixedClock(datetime(2026, 11, 10, 15, 0, tzinfo=UTC))
    system = Workbench.open(url, clock=clock)
    for u in STAFF:
        system.add_user(u)
    system.add_patient(sample_patient())
    system.add_patient(sample_patient("P00002", first_name="Ben", last_name="Franklin"))
    yield system.as_user("S001")
    for u in (url, url.replace("ccm_app@", "ccm_owner@")):
        engine = service._ENGINES.pop(u, None) if hasattr(service, "_ENGINES") else None
        if engine is not None:
            engine.dispose()


@pytest.fixture
def csv_file(tmp_path):
    """``csv_file(text, name=...)`` writes UTF-8 text (or bytes) and returns the path."""
    n = [0]

    def write(content, name: str | None = None):
        n[0] += 1
        path = tmp_path / (name or f"file{n[0]}.csv")
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode("utf-8"))
        return path

    return write
