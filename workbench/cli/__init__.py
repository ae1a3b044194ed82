"""The ``workbench`` command. Every subcommand has ``--help``.

    workbench init --db PATH [--practice-phone N] create or migrate a database; set the practice
    workbench demo [--db PATH] [--today DATE]     a demo practice with three months of history, served
    workbench serve [--db URL] [--port N]         serve the dashboards on 127.0.0.1
    workbench timers [--db URL]                   timers still running (e.g. after a kernel died)
    workbench report month --month YYYY-MM        the month's billing report
    workbench report claims --month M --out F     the month's claim lines (CSV/XLSX)
    workbench export fhir|patient-copy            FHIR R4 bundles; a patient's own copy
    workbench import staff|patients|time FILE     bring a team's panel or a trainer's cases
    workbench panel generate|export               simulated panels
    workbench scenario list|validate|schema       training scenarios
    workbench gradebook export --out FILE         the cohort's grades as CSV
    workbench hub init | users sync|reset|remove  the team deployment's Hub accounts
"""
from __future__ import annotations

import argparse
import sys

from .common import DEMO_DB, DEMO_TIME_OF_DAY, as_arg, db_arg, resolve_db
from .data import cmd_import, cmd_panel_export, cmd_panel_generate, cmd_report_month, cmd_timers
from .init import add_init_command
from .serve import cmd_demo, cmd_serve
from .training import cmd_gradebook_export, cmd_scenario_list, cmd_scenario_schema, cmd_scenario_validate


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workbench", description="CCM Workbench: the Chronic Care Management record, its "
        "rules, simulated patients, training and dashboards.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    add_init_command(sub)
    from .hub import add_hub_commands  # workbench hub init | users sync

    add_hub_commands(sub)

    p = sub.add_parser("demo", help="build a demo practice and serve the dashboards",
                       description="Build (once) a SQLite demo practice with a generated panel, "
                       "the two previous calendar months of work and the current month up to "
                       "now, trainees with released attempts; then serve notebooks/ with Voila on "
                       "127.0.0.1 and print the URL. Ctrl+C stops Voila and every kernel.")
    p.add_argument("--db", default=str(DEMO_DB), help=f"SQLite path, relative to the current "
                   f"folder (default: {DEMO_DB})")
    p.add_argument("--today", default=None, metavar="YYYY-MM-DD", help="run the demo's clock from "
                   f"this day at {DEMO_TIME_OF_DAY} (practice time); default: the real clock, or "
                   "WORKBENCH_NOW (ISO date and time with offset)")
    p.add_argument("--rebuild", action="store_true", help="delete the demo database and build it again")
    p.add_argument("--size", type=int, default=60, help="patients in the demo panel (default 60)")
    p.add_argument("--seed", type=int, default=2026, help="panel seed (default 2026)")
    p.add_argument("--port", type=int, default=8866, help="port on 127.0.0.1 (default 8866)")
    p.add_argument("--no-serve", action="store_true", help="only create the database")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("serve", help="serve the dashboards with Voila on 127.0.0.1",
                       description="Serve notebooks/ with Voila on 127.0.0.1 over an existing "
                       "database (a path is made absolute first). Say who signs in: "
                       "--hub (the team deployment, docs/deployment.md), --user ID (one person), "
                       "or --demo-sign-in (a picker without passwords, for demonstrations). "
                       "Ctrl+C or SIGTERM stops Voila and every kernel it started.")
    db_arg(p)
    p.add_argument("--port", type=int, default=8866, help="port (default 8866; under --hub the Hub's "
                   "service URL decides)")
    who = p.add_argument_group("who signs in (choose one)")
    who.add_argument("--hub", action="store_true", help="run as JupyterHub's 'workbench' service: "
                     "every request signed in by the Hub (deploy/jupyterhub_config.py runs this)")
    who.add_argument("--user", default=None, metavar="ID", help="one staff member on this machine")
    who.add_argument("--demo-sign-in", action="store_true", help="the demo's sign-in picker: anyone "
                     "may pick any staff member, no passwords")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("timers", help="list timers still running",
                       description="List every timer still running, e.g. after a kernel died. "
                       "Close one in the chart's Time tab, with the real end time and a reason.")
    db_arg(p)
    p.set_defaults(func=cmd_timers)

    rep = sub.add_parser("report", help="reports", description="Reports.")
    rsub = rep.add_subparsers(dest="report", metavar="REPORT")
    rsub.required = True
    p = rsub.add_parser("month", help="the month's billing report", description="One row per "
                        "patient with time that month: codes, billable minutes, amount, minutes by "
                        "staff, flags and reasons; then totals.")
    p.add_argument("--month", required=True, help="YYYY-MM")
    db_arg(p)
    p.add_argument("--format", choices=["table", "csv", "xlsx", "json"], default="table")
    p.add_argument("--out", default=None, help="file to write (default: standard output; "
                   "required for xlsx)")
    p.set_defaults(func=cmd_report_month)

    from .exports import add_export_commands, add_report_commands  # report claims, export fhir

    add_report_commands(rsub)
    from .enrolment import add_enrolment_commands  # report outreach|programmes, enrol ...

    add_enrolment_commands(sub, rsub)
    add_export_commands(sub)

    imp = sub.add_parser("import", help="import CSV files", description="Import staff, patients "
                         "or time from CSV (formats in docs/import.md). A file with any bad row is "
                         "refused whole; importing the same file twice changes nothing. Say who you are "
                         "with --as STAFF_ID (required on a PostgreSQL database).")
    isub = imp.add_subparsers(dest="kind", metavar="KIND")
    isub.required = True
    for kind in ("staff", "patients", "time"):
        p = isub.add_parser(kind, help=f"import {kind} from a CSV file",
                            description=f"Import {kind} from a CSV file (see docs/import.md).")
        p.add_argument("file", help="CSV file")
        db_arg(p)
        as_arg(p)
        p.add_argument("--update", action="store_true", help="rows already in the record with other "
                       "details are written as corrections (the old row is kept, superseded, with you "
                       "as the author); without it such a file is refused, naming each row and field")
        p.set_defaults(func=cmd_import)
    from .fhir import add_fhir_commands  # import fhir, audit

    add_fhir_commands(isub, sub)

    pan = sub.add_parser("panel", help="simulated patient panels", description="Simulated panels.")
    psub = pan.add_subparsers(dest="panel", metavar="ACTION")
    psub.required = True
    p = psub.add_parser("generate", help="generate a panel into the database",
                        description="Generate a seeded, calibrated panel and load it.")
    p.add_argument("--size", type=int, default=None, help="number of patients")
    p.add_argument("--seed", type=int, default=7, help="seed (same seed, same panel)")
    p.add_argument("--preset", default=None, help="onboarding-12, clinic-500 or stress-10000")
    db_arg(p)
    p.set_defaults(func=cmd_panel_generate)
    p = psub.add_parser("export", help="write staff.csv and patients.csv in the import format",
                        description="Export the live panel as the import CSV files.")
    p.add_argument("--out", required=True, help="folder to write staff.csv and patients.csv into")
    db_arg(p)
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
    p = ssub.add_parser("schema", help="write the scenario JSON Schema for editors",
                        description="Write the JSON Schema of the scenario format (for editors).")
    p.add_argument("--out", required=True, help="JSON file to write")
    p.set_defaults(func=cmd_scenario_schema)

    gb = sub.add_parser("gradebook", help="training gradebook", description="Training gradebook.")
    gsub = gb.add_subparsers(dest="gradebook", metavar="ACTION")
    gsub.required = True
    p = gsub.add_parser("export", help="export the gradebook as CSV", description="Export the "
                        "cohort gradebook as CSV.")
    p.add_argument("--out", required=True, help="CSV file")
    db_arg(p)
    p.set_defaults(func=cmd_gradebook_export)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command behind the error boundary: a sentence for every failure, never a
    traceback (an unexpected one goes, redacted, to the log file the sentence names)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    from ..store.faultlog import route_driver_logs

    route_driver_logs()
    try:
        return args.func(args) or 0
    except KeyboardInterrupt:
        print("workbench: stopped (Ctrl+C).", file=sys.stderr)
        return 130
    except Exception as err:  # noqa: BLE001 - the boundary: every failure becomes a sentence
        from ..service.boundary import sentence  # loaded only now: --help stays fast

        where = _where(getattr(args, "db", None))
        print(f"workbench: {sentence(err, where, context=' '.join(argv or sys.argv[1:2]))}",
              file=sys.stderr)
        return 2


def _where(db) -> str | None:
    """How a message names ``--db`` (a path, or the URL without its password)."""
    try:
        from ..store.database import where
        from ..store.engine import database_url

        return where(database_url(resolve_db(db)))
    except Exception:  # noqa: BLE001 - an unreadable URL: say "the database"
        return None
