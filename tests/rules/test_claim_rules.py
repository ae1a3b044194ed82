"""The 2026 rule table, the initiating visit, G0506 and the claim identifiers (NPI, MBI).

Written from docs/reference.md ("Payment amounts", "Initiating visit", "G0506", "Identifiers on
a claim"); cases are tables, invariants are hypothesis properties.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rules_builders import PID, consent, d

from workbench.errors import InvalidInput
from workbench.records import Visit, VisitKind
from workbench.rules import rule_table_for
from workbench.rules.identifiers import (MBI_LETTERS, MBI_POSITIONS, check_mbi, check_npi, demo_mbi, demo_npi,
                                         luhn_digit, mbi_problem, npi_problem)
from workbench.rules.initiation import g0506_decision, g0506_in_month, initiation_status

# ---------------------------------------------------------------- the 2026 table

TABLE_2026 = [
    # code, amount, provisional (docs/reference.md, "Payment amounts")
    ("99490", "66.13", False),
    ("99439", "50.44", True),
    ("99491", "82.16", True),
    ("99437", "63.13", True),
    ("99487", "144.29", True),
    ("99489", "78.16", True),
    ("99424", "87.51", True),
    ("99425", "61.46", True),
    ("99426", None, False),
    ("99427", "45.43", True),
    ("G0506", None, False),
]


@pytest.mark.parametrize("code, amount, provisional", TABLE_2026, ids=[row[0] for row in TABLE_2026])
def test_2026_amounts_and_confidence(code, amount, provisional) -> None:
    table = rule_table_for("2026-06")
    assert table.amount(code) == (Decimal(amount) if amount else None)
    assert (code in table.provisional) is provisional
    if provisional:
        assert table.provisional_note(code) != "not confirmed"  # every provisional figure says where it came from


def test_2025_table_is_not_provisional_and_pcm_unset() -> None:
    table = rule_table_for("2025-06")
    assert table.provisional == frozenset()
    assert table.amount("99490") == Decimal("60.49")
    assert all(table.amount(c) is None for c in ("99424", "99425", "99426", "99427", "G0506"))


# ---------------------------------------------------------------- initiating visit

def visit(day: str, kind=VisitKind.OFFICE_VISIT, by: str = "MD1", ccm: bool = False, g0506: bool = False,
          vid: int | None = None) -> Visit:
    return Visit(PID, d(day), kind, by, ccm_discussed=ccm, extensive_care_planning=g0506, id=vid)


INITIATION = [
    # id, visits, consent date, month, billing practitioner, required, met, needed_by
    ("seen-3-months-before-consent", [visit("2025-07-01")], "2025-10-01", "2025-10", "MD1", False, True, None),
    ("seen-exactly-12-months-before", [visit("2024-10-01")], "2025-10-01", "2025-10", "MD1", False, True, None),
    ("seen-12-months-and-a-day-before", [visit("2024-09-30")], "2025-10-01", "2025-10", "MD1", True, False,
     "2025-10-31"),
    ("new-patient-no-visit", [], "2025-10-01", "2025-10", "MD1", True, False, "2025-10-31"),
    ("new-patient-initiating-visit-this-month", [visit("2025-10-20", ccm=True)], "2025-10-01", "2025-10", "MD1",
     True, True, None),
    ("initiating-visit-next-month-too-late", [visit("2025-11-03", ccm=True)], "2025-10-01", "2025-10", "MD1",
     True, False, "2025-10-31"),
    ("initiating-visit-counts-for-later-months", [visit("2025-10-20", ccm=True)], "2025-10-01", "2025-12", "MD1",
     True, True, None),
    ("visit-without-ccm-discussed-is-not-initiating", [visit("2025-10-20")], "2025-10-01", "2025-11", "MD1",
     True, False, "2025-11-30"),
    ("awv-initiates", [visit("2025-10-02", VisitKind.ANNUAL_WELLNESS, ccm=True)], "2025-10-01", "2025-10", "MD1",
     True, True, None),
    ("ippe-initiates", [visit("2025-10-02", VisitKind.INITIAL_PREVENTIVE, ccm=True)], "2025-10-01", "2025-10",
     "MD1", True, True, None),
    ("initiating-visit-by-another-practitioner", [visit("2025-10-20", by="NP1", ccm=True)], "2025-10-01",
     "2025-10", "MD1", True, False, "2025-10-31"),
    ("no-billing-practitioner-any-practitioner", [visit("2025-10-20", by="NP1", ccm=True)], "2025-10-01",
     "2025-10", None, True, True, None),
    ("visit-after-consent-does-not-make-established", [visit("2025-10-05")], "2025-10-01", "2025-10", "MD1",
     True, False, "2025-10-31"),
    ("no-consent-rule-silent", [], None, "2025-10", "MD1", False, True, None),
    ("consent-after-month-not-counted", [], "2025-11-05", "2025-10", "MD1", False, True, None),
    ("leap-day-consent-year-before-clamped", [visit("2023-02-28")], "2024-02-29", "2024-02", "MD1", False, True,
     None),
]


@pytest.mark.parametrize("case", INITIATION, ids=[c[0] for c in INITIATION])
def test_initiating_visit(case) -> None:
    _id, visits, consent_on, month, bp, required, met, needed_by = case
    consents = [consent(consent_on)] if consent_on else []
    got = initiation_status(visits, consents, month, bp)
    assert (got.required, got.met) == (required, met)
    assert got.needed_by == (d(needed_by) if needed_by else None)
    if not met:
        assert got.text.startswith(f"Initiating visit needed by {needed_by}:")
        assert month in got.text and got.visit is None


def test_latest_consent_is_when_ccm_began() -> None:
    """A patient who stopped and consented again: the new consent's date is when CCM began."""
    got = initiation_status([visit("2024-03-01")], [consent("2024-04-01"), consent("2025-10-01")], "2025-10", "MD1")
    assert got.ccm_start == date(2025, 10, 1) and got.required and not got.met


