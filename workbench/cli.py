"""The ``workbench`` command. Every subcommand has ``--help``.

    workbench init --db PATH                      create or migrate a database
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
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date, datetime
from pathlib import Path

from .errors import WorkbenchError

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
DEMO_DB = Path("data") / "demo.db"
#: the demo's clock on ``--today DATE``: that day at this time in the practice's time zone
DEMO_TIME_OF_DAY = "11:00"


def resolve_db(db: str | os.PathLike | None) -> str | None:
    """``--db`` or ``WORKBENCH_DB`` as given to every kernel: a URL is kept as it is; a file
    path becomes absolute here, from the folder the command runs in (a kernel runs inside
    notebooks/, so a relative path would name another, empty database there)."""
    db = db if db is not None else os.environ.get("WORKBENCH_DB") or None
    if db is None:
        return None
    text = str(db)
    if "://" in text:
        if text.startswith("sqlite:///") and not text.startswith("sqlite:////"):
            return "sqlite:///" + str(Path(text[len("sqlite:///"):]).expanduser().resolve())
        return text
    return str(Path(text).expanduser().resolve())


def _sqlite_file(db: str) -> Path | None:
    if "://" not in db:
        return Path(db)
    if db.startswith("sqlite:///"):
        return Path(db[len("sqlite:///"):])
    return None


def _refuse_inside_notebooks(db: str) -> None:
    path = _sqlite_file(db)
    if path is not None and path.resolve().is_relative_to(NOTEBOOKS.resolve()):
        raise WorkbenchError(f"The database {path} would be inside {NOTEBOOKS}, the folder Voila "
                             "serves: give a path outside it with --db (e.g. data/demo.db).")


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
    p.add_argument("--roles", action="store_true", help="PostgreSQL: also create the app role "
                   "ccm_app (SELECT, INSERT; UPDATE on users/settings) and ccm_readonly (SELECT)")
    p.set_defaults(func=cmd_init)

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
    _db_arg(p)
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
    _db_arg(p)
    p.set_defaults(func=cmd_gradebook_export)
    return parser


# ---------------------------------------------------------------------- commands


def _open(args, user: str | None = None):
    from .service import Workbench

    return Workbench.open(resolve_db(args.db), user=user)


def _create(args):
    from .service import Workbench

    return Workbench.create(resolve_db(args.db))  # migrations run here, once, never in a kernel


def cmd_init(args) -> int:
    from . import records as r

    wb = _create(args)
    if getattr(args, "roles", False):
        from .store.roles import APP_ROLE, READONLY_ROLE, create_roles

        create_roles(wb.engine)
        print(f"Roles ready: {APP_ROLE} (the app), {READONLY_ROLE} (worksheets)")
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


def demo_clock(today: str | None) -> datetime | None:
    """The demo's "now": ``--today`` at :data:`DEMO_TIME_OF_DAY` practice time, else
    ``WORKBENCH_NOW``, else None (the real clock)."""
    from zoneinfo import ZoneInfo

    from .clock import NOW_ENV, parse_now
    from .records import PracticeSettings

    if today:
        try:
            day = date.fromisoformat(today)
        except ValueError:
            raise WorkbenchError(f"--today {today!r} is not a date (YYYY-MM-DD).") from None
        hh, mm = (int(x) for x in DEMO_TIME_OF_DAY.split(":"))
        return datetime(day.year, day.month, day.day, hh, mm, tzinfo=ZoneInfo(PracticeSettings().timezone))
    if os.environ.get(NOW_ENV):
        try:
            return parse_now(os.environ[NOW_ENV])
        except ValueError as err:
            raise WorkbenchError(str(err)) from None
    return None


def _clock_env(now: datetime | None) -> dict[str, str]:
    """The environment that gives every kernel the same demo clock."""
    from .clock import NOW_ENV, SINCE_ENV

    if now is None:
        return {}
    return {NOW_ENV: now.isoformat(), SINCE_ENV: repr(time.time())}


def cmd_demo(args) -> int:
    db = resolve_db(args.db)
    _refuse_inside_notebooks(db)
    path = Path(db)
    now = demo_clock(args.today)
    env = _clock_env(now)
    if args.rebuild and path.exists():
        for extra in (path, Path(f"{db}-wal"), Path(f"{db}-shm")):
            extra.unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    if path.exists():
        from .service import Workbench

        n = len(Workbench.open(url).patients())
        print(f"Demo database: {path} ({n} patients; built before, reused: --rebuild to build it again)")
    else:
        from .clock import SystemClock

        path.parent.mkdir(parents=True, exist_ok=True)
        when = now or SystemClock().now()
        print(f"Building the demo practice ({args.size} patients, seed {args.seed}) in {path}, "
              f"history up to {when.isoformat(timespec='minutes')} ...", flush=True)
        from simulated_patients.practice import build_demo_database

        try:
            wb, summary = build_demo_database(url, args.size, args.seed, when, progress=True)
            from training.demo import add_training_cohort

            summary.update(add_training_cohort(wb, when))
        except BaseException:
            for extra in (path, Path(f"{db}-wal"), Path(f"{db}-shm")):
                extra.unlink(missing_ok=True)  # nothing half-built is reused next time
            raise
        print("Written: " + ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in sorted(summary.items())))
        print(f"Demo database: {path} ({len(wb.patients())} patients)")
    if args.no_serve:
        return 0
    return _serve(url, args.port, None, env)


def cmd_serve(args) -> int:
    db = resolve_db(args.db)
    from .store.engine import database_url

    url = database_url(db)
    _refuse_inside_notebooks(url)
    args.db = url  # a database that is missing or too old is named by _open
    from .serve_identity import serve

    return serve(args, _open, lambda db, port, identity: _serve(db, port, identity, _serve_clock_env()))


def _serve_clock_env() -> dict[str, str]:
    """A clock moved by the environment (WORKBENCH_NOW) stays moved in every kernel, with a warning."""
    from .clock import NOW_ENV, SINCE_ENV

    env = {}
    if os.environ.get(NOW_ENV):
        print(f"Warning: {NOW_ENV} is set: the clock is moved to {os.environ[NOW_ENV]}.", file=sys.stderr)
        env[SINCE_ENV] = os.environ.get(SINCE_ENV) or repr(time.time())
    return env


def _serve(db: str, port: int, identity: dict[str, str] | None = None,
           extra_env: dict[str, str] | None = None) -> int:
    from .process import child_environment, run_until_stopped
    from .ui import voila_command

    argv, env = voila_command(NOTEBOOKS, port, db)
    env.update(identity or {"WORKBENCH_IDENTITY": "demo"})
    print(f"CCM Workbench: http://127.0.0.1:{port}/voila/render/index.ipynb  (Ctrl+C to stop)", flush=True)
    return run_until_stopped(argv, child_environment({**env, **(extra_env or {})}))


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
