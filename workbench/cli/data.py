"""The record's commands: ``timers``, ``report month``, ``import`` and ``panel``.
Imports are lazy: ``--help`` loads nothing heavy."""

from __future__ import annotations

import sys
from pathlib import Path

from .common import open_db
from ..errors import WorkbenchError


def _generate(wb, size: int | None, seed: int, preset: str | None) -> int:
    from simulated_patients import generate_panel

    panel = generate_panel(size, seed, preset=preset, progress=True)
    return wb.load_panel(panel, progress=True)


def cmd_timers(args) -> int:
    wb = open_db(args)
    timers = wb.open_timers()
    if not timers:
        print("No timers running.")
    for t in timers:
        since = t.started_at.astimezone(wb.tz).strftime("%Y-%m-%d %H:%M")
        print(f"timer {t.id}: staff {t.staff_id}, patient {t.patient_id}, {t.activity.value}, "
              f"running since {since}")
    return 0


def cmd_report_month(args) -> int:
    from ..reports import write_report

    wb = open_db(args)
    df = wb.month_report(args.month)
    if args.format == "xlsx" and not args.out:
        raise WorkbenchError("--out is required for xlsx.")
    out = write_report(df, args.format, args.out)
    if args.out:
        print(f"Wrote {len(df)} patient rows to {args.out}", file=sys.stderr)
    elif out is not None:
        sys.stdout.write(out if out.endswith("\n") else out + "\n")
    return 0


def cmd_import(args) -> int:
    from ..intake import importer
    from ..intake.time_entries import import_time

    if not Path(args.file).is_file():
        raise WorkbenchError(f"No such file: {args.file}")
    wb = open_db(args)
    fn = {"staff": importer.import_staff, "patients": importer.import_patients,
          "time": import_time}[args.kind]
    summary = fn(wb, args.file)
    print(summary)
    return 0


def cmd_panel_generate(args) -> int:
    if args.size is None and args.preset is None:
        raise WorkbenchError("Give --size N or --preset NAME.")
    if args.size is not None and args.size <= 0:
        raise WorkbenchError("--size must be a positive number of patients.")
    wb = open_db(args)
    n = _generate(wb, args.size, args.seed, args.preset)
    print(f"Loaded {n} patients into {wb.engine.url.render_as_string(hide_password=True)}")
    return 0


def cmd_panel_export(args) -> int:
    from ..export.panel_csv import export_panel

    wb = open_db(args)
    paths = export_panel(wb, args.out)
    for p in paths:
        print(f"Wrote {p}")
    return 0
