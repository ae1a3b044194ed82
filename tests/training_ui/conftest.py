"""Fixtures for the training UI tests: a temporary SQLite database with a trainee, another
trainee, a supervisor and a care manager; the page environment cleared."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from workbench.service import Workbench

sys.path.insert(0, str(Path(__file__).resolve().parent))

from training_ui_helpers import MESSAGES_SEEN, STAFF, TRAINEE  # noqa: E402

from tests.support.ui_fixtures import ui_fixtures  # noqa: E402


_ui = ui_fixtures()  # tests/ui/conftest.py, reused, not copied
browser = _ui.browser  # the Debian Chromium, one per module


@pytest.fixture(autouse=True)
def messages_in_sight():
    """After each browser test: every result message its pages showed was in sight."""
    MESSAGES_SEEN.clear()
    yield
    try:
        for seen in MESSAGES_SEEN:
            _ui.assert_messages_in_sight(seen)
    finally:
        MESSAGES_SEEN.clear()


@pytest.fixture(scope="module")
def training_server(tmp_path_factory):
    """A real voila serving notebooks/ on 127.0.0.1 over a temp SQLite database: the demo panel
    (its supervisor) plus one trainee."""
    tmp = tmp_path_factory.mktemp("training-voila")
    db = _ui.seed_database(tmp / "workbench.db", size=20)
    Workbench.open(db).add_user(TRAINEE)
    with _ui.served(db, tmp) as server:
        yield server


@pytest.fixture(scope="session")
def library():
    from training.ui.common import library

    return library()


@pytest.fixture
def db(tmp_path, monkeypatch):
    for var in ("JUPYTERHUB_USER", "WORKBENCH_USER", "QUERY_STRING"):
        monkeypatch.delenv(var, raising=False)
    url = f"sqlite:///{tmp_path / 'training-ui.db'}"
    system = Workbench.create(url)
    for user in STAFF:
        system.add_user(user)
    yield url
    from workbench import service

    engine = service._ENGINES.pop(url, None)
    if engine is not None:
        engine.dispose()
