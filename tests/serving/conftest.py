"""Fixtures for the serving guards: a real voila started the way ``workbench serve`` starts it
(:func:`workbench.serving.voila.voila_command`), with small limits so each guard can be seen acting."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from contextlib import contextmanager
from unittest import mock

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from tests.support.ui_fixtures import ui_fixtures  # noqa: E402

#: Small limits: a dead tab is culled after 15 s; a kernel over 400 MB resident is shut down.
LIMITS = {"WORKBENCH_DEAD_TAB_MINUTES": "0.25", "WORKBENCH_KERNEL_MEMORY_MB": "400",
          "WORKBENCH_KERNEL_ADDRESS_SPACE_MB": "3072", "WORKBENCH_WS_MAX_MESSAGE_KB": "64"}


_ui = ui_fixtures()  # tests/ui/conftest.py, reused, not copied
browser = _ui.browser


@contextmanager
def _guarded(tmp: Path):
    """A guarded voila on a seeded database: ``base``, ``db``, ``log``, ``proc``."""
    db = _ui.seed_database(tmp / "workbench.db", size=12)
    port = _ui.free_port()
    with mock.patch.dict(os.environ, LIMITS):
        proc = _ui.start_voila(db, port, tmp / "voila.log")
    try:
        yield {"base": f"http://127.0.0.1:{port}", "db": db, "log": tmp / "voila.log", "proc": proc,
               "port": port}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except Exception:  # noqa: BLE001
            proc.kill()


@pytest.fixture(scope="module")
def guarded_server(tmp_path_factory):
    """One guarded server for the tests that do not count pages."""
    with _guarded(tmp_path_factory.mktemp("guarded")) as server:
        yield server


@pytest.fixture
def fresh_guarded_server(tmp_path_factory):
    """A guarded server of the test's own, for tests that count open pages (no page left over
    from an earlier test, however slowly its kernel shuts down on a loaded machine)."""
    with _guarded(tmp_path_factory.mktemp("guarded-fresh")) as server:
        yield server
