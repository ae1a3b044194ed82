"""The outreach list (eligible, not enrolled, with attempts) and the CCM vs APCM comparison of past
months (docs/reference.md, "Enrolment and programmes"), through the service and the commands."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from workbench import records as r
from workbench.clock import FixedClock
from workbench.cli import main
from workbench.errors import InvalidInput, PermissionDenied

TOLD = {k: True for k in r.CONSENT_DISCLOSURES}


def test_outreach_list_shows_eligible_patients_not_enrolled_with_attempts(swb, make_bundle):
    swb.as_user("S004").add_patient(make_bundle("P00003", first_name="Cy", last_name="Young"))
    swb.as_user("S004").add_patient(make_bundle("P00004", first_name="Di", last_name="Prince"))
    swb.record_consent("P00002", "verbal", "2026-11-01", TOLD)  # consented: not on the list
    swb.record_outreach("P00001", "letter", "sent", "2026-11-02")
    swb.record_outreach("P00001", "phone", "no_answer", "2026-11-05")
    swb.record_outreach("P00003", "phone", "declined", "2026-11-06")  # declined: off the list
    df = swb.outreach_list()
    assert list(df["patient_id"]) == ["P00004", "P00001"]  # fewest attempts first
    row = df.set_index("patient_id").loc["P00001"]
    assert (row["status"], row["status_since"], row["attempts"], row["last_outcome"]) == \
        ("Invited", "2026-11-02", 2, "no_answer")
    assert not any("Ada" in str(v) or "Lovelace" in str(v) for v in df.to_numpy().ravel())  # ids only
    with pytest.raises(PermissionDenied):
        swb.as_user("S006").outreach_list()


def test_programme_comparison_counts_what_ccm_paid_and_what_apcm_would(swb):
    swb.record_consent("P00001", "verbal", "2026-09-01", TOLD)
    swb.record_consent("P00002", "verbal", "2026-09-01", TOLD)
    swb.log_time("P00001", 45, r.Activity.PATIENT_CALL, "call", service_date="2026-10-06")
    swb.log_time("P00002", 25, r.Activity.PATIENT_CALL, "call", service_date="2026-10-07")
    october = swb.as_user("S001", clock=FixedClock(datetime(2026, 10, 20, 15, tzinfo=UTC)))
    october.move_to_apcm("P00002", "2026-11-01", "verbal", consent_date="2026-10-20")
    df = swb.as_user("S006").programme_comparison(["2026-10", "2026-11"]).set_index("month")
    oct_, nov = df.loc["2026-10"], df.loc["2026-11"]
    # October: 99490;99439 ($116.57) + 99490 ($66.13) under CCM; APCM level 2 would be 2 x $53.78
    assert (oct_["ccm_patient_months"], oct_["ccm_paid_usd"], oct_["apcm_would_usd"]) == (2, 182.70, 107.56)
    assert oct_["difference_usd"] == pytest.approx(107.56 - 182.70)
    assert (nov["ccm_patient_months"], nov["apcm_patient_months"], nov["apcm_paid_usd"]) == (0, 1, 53.78)
    with pytest.raises(InvalidInput, match="between 1 and 36"):
        swb.programme_comparison(0)


def test_a_qmb_level_3_with_no_amount_is_counted_not_guessed(swb):
    swb.record_consent("P00001", "verbal", "2026-09-01", TOLD)
    swb.log_time("P00001", 21, r.Activity.PATIENT_CALL, "call", service_date="2026-10-06")
    swb.set_qmb("P00001", True, "2026-09-01", "Medicaid eligibility check")
    row = swb.programme_comparison(["2026-10"]).iloc[0]
    assert (row["apcm_would_usd"], row["apcm_unpriced"], row["ccm_paid_usd"]) == (0.0, 1, 66.13)


def test_the_commands(swb, sqlite_url, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("WORKBENCH_USER", "S001")
    assert main(["enrol", "outreach", "P00001", "--channel", "phone", "--outcome", "no_answer",
                 "--on", "2026-11-03", "--db", sqlite_url]) == 0
    assert main(["enrol", "qmb", "P00001", "yes", "--from", "2026-11-01", "--reason", "card", "--db", sqlite_url]) == 0
    assert main(["enrol", "bh", "P00001", "--month", "2026-11", "--code", "G0570", "--db", sqlite_url]) == 0
    said = capsys.readouterr().out  # what each command did, on standard output
    assert "P00001: outreach by phone on 2026-11-03: no_answer" in said and "G0570 recorded for 2026-11" in said
    out = tmp_path / "outreach.csv"
    assert main(["report", "outreach", "--db", sqlite_url, "--out", str(out)]) == 0
    text = out.read_text()
    assert text.startswith("patient_id,eligible_for,status") and "P00001,CCM,Invited,2026-11-03,1" in text
    assert main(["report", "programmes", "--months", "2", "--db", sqlite_url]) == 0
    assert "ccm_paid_usd" in capsys.readouterr().out
    assert [q.qmb for q in swb.qmb_history("P00001")] == [True]


def test_an_apcm_only_consent_counts_on_the_worklist_and_takes_the_patient_off_the_outreach_list(swb):
    swb.record_consent("P00001", "verbal", "2026-11-02", TOLD, programme="APCM")
    assert "P00001" not in set(swb.outreach_list()["patient_id"])
    row = swb.worklist().set_index("patient_id").loc["P00001"]
    assert bool(row["consent_valid"]) is True
    assert bool(swb.worklist().set_index("patient_id").loc["P00002"]["consent_valid"]) is False
