"""The workbench UI tests' browser fixtures (tests/ui/conftest.py: the Debian Chromium, the
message-in-sight watcher, ...), loaded once under one module name so that tests/serving,
tests/training_ui and tests/deploy reuse them rather than copy them."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

NAME = "ccm_ui_browser_fixtures"
UI_CONFTEST = Path(__file__).resolve().parents[1] / "ui" / "conftest.py"


def ui_fixtures() -> ModuleType:
    """tests/ui/conftest.py as a module (loaded the first time, then the same module)."""
    if NAME in sys.modules:
        return sys.modules[NAME]
    spec = importlib.util.spec_from_file_location(NAME, UI_CONFTEST)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[NAME] = module
    spec.loader.exec_module(module)
    return module
