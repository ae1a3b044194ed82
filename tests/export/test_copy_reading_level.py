"""The patient copy's fixed text reads at about grade 6-8, in plain words (docs/reference.md,
"The patient's copy"). Measured with tests/support/readability.py (Flesch-Kincaid grade for the
English, Fernández Huerta reading ease for the Spanish)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.export import copy_words as cw
from workbench.export.copy_words import plain

from ..support.readability import fernandez_huerta, fk_grade, syllables_en, syllables_es

#: The fixed sentences the copy prints (a table key that ends a sentence), English -> Spanish.
SENTENCES = {k: v for k, v in cw.SPANISH.items() if k.rstrip().endswith((".", "?"))}


@pytest.mark.parametrize("word, n", [("blood", 1), ("care", 1), ("medicine", 3), ("together", 3),
                                     ("hemoglobin", 4), ("people", 2), ("911", 1)])
def test_english_syllables(word, n):
    assert syllables_en(word) == n


@pytest.mark.parametrize("word, n", [("llame", 2), ("medicina", 4), ("día", 2), ("que", 1), ("guía", 2),
                                     ("ahora", 3), ("atención", 3), ("agua", 2), ("equipo", 3)])
def test_spanish_syllables(word, n):
    assert syllables_es(word) == n


def test_the_measure_tells_hard_text_from_easy_text():
    hard = ("Anticoagulated patients experiencing hematuria, melena or uncontrolled hemorrhage, or sustaining "
            "cranial trauma, require immediate evaluation irrespective of symptomatology.")
    assert fk_grade(hard) > 14
    assert fk_grade("Call us if you bleed. Go to the ER if you hit your head.") < 4
    assert fernandez_huerta("Llame si sangra. Vaya a emergencias si se golpea la cabeza.") > 80
    assert fernandez_huerta("Los pacientes anticoagulados con hematuria requieren evaluación "
                            "inmediata independientemente de la sintomatología.") < 40


def test_there_is_enough_fixed_text_to_measure():
    assert len(SENTENCES) >= 20


def test_the_fixed_english_reads_at_grade_8_or_below():
    text = " ".join(SENTENCES)
    assert fk_grade(text) <= 7
    too_hard = {k: round(fk_grade(k), 1) for k in SENTENCES if fk_grade(k) > 8}
    assert too_hard == {}


def test_the_fixed_spanish_is_easy_to_read():
    assert fernandez_huerta(" ".join(SENTENCES.values())) >= 70  # "fairly easy" or easier: about grade 7
    too_hard = {v[:60]: round(fernandez_huerta(v), 1) for v in SENTENCES.values() if fernandez_huerta(v) < 50}
    assert too_hard == {}


@pytest.mark.parametrize("jargon", ["eGFR", "PHQ", "INR", "A1c", "NSAIDs", "<", ">", "dose per", "daily",
                                    "prn", "BID", "mg/dL", "hypoglycemia", "teach-back", "anticoagulant"])
def test_no_clinical_shorthand_in_the_fixed_text(jargon):
    """Shorthand only in parentheses, after the plain words that explain it."""
    unexplained = [k for k in cw.SPANISH if jargon in re.sub(r"\([^)]*\)", "", k)]
    assert unexplained == []


@pytest.mark.parametrize("typed, plain_text", [
    ("PHQ-9 below 10 (PHQ-9 < 10)", "Mood check score (PHQ-9) below 10 (PHQ-9 under 10)"),
    ("Keep eGFR stable", "Keep kidney test result (eGFR) stable"),
    ("once a day (dose per inr)", "once a day (the dose your care team gives you after each INR blood test)"),
    ("Keep INR 2-3", "Keep INR (blood thinner test) 2-3"),
    ("drop <= 5 mL/min/1.73m2", "drop at most 5 points"),
    ("Rescue inhaler >= 2 days", "Rescue inhaler at least 2 days"),
    ("Bring A1c under 8", "Bring A1c (average blood sugar) under 8"),
    ("Walk 20 minutes a day", "Walk 20 minutes a day"),
])
def test_what_the_team_typed_gets_its_jargon_explained(typed, plain_text):
    assert plain(typed) == plain_text


@given(st.text(alphabet=st.sampled_from(list("ab <>=≤≥ 12.PHQ-9eGFRINRA1c")), max_size=40))
def test_plain_words_leave_no_comparison_symbol(typed):
    out = plain(typed)
    assert not set("<>≤≥") & set(out)
    assert out == out.strip() and "  " not in out
