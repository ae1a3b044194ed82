"""The ``workbench`` command. Every subcommand has ``--help``.

    workbench init --db PATH                      create or migrate a database
    workbench demo [--db PATH] [--port N]         a SQLite file with a generated panel, served by Voila
    workbench serve [--db URL] [--port N]         serve the dashboards on 127.0.0.1
    workbench timers [--db URL]                   timers still running (e.g. after a kernel died)
    workbench report month --month YYYY-MM        the month's billing report
    workbench report claims --month M --out F     the month's claim lines (CSV/XLSX)
    workbench export fhir|patient-copy            FHIR R4 bundles; a patient's own copy
    workbench import staff|patients|time FILE     bring a team's panel or a trainer's cases
    workbench panel generate|export               simulated panels
    workbench scenario list|validate              training scenarios
    workbench gradebook export --out FILE         the cohort's grades as CSV
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from .errors import WorkbenchError

ROOT = Path(__file__).resolve().parent.parent
DEMO_DB = Path("data") / "demo.db"


def _db_arg(p: argparse.ArgumentParser, default_help: str = "WORKBENCH_DB or ./data/workbench.db") -> None:
    p.add_argument("--db", default=None, help=f"SQLite path or SQLAlchemy URL (default: {default_help})")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workbench", description="CCM Workbench: the Chronic Care Management record, its "
        "rules, simulated patients, training and dashboards.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser("init", help="create or migrate a database", description="Create the "
                       "database (or migrate it to the current schema) and set the practice.")
    _db_arg(p)
    p.add_argument("--timezone", default=None, help="practice time zone, e.g. America/Chicago")
    p.add_argument("--state", default=None, help="practice state, two letters")
    p.add_argument("--name", default=None, help="practice name")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("demo", help="generate a demo panel and serve the dashboards",
                       description="Create a SQLite database with a generated panel (once), then "
                       "serve notebooks/ with Voila on 127.0.0.1 and print the URL.")
    p.add_argument("--db", default=str(DEMO_DB), help=f"SQLite path (default: {DEMO_DB})")
    p.add_argument("--size", type=int, default=60, help="patients in the demo panel (default 60)")
    p.add_argument("--seed", type=int, default=2026, help="panel seed (default 2026)")
    p.add_argument("--port", type=int, default=8866, help="port on 127.0.0.1 (default 8866)")
    p.add_argument("--no-serve", action="store_true", help="only create the database")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("serve", help="serve the dashboards with Voila on 127.0.0.1",
                       description="Serve notebooks/ with Voila on 127.0.0.1.")
    _db_arg(p)
    p.add_argument("--port", type=int, default=8866, help="port (default 8866)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("timers", help="list timers still running",
                       description="List every timer still running, e.g. after a kernel died. "
                       "Close one in the chart's Time tab, with the real end time and a reason.")
    _db_arg(p)
    p.set_defaults(func=cmd_timers)

    rep = sub.add_parser("report", help="reports", description="Reports.")
    rsub = rep.add_subparsers(dest="report", metavar="REPORT")
    rsub.required = True
    p = rsub.add_parser("month", help="the month's billing report", description="One row per "
                        "patient with time that month: codes, billable minutes, amount, minutes by "
                        "staff, flags and reasons; then totals.")
    p.add_argument("--month", required=True, help="YYYY-MM")
    _db_arg(p)
    p.add_argument("--format", choices=["table", "csv", "xlsx", "json"], default="table")
    p.add_argument("--out", default=None, help="file to write (default: standard output; "
                   "required for xlsx)")
    p.set_defaults(func=cmd_report_month)

    from .cli_exports import add_export_commands, add_report_commands  # report claims, export fhir

    add_report_commands(rsub)
    add_export_commands(sub)

    imp = sub.add_parser("import", help="import CSV files", description="Import staff, patients "
                         "or time from CSV (formats in docs/import.md). A file with any bad row is "
                         "refused whole; importing the same file twice changes nothing.")
    isub = imp.add_subparsers(dest="kind", metavar="KIND")
    isub.required = True
    for kind in ("staff", "patients", "time"):
        p = isub.add_parser(kind, help=f"import {kind} from a CSV file",
                            description=f"Import {kind} from a CSV file (see docs/import.md).")
        p.add_argument("file", help="CSV file")
        _db_arg(p)
        p.set_defaults(func=cmd_import)

    pan = sub.add_parser("panel", help="simulated patient panels", description="Simulated panels.")
    psub = pan.add_subparsers(dest="panel", metavar="ACTION")
    psub.required = True
    p = psub.add_parser("generate", help="generate a panel into the database",
                        description="Generate a seeded, calibrated panel and load it.")
    p.add_argument("--size", type=int, default=None, help="number of patients")
    p.add_argument("--seed", type=int, default=7, help="seed (same seed, same panel)")
    p.add_argument("--preset", default=None, help="onboarding-12, clinic-500 or stress-10000")
    _db_arg(p)
    p.set_defaults(func=cmd_panel_generate)
    p = psub.add_parser("export", help="write staff.csv and patients.csv in the import format",
                        description="Export the live panel as the import CSV files.")
    p.add_argument("--out", required=True, help="folder to write staff.csv and patients.csv into")
    _db_arg(p)
    p.set_defaults(func=cmd_panel_export)

    sc = sub.add_parser("scenario", help="training scenarios", description="Training scenarios.")
    ssub = sc.add_subparsers(dest="scenario", metavar="ACTION")
    ssub.required = True
    p = ssub.add_parser("list", help="list the scenario library", description="List scenarios.")
    p.set_defaults(func=cmd_scenario_list)
    p = ssub.add_parser("validate", help="validate scenario files",
                        description="Validate a scenario file or a folder of them.")
    p.add_argument("path", help="a .yaml file or a folder")
    p.set_defaults(func=cmd_scenario_validate)

    gb = sub.add_parser("gradebook", help="training gradebook", description="Training gradebook.")
    gsub = gb.add_subparsers(dest="gradebook", metavar="ACTION")
    gsub.required = True
    p = gsub.add_parser("export", help="export the gradebook as CSV", description="Export the "
                        "cohort gradebook as CSV.")
    p.add_argument("--out", required=True, help="CSV file")
    _db_arg(p)
    p.set_defaults(func=cmd_gradebook_export)
    return parser


# ---------------------------------------------------------------------- commands


def _open(args, user: str | None = None):
    from .service import Workbench

    return Workbench.open(args.db, user=user)


def cmd_init(args) -> int:
    from . import records as r

    wb = _open(args)
    cur = wb.settings
    if args.timezone or args.state or args.name:
        wb.set_settings(r.PracticeSettings(name=args.name or cur.name,
                                           timezone=args.timezone or cur.timezone,
                                           state=(args.state or cur.state).upper()))
    print(f"Database ready: {wb.engine.url.render_as_string(hide_password=True)}")
    print(f"Practice: {wb.settings.name}, {wb.settings.state}, time zone {wb.settings.timezone}")
    return 0


def _generate(wb, size: int | None, seed: int, preset: str | None) -> int:
    from simulated_patients import generate_panel

    panel = generate_panel(size, seed, preset=preset, progress=True)
    return wb.load_panel(panel, progress=True)


def cmd_demo(args) -> int:
    wb = _open(args)
    if not wb.patients():
        print(f"Creating the demo panel ({args.size} patients, seed {args.seed}) in {args.db} ...")
        from simulated_patients import generate_panel

        panel = generate_panel(args.size, args.seed, progress=True)
        wb.load_panel(panel, progress=True)
        from .demo import add_demo_activity

        add_demo_activity(wb)
    print(f"Demo database: {args.db} ({len(wb.patients())} patients)")
    if args.no_serve:
        return 0
    return _serve(args.db, args.port)


def cmd_serve(args) -> int:
    _open(args)  # create or migrate before the first kernel starts
    from .store.engine import database_url

    return _serve(database_url(args.db), args.port)


def _serve(db: str, port: int) -> int:
    from .ui import voila_command

    argv, env = voila_command(ROOT / "notebooks", port, db)
    print(f"CCM Workbench: http://127.0.0.1:{port}/voila/render/index.ipynb  (Ctrl+C to stop)", flush=True)
    proc = subprocess.Popen(argv, env={**os.environ, **env})
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        return proc.wait()


def cmd_timers(args) -> int:
    wb = _open(args)
    timers = wb.open_timers()
    if not timers:
        print("No timers running.")
    for t in timers:
        since = t.started_at.astimezone(wb.tz).strftime("%Y-%m-%d %H:%M")
        print(f"timer {t.id}: staff {t.staff_id}, patient {t.patient_id}, {t.activity.value}, "
              f"running since {since}")
    return 0


def cmd_report_month(args) -> int:
    from .reports import write_report

    wb = _open(args)
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
    from . import importer

    if not Path(args.file).is_file():
        raise WorkbenchError(f"No such file: {args.file}")
    wb = _open(args)
    fn = {"staff": importer.import_staff, "patients": importer.import_patients,
          "time": importer.import_time}[args.kind]
    summary = fn(wb, args.file)
    print(summary)
    return 0


def cmd_panel_generate(args) -> int:
    if args.size is None and args.preset is None:
        raise WorkbenchError("Give --size N or --preset NAME.")
    if args.size is not None and args.size <= 0:
        raise WorkbenchError("--size must be a positive number of patients.")
    wb = _open(args)
    n = _generate(wb, args.size, args.seed, args.preset)
    print(f"Loaded {n} patients into {wb.engine.url.render_as_string(hide_password=True)}")
    return 0


def cmd_panel_export(args) -> int:
    from .export.panel_csv import export_panel

    wb = _open(args)
    paths = export_panel(wb, args.out)
    for p in paths:
        print(f"Wrote {p}")
    return 0


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

    wb = _open(args)
    path = export_gradebook(wb, args.out)
    print(f"Wrote the gradebook to {path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args) or 0
    except WorkbenchError as err:
        print(f"workbench: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
