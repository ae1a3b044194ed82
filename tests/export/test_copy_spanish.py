"""The patient copy in Spanish for a Spanish speaker: every fixed string translated, medicine names
and the care team's own words kept as written (docs/reference.md, "The patient's copy")."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from workbench.export import copy_words as cw
from workbench.export import plain_words as pw
from workbench.export.patient_copy import patient_copy, to_html, to_pdf
from workbench.rules import drug_classes

from .test_patient_copy import text_of

ROOT = Path(__file__).resolve().parents[2]


def literal_keys(path: Path) -> set[str]:
    """The string literals a module hands the copy's words: ``t("...")``, ``words("...")``."""
    keys = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("t", "words") \
                and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
            keys.add(node.args[0].value)
    return keys


def english_strings() -> set[str]:
    keys = literal_keys(ROOT / "workbench/export/patient_copy.py") | literal_keys(ROOT / "workbench/export/plain_words.py")
    keys |= set(pw.PLAIN_CONDITIONS.values()) | set(pw.WARNING_SIGNS.values()) | set(pw.ALWAYS_WATCH)
    keys |= set(pw.CARE_GAPS.values()) | {short for _, short in pw._FORMS + pw._WHEN} | {cw.TYPED_NOTE}
    keys |= {c.plain for c in drug_classes.CLASSES} | {c.safety for c in drug_classes.CLASSES if c.safety}
    return keys


def test_every_care_gap_has_plain_words():
    """Each kind rules/care_gaps.py can report (the first argument of ``_periodic``/``CareGap``, or a
    (kind, label) pair it loops over) has a plain name for the patient."""
    tree = ast.parse((ROOT / "workbench/rules/care_gaps.py").read_text())
    kinds = {n.args[0].value for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
             and n.func.id in ("_periodic", "CareGap") and n.args and isinstance(n.args[0], ast.Constant)}
    kinds |= {n.elts[0].value for n in ast.walk(tree) if isinstance(n, ast.Tuple) and len(n.elts) == 2
              and all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in n.elts)
              and n.elts[1].value[:1].isupper()}
    assert {"a1c", "eye_exam", "influenza"} <= kinds
    assert sorted(kinds - set(pw.CARE_GAPS)) == []


def test_the_finder_sees_the_copys_strings():
    keys = english_strings()
    assert "Whom to call" in keys and "Your goals" in keys and "by {month}" in keys
    assert len(keys) > 80


def test_every_english_string_has_a_spanish_one():
    missing = sorted(k for k in english_strings() if k not in cw.SPANISH)
    assert missing == []


@pytest.mark.parametrize("english", sorted(cw.SPANISH))
def test_a_translation_fills_the_same_blanks_and_keeps_every_number(english):
    spanish = cw.SPANISH[english]
    assert spanish.strip() and spanish != english
    assert sorted(cw.PLACEHOLDER.findall(spanish)) == sorted(cw.PLACEHOLDER.findall(english))
    for number in re.findall(r"\d+(?:/\d+)?", english):
        assert number in spanish, number  # 911, 988, 70, 180/120, 15 grams ... say the same thing


@pytest.mark.parametrize("language, spanish", [
    ("Spanish", True), ("spanish", True), (" Español ", True), ("es", True), ("es-MX", True), ("spa", True),
    ("Spanish; English", True), ("English", False), ("", False), (None, False), ("Estonian", False),
    ("Portuguese", False),
])
def test_which_patients_get_spanish(language, spanish):
    assert cw.is_spanish(language) is spanish


def test_a_spanish_speaker_gets_the_copy_in_spanish(spanish_copy):
    copy = spanish_copy()
    page = to_html(copy)
    words = text_of(page)
    assert "<html lang='es'>" in page
    assert [s.title for s in copy.sections] == ["Lo que usted hace", "A qué estar atento y cuándo llamar",
                                                "Lo que su equipo de atención hace por usted", "Sus alergias",
                                                "Sus problemas de salud", "Sus medicinas", "Sus metas"]
    sections = {s.title: s.items for s in copy.sections}
    # medicine names as written; the form and a plain schedule in Spanish; a typed schedule quoted
    assert sections["Sus medicinas"] == ("Warfarin (tableta): 5 mg, «once a day (dose per inr)»",
                                         "Lisinopril (tableta): 10 mg, una vez al día")
    assert sections["Sus alergias"] == ("«penicillin: hives»",)
    assert sections["Sus metas"] == ("«Keep INR 2-3» (para junio de 2027)",)
    assert sections["Lo que usted hace"][0] == "«Check your blood pressure each morning» (todos los días)"
    watch = sections["A qué estar atento y cuándo llamar"]
    assert "se golpea la cabeza" in watch[0] and "Presión alta" in sections["Sus problemas de salud"]
    calls = dict(copy.calls)
    assert calls["De día o de noche, 24/7 (alguien de su equipo de atención que puede ver este plan)"] \
        == "(518) 555-0199"
    assert "A quién llamar" in words and cw.SPANISH[cw.TYPED_NOTE] in words
    assert words.index("A quién llamar") < words.index("Lo que usted hace")
    assert "fecha de nacimiento" in words and "impreso el 10 de noviembre de 2026" in words
    # no fixed English sentence is left (the team's words are quoted and may be English)
    unquoted = re.sub(r"«[^»]*»", "", words)
    left = [k for k in cw.SPANISH if len(k) > 12 and "{" not in k and k in unquoted]
    assert left == []


def test_the_spanish_pdf_has_the_numbers_on_page_1(spanish_copy, tmp_path):
    path = tmp_path / "c.pdf"
    path.write_bytes(to_pdf(spanish_copy(language="es")))
    first = re.sub(r"\s+", " ", PdfReader(path).pages[0].extract_text())
    assert "Su plan de cuidado" in first and "A quién llamar" in first
    assert "(518) 555-0199" in first and "988" in first and "llame al 911" in first


def test_an_english_speaker_and_an_override(copy_wb):
    assert patient_copy(copy_wb, "P00001").sections[0].title == "What you do"
    assert patient_copy(copy_wb, "P00001", language="Spanish").sections[0].title == "Lo que usted hace"


def test_the_command_prints_a_spanish_speakers_copy_in_spanish_or_as_asked(spanish_copy, db_url, tmp_path):
    from workbench.cli import main

    spanish_copy()  # P00030 speaks Spanish
    assert main(["export", "patient-copy", "--patient", "P00030", "--out", str(tmp_path / "es"), "--db", db_url]) == 0
    assert "<html lang='es'>" in (tmp_path / "es" / "P00030.html").read_text(encoding="utf-8")
    assert main(["export", "patient-copy", "--patient", "P00030", "--language", "English", "--out",
                 str(tmp_path / "en"), "--db", db_url]) == 0
    page = (tmp_path / "en" / "P00030.html").read_text(encoding="utf-8")
    assert "<html lang='en'>" in page and "Whom to call" in page
