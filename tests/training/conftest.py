"""Fixtures for the training tests: a real Workbench on a temporary SQLite file."""

from __future__ import annotations

import pytest

from workbench.records import Credential, Role, User
from workbench.service import Workbench

from training.attempts import StoreAttempts
from training.library import load_library

TRAINEE = User("TR01", "Tara Trainee", Role.TRAINEE, Credential.CMA)
OTHER_TRAINEE = User("TR02", "Omar Other", Role.TRAINEE, Credential.RMA)
SUPERVISOR = User("SV01", "Sam Supervisor", Role.SUPERVISOR, Credential.RN)


@pytest.fixture(scope="session")
def library():
    return load_library()


@pytest.fixture
def wb(tmp_path):
    wb = Workbench.create(tmp_path / "training.db")
    for user in (TRAINEE, OTHER_TRAINEE, SUPERVISOR):
        wb.add_user(user)
    return wb


@pytest.fixture
def repo(wb):
    """Attempts kept where the product keeps them: the store's training tables."""
    return StoreAttempts(wb)
