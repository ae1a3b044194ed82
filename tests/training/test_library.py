"""Every library scenario validates; its model path scores full marks and its failing path
triggers its critical criterion (issue 6, Tests)."""

from __future__ import annotations

import pytest

from training.cli import list_scenarios, validate
from training.engine import play_path, start_attempt
from training.grading import grade_attempt
from training.library import SCENARIO_DIR, scenario_paths

from .conftest import TRAINEE

SEED_SITUATIONS = {"checkin-hypertension-arthritis", "transport-screening-financial-strain",
                   "overdose-confusion"}
IDS = [p.stem for p in scenario_paths()]


def test_library_validates():
    assert validate(SCENARIO_DIR) == []


def test_library_has_at_least_15_scenarios_including_the_seeds():
    ids = {s["id"] for s in list_scenarios()}
    assert len(ids) >= 15
    assert SEED_SITUATIONS <= ids


@pytest.mark.parametrize("scenario_id", IDS)
def test_model_path_scores_full_marks(wb, repo, library, scenario_id):
    sc = library[scenario_id]
    attempt = play_path(start_attempt(wb, sc, TRAINEE.id, seed=3, repo=repo), sc.model_path)
    grade = grade_attempt(wb, sc, attempt.record)
    missed = [(r.criterion_id, r.reason) for r in grade.results if not r.met]
    assert missed == []
    assert grade.points == grade.possible > 0
    assert grade.passed
    refused = [ln.text for ln in attempt.transcript if ln.text.startswith("The workbench did not save")]
    assert refused == []


@pytest.mark.parametrize("scenario_id", IDS)
def test_failing_path_triggers_its_critical_criterion(wb, repo, library, scenario_id):
    sc = library[scenario_id]
    attempt = play_path(start_attempt(wb, sc, TRAINEE.id, seed=3, repo=repo), sc.failing_path)
    grade = grade_attempt(wb, sc, attempt.record)
    assert sc.failing_triggers in grade.failed_critical
    assert not grade.result(sc.failing_triggers).met
    assert not grade.passed
