"""The worklist: columns, metrics and the order of who needs a call today."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from workbench import records as r
from workbench.reports import WORKLIST_COLUMNS, priority, worklist

from report_helpers import consent

DAY = date(2026, 11, 10)


@pytest.fixture
def panel(swb, make_bundle):
    for pid in ("P00003", "P00004", "P00005"):
        bundle = make_bundle(pid)
        if pid == "P00004":
            bundle.conditions = [r.Condition("I10", "Hypertension")]
        swb.add_patient(bundle)
    for pid in ("P00001", "P00003", "P00005"):
        consent(swb, pid)
    swb.log_time("P00001", 25, "patient_call", "call", service_date="2026-11-02")
    swb.log_time("P00005", 61, "patient_call", "call", service_date="2026-11-02")
    swb.log_time("P00001", 30, "patient_call", "last month", service_date="2026-10-20")
    swb.log_contact("P00001", "phone", "reached", "monthly check-in")
    swb.open_escalation("P00003", "Fell at home, bruising", "urgent")
    swb.record_phq("P00005", "PHQ-2", [0, 1])
    swb.as_user("S002").start_timer("P00004")
    return swb


def test_columns_and_metrics(panel):
    df = worklist(panel, DAY)
    assert list(df.columns) == WORKLIST_COLUMNS and len(df) == 5
    rows = df.set_index("patient_id")
    a = rows.loc["P00001"]
    assert (a.minutes, a.next_threshold, a.minutes_to_next, a.days_left) == (25, 40, 15, 21)
    assert a.eligibility == "CCM" and a.n_chronic == 2 and a.consent_valid
    assert a.last_outcome == "reached" and a.last_contact == pd.Timestamp("2026-11-10 15:00", tz="UTC")
    assert a.age == 76 and a["name"] == "Ada Lovelace"
    assert pd.isna(rows.loc["P00005"].next_threshold) and pd.isna(rows.loc["P00005"].minutes_to_next)
    assert rows.loc["P00005"].minutes == 61 and not rows.loc["P00005"].phq_due
    assert rows.loc["P00001"].phq_due
    assert pd.isna(rows.loc["P00002"].last_contact) and rows.loc["P00002"].consent == "none"
    assert not rows.loc["P00002"].consent_valid and "consent call needed" in rows.loc["P00002"]["flags"]
    assert rows.loc["P00003"].open_escalations == 1 and "escalation open" in rows.loc["P00003"]["flags"]
    assert rows.loc["P00004"].open_timer and rows.loc["P00004"].eligibility == "none"
    gaps = rows.loc["P00001"].care_gaps
    assert gaps > 1 and f"{gaps} care gaps" in rows.loc["P00001"]["flags"]
    assert all(isinstance(f, list) for f in df["flags"])
    assert a.care_team == ["S001", "S005"] and a.icd10 == ["I10", "E11.9"]
    assert a.conditions == ["Essential hypertension", "Type 2 diabetes"]


def test_order_escalation_then_owed_minutes_then_consent_call(panel):
    order = worklist(panel, DAY)["patient_id"].tolist()
    assert order[0] == "P00003"
    assert order.index("P00001") < order.index("P00002") < order.index("P00004")
    assert order.index("P00002") < order.index("P00005")
    assert worklist(panel, DAY)["urgency"].is_monotonic_decreasing


def test_why_now_reasons_are_typed_and_match_the_facts(panel):
    rows = worklist(panel, DAY).set_index("patient_id")
    codes = {pid: [x.code for x in rows.loc[pid].why] for pid in rows.index}
    assert codes["P00003"][0] == "escalation"
    assert codes["P00002"][0] == "consent_call"
    assert "timer_running" in codes["P00004"]
    first = rows.loc["P00001"].why[0]
    assert (first.code, first.sentence, first.tone) == ("threshold", "15 min to reach 40, 21 days left", "warn")
    assert "threshold" not in codes["P00005"]  # 61 minutes: the last threshold is met


def test_a_hospital_contact_makes_a_post_discharge_reason(panel):
    panel.log_contact("P00004", "portal", "sent", "Discharge summary received", with_whom="hospital")
    row = worklist(panel, DAY).set_index("patient_id").loc["P00004"]
    assert row.days_since_discharge == 0 and row.why[0].sentence == "Post-discharge day 0"


def test_patient_ids_give_the_same_rows_as_the_whole_panel(panel):
    whole = worklist(panel, DAY).set_index("patient_id")
    part = worklist(panel, DAY, patient_ids={"P00001", "P00004"}).set_index("patient_id")
    assert sorted(part.index) == ["P00001", "P00004"]
    for pid in part.index:
        assert part.loc[pid].drop(["why"]).equals(whole.loc[pid].drop(["why"]))
        assert part.loc[pid].why == whole.loc[pid].why


def test_closing_the_escalation_moves_the_patient_down(panel):
    before = worklist(panel, DAY).set_index("patient_id").loc["P00003"]
    esc = panel.escalations("P00003", open_only=True)[0]
    panel.record_escalation_step(esc.id, "closed", "resolved by phone")
    after = worklist(panel, DAY).set_index("patient_id").loc["P00003"]
    assert after.open_escalations == 0 and not any("escalation" in f for f in after["flags"])
    assert before.priority - after.priority == pytest.approx(1000)


def test_training_scope_is_separate(panel):
    assert worklist(panel, DAY, scope="training:x").empty


BASE = dict(open_escalations=0, billable_program=True, consent_valid=True, minutes=5, minutes_to_next=15,
            days_left=20, days_since_contact=3, care_gaps=0, phq_is_due=False)


@pytest.mark.parametrize("higher, lower", [
    (dict(open_escalations=1), dict()),
    (dict(days_left=2), dict(days_left=20)),  # same minutes owed, fewer days left
    (dict(minutes_to_next=15), dict(minutes_to_next=5, minutes=35)),  # more owed
    (dict(minutes=5), dict(minutes=25, minutes_to_next=15)),  # first threshold not met yet
    (dict(consent_valid=False), dict(billable_program=False)),  # consent call beats not eligible
    (dict(), dict(consent_valid=False)),  # owed minutes beat a consent call
    (dict(days_since_contact=None), dict(days_since_contact=0)),
    (dict(care_gaps=3), dict(care_gaps=0)),
    (dict(phq_is_due=True), dict()),
])
def test_priority_formula(higher, lower):
    assert priority(**{**BASE, **higher}) > priority(**{**BASE, **lower})


def test_priority_after_the_last_threshold_has_no_owed_part():
    done = priority(**{**BASE, "minutes": 65, "minutes_to_next": None})
    assert done == pytest.approx(1.0)  # 3 days since contact: 1 point, nothing else
