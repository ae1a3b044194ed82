"""Hypothesis properties of month billing (reference, "Monthly codes and time thresholds")."""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from rules_builders import CCM_CONDITIONS, PCM_CONDITIONS, PID, STAFF, consent, entry

from workbench.records import Service
from workbench.rules import StaffingRule, assess_eligibility, bill_month, next_threshold, rule_table_for

FAMILIES = [{"99490", "99439"}, {"99491", "99437"}, {"99487", "99489"}, {"99424", "99425"}, {"99426", "99427"}]
CONSENTS = {
    "early": [consent("2025-01-02")],
    "mid-month": [consent("2025-10-15")],
    "revoked": [consent("2025-01-02", revoked="2025-09-20")],
    "none": [],
}


@st.composite
def entries(draw):
    staff = draw(st.sampled_from(sorted(STAFF)))
    seconds = draw(st.integers(min_value=1, max_value=100 * 60))
    day = draw(st.sampled_from(["2025-09-30", "2025-10-01", "2025-10-10", "2025-10-15", "2025-10-31",
                                "2025-11-01"]))
    timed = draw(st.booleans())
    start = f"{draw(st.integers(8, 16)):02d}:{draw(st.sampled_from([0, 10, 20, 30, 45])):02d}" if timed else None
    service = draw(st.sampled_from([Service.CCM, Service.CCM, Service.PCM, Service.TCM]))
    return entry(staff, seconds=seconds, day=day, start=start, service=service)


scenario = st.fixed_dictionaries({
    "entries": st.lists(entries(), max_size=8),
    "consents": st.sampled_from(sorted(CONSENTS)),
    "conditions": st.sampled_from([CCM_CONDITIONS, PCM_CONDITIONS, CCM_CONDITIONS + PCM_CONDITIONS]),
    "complex": st.booleans(),
})


def bill(s, items):
    return bill_month(items, patient_id=PID, month="2025-10", consents=CONSENTS[s["consents"]], staff=STAFF,
                      eligibility=assess_eligibility(s["conditions"]), complex_attested=s["complex"],
                      staffing=StaffingRule())


@settings(max_examples=150, deadline=None)
@given(scenario, entries())
def test_adding_time_never_lowers_the_amount(s, extra) -> None:
    assert bill(s, s["entries"] + [extra]).amount >= bill(s, s["entries"]).amount


@settings(max_examples=150, deadline=None)
@given(scenario, st.data())
def test_voiding_an_entry_never_raises_the_amount(s, data) -> None:
    assume(s["entries"])
    i = data.draw(st.integers(0, len(s["entries"]) - 1))
    kept = s["entries"][:i] + s["entries"][i + 1:]
    assert bill(s, kept).amount <= bill(s, s["entries"]).amount


@settings(max_examples=150, deadline=None)
@given(scenario, st.randoms(use_true_random=False))
def test_order_of_entries_does_not_matter(s, rnd) -> None:
    shuffled = list(s["entries"])
    rnd.shuffle(shuffled)
    assert bill(s, shuffled) == bill(s, s["entries"])


@settings(max_examples=200, deadline=None)
@given(scenario)
def test_one_claim_per_patient_month_and_every_second_explained(s) -> None:
    result = bill(s, s["entries"])
    codes = {line.code for line in result.lines}
    assert sum(1 for fam in FAMILIES if codes & fam) <= 1
    assert all(codes <= fam for fam in FAMILIES if codes & fam)
    assert len(result.codes_text.split(";")) == len(codes) or not codes
    logged = sum(e.seconds for e in s["entries"])
    assert result.billable_seconds + sum(u.seconds for u in result.unbilled_items) == logged
    assert result.billable_seconds <= result.counted_seconds


@given(st.integers(0, 200))
def test_next_threshold_points_at_the_next_staff_threshold(minutes) -> None:
    owed = next_threshold(minutes, rule_table_for("2025-10"))
    if minutes >= 60:
        assert owed is None
    else:
        assert 0 < owed <= 20
        assert (minutes + owed) in (20, 40, 60)
