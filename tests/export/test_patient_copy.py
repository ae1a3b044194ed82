"""The patient's copy in plain words (docs/reference.md, "The patient's copy"): HTML and PDF."""

from __future__ import annotations

import re
from datetime import date

import pytest
from pypdf import PdfReader

from workbench import records as r
from workbench.cli import main
from workbench.export import plain_words as pw
from workbench.export.copy_words import words_for
from workbench.export.patient_copy import patient_copy, to_html, to_pdf, write_patient_copy

ALL_TOLD = dict.fromkeys(r.CONSENT_DISCLOSURES, True)
EVIL = "<script>alert(1)</script>"
ICD10 = re.compile(r"\b[A-TV-Z]\d{2}\.\d{1,4}\b|\bI10\b|\bE11\b")


def text_of(html: str) -> str:
    import html as h

    return h.unescape(re.sub(r"<[^>]+>", " ", html.split("</style>", 1)[1]))


def test_plain_words_and_sections(copy_wb) -> None:
    copy = patient_copy(copy_wb, "P00001")
    titles = [s.title for s in copy.sections]
    assert titles == ["What you do", "What to watch for, and when to call", "What your care team does for you",
                      "Your allergies", "Your health conditions", "Your medicines", "Your goals"]
    sections = {s.title: s.items for s in copy.sections}
    assert sections["Your health conditions"] == ("High blood pressure", "Diabetes (high blood sugar)")
    assert sections["Your medicines"] == ("Lisinopril: 10 mg, every day",)
    assert sections["Your goals"] == ("Bring A1c (average blood sugar) under 8 (by May 2027)",)
    todo = sections["What you do"]
    assert todo[0] == "Check your blood pressure each morning and write it down (every day)"
    assert "We set this up: Van ride booked for Dec 4" in sections["What your care team does for you"]
    assert sections["Your allergies"] == ("No allergies on record. Tell us if you have any.",)
    watch = sections["What to watch for, and when to call"]
    assert any("180/120" in x for x in watch) and any("below 70" in x for x in watch)
    assert any("BE FAST" in x for x in watch)


def test_whom_to_call_names_the_care_team_and_the_24_7_line(copy_wb) -> None:
    calls = dict(patient_copy(copy_wb, "P00001").calls)
    # sample patients have S001 (Rita Nurse, no direct line) as care-team member: the practice line is given
    assert calls["Your care manager, Rita Nurse"] == "(518) 555-0100"
    assert calls["Your doctor, Dr. Maya Doctor"] == "(518) 555-0100"
    assert calls["Day or night, 24/7 (someone on your care team who can see this plan)"] == "(518) 555-0199"
    assert calls["Thoughts of suicide, or a mental health crisis"] == "call or text 988"
    assert calls["An emergency"] == "call 911"


def test_care_team_member_direct_phone(copy_wb, make_bundle) -> None:
    bundle = make_bundle("P00005")
    import dataclasses

    bundle.patient = dataclasses.replace(bundle.patient, care_team_member_id="S010")
    copy_wb.as_user("S004").add_patient(bundle)
    calls = dict(patient_copy(copy_wb, "P00005").calls)
    assert calls["Your care manager, Nora Nurse"] == "(518) 555-0142"


@pytest.mark.parametrize("phone, after_hours, missing", [
    ("", "", "the practice's phone number and its 24/7 line"),
    ("(518) 555-0100", "", "its 24/7 line"),
    ("", "(518) 555-0199", "the practice's phone number"),
    ("  ", "(518) 555-0199", "the practice's phone number"),
])
def test_printing_without_the_numbers_is_refused_saying_where_to_set_them(wb, tmp_path, phone, after_hours,
                                                                          missing) -> None:
    from workbench.errors import InvalidInput

    wb.as_user("S004").set_settings(r.PracticeSettings(name="Main Street Practice", phone=phone,
                                                       after_hours_phone=after_hours))
    with pytest.raises(InvalidInput) as err:
        write_patient_copy(wb.as_user("S001"), "P00001", tmp_path / "out")
    assert f"without {missing}:" in str(err.value) and "--after-hours-phone" in str(err.value)
    assert not (tmp_path / "out").exists()  # nothing written


