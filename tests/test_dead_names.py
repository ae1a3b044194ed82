"""No re-export shim and no dead name in the workbench package.

An AST scan of our own: every public top-level function and class of ``workbench/`` is named by
product code outside its own definition (the workbench, training, simulated patients, scripts,
deploy, notebooks, benchmarks), not by tests only; and no module is only imports (a shim left
after a split). A name kept on purpose goes in ``KEPT`` with the reason.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRODUCT = ("workbench", "training", "simulated_patients", "scripts", "deploy", "benchmarks", "notebooks")

#: "module.py::name" -> why it stays although no product code names it.
KEPT: dict[str, str] = {}


def _sources() -> dict[Path, str]:
    out = {}
    for top in PRODUCT:
        for pattern in ("*.py", "*.ipynb"):
            for path in (ROOT / top).rglob(pattern):
                out[path] = path.read_text(encoding="utf-8")
    return out


def _modules() -> list[Path]:
    return [p for p in sorted((ROOT / "workbench").rglob("*.py")) if "migrations" not in p.parts]


def only_reexports(source: str) -> bool:
    """A module whose body (past its docstring) is imports and ``__all__`` only."""
    body = [n for n in ast.parse(source).body if not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))]
    return bool(body) and all(isinstance(n, ast.Import | ast.ImportFrom) or (
        isinstance(n, ast.Assign) and all(getattr(t, "id", "") == "__all__" for t in n.targets)) for n in body)


def unused_names(sources: dict[Path, str], modules: list[Path]) -> list[str]:
    words = Counter(w for text in sources.values() for w in re.findall(r"\w+", text))
    dead = []
    for path in modules:
        for node in ast.parse(sources[path]).body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and not node.name.startswith("_"):
                key = f"{path.relative_to(ROOT).as_posix()}::{node.name}"
                if words[node.name] <= 1 and key not in KEPT:  # its own definition only
                    dead.append(key)
    return dead


def test_the_scan_finds_a_dead_name_and_a_shim(tmp_path):
    mod = ROOT / "workbench" / "x.py"
    other = ROOT / "workbench" / "y.py"
    sources = {mod: "def used():\n    pass\n\n\ndef forgotten():\n    pass\n\n\nclass _Private:\n    pass\n",
               other: "from .x import used\nused()\n"}
    assert unused_names(sources, [mod, other]) == ["workbench/x.py::forgotten"]
    assert only_reexports('"""Doc."""\nfrom .x import used\n__all__ = ["used"]\n')
    assert not only_reexports("from .x import used\n\n\ndef f():\n    return used\n")


def test_no_module_only_re_exports():
    shims = [p.relative_to(ROOT).as_posix() for p in _modules()
             if p.name != "__init__.py" and only_reexports(p.read_text(encoding="utf-8"))]
    assert shims == []


def test_every_public_name_is_used_by_the_product():
    assert unused_names(_sources(), _modules()) == []


def test_kept_names_still_exist():
    sources = _sources()
    for key in KEPT:
        rel, name = key.split("::")
        assert re.search(rf"^(def|class) {re.escape(name)}\b", sources[ROOT / rel], re.MULTILINE), key
