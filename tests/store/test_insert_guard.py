"""No SQL insert is built outside ``workbench/store/``: every write goes through the unit of work.

A new ``insert(...)``, ``table.insert()``, ``exec_driver_sql`` or ``INSERT`` text outside the
store fails this test. ``KNOWN`` would list, per file, inserts still built by hand outside the
store; it is empty (the staff import writes through ``uow.add_users``/``uow.update_user``) and may
only shrink: an entry that no longer matches its file fails too.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("workbench", "training", "simulated_patients")
INSERT_TEXT = re.compile(r"\bINSERT\s+INTO\b", re.IGNORECASE)

#: file -> inserts still built outside the store (none left: keep it that way).
KNOWN: dict[str, int] = {}

#: file -> why its inserts are not writes to the CCM record (never a service or intake module).
ELSEWHERE = {
    "workbench/serving/hub_accounts.py": (
        "the Hub's own sign-in accounts: a separate SQLite file in the Hub's state folder (stdlib sqlite3, "
        "no SQLAlchemy, no unit of work, no author), never the CCM record's database; the store layer "
        "is the record's store and the Hub accounts are the serving layer's"),
}


def test_the_exceptions_write_no_record_table():
    """What ELSEWHERE lets through writes only its own table, never one of the record's."""
    from workbench.store import schema

    for rel in ELSEWHERE:
        source = (ROOT / rel).read_text()
        assert "import sqlalchemy" not in source and "from sqlalchemy" not in source, rel
        assert not re.search(r"from \.+store\b|workbench\.store\b", source), rel
        written = set(re.findall(r"\bINSERT\s+INTO\s+(\w+)", source, re.IGNORECASE))
        assert written and not written & set(schema.metadata.tables), (rel, written)


def sql_inserts(source: str) -> list[int]:
    """Line numbers of SQL inserts built in ``source``: ``insert(table)``, ``table.insert()``,
    ``exec_driver_sql(...)`` and string literals holding ``INSERT INTO``. ``uow.add_row(table,
    **values)`` (the store's writer) and ``list.insert(i, x)`` take arguments and are not counted."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            f = node.func
            if isinstance(f, ast.Name) and f.id == "insert":
                lines.append(node.lineno)
            elif isinstance(f, ast.Attribute) and f.attr == "insert" and not node.args and not node.keywords:
                lines.append(node.lineno)
            elif isinstance(f, ast.Attribute) and f.attr == "insert" and isinstance(f.value, ast.Name) \
                    and f.value.id in ("sa", "sqlalchemy"):
                lines.append(node.lineno)
            elif isinstance(f, ast.Attribute) and f.attr == "exec_driver_sql":
                lines.append(node.lineno)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and INSERT_TEXT.search(node.value):
            lines.append(node.lineno)
    return lines


def inserts_outside_the_store() -> Counter:
    found: Counter = Counter()
    for pkg in PACKAGES:
        for path in sorted((ROOT / pkg).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if rel.startswith("workbench/store/") or rel in ELSEWHERE:
                continue
            n = len(sql_inserts(path.read_text()))
            if n:
                found[rel] = n
    return found


def test_the_finder_sees_every_way_to_build_an_insert():
    assert sql_inserts("conn.execute(insert(t).values(a=1))") == [1]
    assert sql_inserts("conn.execute(s.users.insert(), rows)") == [1]
    assert sql_inserts("conn.exec_driver_sql('select 1')") == [1]
    assert sql_inserts("q = 'insert into users values (1)'") == [1]
    assert sql_inserts("sa.insert(t)") == [1]
    assert sql_inserts("uow.add_row(s.visits, patient_id=pid)") == []
    assert sql_inserts("items.insert(1, widget)") == []


def test_no_insert_is_built_outside_the_store_beyond_the_known_list():
    found = inserts_outside_the_store()
    new = {f: n for f, n in found.items() if n > KNOWN.get(f, 0)}
    assert new == {}, "build inserts in workbench/store/ (the unit of work), not here"


def test_the_known_list_only_shrinks():
    found = inserts_outside_the_store()
    stale = {f: (n, found.get(f, 0)) for f, n in KNOWN.items() if found.get(f, 0) < n}
    assert stale == {}, "fewer inserts than listed: lower or remove the entry in KNOWN"


def test_grep_finds_no_insert_call_outside_the_store():
    """The plain-text form of the rule, as a reader would check it with grep: no ``insert(`` and no
    ``exec_driver_sql`` in any module outside ``workbench/store/`` (the unit of work's writer is
    ``add_row``; Python lists are grown with slices here, so the grep stays meaningful)."""
    found = []
    for pkg in PACKAGES:
        for path in sorted((ROOT / pkg).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if rel.startswith("workbench/store/") or rel in ELSEWHERE:
                continue
            for n, line in enumerate(path.read_text().splitlines(), 1):
                if "insert(" in line or "exec_driver_sql" in line:
                    found.append(f"{rel}:{n}: {line.strip()}")
    assert found == []