@given(st.dates(min_value=date(2001, 1, 1), max_value=date(2030, 12, 31)),
       st.integers(min_value=0, max_value=800))
def test_seen_within_a_year_never_needs_a_visit(consent_on: date, days_before: int) -> None:
    """Invariant: a face-to-face visit 0-365 days before CCM began always makes the patient
    established; one more than 366 days before never does."""
    from datetime import timedelta

    seen_on = consent_on - timedelta(days=days_before)
    month = consent_on.strftime("%Y-%m")
    got = initiation_status([visit(seen_on.isoformat())], [consent(consent_on.isoformat())], month, "MD1")
    if days_before <= 365:
        assert got.met and not got.required
    elif days_before > 366:
        assert got.required and not got.met


# ---------------------------------------------------------------- G0506

G0506 = [
    # id, visits, billing practitioner, chosen visit date, refused count
    ("at-initiation-by-billing-practitioner", [visit("2025-10-02", ccm=True, g0506=True)], "MD1", "2025-10-02", 0),
    ("once-per-patient", [visit("2025-10-02", ccm=True, g0506=True), visit("2026-01-05", ccm=True, g0506=True)],
     "MD1", "2025-10-02", 1),
    ("not-by-billing-practitioner", [visit("2025-10-02", by="NP1", ccm=True, g0506=True)], "MD1", None, 1),
    ("no-billing-practitioner", [visit("2025-10-02", ccm=True, g0506=True)], None, None, 1),
    ("not-at-initiation", [visit("2025-10-02", g0506=True)], "MD1", None, 1),
    ("refused-then-valid", [visit("2025-10-02", by="NP1", ccm=True, g0506=True),
                            visit("2025-10-09", ccm=True, g0506=True)], "MD1", "2025-10-09", 1),
    ("no-care-planning", [visit("2025-10-02", ccm=True)], "MD1", None, 0),
]


