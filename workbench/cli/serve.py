"""``workbench demo`` and ``workbench serve``: build the demo practice, set the demo's clock and
run Voila until a signal stops it. Imports are lazy: ``--help`` loads nothing heavy."""

from __future__ import annotations

import os
import sys
import time
from datetime import date, datetime
from pathlib import Path

from .common import DEMO_TIME_OF_DAY, NOTEBOOKS, open_db, _refuse_inside_notebooks, resolve_db
from ..errors import WorkbenchError


def demo_clock(today: str | None) -> datetime | None:
    """The demo's "now": ``--today`` at :data:`DEMO_TIME_OF_DAY` practice time, else
    ``WORKBENCH_NOW``, else None (the real clock)."""
    from zoneinfo import ZoneInfo

    from ..clock import NOW_ENV, parse_now
    from ..records import PracticeSettings

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
    from ..clock import NOW_ENV, SINCE_ENV

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
        from ..service import Workbench

        n = len(Workbench.open(url).patients())
        print(f"Demo database: {path} ({n} patients; built before, reused: --rebuild to build it again)")
    else:
        from ..clock import SystemClock

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
    from ..store.engine import database_url

    url = database_url(db)
    _refuse_inside_notebooks(url)
    args.db = url  # a database that is missing or too old is named by open_db
    from ..serving.launch import serve

    return serve(args, open_db, lambda db, port, identity: _serve(db, port, identity, _serve_clock_env()),
                 NOTEBOOKS)


def _serve_clock_env() -> dict[str, str]:
    """A clock moved by the environment (WORKBENCH_NOW) stays moved in every kernel, with a warning."""
    from ..clock import NOW_ENV, SINCE_ENV

    env = {}
    if os.environ.get(NOW_ENV):
        print(f"Warning: {NOW_ENV} is set: the clock is moved to {os.environ[NOW_ENV]}.", file=sys.stderr)
        env[SINCE_ENV] = os.environ.get(SINCE_ENV) or repr(time.time())
    return env


def _serve(db: str, port: int, identity: dict[str, str] | None = None,
           extra_env: dict[str, str] | None = None) -> int:
    from ..serving.process import child_environment, run_until_stopped
    from ..serving.voila import voila_command

    argv, env = voila_command(NOTEBOOKS, port, db)
    env.update(identity or {"WORKBENCH_IDENTITY": "demo"})
    print(f"CCM Workbench: http://127.0.0.1:{port}/voila/render/index.ipynb  (Ctrl+C to stop)", flush=True)
    return run_until_stopped(argv, child_environment({**env, **(extra_env or {})}))
