"""Table-driven billing cases written from docs/reference.md ("Monthly codes and time thresholds",
"Consent", "Who may do the work", "Who is eligible"). 2025 amounts: 99490 60.49, 99439 45.93,
99491 82.16, 99437 57.58, 99487 131.65, 99489 70.52; 2026 (docs/reference.md, "Payment amounts"):
99490 66.13, 99439 50.44, 99491 82.16 (2025 carried), 99437 63.13 (at most 2 units), 99487 144.29,
99489 78.16, 99424 87.51, 99425 61.46, 99427 45.43; 99426 unset."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from rules_builders import CCM_CONDITIONS, NONE_CONDITIONS, PCM_CONDITIONS, PID, STAFF, consent, d, entry

from workbench.errors import InvalidInput
from workbench.records import Service
from workbench.rules import StaffingRule, assess_eligibility, bill_month, rule_table_for

TCM, PCM = Service.TCM, Service.PCM


@dataclass
class Case:
    id: str
    entries: list
    codes: str
    amount: str
    month: str = "2025-10"
    consents: list = field(default_factory=lambda: [consent()])
    conditions: tuple = CCM_CONDITIONS
    complex: bool = False
    alternative: str | None = None  #: codes_text of the reported alternative, "" for none
    today: str | None = None


CASES = [
    # thresholds, seconds precision, caps (no rounding up)
    Case("staff-19m59s-is-not-20", [entry(seconds=1199)], "", "0.00"),
    Case("staff-20m-exactly", [entry(minutes=20)], "99490", "60.49"),
    Case("staff-39m59s-one-unit-only", [entry(seconds=2399)], "99490", "60.49"),
    Case("staff-40m-first-addon", [entry(minutes=40)], "99490;99439", "106.42"),
    Case("staff-59m59s", [entry(seconds=3599)], "99490;99439", "106.42"),
    Case("staff-60m-two-addons", [entry(minutes=60)], "99490;99439x2", "152.35"),
    Case("staff-95m-99439-capped-at-2", [entry(minutes=95)], "99490;99439x2", "152.35"),
    Case("two-staff-add-up", [entry("RN1", minutes=12), entry("RN2", minutes=10)], "99490", "60.49"),
    Case("seconds-add-up-across-entries", [entry(seconds=599), entry(seconds=601)], "99490", "60.49"),
    Case("lpn-time-counts", [entry("LPN1", minutes=21)], "99490", "60.49"),
    Case("manual-and-timed-add", [entry(minutes=10), entry("RN2", minutes=10, start="10:00")], "99490", "60.49"),
    # overlaps counted once
    Case("overlap-two-staff-counted-once", [entry("RN1", minutes=15, start="10:00"),
                                            entry("RN2", minutes=15, start="10:10")], "99490", "60.49"),
    Case("overlap-drops-below-threshold", [entry("RN1", minutes=12, start="10:00"),
                                           entry("RN2", minutes=10, start="10:05")], "", "0.00"),
    Case("same-staff-double-timer", [entry("RN1", minutes=20, start="10:00"),
                                     entry("RN1", minutes=20, start="10:00")], "99490", "60.49"),
    Case("adjacent-entries-not-overlap", [entry("RN1", minutes=10, start="10:00"),
                                          entry("RN2", minutes=10, start="10:10")], "99490", "60.49"),
    # voids are entries left out; months never carry over
    Case("voided-entry-left-out", [entry(minutes=15)], "", "0.00"),
    Case("other-month-not-counted", [entry(minutes=15), entry(minutes=10, day="2025-09-30")], "", "0.00"),
    Case("month-boundary-last-day-counts", [entry(minutes=25, day="2025-10-31")], "99490", "60.49"),
    Case("month-boundary-next-month-empty", [entry(minutes=25, day="2025-10-31")], "", "0.00",
         month="2025-11"),
    Case("year-boundary-2026-table", [entry(minutes=20, day="2026-01-01"), entry(minutes=20, day="2025-12-31")],
         "99490", "66.13", month="2026-01"),
    Case("other-service-tcm-not-counted", [entry(minutes=15), entry(minutes=10, service=TCM)], "", "0.00"),
    Case("no-time-at-all", [], "", "0.00"),
    # consent
    Case("time-before-consent-excluded", [entry(minutes=12, day="2025-10-15"), entry(minutes=15, day="2025-10-21")],
         "", "0.00", consents=[consent("2025-10-20")]),
    Case("time-on-consent-day-counts", [entry(minutes=20, day="2025-10-20")], "99490", "60.49",
         consents=[consent("2025-10-20")]),
    Case("revoked-mid-month-still-counts", [entry(minutes=25, day="2025-10-25")], "99490", "60.49",
         consents=[consent(revoked="2025-10-12")]),
    Case("revoked-last-month-stops", [entry(minutes=25, day="2025-10-25")], "", "0.00",
         consents=[consent(revoked="2025-09-15")]),
    Case("no-consent-nothing-billed", [entry(minutes=60)], "", "0.00", consents=[]),
    Case("missing-disclosure-nothing-billed", [entry(minutes=60)], "", "0.00",
         consents=[consent(told={"service_explained": True, "cost_sharing": False,
                                 "one_practitioner": True, "stop_any_time": True})]),
    Case("future-dated-consent-ignored", [entry(minutes=30, day="2025-10-03")], "", "0.00",
         consents=[consent("2025-10-01")], today="2025-09-30"),
    # who may do the work
    Case("no-clinical-credential-excluded", [entry("BILL", minutes=25)], "", "0.00"),
    Case("cma-in-nj-flagged-not-blocked", [entry("CMA_NJ", minutes=25)], "99490", "60.49"),
    # physician/QHP vs staff: the better-paying valid family, with the alternative
    Case("physician-30m-99491", [entry("MD1", minutes=30)], "99491", "82.16", alternative="99490"),
    Case("physician-29m59s-counts-as-staff", [entry("MD1", seconds=1799)], "99490", "60.49", alternative=""),
    Case("physician-60m-staff-codes-pay-more", [entry("MD1", minutes=60)], "99490;99439x2", "152.35",
         alternative="99491;99437"),
    Case("physician-90m-99437x2", [entry("NP1", minutes=90)], "99491;99437x2", "197.32",
         alternative="99490;99439x2"),
    Case("physician-150m-99437-uncapped", [entry("MD1", minutes=150)], "99491;99437x4", "312.48",
         alternative="99490;99439x2"),
    Case("physician-plus-staff-pooled", [entry("MD1", minutes=30), entry("RN1", minutes=20)], "99490;99439",
         "106.42", alternative="99491"),
    Case("physician-and-staff-same-minutes", [entry("MD1", minutes=30, start="10:00"),
                                              entry("RN1", minutes=30, start="10:00")], "99491", "82.16",
         alternative="99490"),
    # complex CCM
    Case("complex-60m-non-complex-pays-more", [entry(minutes=60)], "99490;99439x2", "152.35", complex=True,
         alternative="99487"),
    Case("complex-90m-99487-99489", [entry(minutes=90)], "99487;99489", "202.17", complex=True,
         alternative="99490;99439x2"),
    Case("complex-not-attested", [entry(minutes=90)], "99490;99439x2", "152.35", alternative=""),
    Case("complex-150m-99489x3", [entry(minutes=150)], "99487;99489x3", "343.21", complex=True,
         alternative="99490;99439x2"),
    Case("complex-59m59s-not-reached", [entry(seconds=3599)], "99490;99439", "106.42", complex=True,
         alternative=""),
    # eligibility and PCM
    Case("one-non-complex-condition", [entry(minutes=60)], "", "0.00", conditions=NONE_CONDITIONS),
    Case("pcm-candidate-ccm-time-not-billed", [entry(minutes=40)], "", "0.00", conditions=PCM_CONDITIONS),
    Case("pcm-staff-30m", [entry(minutes=30, service=PCM)], "99426", "0.00", conditions=PCM_CONDITIONS),
    Case("pcm-staff-29m-nothing", [entry(minutes=29, service=PCM)], "", "0.00", conditions=PCM_CONDITIONS),
    Case("pcm-physician-60m", [entry("MD1", minutes=60, service=PCM)], "99424;99425", "0.00",
         conditions=PCM_CONDITIONS, alternative="99426;99427"),
    Case("ccm-and-pcm-one-claim", [entry(minutes=25), entry("RN2", minutes=35, service=PCM)], "99490", "60.49",
         alternative="99426"),
    # 2026 table
    Case("2026-staff-20m", [entry(minutes=20, day="2026-03-05")], "99490", "66.13", month="2026-03"),
    Case("2026-staff-60m", [entry(minutes=60, day="2026-03-05")], "99490;99439x2", "167.01", month="2026-03"),
    Case("2026-physician-60m-staff-codes-pay-more", [entry("MD1", minutes=60, day="2026-03-05")], "99490;99439x2",
         "167.01", month="2026-03", alternative="99491;99437"),
    Case("2026-physician-150m-99437-at-most-2-units", [entry("MD1", minutes=150, day="2026-03-05")],
         "99491;99437x2", "208.42", month="2026-03", alternative="99490;99439x2"),
    Case("2026-complex-90m", [entry(minutes=90, day="2026-03-05")], "99487;99489", "222.45", month="2026-03",
         complex=True, alternative="99490;99439x2"),
    Case("2026-pcm-staff-60m", [entry(minutes=60, day="2026-03-05", service=PCM)], "99426;99427", "45.43",
         month="2026-03", conditions=PCM_CONDITIONS),
    Case("2026-pcm-physician-60m", [entry("MD1", minutes=60, day="2026-03-05", service=PCM)], "99424;99425",
         "148.97", month="2026-03", conditions=PCM_CONDITIONS, alternative="99426;99427"),
    Case("2026-physician-30m", [entry("MD1", minutes=30, day="2026-03-05")], "99491", "82.16", month="2026-03",
         alternative="99490"),
]


def run(case: Case):
    return bill_month(case.entries, patient_id=PID, month=case.month, consents=case.consents, staff=STAFF,
                      eligibility=assess_eligibility(case.conditions), complex_attested=case.complex,
                      staffing=StaffingRule(), today=d(case.today) if case.today else None)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_billing_case(case: Case) -> None:
    bill = run(case)
    assert bill.codes_text == case.codes
    assert bill.amount == Decimal(case.amount)
    if case.alternative is not None:
        got = bill.alternative.codes_text if bill.alternative else ""
        assert got == case.alternative
    # every second is either billed or explained
    logged = sum(e.seconds for e in case.entries)
    assert bill.billable_seconds + sum(u.seconds for u in bill.unbilled_items) == logged
    assert all(u.seconds > 0 for u in bill.unbilled_items)


def test_at_least_forty_cases() -> None:
    assert len(CASES) >= 40
    assert len({c.id for c in CASES}) == len(CASES)


def by_id(name: str) -> Case:
    return next(c for c in CASES if c.id == name)


@pytest.mark.parametrize("name, text", [
    ("staff-19m59s-is-not-20", "19 min 59 s of 20 minutes for 99490: 1 s more needed"),
    ("voided-entry-left-out", "15 of 20 minutes for 99490: 5 more needed"),
    ("time-before-consent-excluded", "12 min before consent on 2025-10-20"),
    ("overlap-two-staff-counted-once", "5 min overlap counted once (CCM)"),
    ("other-service-tcm-not-counted", "10 min counted for TCM, not CCM"),
    ("other-month-not-counted", "10 min logged in other months, not counted in 2025-10"),
    ("staff-95m-99439-capped-at-2", "35 min beyond the +99439 cap of 2 units"),
    ("staff-39m59s-one-unit-only", "19 min 59 s of 20 minutes for +99439: 1 s more needed"),
    ("revoked-last-month-stops", "25 min after consent ended on 2025-09-30 (revoked 2025-09-15)"),
    ("no-consent-nothing-billed", "60 min without consent (none on record)"),
    ("no-clinical-credential-excluded", "25 min by staff with no clinical credential (BILL)"),
    ("ccm-and-pcm-one-claim", "35 min of PCM time not billed: CCM is billed this month (one claim per patient-month)"),
    ("future-dated-consent-ignored", "30 min under a consent dated in the future (2025-10-01)"),
])
def test_unbilled_reason_text(name: str, text: str) -> None:
    assert text in run(by_id(name)).unbilled


def test_not_eligible_reason_names_eligibility() -> None:
    bill = run(by_id("one-non-complex-condition"))
    assert bill.unbilled == [f"60 min of CCM time not billed: {assess_eligibility(NONE_CONDITIONS).reason}"]
    assert bill.reason.startswith("Nothing billed: Not eligible")


def test_staffing_flag_shown_for_nj_cma_only() -> None:
    assert run(by_id("cma-in-nj-flagged-not-blocked")).flags == (
        "staff CMA in NJ: flagged by state staffing rule (CMA_NJ, 25 min)",)
    ny = Case("x", [entry("CMA_NY", minutes=25)], "99490", "60.49")
    assert run(ny).flags == ()


def test_provisional_and_unset_amounts_flagged() -> None:
    flags = run(by_id("2026-staff-60m")).flags
    assert "99439 provisional amount: 1.51 RVU x $33.4009 (one source; vendor pages say about $48); " \
        "confirm in the CMS PFS Look-Up Tool before billing" in flags
    assert not any(f.startswith("99490") for f in flags)
    assert "99426 amount not set in the 2025 table: shown as $0.00" in run(by_id("pcm-staff-30m")).flags


def test_lines_minutes_and_counts() -> None:
    bill = run(by_id("staff-95m-99439-capped-at-2"))
    assert [(ln.code, ln.units, ln.amount) for ln in bill.lines] == [
        ("99490", 1, Decimal("60.49")), ("99439", 2, Decimal("91.86"))]
    assert (bill.billable_minutes, bill.counted_minutes) == (60, 95)
    two = run(by_id("two-staff-add-up"))
    assert dict(two.minutes_by_staff) == {"RN1": 12, "RN2": 10}


def test_staff_time_left_out_when_99491_chosen_is_explained() -> None:
    case = Case("x", [entry("MD1", minutes=90, start="09:00"), entry("RN1", minutes=30, start="13:00")],
                "99491;99437x2", "197.32")
    bill = run(case)
    assert bill.codes_text == case.codes
    assert any(u.startswith("30 min of clinical-staff time not billed") for u in bill.unbilled)


def test_no_table_for_2024() -> None:
    with pytest.raises(InvalidInput, match="no billing rule table for 2024"):
        rule_table_for("2024-12")
    with pytest.raises(InvalidInput, match="YYYY-MM"):
        rule_table_for("2025-13")


def test_table_year_must_match_month() -> None:
    from workbench.rules import choose_codes, summarize_month
    time = summarize_month([entry(minutes=20)], patient_id=PID, month="2025-10", consents=[consent()], staff=STAFF)
    with pytest.raises(InvalidInput):
        choose_codes(time, eligibility=assess_eligibility(CCM_CONDITIONS), complex_attested=False,
                     table=rule_table_for("2026-01"))
