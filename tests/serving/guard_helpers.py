"""Helpers for the serving-guard tests: render a page over HTTP, ask the kernels API, wait."""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request


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
