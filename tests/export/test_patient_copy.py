"""The patient's copy in plain words (docs/reference.md, "The patient's copy"): HTML and PDF."""

from __future__ import annotations

import re
from datetime import date

import pytest
from pypdf import PdfReader

from workbench import records as r
from workbench.cli import main
from workbench.export import plain_words as pw
from workbench.export.patient_copy import patient_copy, to_html, to_pdf, write_patient_copy

ALL_TOLD = dict.fromkeys(r.CONSENT_DISCLOSURES, True)
EVIL = "<script>alert(1)</script>"
ICD10 = re.compile(r"\b[A-TV-Z]\d{2}\.\d{1,4}\b|\bI10\b|\bE11\b")


@pytest.fixture
def copy_wb(wb):
    """P00001 (hypertension, type 2 diabetes, lisinopril) with a care plan, a care-team member with a
    phone and a practice with a 24/7 line."""
    system = wb.as_user("S004")
    system.set_settings(r.PracticeSettings(name="Main Street Practice", phone="(518) 555-0100",
                                           after_hours_phone="(518) 555-0199"))
    system.add_user(r.User("S010", "Nora Nurse", r.Role.CARE_MANAGER, r.Credential.RN, "NY", phone="(518) 555-0142"))
    wb.record_consent("P00001", "verbal", date(2026, 11, 2), ALL_TOLD)
    plan = r.CarePlan(problem_list="I10; E11.9",
                      goals=(r.Goal("Bring A1c under 8", "A1c", "< 8 %", date(2027, 5, 1)),),
                      interventions=(r.Intervention("Check your blood pressure each morning and write it down",
                                                    "patient", "daily"),))
    wb.revise_care_plan("P00001", plan, 0, "Initial plan")
    wb.add_barrier("P00001", "transportation", "No ride to the eye exam", action="Van ride booked for Dec 4")
    return wb


def text_of(html: str) -> str:
    import html as h

    return h.unescape(re.sub(r"<[^>]+>", " ", html.split("</style>", 1)[1]))


def test_plain_words_and_sections(copy_wb) -> None:
    copy = patient_copy(copy_wb, "P00001")
    titles = [s.title for s in copy.sections]
    assert titles == ["What to do now", "What to watch for", "Your health conditions", "Your medicines",
                      "Your goals"]
    sections = {s.title: s.items for s in copy.sections}
    assert sections["Your health conditions"] == ("High blood pressure", "Diabetes (high blood sugar)")
    assert sections["Your medicines"] == ("Lisinopril: 10 mg, every day",)
    assert sections["Your goals"] == ("Bring A1c under 8 (A1c < 8 %, by May 2027)",)
    todo = sections["What to do now"]
    assert todo[0] == "Check your blood pressure each morning and write it down (daily)"
    assert "We arranged: Van ride booked for Dec 4" in todo
    watch = sections["What to watch for"]
    assert any("180/120" in x for x in watch) and any("below 70" in x for x in watch)
    assert any("BE FAST" in x for x in watch)


def test_whom_to_call_names_the_care_team_and_the_24_7_line(copy_wb) -> None:
    calls = dict(patient_copy(copy_wb, "P00001").calls)
    # sample patients have S001 (Rita Nurse, no direct line) as care-team member: the practice line is given
    assert calls["Your care manager, Rita Nurse"] == "(518) 555-0100"
    assert calls["Your doctor, Dr. Maya Doctor"] == "(518) 555-0100"
    assert calls["Day or night, 24/7 (a care-team member who can see this plan)"] == "(518) 555-0199"
    assert calls["Thoughts of suicide, or a mental-health crisis"] == "call or text 988"
    assert calls["An emergency"] == "call 911"


def test_care_team_member_direct_phone(copy_wb, make_bundle) -> None:
    bundle = make_bundle("P00005")
    import dataclasses

    bundle.patient = dataclasses.replace(bundle.patient, care_team_member_id="S010")
    copy_wb.as_user("S004").add_patient(bundle)
    calls = dict(patient_copy(copy_wb, "P00005").calls)
    assert calls["Your care manager, Nora Nurse"] == "(518) 555-0142"


def test_no_24_7_line_on_record_says_so(wb) -> None:
    calls = dict(patient_copy(wb, "P00001").calls)
    assert calls["Day or night, 24/7 (a care-team member who can see this plan)"].startswith("not on record yet")


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
    assert words.index("What to do now") < words.index("What to watch for") < words.index("Whom to call")


def test_pdf_has_the_same_words(copy_wb, tmp_path) -> None:
    copy = patient_copy(copy_wb, "P00001")
    data = to_pdf(copy)
    assert data.startswith(b"%PDF-")
    path = tmp_path / "c.pdf"
    path.write_bytes(data)
    text = " ".join(page.extract_text() for page in PdfReader(path).pages)
    flat = re.sub(r"\s+", " ", text)
    for needle in ("Your care plan", "What to do now", "What to watch for", "Whom to call", "(518) 555-0199",
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
    ("Z99.89", "", "A health condition your care team is following"),
])
def test_condition_names_have_no_codes(code, display, plain) -> None:
    assert pw.condition_name(r.Condition(code, display)) == plain
