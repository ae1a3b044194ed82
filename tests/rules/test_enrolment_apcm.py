"""Table-driven rules for enrolment and APCM (docs/reference.md, "Enrolment and programmes" and
"APCM"): enrolment blocking, one programme per patient-month, the APCM level (QMB at level 3), the
behavioural-health add-ons' pairing, unit limits; and hypothesis properties over any month."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rules_builders import CCM_CONDITIONS, NONE_CONDITIONS, PCM_CONDITIONS

from workbench.records import EnrolmentEvent, EnrolmentStatus, Programme
from workbench.rules import ConsentStatus, MonthTime, ServiceTime, assess_eligibility, rule_table_for
from workbench.rules.apcm import (APCM_PROGRAMME_CODES, ApcmFacts, BhService, apcm_level, bh_addons,
                                  bill_programme)
from workbench.rules.billing_2025 import TABLE as T2025
from workbench.rules.billing_2026 import TABLE as T2026
from workbench.rules.enrolment import billing_block, programme_for_month, status_on

S = EnrolmentStatus
PID = "P1"
VALID = ConsentStatus(True, "APCM consent given on 2026-10-01 (verbal).", None, "with consent")
NONE = ConsentStatus(False, "No APCM consent is on record.", None, "without consent (none on record)")


def ev(status: EnrolmentStatus, on: str, programme: Programme = Programme.CCM, reason: str = "why") -> EnrolmentEvent:
    return EnrolmentEvent(PID, status, date.fromisoformat(on), reason, programme)


def ccm_minutes(minutes: int, month: str = "2026-11") -> MonthTime:
    secs = minutes * 60
    return MonthTime(PID, month, ccm=ServiceTime(secs, 0, secs), seconds_by_staff={"S1": secs} if secs else {})


# ------------------------------------------------------------------ enrolment blocks the month

BLOCKS = [
    ("no-status-no-block", [], None),
    ("enrolled-no-block", [ev(S.ENROLLED, "2026-01-05")], None),
    ("invited-no-block", [ev(S.INVITED, "2026-11-02")], None),
    ("declined-before-the-month", [ev(S.DECLINED, "2026-10-20")], "ENR-DECLINED"),
    ("declined-on-the-last-day", [ev(S.DECLINED, "2026-11-30")], "ENR-DECLINED"),
    ("declined-after-the-month", [ev(S.DECLINED, "2026-12-01")], None),
    ("declined-then-enrolled-in-month", [ev(S.DECLINED, "2026-10-01"), ev(S.ENROLLED, "2026-11-15")], None),
    ("elsewhere-all-month", [ev(S.ENROLLED_ELSEWHERE, "2026-09-01")], "ENR-ELSEWHERE"),
    ("elsewhere-from-mid-month", [ev(S.ENROLLED, "2026-01-01"), ev(S.ENROLLED_ELSEWHERE, "2026-11-20")],
     "ENR-ELSEWHERE"),
    ("elsewhere-ended-before-the-month", [ev(S.ENROLLED_ELSEWHERE, "2026-08-01"), ev(S.ENROLLED, "2026-11-01")],
     None),
    ("elsewhere-ended-inside-the-month", [ev(S.ENROLLED_ELSEWHERE, "2026-08-01"), ev(S.ENROLLED, "2026-11-02")],
     "ENR-ELSEWHERE"),
    ("unenrolled-no-block", [ev(S.UNENROLLED, "2026-11-10")], None),
    ("ineligible-no-block-consent-and-eligibility-decide", [ev(S.INELIGIBLE, "2026-11-10")], None),
]


@pytest.mark.parametrize("events, code", [c[1:] for c in BLOCKS], ids=[c[0] for c in BLOCKS])
def test_enrolment_blocks_billing(events, code):
    block = billing_block(events, "2026-11")
    assert (block.code if block else None) == code
    if block:
        assert block.text.startswith(f"{code}: ") and block.sentence.endswith(".")


def test_a_blocked_month_bills_nothing_and_says_why_for_every_second():
    bill = bill_programme(ccm_minutes(45), programme=Programme.CCM,
                          block=billing_block([ev(S.DECLINED, "2026-11-03", reason="wants to wait")], "2026-11"),
                          eligibility=assess_eligibility(CCM_CONDITIONS), complex_attested=False, table=T2026)
    assert bill.lines == () and bill.amount == Decimal("0.00")
    assert bill.unbilled == ["45 min not billed: ENR-DECLINED: the patient declined care management "
                             "(from 2026-11-03; wants to wait); nothing is billed while declined."]
    assert bill.reason.startswith("Nothing billed: ENR-DECLINED")


def test_the_status_on_a_day_is_the_latest_effective_event():
    events = [ev(S.INVITED, "2026-10-01"), ev(S.ENROLLED, "2026-10-15"), ev(S.UNENROLLED, "2026-12-01")]
    assert status_on(events, date(2026, 9, 30)) is None
    assert status_on(events, date(2026, 10, 14)).status == S.INVITED
    assert status_on(events, date(2026, 11, 30)).status == S.ENROLLED


PROGRAMMES = [
    ("nothing-recorded-is-ccm", [], Programme.CCM),
    ("enrolled-apcm", [ev(S.ENROLLED, "2026-11-01", Programme.APCM)], Programme.APCM),
    ("apcm-from-next-month", [ev(S.ENROLLED, "2026-12-01", Programme.APCM)], Programme.CCM),
    ("apcm-mid-month-counts-at-month-end", [ev(S.ENROLLED, "2026-11-15", Programme.APCM)], Programme.APCM),
    ("apcm-then-unenrolled", [ev(S.ENROLLED, "2026-06-01", Programme.APCM), ev(S.UNENROLLED, "2026-11-30")],
     Programme.CCM),
]


@pytest.mark.parametrize("events, programme", [c[1:] for c in PROGRAMMES], ids=[c[0] for c in PROGRAMMES])
def test_the_programme_of_a_month(events, programme):
    assert programme_for_month(events, "2026-11")[0] == programme


# ------------------------------------------------------------------ APCM level, QMB

LEVELS = [(0, False, "G0556"), (1, False, "G0556"), (1, True, "G0556"), (2, False, "G0557"),
          (5, False, "G0557"), (2, True, "G0558"), (3, True, "G0558")]


@pytest.mark.parametrize("chronic, qmb, code", LEVELS)
def test_apcm_level(chronic, qmb, code):
    assert apcm_level(chronic, qmb).code == code


def test_a_qmb_patient_bills_level_3_and_its_unset_amount_is_flagged():
    facts = ApcmFacts(VALID, chronic_conditions=2, qmb=True, practitioner_id="S5")
    bill = bill_programme(ccm_minutes(0), programme=Programme.APCM, block=None,
                          eligibility=assess_eligibility(CCM_CONDITIONS), complex_attested=False, table=T2026,
                          apcm=facts)
    assert bill.codes_text == "G0558" and bill.amount == Decimal("0.00")
    assert "G0558 amount not set in the 2026 table: shown as $0.00" in bill.flags
    assert bill.reason.startswith("APCM level 3 (a Qualified Medicare Beneficiary")


# ------------------------------------------------------------------ one programme per patient-month

EXCLUSIVE = [
    # (programme, ccm minutes, APCM consent, codes, amount)
    ("ccm-month-bills-ccm-only", Programme.CCM, 45, VALID, "99490;99439", "116.57"),
    ("apcm-month-bills-apcm-only", Programme.APCM, 45, VALID, "G0557", "53.78"),
    ("apcm-month-without-consent-bills-nothing", Programme.APCM, 45, NONE, "", "0.00"),
    ("apcm-month-with-no-time", Programme.APCM, 0, VALID, "G0557", "53.78"),
]


@pytest.mark.parametrize("programme, minutes, consent, codes, amount", [c[1:] for c in EXCLUSIVE],
                         ids=[c[0] for c in EXCLUSIVE])
def test_one_programme_per_patient_month(programme, minutes, consent, codes, amount):
    facts = ApcmFacts(consent, chronic_conditions=2, qmb=False, practitioner_id="S5")
    bill = bill_programme(ccm_minutes(minutes), programme=programme, block=None,
                          eligibility=assess_eligibility(CCM_CONDITIONS), complex_attested=False, table=T2026,
                          apcm=facts)
    assert bill.codes_text == codes and bill.amount == Decimal(amount)
    if programme == Programme.APCM and minutes:
        assert f"{minutes} min of CCM time not billed: APCM is billed this month " \
               "(one programme per patient-month)" in bill.unbilled


# ------------------------------------------------------------------ behavioural-health add-ons

BH = [
    ("paired-same-practitioner", [BhService("G0570", "S5")], True, "S5", ["G0570"], 0),
    ("no-base-code", [BhService("G0570", "S5")], False, "S5", [], 1),
    ("other-practitioner", [BhService("G0568", "S9")], True, "S5", [], 1),
    ("no-practitioner-on-the-add-on", [BhService("G0568", None)], True, "S5", [], 1),
    ("one-unit-each", [BhService("G0570", "S5"), BhService("G0570", "S5")], True, "S5", ["G0570"], 1),
    ("first-and-later-cocm-never-together", [BhService("G0568", "S5"), BhService("G0569", "S5")], True, "S5",
     ["G0568"], 1),
    ("cocm-and-general-bhi", [BhService("G0569", "S5"), BhService("G0570", "S5")], True, "S5",
     ["G0569", "G0570"], 0),
    ("not-an-add-on", [BhService("99484", "S5")], True, "S5", [], 1),
]


@pytest.mark.parametrize("services, base, practitioner, billed, refused", [c[1:] for c in BH],
                         ids=[c[0] for c in BH])
def test_bh_add_on_pairing(services, base, practitioner, billed, refused):
    got, why = bh_addons(services, base_billed=base, base_practitioner=practitioner)
    assert got == billed and len(why) == refused


def test_bh_add_ons_ride_on_the_apcm_bill_and_are_refused_without_consent():
    facts = ApcmFacts(VALID, 2, False, "S5", (BhService("G0568", "S5"),))
    bill = bill_programme(ccm_minutes(0), programme=Programme.APCM, block=None,
                          eligibility=assess_eligibility(CCM_CONDITIONS), complex_attested=False,
                          table=T2026, apcm=facts)
    assert bill.codes_text == "G0557;G0568" and bill.amount == Decimal("203.08")
    no_consent = bill_programme(ccm_minutes(0), programme=Programme.APCM, block=None,
                                eligibility=assess_eligibility(CCM_CONDITIONS), complex_attested=False,
                                table=T2026, apcm=ApcmFacts(NONE, 2, False, "S5", (BhService("G0568", "S5"),)))
    assert no_consent.lines == ()
    assert any("needs an APCM base code" in f for f in no_consent.flags)


# ------------------------------------------------------------------ unit limits

LIMITS = [
    ("99439-at-most-2-units", T2026, "ccm", 100 * 60, "99439", 2),
    ("99437-at-most-2-units-2026", T2026, "ccm_practitioner", 150 * 60, "99437", 2),
    ("99437-no-limit-2025", T2025, "ccm_practitioner", 150 * 60, "99437", 4),
    ("99489-no-limit", T2026, "ccm_complex", 180 * 60, "99489", 4),
]


@pytest.mark.parametrize("table, family, seconds, addon, units", [c[1:] for c in LIMITS], ids=[c[0] for c in LIMITS])
def test_unit_limits(table, family, seconds, addon, units):
    fam = table.family(family)
    assert fam.addon_code == addon and fam.units(seconds) == (1, units)
    assert table.unit_limits.get(addon) == (units if fam.addon_cap is not None else None)


# ------------------------------------------------------------------ properties

CONDITIONS = st.sampled_from([CCM_CONDITIONS, PCM_CONDITIONS, NONE_CONDITIONS, ()])
EVENTS = st.lists(st.builds(ev, st.sampled_from(list(S)), st.sampled_from(
    ["2026-09-01", "2026-10-31", "2026-11-01", "2026-11-15", "2026-11-30", "2026-12-01"]),
    st.sampled_from(list(Programme))), max_size=4)


@dataclass
class Drawn:
    events: list
    ccm: int
    pcm: int
    practitioner_share: int
    conditions: tuple
    qmb: bool
    consent: bool
    bh: list


@st.composite
def months(draw) -> Drawn:
    return Drawn(draw(EVENTS), draw(st.integers(0, 200 * 60)), draw(st.integers(0, 100 * 60)),
                 draw(st.integers(0, 100)), draw(CONDITIONS), draw(st.booleans()), draw(st.booleans()),
                 draw(st.lists(st.builds(BhService, st.sampled_from(["G0568", "G0569", "G0570"]),
                                         st.sampled_from(["S5", "S9", None])), max_size=3)))


@settings(max_examples=300, deadline=None)
@given(months())
def test_never_both_programmes_in_one_patient_month(m: Drawn):
    pract = m.ccm * m.practitioner_share // 100
    time = MonthTime(PID, "2026-11", ccm=ServiceTime(m.ccm - pract, pract, m.ccm), pcm=ServiceTime(m.pcm, 0, m.pcm))
    programme, _ = programme_for_month(m.events, "2026-11")
    block = billing_block(m.events, "2026-11")
    eligibility = assess_eligibility(list(m.conditions))
    facts = ApcmFacts(VALID if m.consent else NONE, len(eligibility.categories), m.qmb, "S5", tuple(m.bh))
    bill = bill_programme(time, programme=programme, block=block, eligibility=eligibility, complex_attested=True,
                          table=rule_table_for("2026-11"), apcm=facts)
    codes = {line.code for line in bill.lines}
    apcm_codes = codes & APCM_PROGRAMME_CODES
    assert not (apcm_codes and codes - APCM_PROGRAMME_CODES), bill.codes_text  # never both programmes
    if block is not None:
        assert not codes and block.code in bill.reason
    if apcm_codes:
        assert programme == Programme.APCM and m.consent
        assert len(codes & {"G0556", "G0557", "G0558"}) == 1  # one base code, one unit
        assert not ({"G0568", "G0569"} <= codes)
        for code in codes & {"G0568", "G0569", "G0570"}:  # paired: same practitioner as the base code
            assert BhService(code, "S5") in m.bh
        assert all(line.units == 1 for line in bill.lines)
    assert not codes & {"G0568", "G0569", "G0570"} or codes & {"G0556", "G0557", "G0558"}  # never alone
    if programme == Programme.APCM and block is None:
        assert not codes - APCM_PROGRAMME_CODES  # no CCM or PCM code in an APCM month
    assert bill.amount == sum((line.amount for line in bill.lines), Decimal("0.00"))
