"""What the docs name exists: every module path, dotted module name and ``from ... import`` in
README.md and docs/*.md is in the code, and docs/architecture.md's picture lists the layers of the
import contracts (pyproject.toml, ``[tool.importlinter]``) in their order.

A path is looked up from the repository root, then inside each package (the docs often write
``store/uow.py`` for ``workbench/store/uow.py``); a bare file name (``engine.py``) must be a file
of the repository; ``module.py::name`` and ``package.module.name`` must define ``name``.
"""

from __future__ import annotations

import ast
import re
import tomllib
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("workbench", "training", "simulated_patients")
DOCS = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md")])
SKIP_DIRS = {".venv", ".git", "build", "data", "node_modules", "__pycache__"}

PATH = re.compile(r"^(?!/)(?P<path>[\w./-]*\w\.(?:py|ipynb|json|yaml|toml|cfg|sh|md))(?:::(?P<name>\w+))?$")
FOLDER = re.compile(r"^(?P<path>(?:workbench|training|simulated_patients|tests|notebooks|deploy|scripts)(?:/\w+)*)/$")
DOTTED = re.compile(r"^(?P<dotted>(?:workbench|training|simulated_patients)(?:\.\w+)+)(?:\(.*\))?$")


@cache
def repo_files() -> dict[str, list[Path]]:
    """Every file of the repository by its name (build output and environments aside)."""
    out: dict[str, list[Path]] = {}
    for path in ROOT.rglob("*"):
        if path.is_file() and not SKIP_DIRS & set(path.relative_to(ROOT).parts):
            out.setdefault(path.name, []).append(path)
    return out


def find_path(text: str, root: Path = ROOT) -> Path | None:
    for base in (root, *(root / p for p in PACKAGES)):
        if (base / text).exists():
            return base / text
    if "/" not in text and root == ROOT and repo_files().get(text):
        return repo_files()[text][0]
    return None


def defines(source: str, name: str) -> bool:
    """``name`` is bound at a module's top level (a def, class, assignment or import), or is an
    attribute of a class defined there (``Class.member`` is looked up by the caller)."""
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and node.name == name:
            return True
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                return True
        if isinstance(node, ast.Import | ast.ImportFrom) and any((a.asname or a.name) == name for a in node.names):
            return True
    return False


def class_member(source: str, cls: str, member: str) -> bool:
    for node in ast.parse(source).body:
        if isinstance(node, ast.ClassDef) and node.name == cls:
            for item in ast.walk(node):
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) and item.name == member:
                    return True
                if isinstance(item, ast.Name) and isinstance(item.ctx, ast.Store) and item.id == member:
                    return True
                if isinstance(item, ast.AnnAssign) and getattr(item.target, "id", "") == member:
                    return True
    return False


def module_file(dotted: str, root: Path = ROOT) -> Path | None:
    path = root.joinpath(*dotted.split("."))
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.exists():
            return candidate
    return None


