"""Competence, not clicking: thoughtless players fail every scenario and every shift.

Strategies pick what to say without reading it (always the first option on screen, always
the last, every option in the order the author wrote them, always the longest label, and
random runs); for the chart they do nothing, the minimum (start the timer, stop it with "."),
or the scenario-blind routine a gamer learns (consent, a generic goal, PHQ-9 zeros, every step
of a generic escalation, a contact, a barrier, a follow-up in 24 h, a 12-word note). None may
pass, and random play may pass at most 1% of runs per scenario.

Runs: "author-order" and "longest" do not depend on the shuffle or the seed (the pick is by the
file's order or by label length; the chart routine is fixed), so one run of each decides. The
first and the last option of a uniformly shuffled list are uniform random picks, so they are
played over ``TRAINING_SHUFFLE_RUNS`` shuffles (default 20) and random play carries the
statistics: ``TRAINING_RANDOM_RUNS`` (default 200) runs per scenario and chart, marked slow
(about 0.2 s a run with the minimum chart and 0.5 s with the routine on an idle core: 200 runs
of both over 15 scenarios is about 20 minutes). The shuffle follows the attempt id and the seed;
the runs name their attempts, so every run is the same run on every machine, and a failure
names the attempts to play again. ``scripts/hunt_thoughtless.py`` plays many more shuffles
than CI can afford, to find the gaps before a trainee does.
"""

from __future__ import annotations

import os

import pytest

from tests.support.thoughtless import DETERMINISTIC, play_thoughtless
from training.engine import start_attempt
from training.library import load_library
from training.shift_play import start_shift
from training.shifts import load_shifts

from .conftest import TRAINEE

LIBRARY = load_library()
SHIFTS = load_shifts(LIBRARY)
RANDOM_RUNS = int(os.environ.get("TRAINING_RANDOM_RUNS", "200"))
SHUFFLE_RUNS = int(os.environ.get("TRAINING_SHUFFLE_RUNS", "20"))
CHARTS = ("nothing", "minimum", "blind")


def _id(chart: str, n: int) -> str:
    """The attempt id of run n: the options' shuffle follows the attempt id and the seed, so
    a run that passes can be played again (``start_attempt(..., attempt_id=...)``)."""
    return f"{chart[0].upper()}{n:07X}"


def _start(wb, sc, chart: str, n: int):
    return start_attempt(wb, sc, TRAINEE.id, seed=n, attempt_id=_id(chart, n))


@pytest.mark.parametrize("scenario_id", sorted(LIBRARY))
def test_thoughtless_strategies_fail_every_scenario(wb, scenario_id):
    sc = LIBRARY[scenario_id]
    for strategy in ("first", "last", "author-order", "longest"):
        for chart in CHARTS:
            grade = play_thoughtless(start_attempt(wb, sc, TRAINEE.id, seed=7), strategy,
                                     chart=chart)
            assert not grade.passed, (strategy, chart, grade.percent)
            if chart != "blind":  # the routine may meet a critical step; it still fails
                assert grade.failed_critical, (strategy, chart)


@pytest.mark.parametrize("scenario_id", sorted(LIBRARY))
def test_the_longest_label_is_no_guide(wb, scenario_id):
    """Always picking the longest label, with the gamer's chart routine, fails and leaves
    marks on the table: length is not the answer."""
    sc = LIBRARY[scenario_id]
    grade = play_thoughtless(start_attempt(wb, sc, TRAINEE.id, seed=3), "longest", chart="blind")
    assert not grade.passed and grade.percent < sc.pass_percent, grade.percent


@pytest.mark.slow
@pytest.mark.parametrize("strategy", ["first", "last"])
@pytest.mark.parametrize("scenario_id", sorted(LIBRARY))
def test_first_and_last_never_pass_whatever_the_shuffle(wb, scenario_id, strategy):
    sc = LIBRARY[scenario_id]
    assert strategy not in DETERMINISTIC
    for chart in ("minimum", "blind"):
        passed = [_id(chart, n) for n in range(SHUFFLE_RUNS)
                  if play_thoughtless(_start(wb, sc, chart, n), strategy, seed=n,
                                      chart=chart).passed]
        assert not passed, (chart, passed)  # the attempt ids: the shuffles that passed


@pytest.mark.slow
@pytest.mark.parametrize("chart", ["minimum", "blind"])
@pytest.mark.parametrize("scenario_id", sorted(LIBRARY))
def test_random_play_passes_at_most_one_percent(wb, scenario_id, chart):
    sc = LIBRARY[scenario_id]
    passes = [_id(chart, n) for n in range(RANDOM_RUNS)
              if play_thoughtless(_start(wb, sc, chart, n), "random", seed=n, chart=chart).passed]
    assert len(passes) <= 0.01 * RANDOM_RUNS, passes


@pytest.mark.parametrize("shift_id", sorted(SHIFTS))
def test_thoughtless_strategies_fail_every_shift(wb, shift_id):
    for n, strategy in enumerate(("first", "last", "author-order", "random", "longest")):
        attempt = start_shift(wb, SHIFTS[shift_id], TRAINEE.id, LIBRARY, seed=n)
        grade = play_thoughtless(attempt, strategy, seed=n, chart="blind" if n % 2 else "minimum")
        assert not grade.passed and not any(ok for _, _, ok in grade.cases), strategy


def test_a_critical_miss_decides_even_with_high_points(wb):
    """The model path minus one critical step: most points, still not passed, and the
    feedback says a critical criterion decided it."""
    from training.engine import play_path

    sc = LIBRARY["fall-risk-home"]
    path = [s for s in sc.model_path
            if not (s.do is not None and getattr(s.do, "step", None) == "rn_triage")]
    grade = play_path(start_attempt(wb, sc, TRAINEE.id, seed=1), path).grade()
    assert grade.percent >= sc.pass_percent - 25 and not grade.passed
    assert grade.failed_critical == ("same-day-ed",)
    assert "critical" in grade.decided_by and "RN triage and emergency evaluation" in grade.decided_by
