"""Competence, not clicking: thoughtless players fail every scenario and every shift.

Strategies pick what to say without reading it (always the first option on screen, always
the last, every option in the order the author wrote them, and 200 random runs); for the
chart they do nothing, or the minimum (start the timer, stop it with "."). None may pass,
and random play may pass at most 5% of runs.
"""

from __future__ import annotations

import os

import pytest

from training.engine import start_attempt
from training.library import load_library
from training.shift_play import start_shift
from training.shifts import load_shifts
from tests.support.thoughtless import play_thoughtless

from .conftest import TRAINEE

LIBRARY = load_library()
SHIFTS = load_shifts(LIBRARY)
RANDOM_RUNS = int(os.environ.get("TRAINING_RANDOM_RUNS", "200"))


@pytest.mark.parametrize("scenario_id", sorted(LIBRARY))
def test_thoughtless_strategies_fail_every_scenario(wb, scenario_id):
    sc = LIBRARY[scenario_id]
    for strategy in ("first", "last", "author-order"):
        for chart in ("nothing", "minimum"):
            grade = play_thoughtless(start_attempt(wb, sc, TRAINEE.id, seed=7), strategy,
                                     chart=chart)
            assert not grade.passed, (strategy, chart, grade.percent)
            assert grade.failed_critical, (strategy, chart)


@pytest.mark.slow
@pytest.mark.parametrize("scenario_id", sorted(LIBRARY))
def test_random_play_passes_at_most_five_percent(wb, scenario_id):
    sc = LIBRARY[scenario_id]
    passes = sum(play_thoughtless(start_attempt(wb, sc, TRAINEE.id, seed=n), "random", seed=n,
                                  chart="minimum").passed for n in range(RANDOM_RUNS))
    assert passes <= 0.05 * RANDOM_RUNS, passes


@pytest.mark.parametrize("shift_id", sorted(SHIFTS))
def test_thoughtless_strategies_fail_every_shift(wb, shift_id):
    for n, strategy in enumerate(("first", "last", "author-order", "random")):
        attempt = start_shift(wb, SHIFTS[shift_id], TRAINEE.id, LIBRARY, seed=n)
        grade = play_thoughtless(attempt, strategy, seed=n)
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