@pytest.mark.parametrize("case", G0506, ids=[c[0] for c in G0506])
def test_g0506_once_at_initiation_by_billing_practitioner(case) -> None:
    _id, visits, bp, chosen, refused = case
    got = g0506_decision(visits, bp)
    assert (got.visit.visit_date if got.visit else None) == (d(chosen) if chosen else None)
    assert len(got.refused) == refused
    assert all(reason.startswith("G0506 not billed for ") for _v, reason in got.refused)


def test_g0506_in_its_month_only() -> None:
    got = g0506_decision([visit("2025-10-02", ccm=True, g0506=True)], "MD1")
    assert g0506_in_month(got, "2025-10") is got.visit
    assert g0506_in_month(got, "2025-11") is None


@given(st.lists(st.tuples(st.dates(min_value=date(2020, 1, 1), max_value=date(2026, 12, 31)),
                          st.sampled_from(["MD1", "NP1"]), st.booleans(), st.booleans()), max_size=8))
def test_g0506_at_most_once_and_everything_explained(rows) -> None:
    visits = [Visit(PID, day, VisitKind.OFFICE_VISIT, by, ccm_discussed=ccm, extensive_care_planning=g,
                    id=i) for i, (day, by, ccm, g) in enumerate(rows)]
    got = g0506_decision(visits, "MD1")
    planned = [v for v in visits if v.extensive_care_planning]
    assert len(got.refused) + (got.visit is not None) == len(planned)
    if got.visit is not None:
        assert got.visit.practitioner_id == "MD1" and got.visit.ccm_discussed
        assert all(v.visit_date >= got.visit.visit_date for v, why in got.refused if "already billed" in why)


# ---------------------------------------------------------------- NPI

NPI = [
    ("1234567893", None),  # the CMS example NPI
    (" 1234567893 ", None),
    ("1234567890", "fails the NPI check digit (a typing error?)"),
    ("123456789", "must be exactly 10 digits"),
    ("12345678930", "must be exactly 10 digits"),
    ("12345678a3", "must be exactly 10 digits"),
    ("3234567893", "must start with 1 or 2"),
    ("", "must be exactly 10 digits"),
]


@pytest.mark.parametrize("value, problem", NPI)
def test_npi(value, problem) -> None:
    assert npi_problem(value) == problem
    if problem:
        with pytest.raises(InvalidInput, match="NPI") as err:
            check_npi(value)
        assert err.value.field == "npi"
    else:
        assert check_npi(value) == value.strip()


def test_npi_not_text() -> None:
    with pytest.raises(InvalidInput, match="must be text, not int"):
        check_npi(1234567893)


@given(st.sampled_from("12"), st.text(alphabet="0123456789", min_size=8, max_size=8),
       st.integers(min_value=0, max_value=9), st.integers(min_value=1, max_value=9))
def test_npi_luhn_catches_every_single_digit_error(first, rest, position, delta) -> None:
    body = first + rest
    npi = body + luhn_digit("80840" + body)
    assert npi_problem(npi) is None
    wrong = npi[:position] + str((int(npi[position]) + delta) % 10) + npi[position + 1:]
    assert npi_problem(wrong) is not None


# ---------------------------------------------------------------- MBI

MBI = [
    ("1EG4TE5MK73", None),  # the CMS example MBI
    ("1EG4-TE5-MK73", None),
    ("1eg4-te5-mk73", None),
    ("0EG4TE5MK73", "character 1 must be a digit 1-9"),
    ("1SG4TE5MK73", "character 2 must be a letter other than S, L, O, I, B or Z"),
    ("1E94TE5MK73", None),  # position 3 may be a digit
    ("1EGATE5MK73", "character 4 must be a digit"),
    ("1EG4TE5MK7", "must have 11 characters (dashes aside), not 10"),
    ("1EG4TE5MKO3", "character 10 must be a digit"),
    ("1EG4TE5MB73", "character 9 must be a letter other than S, L, O, I, B or Z"),
]


