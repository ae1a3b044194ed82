"""No "avoid X" above X: a care plan that says to stay away from a class of medicine never sits,
unanswered, above a medicine of that class in the patient's copy (docs/reference.md, "The
patient's copy"; rules/drug_classes.py)."""

from __future__ import annotations

import dataclasses
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench import records as r
from workbench.export.patient_copy import patient_copy, to_html
from workbench.rules.drug_classes import CLASSES, contradictions

ASK = {"en": "Ask your doctor before your next dose", "es": "Pregunte a su médico antes de la próxima dosis"}
ASK_TOP = {"en": "Ask your doctor about", "es": "Pregunte a su médico por"}


def rendered_items(html: str) -> list[str]:
    """Every list item of the page after the whom-to-call list, in print order, as the patient reads it."""
    import html as h

    body = html.split("</ul>", 1)[1]  # the first list is whom to call
    return [h.unescape(re.sub(r"<[^>]+>", "", x)) for x in re.findall(r"<li>(.*?)</li>", body)]


def silent_avoids(items: list[str], medicine: str, shown_as: str, lang: str) -> list[str]:
    """The advice lines above the medicine's own line that say to avoid its class, when neither the
    medicine's line nor an earlier line tells the patient to ask the doctor about it."""
    j = next(i for i, x in enumerate(items) if x.startswith(shown_as))
    above = [x for x in items[:j] if not x.startswith(ASK_TOP[lang])]
    advice = [a for a, _, _ in contradictions(above, [medicine])]
    if not advice:
        return []
    first = min(items.index(a) for a in advice)
    warned_first = any(x.startswith(f"{ASK_TOP[lang]} {shown_as}") for x in items[:first])
    return [] if ASK[lang] in items[j] and warned_first else advice


CASES = [  # (advice, who does it, medicine, how the list shows it, flagged)
    ("Remind about kidney labs and avoiding NSAIDs", "care manager", "naproxen 500 MG Oral Tablet",
     "Naproxen", True),
    ("Avoid ibuprofen and other pain pills like it", "patient", "ibuprofen 400 MG Oral Tablet", "Ibuprofen", True),
    ("Do not take NSAIDs for your knee pain", "patient", "meloxicam 15 MG Oral Tablet", "Meloxicam", True),
    ("Stop anti-inflammatory pills; use acetaminophen", "", "diclofenac sodium 75 MG Delayed Release Oral Tablet",
     "Diclofenac", True),
    ("Avoid salt and canned soup", "patient", "ibuprofen 400 MG Oral Tablet", "Ibuprofen", False),
    ("Take NSAIDs only with food", "patient", "naproxen 500 MG Oral Tablet", "Naproxen", False),
]


@pytest.mark.parametrize("language", ["English", "Spanish"])
@pytest.mark.parametrize("advice, who, medicine, shown_as, flagged", CASES)
def test_no_avoid_x_above_x_without_a_word(copy_wb, make_bundle, language, advice, who, medicine, shown_as,
                                           flagged):
    bundle = make_bundle("P00040")
    bundle.patient = dataclasses.replace(bundle.patient, language=language)
    bundle.medications = [r.Medication(medicine, "", "1 tablet", "twice daily"),
                          r.Medication("lisinopril 10 MG Oral Tablet", "314076", "10 mg", "once daily")]
    copy_wb.as_user("S004").add_patient(bundle)
    copy_wb.revise_care_plan("P00040", r.CarePlan(problem_list="N18.4", interventions=(
        r.Intervention(advice, who, "every 3 months"),)), 0, "plan")
    lang = "es" if language == "Spanish" else "en"
    items = rendered_items(to_html(patient_copy(copy_wb, "P00040")))
    line = next(x for x in items if x.startswith(shown_as))
    assert (ASK[lang] in line) is flagged
    assert any(x.startswith(f"{ASK_TOP[lang]} {shown_as}") for x in items) is flagged
    assert silent_avoids(items, medicine, shown_as, lang) == []
    lisinopril = next(x for x in items if x.startswith("Lisinopril"))
    assert ASK[lang] not in lisinopril  # only the class the plan names


def test_the_check_sees_a_silent_avoid():
    items = ["Avoid NSAIDs (every 3 months)", "Naproxen tablet: 500 mg, twice a day"]
    assert silent_avoids(items, "naproxen 500 MG Oral Tablet", "Naproxen", "en") == ["Avoid NSAIDs (every 3 months)"]
    items = ["Ask your doctor about Naproxen tablet. Your care plan says ...", *items]
    items[-1] += ". Ask your doctor before your next dose: ..."
    assert silent_avoids(items, "naproxen 500 MG Oral Tablet", "Naproxen", "en") == []


_AVOIDED = [c for c in CLASSES if c.avoid_words]


@given(cls=st.sampled_from(_AVOIDED), data=st.data())
def test_any_avoid_wording_of_a_class_meets_every_medicine_of_it(cls, data):
    verb = data.draw(st.sampled_from(["Avoid", "avoid", "Do not take", "Stop", "No more", "don't take"]))
    word = data.draw(st.sampled_from(cls.avoid_words))
    ingredient = data.draw(st.sampled_from(cls.ingredients))
    dose = data.draw(st.sampled_from(["", " 200 MG Oral Tablet", " 15 MG Oral Capsule"]))
    advice = f"{verb} {word}s for pain"
    med = ingredient.upper() if data.draw(st.booleans()) else ingredient
    found = contradictions([advice], [med + dose])
    assert [(a, m, c.key) for a, m, c in found] == [(advice, med + dose, cls.key)]
    assert contradictions([f"Take {word}s with food"], [med + dose]) == []
