"""Export a generated panel as the import CSVs, import them into an empty database, and
get the same panel back (the same files on a second export)."""

from workbench.intake import importer
from workbench.cli import main
from workbench.service import Workbench


def test_export_then_import_gives_the_same_panel(tmp_path, capsys):
    first, second = tmp_path / "first.db", tmp_path / "second.db"
    assert main(["init", "--db", str(first)]) == 0
    assert main(["panel", "generate", "--preset", "onboarding-12", "--db", str(first)]) == 0
    assert main(["panel", "generate", "--size", "40", "--seed", "3", "--db", str(first)]) != 0  # ids taken
    assert main(["panel", "export", "--out", str(tmp_path / "a"), "--db", str(first)]) == 0

    wb = Workbench.create(str(second))
    importer.import_staff(wb, tmp_path / "a" / "staff.csv")
    importer.import_patients(wb, tmp_path / "a" / "patients.csv")
    assert main(["panel", "export", "--out", str(tmp_path / "b"), "--db", str(second)]) == 0
    for name in ("staff.csv", "patients.csv"):
        assert (tmp_path / "a" / name).read_text() == (tmp_path / "b" / name).read_text()
    original = Workbench.open(str(first))
    assert [p.id for p in wb.patients()] == [p.id for p in original.patients()]
    # the claim identifiers come through: member ids (and payers), practitioners' NPIs, staff phones
    assert [(p.member_id, p.payer, p.billing_practitioner_id) for p in wb.patients()] == \
        [(p.member_id, p.payer, p.billing_practitioner_id) for p in original.patients()]
    assert all(p.member_id for p in wb.patients())
    assert {u.id: (u.npi, u.phone) for u in wb.users()} == {u.id: (u.npi, u.phone) for u in original.users()}
    assert any(u.npi for u in wb.users())
    for p in original.patients():
        a, b = original.chart(p.id), wb.chart(p.id)
        assert [c.icd10 for c in a.conditions] == [c.icd10 for c in b.conditions]
        assert a.consent.valid == b.consent.valid
        assert a.eligibility.program == b.eligibility.program


def test_importing_the_same_files_twice_changes_nothing(tmp_path):
    db = tmp_path / "x.db"
    assert main(["init", "--db", str(db)]) == 0
    assert main(["panel", "generate", "--preset", "onboarding-12", "--db", str(db)]) == 0
    assert main(["panel", "export", "--out", str(tmp_path / "a"), "--db", str(db)]) == 0
    wb = Workbench.open(str(db))
    before = {t: wb.count(t) for t in ("patients", "conditions", "consents", "users")}
    importer.import_staff(wb, tmp_path / "a" / "staff.csv")
    importer.import_patients(wb, tmp_path / "a" / "patients.csv")
    assert {t: wb.count(t) for t in before} == before
