"""No re-export shim, no unused re-export and no dead name in the three packages.

An AST scan of our own over ``workbench/``, ``training/`` and ``simulated_patients/``:

- every public top-level function and class is named by product code (the three packages,
  scripts, deploy, benchmarks, notebooks, the console script in pyproject.toml) outside its own
  definition: in code, not in a docstring, an ``__all__`` list or a package's re-export of it;
  a name that only tests name is dead;
- every name a package's ``__init__.py`` re-exports (imports without using, or lists in
  ``__all__`` and hands out through ``__getattr__``) is imported from that package by someone
  (product code or tests), so no package keeps names for nobody;
- no module is only imports (a shim left after a split).

A name kept on purpose goes in ``KEPT`` with the reason.
"""

from __future__ import annotations

import ast
import json
import re
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("workbench", "training", "simulated_patients")
PRODUCT = (*PACKAGES, "scripts", "deploy", "benchmarks", "notebooks")
USERS = (*PRODUCT, "tests")

#: "module.py::name" -> why it stays although no product code names it.
KEPT: dict[str, str] = {
    "simulated_patients/coherence.py::check_panel": "the generator's clinical-coherence check over a whole "
    "panel (docs/simulated-patients.md): a measuring instrument that tests/simulated/test_coherence.py runs "
    "on generated panels, not a product feature",
}


# ---------------------------------------------------------------------- reading the sources

def code_of(path: Path, text: str) -> str:
    """A file's Python: the file itself, or a notebook's code cells."""
    if path.suffix != ".ipynb":
        return text
    cells = json.loads(text)["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")


def _sources(tops: tuple[str, ...]) -> dict[Path, str]:
    out = {}
    for top in tops:
        for pattern in ("*.py", "*.ipynb"):
            for path in sorted((ROOT / top).rglob(pattern)):
                if "__pycache__" not in path.parts:
                    out[path] = code_of(path, path.read_text(encoding="utf-8"))
    return out


def _modules(sources: dict[Path, str]) -> list[Path]:
    return [p for p in sources if p.suffix == ".py" and p.relative_to(ROOT).parts[0] in PACKAGES
            and "migrations" not in p.parts]


