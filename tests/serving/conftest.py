"""Fixtures for the serving guards: a real voila started the way ``workbench serve`` starts it
(:func:`workbench.ui.voila_command`), with small limits so each guard can be seen acting."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from unittest import mock

import pytest

#: Small limits: a dead tab is culled after 15 s; a kernel over 400 MB resident is shut down.
LIMITS = {"WORKBENCH_DEAD_TAB_MINUTES": "0.25", "WORKBENCH_KERNEL_MEMORY_MB": "400",
          "WORKBENCH_KERNEL_ADDRESS_SPACE_MB": "3072", "WORKBENCH_WS_MAX_MESSAGE_KB": "64"}


def _ui_fixtures():
    """The workbench UI tests' fixtures (tests/ui/conftest.py), reused, not copied."""
    name = "ccm_ui_browser_fixtures"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, Path(__file__).resolve().parents[1] / "ui" / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


_ui = _ui_fixtures()
browser = _ui.browser


@pytest.fixture(scope="module")
def guarded_server(tmp_path_factory):
    """A guarded voila on a seeded database: ``base``, ``db``, ``log``, ``proc``."""
    tmp = tmp_path_factory.mktemp("guarded")
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


def open_page(base: str, path: str = "index.ipynb") -> str:
    """Render a page over plain HTTP (as a script would) and return its kernel id."""
    with urllib.request.urlopen(f"{base}/voila/render/{path}", timeout=180) as resp:
        body = resp.read().decode()
    found = re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', body)
    assert found, body[-500:]
    return found.group(1)


def kernel_alive(base: str, kernel_id: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/api/kernels/{kernel_id}", timeout=10) as resp:
            return json.loads(resp.read())["id"] == kernel_id
    except urllib.error.HTTPError as err:
        if err.code == 404:
            return False
        raise


def wait_until(predicate, timeout: float, step: float = 0.25) -> float:
    """Seconds until ``predicate()`` held; fails after ``timeout``."""
    start = time.monotonic()
    while not predicate():
        if time.monotonic() - start > timeout:
            raise AssertionError(f"not within {timeout} s")
        time.sleep(step)
    return time.monotonic() - start


def kernel_processes(proc) -> list:
    import psutil

    return [p for p in psutil.Process(proc.pid).children(recursive=True) if p.is_running()
            and p.status() != psutil.STATUS_ZOMBIE]
