"""``workbench import fhir``: a Synthea-format bulk export of 100+ patients (made by our own fixture
generator, simulated_patients.fhir_bulk) imports with every resource accounted for; a second
import writes nothing; a changed resource supersedes its row; bad input is refused whole with a
sentence naming the entry; both databases."""

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from simulated_patients.fhir_bulk import write_bulk_export
from workbench.errors import InvalidInput, PermissionDenied
from workbench.intake.fhir import import_fhir
from workbench.store import schema as s

COUNTED = ("patients", "conditions", "medications", "allergies", "immunizations", "observations", "deaths",
           "fhir_links")


@pytest.fixture(scope="module")
def bulk(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bulk") / "export"
    counts = write_bulk_export(folder, 110, seed=11)
    return folder, counts


def _rows(wb) -> dict[str, int]:
    with wb.read() as conn:
        return {t: conn.execute(select(func.count()).select_from(s.metadata.tables[t])).scalar_one()
                for t in COUNTED}


def _system(wb):
    return wb.as_user("S004")


def test_bulk_export_imports_every_resource_accounted_for_and_twice_writes_nothing(wb, bulk):
    folder, counts = bulk
    sup = _system(wb)
    before = _rows(sup)
    summary = import_fhir(sup, folder)
    assert counts["Patient"] >= 100
    assert summary.total == sum(counts.values())  # every resource in the files, once
    for kind, n in counts.items():
        assert sum(c for (k, _o), c in summary.counts.items() if k == kind) == n, kind
    assert summary.counts[("Patient", "imported")] == counts["Patient"]
    assert summary.counts[("Encounter", "not read")] == counts["Encounter"]
    assert summary.counts[("Condition", "not classified")] == counts["Patient"]  # one viral sinusitis each
    assert summary.counts[("MedicationRequest", "not active")] > 0
    assert len(summary.unclassified) == counts["Patient"] and "444814009" in summary.unclassified[0]
    after = _rows(sup)
    assert after["patients"] - before["patients"] == counts["Patient"]
    assert after["deaths"] - before["deaths"] == len(summary.deceased) == counts["Patient"] // 25
    assert sum(summary.programs.values()) == counts["Patient"]
    assert len(summary.ineligible) == summary.programs["none"]
    assert after["conditions"] - before["conditions"] == summary.counts[("Condition", "imported")]

    again = import_fhir(sup, folder)
    assert again.written() == 0
    assert again.total == summary.total
    assert _rows(sup) == after  # nothing new, not even links


def test_snomed_only_condition_is_recorded_under_the_mapped_code_and_counts_for_eligibility(wb, tmp_path):
    write_bulk_export(tmp_path / "x", 12, seed=3)
    sup = _system(wb)
    import_fhir(sup, tmp_path / "x")
    lines = [json.loads(x) for x in (tmp_path / "x" / "Condition.ndjson").read_text().splitlines()]
    snomed = next(c for c in lines if c["code"]["coding"][0]["code"] == "38341003")  # hypertension
    pid = snomed["subject"]["reference"].split("/")[1].replace("-", "")
    chart = sup.chart(pid)
    assert "I10" in [c.icd10 for c in chart.conditions]
    assert "Hypertension" in chart.eligibility.categories
    with sup.read() as conn:
        link = conn.execute(select(s.fhir_links).where(s.fhir_links.c.resource_id == snomed["id"])).one()
    assert link.codings == [{"system": "http://snomed.info/sct", "code": "38341003",
                             "display": "Hypertensive disorder, systemic arterial"}]
    assert link.table_name == "conditions" and link.row_id is not None


def _edit(folder: Path, kind: str, change) -> dict:
    path = folder / f"{kind}.ndjson"
    lines = [json.loads(x) for x in path.read_text().splitlines()]
    change(lines)
    path.write_text("".join(json.dumps(x) + "\n" for x in lines))
    return lines


def test_a_changed_resource_supersedes_its_row_and_nothing_else_changes(wb, tmp_path):
    folder = tmp_path / "x"
    write_bulk_export(folder, 8, seed=5)
    sup = _system(wb)
    import_fhir(sup, folder)
    before = _rows(sup)

    def bump(lines):
        med = next(m for m in lines if m["status"] == "active")
        med["dosageInstruction"] = [{"text": "take two", "timing": {"repeat": {"frequency": 2, "period": 1,
                                                                              "periodUnit": "d"}}}]
        bump.pid = med["subject"]["reference"].split("/")[1].replace("-", "")
        bump.name = med["medicationCodeableConcept"]["text"]
    _edit(folder, "MedicationRequest", bump)
    dry = import_fhir(sup, folder, dry_run=True)
    assert dry.counts[("MedicationRequest", "superseded")] == 1 and _rows(sup) == before
    summary = import_fhir(sup, folder)
    assert summary.written() == 1 and summary.counts[("MedicationRequest", "superseded")] == 1
    after = _rows(sup)
    assert after["medications"] == before["medications"] + 1  # the superseding row
    assert after["fhir_links"] == before["fhir_links"] + 1
    meds = [m for m in sup.chart(bump.pid).medications if m.name == bump.name]
    assert [m.frequency for m in meds] == ["2 times a day"]  # one current row, the new one
    assert import_fhir(sup, folder).written() == 0


def test_a_transaction_bundle_with_urn_references_imports(wb, tmp_path):
    bundle = {"resourceType": "Bundle", "type": "transaction", "entry": [
        {"fullUrl": "urn:uuid:11111111-1111-4111-8111-111111111111",
         "resource": {"resourceType": "Patient", "id": "pt1", "name": [{"family": "Okafor", "given": ["Ngozi"]}],
                      "gender": "female", "birthDate": "1948-05-02", "address": [{"state": "NY"}],
                      "identifier": [{"system": "http://hl7.org/fhir/sid/us-mbi", "value": "1EG4TE5MK73"}]},
         "request": {"method": "POST", "url": "Patient"}},
        {"fullUrl": "urn:uuid:22222222-2222-4222-8222-222222222222",
         "resource": {"resourceType": "Condition", "id": "c1",
                      "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "I50.9",
                                           "display": "Heart failure, unspecified"}]},
                      "subject": {"reference": "urn:uuid:11111111-1111-4111-8111-111111111111"}},
         "request": {"method": "POST", "url": "Condition"}},
        {"fullUrl": "urn:uuid:33333333-3333-4333-8333-333333333333",
         "resource": {"resourceType": "AllergyIntolerance", "id": "a1", "code": {"text": "penicillin"},
                      "patient": {"reference": "urn:uuid:11111111-1111-4111-8111-111111111111"},
                      "reaction": [{"manifestation": [{"text": "hives"}], "severity": "moderate"}]},
         "request": {"method": "POST", "url": "AllergyIntolerance"}}]}
    path = tmp_path / "b.json"
    path.write_text(json.dumps(bundle))
    summary = import_fhir(_system(wb), path)
    assert summary.written() == 3
    chart = _system(wb).chart("pt1")
    assert chart.patient.member_id == "1EG4TE5MK73"
    assert [c.icd10 for c in chart.conditions] == ["I50.9"]
    assert [(a.substance, a.reaction, a.severity) for a in chart.allergies] == [("penicillin", "hives", "moderate")]
    assert chart.eligibility.program == "PCM"