def module_name(path: Path, root: Path = ROOT) -> tuple[str, str]:
    """(the module's dotted name, the package its relative imports start from)."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
        return ".".join(parts), ".".join(parts)
    return ".".join(parts), ".".join(parts[:-1])


def _absolute(node: ast.ImportFrom, package: str) -> str:
    if node.level == 0:
        return node.module or ""
    base = package.split(".")[:len(package.split(".")) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _is_docstring(node: ast.AST) -> bool:
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)


def _is_all(node: ast.AST) -> bool:
    return isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "__all__" for t in node.targets)


# ---------------------------------------------------------------------- re-exports

def reexports(source: str) -> list[str]:
    """What a package's ``__init__`` hands out without using itself: names it imports from
    elsewhere and never reads, and ``__all__`` names it does not define (a lazy ``__getattr__``)."""
    tree = ast.parse(source)
    imported, defined, listed = set(), set(), []
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module != "__future__":
            imported |= {a.asname or a.name for a in node.names}
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            defined.add(node.name)
        elif _is_all(node):
            listed = [e.value for e in node.value.elts if isinstance(e, ast.Constant)]  # type: ignore[attr-defined]
        elif isinstance(node, ast.Assign):
            defined |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    read = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    return sorted({n for n in imported if n not in read} | {n for n in listed if n not in defined | imported})


def imports_from(path: Path, source: str, root: Path = ROOT) -> set[tuple[str, str]]:
    """Every (module, name) a file takes from a module: ``from m import name``, ``m.name`` (through
    ``import m``, ``import m as x`` or ``from pkg import m``) and a dotted string (``mock.patch``)."""
    package = module_name(path, root)[1] if path.suffix == ".py" else ""
    tree = ast.parse(source)
    alias: dict[str, str] = {}
    found: set[tuple[str, str]] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            module = _absolute(node, package)
            for a in node.names:
                found.add((module, a.name))
                alias[a.asname or a.name] = f"{module}.{a.name}"
        elif isinstance(node, ast.Import):
            alias |= {a.asname: a.name for a in node.names if a.asname}
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name | ast.Attribute):
            head, dot, rest = ast.unparse(node.value).partition(".")
            found.add((alias.get(head, head) + dot + rest, node.attr))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and re.fullmatch(r"\w+(\.\w+)+", node.value):
            parts = node.value.split(".")
            found |= {(".".join(parts[:i]), parts[i]) for i in range(1, len(parts))}
    return found


def unused_reexports(inits: dict[Path, str], users: dict[Path, str], root: Path = ROOT) -> list[str]:
    taken = {path: imports_from(path, source, root) for path, source in users.items()}
    unused = []
    for init, source in inits.items():
        package = module_name(init, root)[0]
        for name in reexports(source):
            if not any((package, name) in found for path, found in taken.items() if path != init):
                unused.append(f"{package}.{name}")
    return unused


# ---------------------------------------------------------------------- dead names

def names_used(source: str) -> Counter[str]:
    """The identifiers a file's code names: names, attributes, imports (a package's re-export and
    ``__all__`` aside) and the words of its strings (``getattr``), docstrings aside."""
    tree = ast.parse(source)
    handed_out = set(reexports(source))
    used: Counter[str] = Counter()
    skip = {id(n.value) for n in ast.walk(tree) if _is_docstring(n)}  # type: ignore[attr-defined]
    skip |= {id(n) for top in tree.body if _is_all(top) for n in ast.walk(top)}
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Name):
            used[node.id] += 1
        elif isinstance(node, ast.Attribute):
            used[node.attr] += 1
        elif isinstance(node, ast.ImportFrom | ast.Import):
            used.update(a.name.split(".")[-1] for a in node.names if (a.asname or a.name) not in handed_out)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            used.update(re.findall(r"\w+", node.value))
    return used


def unused_names(sources: dict[Path, str], modules: list[Path], extra_text: str = "") -> list[str]:
    used = Counter(re.findall(r"\w+", extra_text))
    for source in sources.values():
        used.update(names_used(source))
    dead = []
    for path in modules:
        for node in ast.parse(sources[path]).body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and not node.name.startswith("_"):
                key = f"{path.relative_to(ROOT).as_posix()}::{node.name}"
                if used[node.name] == 0 and key not in KEPT:
                    dead.append(key)
    return dead


def only_reexports(source: str) -> bool:
    """A module whose body (past its docstring) is imports and ``__all__`` only."""
    body = [n for n in ast.parse(source).body if not _is_docstring(n)]
    return bool(body) and all(isinstance(n, ast.Import | ast.ImportFrom) or _is_all(n) for n in body)


# ---------------------------------------------------------------------- the checks see what they must

def test_the_scan_finds_a_dead_name_and_a_shim():
    mod = ROOT / "workbench" / "x.py"
    other = ROOT / "workbench" / "y.py"
    sources = {mod: '"""Mentions forgotten() in words only."""\n\ndef used():\n    pass\n\n\n'
                    'def forgotten():\n    """forgotten"""\n\n\nclass _Private:\n    pass\n',
               other: "from .x import used\nused()\n"}
    assert unused_names(sources, [mod, other]) == ["workbench/x.py::forgotten"]
    assert only_reexports('"""Doc."""\nfrom .x import used\n__all__ = ["used"]\n')
    assert not only_reexports("from .x import used\n\n\ndef f():\n    return used\n")


def test_a_name_only_a_package_re_exports_is_dead():
    mod, init = ROOT / "workbench" / "x.py", ROOT / "workbench" / "__init__.py"
    sources = {mod: "def kept():\n    pass\n", init: "from .x import kept\n\n__all__ = ['kept']\n"}
    assert unused_names(sources, [mod]) == ["workbench/x.py::kept"]


def test_the_scan_finds_a_re_export_nobody_imports(tmp_path):
    """A small package on disk: ``pkg/__init__.py`` hands out three names; one is imported from
    the package, one through an attribute of the package, one by nobody (only from its module)."""
    (tmp_path / "pkg").mkdir()
    files = {
        "pkg/__init__.py": '"""A package."""\nfrom .core import helper, other, unused\nfrom .core import local\n\n'
                           'VALUE = local()\n__all__ = ["helper", "other", "unused", "lazy"]\n\n\n'
                           'def __getattr__(name):\n    from . import core\n    return getattr(core, name)\n',
        "pkg/core.py": "def helper():\n    pass\n\n\ndef other():\n    pass\n\n\ndef unused():\n    pass\n\n\n"
                       "def local():\n    pass\n\n\ndef lazy():\n    pass\n",
        "app.py": "from pkg import helper\nimport pkg as p\nfrom pkg.core import unused\n\nhelper()\np.other()\n",
    }
    for rel, text in files.items():
        (tmp_path / rel).write_text(text)
    sources = {tmp_path / rel: text for rel, text in files.items()}
    inits = {tmp_path / "pkg/__init__.py": files["pkg/__init__.py"]}
    assert reexports(files["pkg/__init__.py"]) == ["helper", "lazy", "other", "unused"]
    assert unused_reexports(inits, sources, tmp_path) == ["pkg.lazy", "pkg.unused"]
    files["app.py"] += "import pkg.core\nimport mock\nmock.patch('pkg.lazy')\n"
    sources[tmp_path / "app.py"] = files["app.py"]
    assert unused_reexports(inits, sources, tmp_path) == ["pkg.unused"]


# ---------------------------------------------------------------------- the tree

def test_no_module_only_re_exports():
    sources = _sources(PACKAGES)
    shims = [p.relative_to(ROOT).as_posix() for p in _modules(sources)
             if p.name != "__init__.py" and only_reexports(sources[p])]
    assert shims == []


def test_every_re_export_is_imported_from_its_package():
    users = _sources(USERS)
    inits = {p: s for p, s in users.items() if p.name == "__init__.py" and p.relative_to(ROOT).parts[0] in PACKAGES}
    assert unused_reexports(inits, users) == []


def test_every_public_name_is_used_by_the_product():
    sources = _sources(PRODUCT)
    assert unused_names(sources, _modules(sources), (ROOT / "pyproject.toml").read_text()) == []


def test_kept_names_still_exist():
    sources = _sources(PACKAGES)
    for key in KEPT:
        rel, name = key.split("::")
        assert re.search(rf"^(def|class) {re.escape(name)}\b", sources[ROOT / rel], re.MULTILINE), key
