"""Fixtures for the training UI tests: a temporary SQLite database with a trainee, another
trainee, a supervisor and a care manager; the page environment cleared."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from workbench.service import Workbench

sys.path.insert(0, str(Path(__file__).resolve().parent))

from training_ui_helpers import STAFF, TRAINEE  # noqa: E402


def _ui_fixtures():
    """The workbench UI tests' browser fixtures (tests/ui/conftest.py), reused, not copied."""
    import importlib.util

    name = "ccm_ui_browser_fixtures"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, Path(__file__).resolve().parents[1] / "ui" / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


_ui = _ui_fixtures()
browser = _ui.browser  # the Debian Chromium, one per module


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
