"""Month report rows for hand-built months (docs/reference.md, "Monthly codes and time thresholds")."""

from __future__ import annotations

import pytest

from workbench import records as r
from workbench.reports import REPORT_COLUMNS, month_report

from report_helpers import at, consent


def test_report_on_both_backends(wb):
    """RN 25 min + CMA in NJ 10 min, consented: 99490, the rest explained, the CMA flagged."""
    consent(wb, "P00001")
    wb.log_time("P00001", 25, "patient_call", "call", service_date="2026-11-03")
    wb.as_user("S003").log_time("P00001", 10, "community_resources", "transport", service_date="2026-11-04")
    wb.log_time("P00002", 5, "patient_call", "call", service_date="2026-11-03")
    df = month_report(wb, "2026-11")
    assert list(df.columns) == REPORT_COLUMNS
    rows = df.set_index("patient_id")
    a = rows.loc["P00001"]
    assert (a.codes, a.billable_minutes, a.amount_usd, a.counted_minutes, a.total_minutes) == \
        ([{"code": "99490", "units": 1}], 20, 66.13, 35, 35)
    assert a.minutes_by_staff == {"S001": 25, "S003": 10}
    assert "staff CMA in NJ: flagged by state staffing rule (S003, 10 min)" in a["flags"]
    assert a.reasons == ["15 of 20 minutes for +99439: 5 more needed"]
    b = rows.loc["P00002"]
    assert (b.codes, b.amount_usd, b.counted_minutes, b.total_minutes) == ([], 0.0, 0, 5)
    assert len(b.reasons) == 1 and "without consent" in b.reasons[0]
    assert month_report(wb, "2026-11", force_exact=True).equals(df)


@pytest.mark.parametrize("minutes, codes, billable, amount", [
    (19.99, [], 0, 0.0),
    (20, [("99490", 1)], 20, 66.13),
    (39.5, [("99490", 1)], 20, 66.13),
    (40, [("99490", 1), ("99439", 1)], 40, 114.13),
    (60, [("99490", 1), ("99439", 2)], 60, 162.13),
    (95, [("99490", 1), ("99439", 2)], 60, 162.13),
])
def test_thresholds_and_units(swb, minutes, codes, billable, amount):
    consent(swb, "P00001")
    swb.log_time("P00001", minutes, "patient_call", "call", service_date="2026-11-02")
    row = month_report(swb, "2026-11").iloc[0]
    assert ([(c["code"], c["units"]) for c in row.codes], row.billable_minutes, row.amount_usd) == \
        (codes, billable, amount)


def test_one_row_per_patient_month_never_two_claims(swb):
    """Many entries, CCM and PCM time, practitioner time: still one row and one code family."""
    consent(swb, "P00001")
    md = swb.as_user("S005")
    for day in range(1, 10):
        swb.log_time("P00001", 9, "patient_call", "call", service_date=f"2026-11-0{day}")
        md.log_time("P00001", 4, "care_plan", "plan", service_date=f"2026-11-0{day}")
    swb.log_time("P00001", 30, "care_plan", "pcm", service_date="2026-11-05", service="PCM")
    df = month_report(swb, "2026-11")
    assert df["patient_id"].tolist() == ["P00001"]
    codes = {c["code"] for c in df.iloc[0].codes}
    families = [{"99490", "99439"}, {"99487", "99489"}, {"99491", "99437"}, {"99424", "99425"}, {"99426", "99427"}]
    assert sum(1 for f in families if f & codes) == 1
    alt = df.iloc[0].alternative  # another family was billable: reported, not claimed
    assert alt is not None and alt["codes"] and not {c["code"] for c in alt["codes"]} & codes


def test_training_patients_never_appear(swb, make_bundle):
    bundle = make_bundle("T00001")
    bundle.patient = r.Patient(**{**bundle.patient.__dict__, "scope": "training:a1"})
    swb = swb.as_user("S004")  # a practice patient without an attempt: supervisors only (workbench.service.policy)
    swb.add_patient(bundle)
    swb.record_consent("T00001", "verbal", "2026-01-05", dict.fromkeys(r.CONSENT_DISCLOSURES, True))
    swb.log_time("T00001", 30, "patient_call", "call", service_date="2026-11-02")
    assert month_report(swb, "2026-11").empty
    assert month_report(swb, "2026-11", scope="training:a1")["patient_id"].tolist() == ["T00001"]


def test_voided_time_is_left_out(swb):
    consent(swb, "P00001")
    keep = swb.log_time("P00001", 15, "patient_call", "call", service_date="2026-11-02")
    wrong = swb.log_time("P00001", 10, "patient_call", "wrong patient", service_date="2026-11-03")
    assert month_report(swb, "2026-11").iloc[0].codes == [{"code": "99490", "units": 1}]
    swb.void_time(wrong.id, "logged on the wrong patient")
    row = month_report(swb, "2026-11").iloc[0]
    assert (row.codes, row.counted_minutes) == ([], 15)
    assert keep.id != wrong.id


def test_overlap_takes_the_exact_path_and_consent_inside_the_month_is_summed_by_day(swb):
    consent(swb, "P00001", "2026-11-05")
    swb.log_time("P00001", 12, "patient_call", "before", service_date="2026-11-02")
    swb.log_time("P00001", 20, "patient_call", "after", service_date="2026-11-06")
    consent(swb, "P00002")
    swb.log_time("P00002", 15, "patient_call", "a", started_at=at("2026-11-03", "14:00"))
    swb.as_user("S002").log_time("P00002", 15, "patient_call", "b", started_at=at("2026-11-03", "14:10"))
    df = month_report(swb, "2026-11")
    assert df.attrs["exact_patients"] == 1  # P00002's overlap; P00001 is summed day by day
    rows = df.set_index("patient_id")
    assert rows.loc["P00001"].codes == [{"code": "99490", "units": 1}]
    assert any("12 min before consent on 2026-11-05" in x for x in rows.loc["P00001"].reasons)
    assert rows.loc["P00002"].counted_minutes == 25 and rows.loc["P00002"].codes == [{"code": "99490", "units": 1}]
    assert any("5 min overlap counted once (CCM)" in x for x in rows.loc["P00002"].reasons)


def test_report_matches_the_service_bill(swb):
    consent(swb, "P00001")
    swb.as_user("S005").log_time("P00001", 35, "care_plan", "md", service_date="2026-11-02")
    swb.log_time("P00001", 22, "patient_call", "rn", service_date="2026-11-03")
    row = month_report(swb, "2026-11").iloc[0]
    bill = swb.month_bill("P00001", "2026-11")
    assert (row.codes, row.amount_usd, row.billable_minutes) == (
        [{"code": ln.code, "units": ln.units} for ln in bill.lines], float(bill.amount), bill.billable_minutes)


def test_unknown_year_is_refused(swb):
    from workbench.errors import InvalidInput

    with pytest.raises(InvalidInput, match="rule table"):
        month_report(swb, "2031-01")
