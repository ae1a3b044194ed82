"""No module over 400 lines in the three packages (one concept per module; a module that grows
past the limit is split along a concept line). Migrations are frozen history (written once, never
edited), so they are not counted."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("workbench", "training", "simulated_patients")
LIMIT = 400


def sizes(root: Path = ROOT) -> dict[str, int]:
    return {p.relative_to(root).as_posix(): len(p.read_text(encoding="utf-8").splitlines())
            for pkg in PACKAGES for p in sorted((root / pkg).rglob("*.py"))
            if "versions" not in p.relative_to(root).parts}


def test_every_module_of_the_three_packages_is_counted():
    counted = sizes()
    for module in ("workbench/store/uow.py", "workbench/ui/app.py", "training/engine.py",
                   "training/ui/player.py", "simulated_patients/generator.py", "simulated_patients/catalog/__init__.py"):
        assert module in counted
    assert not any("/versions/" in m for m in counted)
    assert len(counted) > 150


def test_the_count_sees_a_long_module(tmp_path):
    (tmp_path / "training").mkdir()
    (tmp_path / "training" / "long.py").write_text("x = 1\n" * (LIMIT + 1))
    (tmp_path / "training" / "short.py").write_text("x = 1\n" * LIMIT)
    assert {m: n for m, n in sizes(tmp_path).items() if n > LIMIT} == {"training/long.py": LIMIT + 1}


def test_no_module_is_over_400_lines():
    assert {m: n for m, n in sizes().items() if n > LIMIT} == {}
