"""Presets: onboarding-12 has the intended variety; sized presets; CSV rows."""

from __future__ import annotations

import csv
import io
from datetime import date

from simulated_patients import PRESETS, generate_panel
from workbench.export.panel_csv import PATIENT_COLUMNS, STAFF_COLUMNS, panel_to_rows
from simulated_patients.presets import ONBOARDING_PURPOSES

START = date(2026, 11, 1)


def codes(b) -> set[str]:
    return {c.icd10 for c in b.conditions}


def test_the_presets():
    assert list(PRESETS) == ["onboarding-12", "clinic-500", "stress-10000"]
    assert {n: p.size for n, p in PRESETS.items()} == {"onboarding-12": 12, "clinic-500": 500, "stress-10000": 10_000}


def test_onboarding_is_fixed_whatever_the_seed(onboarding):
    assert generate_panel(12, 999, preset="onboarding-12") == onboarding
    assert len(onboarding.patients) == 12 == len(ONBOARDING_PURPOSES)


def test_onboarding_seed_situations(onboarding):
    p = onboarding.patients
    assert {"I10", "M17.0"} <= codes(p[0])
    g = p[1]
    assert {x.z_code for x in g.barriers} >= {"Z59.82", "Z59.87"}
    assert all((START - s.date).days > 3650 for s in g.screenings if s.kind == "colorectal")
    assert all((START - s.date).days > 730 for s in g.screenings if s.kind == "mammography")
    h = p[2]
    assert h.patient.age_on(START) >= 80 and any(x.domain == "lives_alone" for x in h.barriers)
    assert h.patient.emergency_contacts[0].relationship == "daughter" and h.patient.caregiver is None
    sedating = {"856377", "308047", "310431", "835603"}
    assert len(sedating & {m.rxnorm for m in h.medications}) >= 3


def test_onboarding_variety(onboarding):
    p = onboarding.patients
    assert any(c.startswith("E11") for c in codes(p[3])) and any(c.startswith("N18") for c in codes(p[3]))
    assert any(m.rxnorm == "106892" for m in p[3].medications)  # insulin
    assert any(c.startswith("I50") for c in codes(p[4])) and "J44.9" in codes(p[4])
    weights = sorted((o.effective, o.value) for o in p[4].observations if o.loinc == "29463-7")
    assert weights[-1][1] - weights[-8][1] >= 5  # 5 lb or more in a week
    phq = [o.value for o in sorted(p[5].observations, key=lambda o: o.effective) if o.loinc == "44261-6"]
    assert phq == sorted(phq) and phq[-1] >= 15
    assert p[6].patient.language == "Spanish" and p[6].patient.contact_preferences["interpreter"] is True
    assert p[7].patient.persona["reachability"] == "never"
    assert any(m.rxnorm == "1364445" for m in p[8].medications) and p[8].patient.age_on(START) >= 80
    assert p[9].consent is None and len(p[9].conditions) >= 2
    assert p[10].patient.caregiver.authorized and any(x.z_code == "Z63.6" for x in p[10].barriers)
    assert p[11].patient.age_on(START) < 65
    langs = {b.patient.language for b in p}
    sexes = {b.patient.sex for b in p}
    assert len(langs) >= 2 and sexes == {"F", "M"}


def test_onboarding_is_clinically_consistent(onboarding):
    for b in onboarding.patients:
        assert all(m.indication in codes(b) for m in b.medications), b.patient.id


def test_clinic_500_preset():
    panel = generate_panel(None, 5, preset="clinic-500")
    assert len(panel.patients) == 500 and panel.name == "clinic-500"
    assert panel.patients[0] == generate_panel(500, 5).patients[0]


def test_panel_to_rows_columns_and_values(onboarding):
    staff_rows, patient_rows = panel_to_rows(onboarding)
    assert len(staff_rows) == len(onboarding.staff) and len(patient_rows) == 12
    for row in staff_rows:
        assert tuple(row)[:5] == STAFF_COLUMNS
    for row, b in zip(patient_rows, onboarding.patients, strict=True):
        assert tuple(row)[: len(PATIENT_COLUMNS)] == PATIENT_COLUMNS
        assert row["conditions"].split(";") == [c.icd10 for c in b.conditions]
        assert date.fromisoformat(row["birth_date"]) == b.patient.birth_date
        if b.consent:
            assert row["consent_date"] == b.consent.consent_date.isoformat() and row["consent_method"] in ("verbal",
                                                                                                         "written")
        else:
            assert row["consent_date"] == row["consent_method"] == ""
    roles = {r["role"] for r in staff_rows}
    assert "care_manager" in roles and {r["credential"] for r in staff_rows} >= {"RN", "MD"}


def test_rows_survive_a_csv_round_trip(onboarding):
    _, rows = panel_to_rows(onboarding)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    back = list(csv.DictReader(io.StringIO(buf.getvalue())))
    assert back == rows
