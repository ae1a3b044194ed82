"""Fixtures for the deployment tests: a throwaway PostgreSQL database with a small panel and the
staff who sign in; a NEW venv with ``pip install -e '.[hub]'``; the real JupyterHub started from it
with the shipped config; Debian's Chromium."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "training_ui"))

from hub_helpers import STRANGER, fresh_hub_venv, running_hub  # noqa: E402
from training_ui_helpers import SUPERVISOR, TRAINEE  # noqa: E402

from tests.support.ui_fixtures import ui_fixtures  # noqa: E402


def _load(name: str, path: Path):
    import importlib.util

    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


_ui = ui_fixtures()  # tests/ui/conftest.py, reused, not copied


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, launched as the UI tests launch it (tests/ui/conftest.py). Module-scoped:
    Playwright's sync API keeps an event loop running until it stops, and later tests (asyncio.run,
    other modules' browsers) need it stopped."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=_ui.CHROMIUM, args=_ui.CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


def _root_conftest():
    """tests/conftest.py as a module, for its ``new_app_database`` helper."""
    return _load("ccm_tests_root_conftest", HERE.parent / "conftest.py")


def seed_team_database(url: str) -> None:
    """A small simulated panel, plus the staff the tests sign in as and one who is not staff."""
    from simulated_patients import generate_panel
    from workbench.service import Workbench

    wb = Workbench.create(url)
    wb.load_panel(generate_panel(6, 7))
    for user in (TRAINEE, SUPERVISOR):
        wb.add_user(user)


def with_password(url: str, pg_server: str) -> str:
    """The app role's URL with a password in it, as in production (the test cluster trusts local
    connections, so the password is not checked; it is what must never leak into the Hub's files)."""
    import secrets

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    app_url = make_url(url)
    secret = "pw" + secrets.token_hex(12)
    engine = create_engine(f"{pg_server}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as con:
            con.execute(text(f"ALTER ROLE \"{app_url.username}\" PASSWORD '{secret}'"))  # hex: no quoting
    finally:
        engine.dispose()
    return app_url.set(password=secret).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def hub_python(tmp_path_factory):
    """The interpreter of a new venv into which pip installed '.[hub]' from the registry."""
    return fresh_hub_venv(tmp_path_factory.mktemp("fresh") / "venv")


@pytest.fixture(scope="session")
def team_db(pg_server):
    url = with_password(_root_conftest().new_app_database(pg_server), pg_server)  # the app role
    seed_team_database(url)
    yield url
    _root_conftest().forget_engines(url)


@pytest.fixture(scope="session")
def hub(hub_python, team_db, tmp_path_factory):
    """One Hub for the deployment tests (the accounts' passwords change as they sign in)."""
    with running_hub(hub_python, team_db, tmp_path_factory.mktemp("hub")) as h:
        yield h


__all__ = ["STRANGER"]