def dotted_exists(dotted: str, root: Path = ROOT) -> bool:
    """``a.b.c``: a module, or a module and a name it defines (``a.b.name``, ``a.b.Class.member``)."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        found = module_file(".".join(parts[:cut]), root)
        if found is None:
            continue
        rest = parts[cut:]
        if not rest:
            return True
        source = found.read_text(encoding="utf-8")
        if len(rest) > 2 or not defines(source, rest[0]):
            return False
        # a class defined here must have the member; a name imported here is not followed further
        return len(rest) == 1 or not _is_class(source, rest[0]) or class_member(source, rest[0], rest[1])
    return False


def _is_class(source: str, name: str) -> bool:
    return any(isinstance(n, ast.ClassDef) and n.name == name for n in ast.parse(source).body)


def named_in(text: str) -> list[tuple[str, str]]:
    """(kind, what) for every code span and every ``from x import y`` of a python block."""
    found = []
    for span in re.findall(r"`([^`\n]+)`", text):
        span = span.strip()
        if PATH.match(span) or FOLDER.match(span) or DOTTED.match(span):
            found.append(("span", span))
    for block in re.findall(r"```python\n(.*?)```", text, re.DOTALL):
        try:
            nodes = list(ast.walk(ast.parse(block)))
        except SyntaxError:  # a sketch, not a program: read its one-line imports
            nodes = [n for line in block.splitlines() if line.lstrip().startswith("from ")
                     for n in ast.parse(line.strip()).body]
        found += [("import", ast.unparse(n)) for n in nodes if isinstance(n, ast.ImportFrom)
                  and (n.module or "").split(".")[0] in PACKAGES]
    return found


def problem(kind: str, what: str, root: Path = ROOT) -> str | None:
    """Why ``what`` does not exist, or None."""
    if kind == "import":
        node = ast.parse(what).body[0]
        assert isinstance(node, ast.ImportFrom)
        missing = [a.name for a in node.names if not dotted_exists(f"{node.module}.{a.name}", root)]
        return f"{what}: no {', '.join(missing)}" if missing else None
    if m := FOLDER.match(what):
        return None if (root / m["path"]).is_dir() else f"{what}: no such folder"
    if m := PATH.match(what):
        found = find_path(m["path"], root)
        if found is None:
            return f"{what}: no such file"
        if m["name"] and not defines(found.read_text(encoding="utf-8"), m["name"]):
            return f"{what}: {found.relative_to(root)} does not define {m['name']}"
        return None
    m = DOTTED.match(what)
    assert m, what
    return None if dotted_exists(m["dotted"], root) else f"{what}: no such module or name"


def architecture_picture() -> str:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    return re.search(r"## Layers.*?```\n(.*?)```", text, re.DOTALL)[1]


# ---------------------------------------------------------------------- the checker sees what it must

def test_the_checker_finds_what_does_not_exist(tmp_path):
    (tmp_path / "workbench" / "store").mkdir(parents=True)
    (tmp_path / "workbench" / "__init__.py").write_text("")
    (tmp_path / "workbench" / "store" / "__init__.py").write_text("from .uow import unit_of_work\n")
    (tmp_path / "workbench" / "store" / "uow.py").write_text(
        "def unit_of_work():\n    pass\n\n\nclass UnitOfWork:\n    def add_row(self):\n        pass\n")
    doc = ("The writer is `store/uow.py::unit_of_work` (`workbench/store/uow.py`, `workbench.store.uow`, "
           "`workbench.store.uow.UnitOfWork.add_row`). Gone: `store/validate.py`, `workbench.demo`, "
           "`workbench.store.uow.insert_rows`, `store/uow.py::insert_rows`, `workbench/intake/`.\n"
           "```python\nfrom workbench.store import unit_of_work, upgrade\n```\n")
    problems = [p for kind, what in named_in(doc) if (p := problem(kind, what, tmp_path))]
    assert problems == [
        "store/validate.py: no such file",
        "workbench.demo: no such module or name",
        "workbench.store.uow.insert_rows: no such module or name",
        "store/uow.py::insert_rows: workbench/store/uow.py does not define insert_rows",
        "workbench/intake/: no such folder",
        "from workbench.store import unit_of_work, upgrade: no upgrade",
    ]


# ---------------------------------------------------------------------- the docs

@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_path_and_module_a_doc_names_exists(doc):
    named = named_in(doc.read_text(encoding="utf-8"))
    assert [p for kind, what in named if (p := problem(kind, what))] == []


def test_the_docs_name_modules_at_all():
    """The scan reads the docs (an empty scan would pass every doc)."""
    named = [what for doc in DOCS for _, what in named_in(doc.read_text(encoding="utf-8"))]
    assert "store/uow.py" in named and len(named) > 100


def test_the_architecture_picture_lists_the_layers_in_the_contracts_order():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contract = next(c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers")
    layers = [[m.strip() for m in layer.split(":")] for layer in contract["layers"]]
    rows = [line[:39] for line in architecture_picture().splitlines() if line[:1].strip()]
    drawn = []
    for row in rows:
        names = re.findall(r"(?:workbench/)?(\w+)(?:/|\.py)", row)
        drawn.append(["workbench." + n if n not in ("training", "simulated_patients", "notebooks") else n
                      for n in dict.fromkeys(names) if n != "workbench"])
    drawn = [row for row in drawn if row != ["notebooks"]]
    assert drawn == layers


def picture_rows(picture: str) -> list[tuple[list[str], str]]:
    """(the folders of a row's left column, the row's whole text) for each row of the picture."""
    rows: list[tuple[list[str], str]] = []
    for line in picture.splitlines():
        if line[:1].strip():
            left = [f if f.split("/")[0] in (*PACKAGES, "notebooks") else f"workbench/{f}"
                    for f in re.findall(r"(?<![\w/])(\w+(?:/\w+)*)/", line[:39])]
            if not left:  # workbench/errors.py  workbench/clock.py: files of the package's root
                left = ["workbench"]
            rows.append((left, line[39:]))
        else:
            rows[-1] = (rows[-1][0], rows[-1][1] + " " + line.strip())
    return rows


def misplaced(picture: str, root: Path = ROOT) -> list[str]:
    """The files a picture's row names that are not in that row's folders (or folders that are gone)."""
    out = []
    for folders, text in picture_rows(picture):
        out += [f"{f}/ (no such folder)" for f in folders if not (root / f).is_dir()]
        out += [f"{name} (row {', '.join(folders)})" for name in re.findall(r"\b(\w+\.py)\b", text)
                if not any(list((root / f).rglob(name)) for f in folders if (root / f).is_dir())]
    return out


def test_the_picture_check_sees_a_file_in_the_wrong_row(tmp_path):
    for rel in ("workbench/ui/app.py", "workbench/service/policy.py"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("")
    picture = ("workbench/ui/                          the app (app.py); who may do what\n"
               "                                       (policy.py)\n"
               "workbench/service/  workbench/demo/    the service (policy.py)\n")
    assert misplaced(picture, tmp_path) == ["policy.py (row workbench/ui)", "workbench/demo/ (no such folder)"]


def test_every_file_the_picture_names_is_in_its_rows_folders():
    """A row names the files of its own folders: ``hub.py`` on the serving row is in serving/."""
    picture = architecture_picture()
    assert len(picture_rows(picture)) == 11
    assert misplaced(picture) == []
