"""The training commands: ``scenario list|validate|schema`` and ``gradebook export``
(the work is in :mod:`training.cli`, imported when a command runs)."""

from __future__ import annotations

import sys

from .common import open_db


def cmd_scenario_list(args) -> int:
    from training.cli import list_scenarios

    rows = list_scenarios()
    width = max((len(row["id"]) for row in rows), default=2)
    cat = max((len(row["category"]) for row in rows), default=8)
    print(f"{'id':<{width}}  {'category':<{cat}}  title")
    for row in rows:
        print(f"{row['id']:<{width}}  {row['category']:<{cat}}  {row['title']}")
    print(f"{len(rows)} scenarios")
    return 0


def cmd_scenario_schema(args) -> int:
    from training.cli import write_schema

    print(f"Wrote {write_schema(args.out)}")
    return 0


def cmd_scenario_validate(args) -> int:
    from training.cli import validate

    errors = validate(args.path)
    for e in errors:
        print(e, file=sys.stderr)
    if errors:
        return 1
    print(f"{args.path}: valid")
    return 0


def cmd_gradebook_export(args) -> int:
    from training.cli import export_gradebook

    wb = open_db(args)
    path = export_gradebook(wb, args.out)
    print(f"Wrote the gradebook to {path}")
    return 0
