"""The service's shape: no module outside the service reaches into the Workbench's private members
(module sizes: tests/test_module_size.py)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRIVATE = re.compile(r"\b(?:wb|self\.wb|workbench|service)\._(?!_|ENGINES\b)[a-z]\w*")


def _python_files(*dirs):
    for d in dirs:
        yield from sorted((ROOT / d).rglob("*.py"))


def test_no_module_outside_the_service_touches_a_private_member_of_workbench():
    offenders = []
    for path in _python_files("workbench", "training", "benchmarks", "simulated_patients"):
        if "service" in path.relative_to(ROOT).parts[:2]:
            continue
        for n, line in enumerate(path.read_text().splitlines(), 1):
            if PRIVATE.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert offenders == []


def test_the_private_member_check_sees_the_old_style():
    # The pattern above must catch what the importer and loader used to do.
    for old in ("with wb._tx() as conn:", "wb._supersede(conn, te, 1, 'x', void=True)",
                "**self.wb._audit()", "wb._settings = None"):
        assert PRIVATE.search(old), old
    for fine in ("with wb.write() as uow:", "service._ENGINES.pop(url)", "wb.__class__"):
        assert not PRIVATE.search(fine), fine

