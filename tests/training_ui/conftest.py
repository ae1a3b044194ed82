"""Fixtures for the training UI tests: a temporary SQLite database with a trainee, another
trainee, a supervisor and a care manager; the page environment cleared."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from workbench.service import Workbench

sys.path.insert(0, str(Path(__file__).resolve().parent))

from training_ui_helpers import STAFF  # noqa: E402


@pytest.fixture(scope="session")
def library():
    from training.ui.common import library

    return library()


@pytest.fixture
def db(tmp_path, monkeypatch):
    for var in ("JUPYTERHUB_USER", "WORKBENCH_USER", "QUERY_STRING"):
        monkeypatch.delenv(var, raising=False)
    url = f"sqlite:///{tmp_path / 'training-ui.db'}"
    system = Workbench.open(url)
    for user in STAFF:
        system.add_user(user)
    yield url
    from workbench import service

    engine = service._ENGINES.pop(url, None)
    if engine is not None:
        engine.dispose()
