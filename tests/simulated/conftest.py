"""Shared fixtures: one 10,000-patient panel per test session (about 4 s to make)."""

from __future__ import annotations

import pytest

from simulated_patients import generate_panel


@pytest.fixture(scope="session")
def big_panel():
    return generate_panel(10_000, seed=7)


@pytest.fixture(scope="session")
def onboarding():
    return generate_panel(None, 0, preset="onboarding-12")
