"""Own words: notes judged against every text the trainee was shown, by similarity; content
words; no sentence repeated across notes; typed phrases read word for word. And the lint the
validator runs: criteria no page can meet, labels whose length gives the answer away."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from training import checks_text as txt
from training.checks_model import Check
from training.library import load_library
from training.lint import PAGE_WRITES, decisions, label_warnings, unwritable

LIBRARY = load_library()
FALL = LIBRARY["fall-risk-home"]
SHOWN = txt.shown_texts(FALL)
LABEL = FALL.option("ask-fall-details").label
LINE = FALL.node("details").patient[0]


@pytest.mark.parametrize("note, copied", [
    (LABEL, True),                                             # the label itself
    (LABEL + ". Done.", True),                                 # label + filler
    (LABEL.upper() + "!", True),                               # case and punctuation
    (LINE, True),                                              # the patient's own line
    (FALL.situation, True),                                    # the situation text
    (FALL.situation.replace("10 am", "10:05"), True),          # nearly the situation
    (("Fell yesterday and hit her head on the counter; on apixaban, headache and nausea since. "
      "RN triaged and 911 called with her agreement; daughter on her way."), False),
    ("Asked about the fall: kitchen, yesterday 4 pm, head on the counter, queasy today.", False),
])
def test_a_note_close_to_a_shown_text_is_not_own_words(note, copied):
    assert (txt.copied_from(note, SHOWN, 0.8) is not None) is copied


@given(st.sampled_from(SHOWN), st.sampled_from(["", " Done.", " ok", " Noted.", " Yes."]))
@settings(max_examples=60, deadline=None)
def test_any_shown_text_with_filler_is_a_copy(text, filler):
    assert txt.copied_from(text + filler, SHOWN, 0.8) is not None


@pytest.mark.parametrize("note, n", [
    ("Done. Called. Noted.", 0),
    ("the patient was called and it was fine", 0),
    ("Weight 186 lb, ankles swollen; RN calling today.", 8),  # RN, lb count
])
def test_content_words_leave_out_filler(note, n):
    assert len(txt.content_words(note)) == n


def test_a_sentence_repeated_across_notes_is_found():
    generic = "Step done as per the protocol today."
    assert txt.repeated_sentence([generic, generic]) is not None
    assert txt.repeated_sentence(["RN joined and triaged her now.",
                                  "Daughter Ana called, on her way."]) is None
    # the same sentence inside one note is not "across notes"
    assert txt.repeated_sentence(["Checked the meds. Checked the meds."]) is None


@pytest.mark.parametrize("typed, found", [
    ("Why not take an extra water pill today?", "extra water pill"),
    ("take an EXTRA   water-pill", "extra water pill"),  # case, spaces, hyphens ignored
    ("Double the furosemide.", "double the furosemide"),
    ("I'll ask the nurse to call you", None),
    ("extra waterpill", None),  # word for word, not letters
    ("an extraordinary water pill", None),
])
def test_typed_phrases_are_matched_word_for_word(typed, found):
    assert txt.says(typed, ("extra water pill", "double the furosemide")) == found


# ------------------------------------------------------------------ what the pages can write
def _check(data) -> Check:
    return Check.model_validate(data)


def test_every_library_criterion_can_be_met_in_the_pages():
    for sc in LIBRARY.values():
        for c in sc.criteria:
            assert unwritable(c.check) == [], (sc.id, c.id)


@pytest.mark.parametrize("data, table_change, words", [
    ({"record": {"type": "barrier", "has_action": True}},
     {"barrier": {"domain": None, "status": None}}, "no page sets 'has_action'"),
    ({"record": {"type": "contact", "with_whom": "rheumatology"}},
     {"contact": {"channel": None, "outcome": None}}, "no page sets 'with_whom'"),
    ({"follow_up": {"within_hours": 24}}, {"follow_up": None}, "no page writes a follow up"),
    ({"escalation_steps": {"steps": ["rn_triage"]}},
     {"escalation_step": {"step": frozenset({"ems_called"})}}, "no page records the step"),
    ({"medication": {"name_contains": "x", "change": "stopped"}}, {"medication_change": None},
     "no page writes a medication change"),
])
def test_a_criterion_no_page_can_meet_is_refused(data, table_change, words):
    table = {k: v for k, v in PAGE_WRITES.items()}
    for k, v in table_change.items():
        if v is None:
            table.pop(k)
        else:
            table[k] = v
    problems = unwritable(_check(data), table)
    assert any(words in msg for _, msg in problems), problems
    assert unwritable(_check(data)) == []  # the real pages can


def test_the_validator_refuses_an_unwritable_criterion(tmp_path, monkeypatch):
    from training import lint
    from training.format import parse_file

    src = FALL.source or "training/scenarios/fall-risk-home.yaml"
    path = tmp_path / "fall-risk-home.yaml"
    path.write_text(Path(src).read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.delitem(lint.PAGE_WRITES, "follow_up")
    _, problems = parse_file(path)
    assert any("no page writes a follow up" in p and "rubric.criteria" in p for p in problems)


# ------------------------------------------------------------------ labels
def test_no_library_scenario_lets_length_give_the_answer():
    for sc in LIBRARY.values():
        assert label_warnings(sc) == [], sc.id


def test_the_longest_label_warning_counts_decisions():
    sc = LIBRARY["heart-failure-weight-gain"]
    found = decisions(sc)
    assert found and not any(model for _, _, model in found)
    said = {s.say for s in sc.model_path if s.say}
    longer = {o.id: (o.model_copy(update={"label": o.label + " " + "x" * 200})
                     if o.id in said else o) for o in sc.options}
    rigged = sc.model_copy(update={"options": [longer[o.id] for o in sc.options]})
    ((_, message),) = label_warnings(rigged)
    assert "warning" in message and f"{len(found)} of {len(found)}" in message


def _by_hand(wb, scenario, path):
    """Play a path step by step as a trainee does through the pages or the API (not
    ``play_path``): the attempt is not a scripted one."""
    from training.engine import start_attempt

    from .conftest import TRAINEE

    a = start_attempt(wb, scenario, TRAINEE.id, seed=1)
    for s in path:
        if s.say is not None:
            a.say(s.say)
        elif s.do is not None:
            a.do(s.do)
        elif s.advance is not None:
            a.advance(s.advance)
        elif s.text is not None:
            a.say_text(s.text)
        else:
            a.hang_up()
    a.end()
    return a


def _renoted(path, notes):
    """The path with each chart action's words (note, barrier description and action) replaced
    by the next of ``notes``."""
    from training.model import PathStep

    it = iter(notes)
    out = []
    for s in path:
        if s.do is not None and any(getattr(s.do, k, None) for k in _WORDS):
            do = s.do.model_dump(exclude_none=True)
            s = PathStep.model_validate({"do": {**do, **{k: next(it) for k in _WORDS if do.get(k)}}})
        out.append(s)
    return out


@pytest.mark.parametrize("scenario_id", ["heart-failure-weight-gain", "checkin-hypertension-arthritis"])
def test_notes_copied_from_the_model_path_are_not_credited_and_are_flagged(wb, scenario_id):
    from training.engine import play_path, start_attempt

    from .conftest import TRAINEE

    sc = LIBRARY[scenario_id]
    notes = [r for r in sc.criteria if r.check.note is not None]
    assert notes, "the scenario grades notes"
    # the model path played by its script: full marks, and the grade says it was scripted
    scripted = play_path(start_attempt(wb, sc, TRAINEE.id, seed=1), sc.model_path).grade()
    assert scripted.percent == 100 and scripted.flags[0].startswith("played by a scripted path")
    # the same steps typed by a trainee who copied the model notes from the scenario file
    copied = _by_hand(wb, sc, sc.model_path).grade()
    assert not copied.passed or copied.percent < 100
    for crit in notes:
        res = copied.result(crit.id)
        assert not res.met and "copies the scenario's model note" in res.reason
    assert any("copies the scenario's model note" in f for f in copied.flags)
    # near-verbatim: a word changed and a full stop dropped is still the model's note
    near = [n.replace(".", "", 1).replace(" the ", " a ", 1) + " ok" for n in _model_notes(sc)]
    nearly = _by_hand(wb, sc, _renoted(sc.model_path, near)).grade()
    assert all(not nearly.result(c.id).met for c in notes)


_WORDS = ("note", "description", "action")


def _model_notes(sc):
    return [getattr(s.do, k) for s in sc.model_path if s.do is not None
            for k in _WORDS if getattr(s.do, k, None)]


def test_a_trainees_own_notes_for_the_same_work_are_credited(wb):
    sc = LIBRARY["heart-failure-weight-gain"]
    own = [f"My own words number {i}: weights since Friday taken, puffy ankles, RN to ring him, "
           f"item {i} of the call written down by me" for i in range(len(_model_notes(sc)))]
    grade = _by_hand(wb, sc, _renoted(sc.model_path, own)).grade()
    assert not any("model note" in f for f in grade.flags)
    assert all(grade.result(c.id).met for c in sc.criteria if c.check.note is not None), \
        [grade.result(c.id).reason for c in sc.criteria if c.check.note is not None]