def test_html_has_no_codes_escapes_and_prints(copy_wb, make_bundle) -> None:
    import dataclasses

    bundle = make_bundle("P00006", first_name=EVIL)
    bundle.medications = [r.Medication("levothyroxine sodium 0.075 MG Oral Tablet", "966222", "75 mcg",
                                       "once daily before breakfast", "E03.9")]
    bundle.patient = dataclasses.replace(bundle.patient)
    copy_wb.as_user("S004").add_patient(bundle)
    page = to_html(patient_copy(copy_wb, "P00006"))
    assert page.startswith("<!DOCTYPE html>") and "@media print" in page
    assert EVIL not in page and "&lt;script&gt;" in page
    assert "http" not in page  # no external assets
    words = text_of(page)
    assert not ICD10.search(words), ICD10.search(words)
    assert "966222" not in words and "MG Oral Tablet" not in words  # no RxNorm codes or strings
    assert "Levothyroxine tablet: 75 mcg, once a day before breakfast" in words
    assert words.index("Whom to call") < words.index("What you do") < words.index("What to watch for")


def test_pdf_has_the_same_words(copy_wb, tmp_path) -> None:
    copy = patient_copy(copy_wb, "P00001")
    data = to_pdf(copy)
    assert data.startswith(b"%PDF-")
    path = tmp_path / "c.pdf"
    path.write_bytes(data)
    text = " ".join(page.extract_text() for page in PdfReader(path).pages)
    flat = re.sub(r"\s+", " ", text)
    first_page = re.sub(r"\s+", " ", PdfReader(path).pages[0].extract_text())
    assert "(518) 555-0199" in first_page and "call or text 988" in first_page  # numbers on page 1
    for needle in ("Your care plan", "What you do", "What to watch for", "Whom to call", "(518) 555-0199",
                   "High blood pressure", "Lisinopril: 10 mg, every day", "call or text 988"):
        assert needle in flat, needle
    assert not ICD10.search(flat)


def test_cli_writes_both_files(copy_wb, db_url, tmp_path) -> None:
    assert main(["export", "patient-copy", "--patient", "P00001", "--out", str(tmp_path / "out"),
                 "--db", db_url]) == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["P00001.html", "P00001.pdf"]
    assert main(["export", "patient-copy", "--patient", "P09999", "--out", str(tmp_path / "none"),
                 "--db", db_url]) == 2
    assert not (tmp_path / "none").exists()


def test_write_patient_copy_paths(copy_wb, tmp_path) -> None:
    html, pdf = write_patient_copy(copy_wb, "P00001", tmp_path)
    assert html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>") and pdf.read_bytes()[:5] == b"%PDF-"


@pytest.mark.parametrize("name, plain", [
    ("simvastatin 20 MG Oral Tablet", "Simvastatin tablet"),
    ("levothyroxine sodium 0.075 MG Oral Tablet", "Levothyroxine tablet"),
    ("latanoprost 0.05 MG/ML Ophthalmic Solution", "Latanoprost eye drops"),
    ("tamsulosin hydrochloride 0.4 MG Oral Capsule", "Tamsulosin capsule"),
    ("metformin", "Metformin"),
])
def test_medicine_names(name, plain) -> None:
    assert pw.medicine_name(r.Medication(name)) == plain


@pytest.mark.parametrize("frequency, plain", [
    ("once daily", "once a day"), ("twice daily", "twice a day"), ("BID", "twice a day"),
    ("every 6 hours as needed", "every 6 hours when needed"), ("at bedtime", "at bedtime"),
])
def test_medicine_when(frequency, plain) -> None:
    assert pw.medicine_when(frequency) == plain


@pytest.mark.parametrize("code, display, plain", [
    ("I50.9", "Heart failure, unspecified", "Heart failure (weak heart pump)"),
    ("N18.30", "Chronic kidney disease, stage 3 unspecified", "Kidney disease"),
    ("F41.1", "Generalized anxiety disorder", "Generalized anxiety disorder"),
    ("Z99.89", "", "A health problem your care team is following"),
])
def test_condition_names_have_no_codes(code, display, plain) -> None:
    assert pw.condition_name(r.Condition(code, display)) == plain


def _patient_with(copy_wb, make_bundle, pid, meds, interventions=(), goals=(), allergies=()):
    bundle = make_bundle(pid)
    bundle.medications = list(meds)
    bundle.allergies = list(allergies)
    copy_wb.as_user("S004").add_patient(bundle)
    copy_wb.revise_care_plan(pid, r.CarePlan(problem_list="N18.4", goals=tuple(goals),
                                             interventions=tuple(interventions)), 0, "plan")
    return {s.title: s.items for s in patient_copy(copy_wb, pid).sections}


