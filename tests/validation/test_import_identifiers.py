"""The claim identifiers in the import files (docs/import.md): the patients file's optional
``member_id`` (Medicare Beneficiary Identifier), ``payer`` and ``npi`` (the billing
practitioner's NPI, kept on the staff member), and the staff file's optional ``npi`` and
``phone``. Same rule on SQLite and PostgreSQL: a bad row is refused with its line and column
and nothing is written, or the file is accepted and stored as stated."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cases import PATIENT_HEADER, STAFF_HEADER, Accepted, Case, counts, patient_file, refused, run_case  # noqa: E402

from workbench import records as r
from workbench.errors import ImportRefused
from workbench.intake.importer import import_patients, import_staff
from workbench.rules.identifiers import demo_npi, luhn_digit

NPI_A = demo_npi("import:a")  # valid synthetic NPIs (10 digits, Luhn check digit)
NPI_B = demo_npi("import:b")
BAD_CHECK_DIGIT = NPI_A[:9] + str((int(NPI_A[9]) + 1) % 10)
STARTS_WITH_3 = "3" + NPI_A[1:9] + luhn_digit("80840" + "3" + NPI_A[1:9])
MBI = "1EG4TE5MK73"  # the format's example in CMS's MBI guide
HEADER = PATIENT_HEADER + ",billing_practitioner_id,member_id,payer,npi"


def _practitioners(wb) -> None:
    """S095 (MD) and S096 (NP) with NPIs; S005 (MD) has none."""
    known = {u.id for u in wb.users()}
    system = wb.as_user("S004")
    for uid, name, cred, npi in (("S095", "Dr. Ida Import", r.Credential.MD, NPI_A),
                                 ("S096", "Nell Practitioner", r.Credential.NP, NPI_B)):
        if uid not in known:
            system.add_user(r.User(uid, name, r.Role.PRACTITIONER, cred, "NY", npi=npi))


def row(pid: str, *, bp: str = "S095", member_id: str = MBI, payer: str = "", npi: str = "") -> str:
    return ",".join([pid, "Quintessa", "Quill", "1950-02-03", "F", "NY", "I10;E11.9", "", "", bp, member_id,
                     payer, npi])


def patients(*rows: str, header: str = HEADER):
    return lambda wb, f: import_patients(wb, f(patient_file(*rows, header=header)))


def staff(*rows: str, header: str = STAFF_HEADER + ",npi,phone"):
    return lambda wb, f: import_staff(wb, f("\n".join([header, *rows]) + "\n"))


def stored(pid: str, **expected):
    def check(wb, summary):
        assert summary.added == 1, summary
        p = wb.chart(pid).patient
        assert {k: getattr(p, k) for k in expected} == expected
    return check


def stored_user(uid: str, **expected):
    def check(wb, summary):
        assert summary.added == 1, summary
        u = wb.get_user(uid)
        assert {k: getattr(u, k) for k in expected} == expected
    return check


CASES = [
    # --- member_id (MBI): the format of CMS's MBI guide; the value itself is never in a message
    Case("mbi-10-characters", patients(row("I101", member_id="1EG4-TE5-MK7")),
         refused("line 2: member_id: Medicare member id (MBI) must have 11 characters (dashes aside), not 10",
                 exc=ImportRefused, lines=(2,)), setup=_practitioners),
    Case("mbi-letter-s-in-position-2", patients(row("I102", member_id="1SG4TE5MK73")),
         refused("member_id: Medicare member id (MBI) character 2 must be a letter other than S, L, O, I, B or Z",
                 exc=ImportRefused, lines=(2,)), setup=_practitioners),
    Case("mbi-starting-with-0", patients(row("I103", member_id="0EG4TE5MK73")),
         refused("member_id: Medicare member id (MBI) character 1 must be a digit 1-9", exc=ImportRefused,
                 lines=(2,)), setup=_practitioners),
    Case("mbi-letter-where-a-digit-goes", patients(row("I104", member_id="1EGATE5MK73")),
         refused("member_id: Medicare member id (MBI) character 4 must be a digit", exc=ImportRefused, lines=(2,)),
         setup=_practitioners),
    Case("mbi-an-old-ssn-based-hicn", patients(row("I105", member_id="123-45-6789A")),
         refused("member_id: Medicare member id (MBI) must have 11 characters (dashes aside), not 10",
                 exc=ImportRefused, lines=(2,)), setup=_practitioners),
    # --- payer: one line of text within its column
    Case("payer-longer-than-its-column", patients(row("I110", payer="P" * 201)),
         refused("payer is 201 characters long; the limit is 200", exc=ImportRefused, lines=(2,)),
         setup=_practitioners),
    Case("payer-with-a-line-break", patients(row("I111", payer='"Acme\nHealth"')),
         refused("payer must be one line of text", exc=ImportRefused, lines=(2,)), setup=_practitioners),
    # --- npi: 10 digits, the Luhn check digit, and the billing practitioner's NPI on record
    Case("npi-9-digits", patients(row("I120", npi=NPI_A[:9])),
         refused(f"line 2: npi: NPI '{NPI_A[:9]}' must be exactly 10 digits", exc=ImportRefused, lines=(2,)),
         setup=_practitioners),
    Case("npi-wrong-check-digit", patients(row("I121", npi=BAD_CHECK_DIGIT)),
         refused("npi: NPI", "fails the NPI check digit", exc=ImportRefused, lines=(2,)), setup=_practitioners),
    Case("npi-starting-with-3", patients(row("I122", npi=STARTS_WITH_3)),
         refused("npi: NPI", "must start with 1 or 2", exc=ImportRefused, lines=(2,)), setup=_practitioners),
    Case("npi-of-another-practitioner", patients(row("I123", bp="S095", npi=NPI_B)),
         refused(f"npi: {NPI_B} is not the NPI on record for billing practitioner S095 ({NPI_A})",
                 exc=ImportRefused, lines=(2,)), setup=_practitioners),
    Case("npi-for-a-practitioner-without-one", patients(row("I124", bp="S005", npi=NPI_A)),
         refused("npi: billing practitioner S005 has no NPI on record", exc=ImportRefused, lines=(2,)),
         setup=_practitioners),
    Case("npi-nobody-holds", patients(row("I125", bp="", npi=demo_npi("import:nobody"))),
         refused("npi: no staff member has NPI", exc=ImportRefused, lines=(2,)), setup=_practitioners),
    Case("good-row-then-a-bad-mbi-writes-nothing", patients(row("I130"), row("I131", member_id="1EG4TE5MK7O")),
         refused("character 11 must be a digit", exc=ImportRefused, lines=(3,)), setup=_practitioners),
    # --- accepted: stored as stated
    Case("mbi-with-display-dashes-and-lower-case", patients(row("I140", member_id="1eg4-te5-mk73",
                                                                payer="Medicare Advantage: Acme Health",
                                                                npi=NPI_A)),
         Accepted(stored("I140", member_id=MBI, payer="Medicare Advantage: Acme Health",
                         billing_practitioner_id="S095")), setup=_practitioners),
    Case("npi-names-the-billing-practitioner", patients(row("I141", bp="", npi=NPI_B)),
         Accepted(stored("I141", billing_practitioner_id="S096", member_id=MBI)), setup=_practitioners),
    Case("member-id-and-payer-left-empty", patients(row("I142", member_id="")),
         Accepted(stored("I142", member_id="", payer="")), setup=_practitioners),
    # --- the staff file's npi and phone
    Case("staff-npi-wrong-check-digit", staff(f"S120,Dr. Ida Other,practitioner,MD,NY,{BAD_CHECK_DIGIT},"),
         refused("line 2: npi: NPI", "fails the NPI check digit", exc=ImportRefused, lines=(2,))),
    Case("staff-npi-with-letters", staff("S121,Dr. Ida Other,practitioner,MD,NY,12345ABCDE,"),
         refused("npi: NPI '12345ABCDE' must be exactly 10 digits", exc=ImportRefused, lines=(2,))),
    Case("staff-phone-longer-than-its-column", staff("S122,Nia Nurse,care_manager,RN,NY,," + "5" * 33),
         refused("phone is 33 characters long; the limit is 32", exc=ImportRefused, lines=(2,))),
    Case("staff-npi-and-phone-stored", staff(f"S123,Dr. Ida Other,practitioner,DO,NY,{demo_npi('import:c')},"
                                             "(518) 555-0123"),
         Accepted(stored_user("S123", npi=demo_npi("import:c"), phone="(518) 555-0123"))),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_import_identifiers(vwb, csv_file, case):
    run_case(vwb, csv_file, case)


def test_case_ids_are_unique():
    assert len({c.id for c in CASES}) == len(CASES)


def test_a_message_never_repeats_the_member_id(vwb, csv_file):
    _practitioners(vwb)
    with pytest.raises(ImportRefused) as info:
        import_patients(vwb, csv_file(patient_file(row("I150", member_id="1EG4TE5MKZ3"), header=HEADER)))
    assert "character 10 must be a digit" in str(info.value) and "1EG4TE5MKZ3" not in str(info.value)


def test_the_same_file_twice_and_a_changed_member_id(vwb, csv_file):
    """Idempotent: the same rows again are already present; another member id for a patient in
    the record is a bad row (corrections are made in the app), named without the id itself."""
    _practitioners(vwb)
    path = csv_file(patient_file(row("I160", npi=NPI_A), header=HEADER))
    first, second = import_patients(vwb, path), import_patients(vwb, path)
    assert (first.added, second.added, second.already_present) == (1, 0, 1)
    before = counts(vwb)
    with pytest.raises(ImportRefused) as info:
        import_patients(vwb, csv_file(patient_file(row("I160", member_id="2EG4TE5MK73"), header=HEADER)))
    assert "patient I160 is already in the record with another member_id" in str(info.value)
    assert "2EG4TE5MK73" not in str(info.value) and MBI not in str(info.value)
    assert counts(vwb) == before and vwb.chart("I160").patient.member_id == MBI


def test_staff_npi_round_trip_then_patients_by_npi(vwb, csv_file):
    """A staff file with NPIs, then a patients file naming the billing practitioner by NPI only."""
    npi = demo_npi("import:round-trip")
    import_staff(vwb, csv_file(f"{STAFF_HEADER},npi\nS170,Dr. Rue Trip,practitioner,MD,NY,{npi}\n"))
    assert vwb.get_user("S170").npi == npi
    again = import_staff(vwb, csv_file(f"{STAFF_HEADER},npi\nS170,Dr. Rue Trip,practitioner,MD,NY,{npi}\n"))
    assert again.already_present == 1
    summary = import_patients(vwb, csv_file(patient_file(row("I170", bp="", npi=npi), header=HEADER)))
    assert summary.added == 1
    p = vwb.chart("I170").patient
    assert (p.billing_practitioner_id, p.member_id) == ("S170", MBI)