@pytest.mark.parametrize("value, problem", MBI)
def test_mbi(value, problem) -> None:
    assert mbi_problem(value) == problem
    if problem:
        with pytest.raises(InvalidInput) as err:
            check_mbi(value)
        assert err.value.field == "member_id"
        assert value not in str(err.value) and value.upper() not in str(err.value)  # patient data never echoed
    else:
        assert check_mbi(value) == value.replace("-", "").upper()


@given(st.tuples(*(st.sampled_from(allowed) for allowed in MBI_POSITIONS)))
def test_every_mbi_of_the_format_is_accepted_and_normalised(chars) -> None:
    mbi = "".join(chars)
    assert check_mbi(f"{mbi[:4]}-{mbi[4:7]}-{mbi[7:]}".lower()) == mbi  # the card's dashed form


@given(st.text(alphabet="SLOIBZ", min_size=1, max_size=1), st.integers(min_value=0, max_value=10))
def test_excluded_letters_never_accepted(letter, position) -> None:
    base = "1EG4TE5MK73"
    assert mbi_problem(base[:position] + letter + base[position + 1:]) is not None
    assert letter not in MBI_LETTERS


@given(st.text(min_size=1, max_size=12))
def test_demo_identifiers_are_valid(key) -> None:
    assert npi_problem(demo_npi(key)) is None
    assert mbi_problem(demo_mbi(key)) is None


# ---------------------------------------------------------------- amounts from their RVU

def test_every_2026_amount_with_an_rvu_is_that_rvu_times_the_conversion_factor() -> None:
    table = rule_table_for("2026-06")
    with_rvu = {c: s for c, s in table.sources.items() if s.rvu is not None}
    assert set(with_rvu) >= {"99490", "99439", "99437", "99489", "99424", "99425", "99427"}
    for code, src in with_rvu.items():
        assert table.amount(code) == (src.rvu * Decimal("33.4009")).quantize(Decimal("0.01")), code
        assert "CMS-1832-F" in src.publication
    assert all(src.note for src in table.sources.values())  # every figure says where it came from


@pytest.mark.parametrize("amount, rvu", [("64.67", "1.89"), ("48.00", "1.51"), ("88.00", "2.62"), (None, "1.84")])
def test_an_amount_its_own_rvu_contradicts_is_refused(amount, rvu) -> None:
    from workbench.rules.rule_table import AmountSource, standard_families, table_from_sources

    bad = AmountSource(Decimal(amount) if amount else None, "one source", "test", Decimal(rvu), "test")
    with pytest.raises(InvalidInput, match="RVU"):
        table_from_sources(year=2026, families=standard_families(), sources={"99437": bad}, source="t",
                           conversion_factor=Decimal("33.4009"))


@given(st.integers(min_value=100, max_value=500), st.integers(min_value=0, max_value=4))
def test_rvu_rounding_is_half_up_to_the_cent(hundredths, extra) -> None:
    from workbench.rules.rule_table import AmountSource

    rvu = Decimal(hundredths) / 100
    src = AmountSource(None, "one source", "", rvu)
    got = src.from_rvu(Decimal("33.4009"))
    assert got == got.quantize(Decimal("0.01"))
    assert abs(got - rvu * Decimal("33.4009")) <= Decimal("0.005")


def test_99437_unit_limit_is_two_by_default_and_listed() -> None:
    table = rule_table_for("2026-06")
    assert table.unit_limits == {"99439": 2, "99437": 2}
    assert table.family("ccm_practitioner").units(30 * 60 + 5 * 30 * 60) == (1, 2)


def test_reference_amount_tables_are_made_from_the_code() -> None:
    """docs/reference.md's amount tables are the ones scripts/reference_amounts.py makes."""
    import importlib.util
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    spec = importlib.util.spec_from_file_location("reference_amounts", root / "scripts" / "reference_amounts.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    doc = (root / "docs" / "reference.md").read_text(encoding="utf-8")
    assert module.render(doc) == doc, "run: python scripts/reference_amounts.py"
    assert "| 99437 | $63.13 | 1.89 |" in doc