def _bad(folder: Path, kind: str, fn):
    _edit(folder, kind, fn)


BAD = [
    ("not JSON", "Condition", lambda ls: None, "Condition.ndjson line 2: not JSON"),
    ("wrong resourceType", "Condition", lambda ls: ls[0].update(resourceType="Patinet"),
     "Condition.ndjson line 1: resourceType is 'Patinet' in a file of Condition resources"),
    ("missing patient", "Condition", lambda ls: ls[0].update(subject={"reference": "Patient/nobody"}),
     "is neither in this input nor already imported"),
    ("not a FHIR date", "Condition", lambda ls: ls[0].update(onsetDateTime="03/04/2020"),
     "(Condition.ndjson line 1): onsetDateTime"),
    ("unknown code system", "Condition",
     lambda ls: ls[0]["code"]["coding"][0].update(system="http://example.org/my-codes"),
     "(Condition.ndjson line 1): code.coding[0].system 'http://example.org/my-codes' is not a code system"),
]


@pytest.mark.parametrize("case,kind,change,words", BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_refused_whole_naming_the_entry(wb, tmp_path, bulk, case, kind, change, words):
    folder = tmp_path / "bad"
    shutil.copytree(bulk[0], folder)
    if case == "not JSON":
        path = folder / "Condition.ndjson"
        lines = path.read_text().splitlines()
        lines[1] = lines[1][:40]
        path.write_text("\n".join(lines) + "\n")
    else:
        _bad(folder, kind, change)
    sup = _system(wb)
    before = _rows(sup)
    with pytest.raises(InvalidInput) as err:
        import_fhir(sup, folder)
    assert words in str(err.value)
    assert "nothing was imported" in str(err.value)
    assert _rows(sup) == before


def test_a_json_file_that_is_not_a_bundle_is_refused(wb, tmp_path):
    (tmp_path / "p.json").write_text(json.dumps({"resourceType": "Patient", "id": "x"}))
    with pytest.raises(InvalidInput, match="p.json: resourceType is 'Patient', not 'Bundle'"):
        import_fhir(_system(wb), tmp_path / "p.json")


def test_a_trainee_may_not_import(wb, bulk):
    with pytest.raises(PermissionDenied):
        import_fhir(wb.as_user("S007"), bulk[0])


def test_deceased_patient_is_kept_with_the_day(wb, tmp_path):
    write_bulk_export(tmp_path / "x", 25, seed=2)
    summary = import_fhir(_system(wb), tmp_path / "x")
    assert len(summary.deceased) == 1 and "died 2026-06-01" in summary.deceased[0]
    with wb.read() as conn:
        row = conn.execute(select(s.deaths)).one()
    assert str(row.deceased_on) == "2026-06-01" and row.patient_id == summary.deceased[0].split(" ")[0]


def test_import_is_in_the_access_log_and_the_log_is_append_only(wb, tmp_path, db_url):
    write_bulk_export(tmp_path / "x", 3, seed=4)
    sup = _system(wb)
    import_fhir(sup, tmp_path / "x")
    (row,) = [a for a in sup.access_log() if a.action == "import"]
    assert row.user_id == "S004" and len(row.patient_ids) == 3 and row.place.startswith("command:")
    from tests.conftest import owner_url

    from workbench.store import make_engine

    eng = make_engine(owner_url(db_url) if db_url.startswith("postgresql") else db_url)
    try:
        with pytest.raises(Exception, match="append-only"), eng.begin() as conn:
            conn.execute(text("UPDATE access_log SET user_id = 'someone'"))
    finally:
        eng.dispose()