def test_advice_to_avoid_a_class_never_sits_silently_above_a_medicine_of_it(copy_wb, make_bundle) -> None:
    s = _patient_with(copy_wb, make_bundle, "P00020",
                      [r.Medication("naproxen 500 MG Oral Tablet", "198013", "500 mg", "twice daily")],
                      [r.Intervention("Remind about kidney labs and avoiding NSAIDs", "care manager",
                                      "every 6 months")])
    (med,) = s["Your medicines"]
    assert med.startswith("Naproxen tablet: 500 mg") and "Ask your doctor before your next dose" in med
    assert any(x.startswith("Ask your doctor about Naproxen tablet") for x in s["What you do"])
    # the advice and the medicine are never both silent: the line in the list says to ask first
    assert s["What you do"].index(next(x for x in s["What you do"] if "Naproxen" in x)) == 0
    # the staff reminder is the care team's job, not the patient's to-do list
    assert not any("NSAID" in x for x in s["What you do"] if not x.startswith("Ask your doctor"))


def test_blood_thinner_safety_allergies_and_current_goals_only(copy_wb, make_bundle) -> None:
    s = _patient_with(copy_wb, make_bundle, "P00021",
                      [r.Medication("warfarin sodium 5 MG Oral Tablet", "855332", "5 mg", "daily")],
                      goals=[r.Goal("Walk 20 minutes a day", "minutes", "20", date(2025, 6, 1)),
                             r.Goal("Keep INR 2-3", "INR", "2-3", date(2027, 6, 1))],
                      allergies=[r.Allergy("penicillin", "hives")])
    watch = s["What to watch for, and when to call"]
    assert "hit your head" in watch[0] and "bleeding" in watch[0]
    assert s["Your allergies"] == ("penicillin: hives",)
    goals = s["Your goals"]
    assert any("INR" in g for g in goals) and not any("Walk" in g for g in goals)
    assert goals[-1].startswith("Goals whose date has passed")


#: (the schedule on the list, whether the copy leaves a blank for the day of the week)
WEEKLY = [("weekly", True), ("once weekly", True), ("every week", True), ("weekly on Mondays", False),
          ("once a week (Saturday)", False), ("daily", False), ("twice daily", False)]


@pytest.mark.parametrize("frequency, blank", WEEKLY)
def test_a_weekly_medicine_without_its_day_leaves_the_day_to_write_in(frequency, blank) -> None:
    med = r.Medication("alendronate sodium 70 MG Oral Tablet", "", "70 mg", frequency)
    line = pw.medicine_line(med)
    assert ("on the same day each week: ________" in line) == blank, line
    spanish = pw.medicine_line(med, words_for("Spanish"))
    assert ("el mismo día cada semana: ________" in spanish) == blank, spanish


def test_weekly_methotrexate_says_one_day_a_week_never_every_day(copy_wb, make_bundle) -> None:
    s = _patient_with(copy_wb, make_bundle, "P00022",
                      [r.Medication("methotrexate 2.5 MG Oral Tablet", "105586", "15 mg", "weekly")])
    (med,) = s["Your medicines"]
    assert med == "Methotrexate tablet: 15 mg, once a week, on the same day each week: ________"
    watch = " ".join(s["What to watch for, and when to call"])
    assert "ONE day of the week" in watch and "Never take it every day" in watch and "1-800-222-1222" in watch
    # a patient on no methotrexate is not told about it
    other = _patient_with(copy_wb, make_bundle, "P00023",
                          [r.Medication("lisinopril 10 MG Oral Tablet", "314076", "10 mg", "daily")])
    assert "methotrexate" not in " ".join(other["What to watch for, and when to call"]).lower()


@pytest.mark.parametrize("goal, line", [
    (r.Goal("Bring A1c under 8", "A1c", "< 8 %", date(2027, 5, 1)), "Bring A1c (average blood sugar) under 8 (by May 2027)"),
    (r.Goal("Walk more", "Days walked", ">= 5/week", None), "Walk more (Days walked at least 5/week)"),
    (r.Goal("Walk more", "", "5 days a week", None), "Walk more (5 days a week)"),
    (r.Goal("Blood pressure below 130/80 by 2027-05-01", "Blood pressure", "< 130/80 mmHg", date(2027, 5, 1)),
     "Blood pressure below 130/80 by May 2027"),
    (r.Goal("PHQ-9 below 10", "PHQ-9", "< 10", date(2027, 2, 1)), "Mood check score (PHQ-9) below 10 (by February 2027)"),
])
def test_goal_lines(goal, line) -> None:
    assert pw.goal_line(goal) == line
