"""Fixtures for the deployment test: a throwaway PostgreSQL database with a panel, a trainee and a
supervisor; a real JupyterHub with the shipped config in front of it; Debian's Chromium."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "training_ui"))

from hub_helpers import STRANGER, running_hub  # noqa: E402
from training_ui_helpers import SUPERVISOR, TRAINEE  # noqa: E402

def _ui_fixtures():
    """The workbench UI tests' browser fixture (tests/ui/conftest.py), reused, not copied."""
    import importlib.util

    name = "ccm_ui_browser_fixtures"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, HERE.parent / "ui" / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


browser = _ui_fixtures().browser


def _root_conftest():
    """tests/conftest.py as a module, for its ``new_pg_database`` helper."""
    import importlib.util

    name = "ccm_tests_root_conftest"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, HERE.parent / "conftest.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def create_database(url: str):
    """A new, migrated database."""
    from workbench.service import Workbench

    return Workbench.create(url)


def seed_team_database(url: str) -> None:
    """The staff the test signs in as; the scenario makes its own simulated patient."""
    wb = create_database(url)
    for user in (TRAINEE, SUPERVISOR):
        wb.add_user(user)


@pytest.fixture(scope="module")
def team_db(pg_server):
    url = _root_conftest().new_app_database(pg_server)  # the Hub's service runs as the app role
    seed_team_database(url)
    yield url
    _root_conftest().forget_engines(url)


@pytest.fixture(scope="module")
def hub(team_db, tmp_path_factory):
    with running_hub(team_db, tmp_path_factory.mktemp("hub"), extra_users={STRANGER}) as h:
        yield h
