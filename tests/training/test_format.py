"""Validation errors name the file, the line and the field (issue 6, Scenario format)."""

from __future__ import annotations

import shutil

import pytest

from training.cli import validate
from training.library import SCENARIO_DIR
from training.scenario import ScenarioInvalid, load_scenario

SOURCE = SCENARIO_DIR / "overdose-confusion.yaml"


def _copy_with(tmp_path, old: str, new: str):
    text = SOURCE.read_text()
    assert old in text
    path = tmp_path / "overdose-confusion.yaml"
    path.write_text(text.replace(old, new, 1))
    line = text[: text.index(old)].count("\n") + 1
    return path, line


@pytest.mark.parametrize("old,new,field,words", [
    ("    kind: ask\n    label: Confirm her name", "    kind: chat\n    label: Confirm her name",
     "actions[0].kind", "'chat' is not one of"),
    ("category: escalation", "category: gossip", "category", "'gossip' is not one of"),
    ("      kind: critical\n      points: 20", "      kind: critical\n      points: lots",
     "rubric.criteria[0].points", "should be a number"),
    ("  start: \"2026-11-23T15:00:00-05:00\"", "  start: \"2026-11-23 15:00\"",
     "clock.start", "UTC offset"),
    ("step: rn_triage, note: \"Warm", "step: rn_triaj, note: \"Warm",
     "actions[2].effects[1].step", "'rn_triaj' is not one of"),
    ("    next: with-rn", "    next: nowhere", "actions[2].next", "'nowhere' is not a conversation node"),
    ("failing_triggers: rn-triage", "failing_triggers: no-such", "failing_triggers",
     "not a rubric criterion id"),
])
def test_error_names_file_line_and_field(tmp_path, old, new, field, words):
    path, line = _copy_with(tmp_path, old, new)
    problems = validate(path)
    matching = [p for p in problems if f": {field}: " in p]
    assert matching, problems
    wanted_line = line + old[: old.index(old.strip().split("\n")[0])].count("\n")
    assert any(p.startswith(f"{path}:") for p in matching)
    assert any(words in p for p in matching)
    lines = {int(p.split(":")[1]) for p in matching}
    assert any(abs(n - wanted_line) <= 1 for n in lines), (lines, wanted_line)


def test_unknown_field_and_missing_field(tmp_path):
    path, line = _copy_with(tmp_path, "title: Confused", "titel: Confused")
    problems = validate(path)
    assert f"{path}:{line}: titel: unknown field 'titel'" in " ".join(problems)
    assert any("missing the field 'title'" in p for p in problems)


def test_unknown_action_in_path_names_the_line(tmp_path):
    path, line = _copy_with(tmp_path, "  - ask-what-taken\n  - warm-transfer-rn",
                            "  - ask-what-taken\n  - hug-the-patient")
    problems = validate(path)
    assert any(p.startswith(f"{path}:{line + 1}: model_path[2]:") and "hug-the-patient" in p
               for p in problems), problems


def test_not_yaml_names_the_line(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("id: x\ntitle: [unclosed\nsummary: y\n")
    (problem,) = validate(path)
    assert problem.startswith(f"{path}:") and "not valid YAML" in problem


def test_load_scenario_raises_for_a_bad_file(tmp_path):
    path, _ = _copy_with(tmp_path, "category: escalation", "category: gossip")
    with pytest.raises(ScenarioInvalid) as info:
        load_scenario(path)
    assert "category" in str(info.value) and info.value.problems


def test_id_must_match_file_name(tmp_path):
    path = tmp_path / "other-name.yaml"
    shutil.copy(SOURCE, path)
    assert any(": id: " in p and "file name" in p for p in validate(path))


def test_a_scenario_needs_a_critical_criterion(tmp_path):
    text = SOURCE.read_text().replace("kind: critical", "kind: required")
    path = tmp_path / "overdose-confusion.yaml"
    path.write_text(text)
    assert any("at least one critical criterion" in p for p in validate(path))
