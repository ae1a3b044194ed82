"""The log file of the bad-input and fault tables: every test of those tables writes its log to a
file of its own (``WORKBENCH_LOG``), and after the test no line of that log may carry a patient's
name or a note's text. Used by the autouse fixtures of tests/errors and tests/validation."""

from __future__ import annotations

import os
from pathlib import Path

#: the names of the test patients (and a contact) and the notes the tables write; a log line or
#: an error message holding any of them has leaked patient data
PATIENT_DATA = ("Lovelace", "Franklin", "Quintessa", "Quill", "Bo Lovelace", "private-note-text",
                "Monthly check-in", "Called about BP", "called about meds")


def leaked(text: str) -> list[str]:
    """The patient names and note texts found in ``text``."""
    return [secret for secret in PATIENT_DATA if secret in text]


def guard(tmp_path: Path, monkeypatch):
    """Point ``WORKBENCH_LOG`` at a file of the test's own; after the test, fail if whichever log
    file the test ended with (a test may point it elsewhere) holds patient data."""
    monkeypatch.setenv("WORKBENCH_LOG", str(tmp_path / "guarded-workbench.log"))
    yield
    for path in {Path(os.environ.get("WORKBENCH_LOG", "")), tmp_path / "guarded-workbench.log"}:
        if path.is_file():
            found = leaked(path.read_text(encoding="utf-8", errors="replace"))
            assert not found, f"the log file {path} holds patient data: {found}"
