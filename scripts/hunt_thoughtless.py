"""Play many shuffles of the thoughtless strategies against the scenario library and report
every attempt that passes (with its attempt id, to play again) and the best score.

CI plays 20 shuffles of "first" and "last" and 200 random runs per scenario
(tests/training/test_competence.py); this plays as many as you ask for, on a throwaway
SQLite database, to find the gaps a scenario leaves before a trainee does.

    .venv/bin/python scripts/hunt_thoughtless.py --runs 500
    .venv/bin/python scripts/hunt_thoughtless.py after-hours-low-blood-sugar --strategy last --chart blind
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

STRATEGIES = ("first", "last", "random")
CHARTS = ("minimum", "blind")


def main(argv: list[str] | None = None) -> int:
    from tests.support.thoughtless import play_thoughtless
    from training.engine import start_attempt
    from training.library import load_library
    from workbench.records import Credential, Role, User
    from workbench.service import Workbench

    library = load_library()
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("scenarios", nargs="*", help="scenario ids (default: the whole library)")
    ap.add_argument("--strategy", action="append", choices=STRATEGIES,
                    help="a strategy to play (repeatable; default: first, last and random)")
    ap.add_argument("--chart", action="append", choices=CHARTS,
                    help="the chart routine (repeatable; default: minimum and blind)")
    ap.add_argument("--runs", type=int, default=200, help="shuffles per scenario, strategy and chart")
    ap.add_argument("--offset", type=int, default=0,
                    help="the first run number (CI plays 0 to 19; start above to see new shuffles)")
    args = ap.parse_args(argv)
    unknown = sorted(set(args.scenarios) - set(library))
    if unknown:
        ap.error(f"no such scenario: {', '.join(unknown)} (see training/scenarios/)")
    if args.runs < 1:
        ap.error("--runs must be at least 1")

    trainee = User("TR01", "Tara Trainee", Role.TRAINEE, Credential.CMA)
    wb = Workbench.create(Path(tempfile.mkdtemp(prefix="hunt-")) / "hunt.db")
    wb.add_user(trainee)
    found = 0
    for k, sid in enumerate(args.scenarios or sorted(library)):
        for strategy in args.strategy or STRATEGIES:
            for chart in args.chart or CHARTS:
                passes, best = [], 0.0
                for n in range(args.offset, args.offset + args.runs):
                    attempt_id = f"H{k:02X}{strategy[0].upper()}{chart[0].upper()}{n:05X}"
                    attempt = start_attempt(wb, library[sid], trainee.id, seed=n, attempt_id=attempt_id)
                    grade = play_thoughtless(attempt, strategy, seed=n, chart=chart)
                    best = max(best, grade.percent)
                    if grade.passed:
                        passes.append(f"{attempt_id} (seed {n}, {grade.percent}%)")
                print(f"{sid:40} {strategy:7} {chart:8} {len(passes):4}/{args.runs} passed, "
                      f"best {best:5.1f}%", flush=True)
                for p in passes:
                    print(f"    passed: {p}", flush=True)
                found += len(passes)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
