"""Fixtures for the training UI tests: a temporary SQLite database with a trainee, another
trainee, a supervisor and a care manager; the page environment cleared."""

from __future__ import annotations

import pytest

from workbench.records import Credential, Role, User
from workbench.service import Workbench

TRAINEE = User("TR01", "Tara Trainee", Role.TRAINEE, Credential.CMA)
OTHER = User("TR02", "Omar Other", Role.TRAINEE, Credential.RMA)
SUPERVISOR = User("SV01", "Sam Supervisor", Role.SUPERVISOR, Credential.RN)
MANAGER = User("CM01", "Cara Manager", Role.CARE_MANAGER, Credential.RN)
BILLING = User("BI01", "Bill Ing", Role.BILLING, None)


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
    for user in (TRAINEE, OTHER, SUPERVISOR, MANAGER, BILLING):
        system.add_user(user)
    yield url
    from workbench import service

    engine = service._ENGINES.pop(url, None)
    if engine is not None:
        engine.dispose()
