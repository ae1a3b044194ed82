"""The pages' error boundary (workbench.ui.boundary): a failure no handler caught shows a sentence
at the top of the page; its traceback goes, redacted, to the log file; nothing reaches the page
but the sentence."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from conftest import sample_patient  # noqa: E402
from helpers import seeded_ui_db  # noqa: E402

from workbench.service import Workbench  # noqa: E402
from workbench.ui import app as one  # noqa: E402


@pytest.fixture
def shell():
    """A real IPython shell, as a kernel has: ipywidgets hands uncaught handler errors to it."""
    from IPython.core.interactiveshell import InteractiveShell

    sh = InteractiveShell.instance()
    original = sh.showtraceback
    yield sh
    sh.showtraceback = original


@pytest.mark.parametrize("fault,expect", [
    (RuntimeError("Ada Lovelace private note"), "Something went wrong; nothing was written; the details are in"),
    (KeyError("Lovelace"), "Something went wrong; nothing was written; the details are in"),
    ("db-locked", "stayed locked"),
])
def test_an_uncaught_failure_in_a_button_is_a_sentence_on_the_page(sqlite_url, clock, monkeypatch, tmp_path,
                                                                   shell, fault, expect):
    from sqlalchemy.exc import OperationalError

    log = tmp_path / "page.log"
    monkeypatch.setenv("WORKBENCH_LOG", str(log))
    db = seeded_ui_db(sqlite_url, clock, monkeypatch, sample_patient())
    app = one.workbench_app("chart", db, clock, {"user": "S001", "patient": "P00001"}, live_timer=False)
    app.navigate("chart:P00001")
    err = OperationalError("INSERT", ("Ada",), Exception("database is locked")) if fault == "db-locked" else fault

    def broken(self, *a, **k):
        raise err

    monkeypatch.setattr(Workbench, "start_timer", broken)
    app.content.time.start_button.click()
    shown = app.msg.value
    assert expect in shown and app.msg in app.body.children
    assert "Traceback" not in shown and "Ada" not in shown and "Lovelace" not in shown
    assert "Traceback" in log.read_text() and "[parameters: redacted]" in log.read_text() or fault != "db-locked"
    if "details are in" in expect:
        assert str(log) in shown
