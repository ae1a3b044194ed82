"""The scenario format: pydantic models with file:line: field: messages, cross-references,
duplicate keys, and a validator that plays the model and failing paths."""

from __future__ import annotations

import json

import pytest

from training.cli import validate, write_schema
from training.format import parse_file
from training.library import SCENARIO_DIR
from training.scenario import ScenarioInvalid, load_scenario
from training.validation import validate_file

SOURCE = SCENARIO_DIR / "overdose-confusion.yaml"


def _copy_with(tmp_path, old: str, new: str):
    text = SOURCE.read_text()
    assert old in text, old
    path = tmp_path / "overdose-confusion.yaml"
    path.write_text(text.replace(old, new, 1))
    line = text[: text.index(old)].count("\n") + 1
    return path, line


@pytest.mark.parametrize("old,new,field,words", [
    ("category: escalation", "category: gossip", "category", "Input should be"),
    ("      kind: critical\n      points: 20", "      kind: critical\n      points: lots",
     "rubric.criteria[0].points", "valid number"),
    ("  start: \"2026-11-16T15:00:00-05:00\"", "  start: \"2026-11-16T15:00:00\"",
     "clock.start", "time zone"),
    ("step: rn_triage, note: \"Warm", "step: rn_triaj, note: \"Warm",
     "model_path[5].do.step", "Input should be"),
    ("    next: with-rn", "    next: nowhere", "options[5].next", "'nowhere' is not a conversation node"),
    ("failing_triggers: rn-triage", "failing_triggers: no-such", "failing_triggers",
     "not a criterion id"),
    ("failing_triggers: rn-triage", "failing_triggers: poison", "failing_triggers",
     "not a critical criterion"),
    ("  - do: {type: start_timer, activity: patient_call}",
     "  - do: {type: start_timer, activity: patient_call}\n    say: identify",
     "model_path[0]", "exactly one of"),
    ("      options: [ask-permission-ems, reassure-ems, poison-control, end-now]",
     "      options: [reassure-ems, poison-control]", "conversation.nodes[2].options",
     "at least 3 plausible options"),
    ("    label: Ask what she took, how many and when",
     "    label: Ask what she took, because an overdose is likely", "options[4].label",
     "gives the answer away"),
    ("    - id: poison\n", "    - id: poison\n      colour: red\n", "rubric.criteria[8].colour",
     "Extra inputs"),
])
def test_error_names_file_line_and_field(tmp_path, old, new, field, words):
    path, line = _copy_with(tmp_path, old, new)
    _, problems = parse_file(path)
    hits = [p for p in problems if f": {field}: " in p and words in p]
    assert hits, problems
    assert any(h.startswith(f"{path}:") for h in hits)
    assert any(f":{line}:" in h or f":{line + 1}:" in h for h in hits), (hits, line)
    with pytest.raises(ScenarioInvalid):
        load_scenario(path)


def test_duplicate_keys_are_refused(tmp_path):
    path, line = _copy_with(tmp_path, "    label: Ask what she took, how many and when\n",
                            "    label: Ask what she took, how many and when\n    label: Twice\n")
    _, problems = parse_file(path)
    assert any(f":{line + 1}: options[4].label: the key 'label' is given twice" in p
               for p in problems), problems


def test_list_valued_note_contains_is_read_as_any_of():
    sc = load_scenario(SOURCE)
    crit = next(c for c in sc.criteria if c.id == "implied-consent")
    assert crit.check.require == {"patient_consent": False,
                                  "note_contains": ["unable", "cannot", "could not", "confused",
                                                    "implied"]}


def test_version_1_files_are_refused_with_a_pointer(tmp_path):
    path = tmp_path / "old.yaml"
    path.write_text("schema_version: 1\nid: old\n")
    (problem,) = parse_file(path)[1]
    assert "schema_version" in problem and "docs/scenarios.md" in problem


def test_validator_plays_the_paths_and_reports_a_step_that_cannot_be_played(tmp_path):
    # the model path records a step on an escalation it never opened: refused, with its line
    path, line = _copy_with(
        tmp_path, "  - do: {type: open_escalation, ref: od, severity: emergent, reason: \"Slurred "
        "speech and confusion; says she took about four zolpidem about an hour ago\"}\n", "")
    problems = validate_file(path)
    assert any("model_path[4]: this step cannot be played: Open an escalation" in p
               for p in problems), problems
    assert not any("Stop it before starting another" in p for p in problems), problems


def test_validator_says_when_the_model_path_misses_marks_or_the_failing_path_passes(tmp_path):
    path, _ = _copy_with(tmp_path, "  - do: {type: schedule_follow_up, due_in_hours: 20",
                         "  - do: {type: schedule_follow_up, due_in_hours: 40")
    assert any("model path misses 'follow-up'" in p for p in validate_file(path))
    text = SOURCE.read_text()
    failing = text[text.index("failing_path:"):text.index("failing_triggers:")]
    model = text[text.index("model_path:"):text.index("failing_path:")]
    path.write_text(text.replace(failing, "failing_path:" + model.removeprefix("model_path:")))
    assert any("the failing path passes" in p for p in validate_file(path))


def test_library_and_shifts_validate_by_playing():
    assert validate() == []
    assert validate(SCENARIO_DIR.parent / "shifts") == []


def test_json_schema_for_editors(tmp_path):
    schema = json.loads(write_schema(tmp_path / "scenario.schema.json").read_text())
    assert schema["properties"]["schema_version"]["const"] == 2
    assert "source" not in schema["properties"]
    assert "options" in schema["required"] and "model_path" in schema["required"]
