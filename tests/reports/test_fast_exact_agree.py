"""The month report's SQL fast path and the rules' entry-by-entry path give the same rows.

Generated months (seeded, varied): consent before, inside, revoked or missing; manual and timed
entries that may overlap; RN, LPN, CMA in NJ and MD time; CCM, PCM and TCM; voids; PCM-only
patients. Every patient is compared column by column with ``force_exact=True``.
"""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from workbench import records as r
from workbench.reports import month_report

from report_helpers import at, consent

PERFORMERS = ["S001", "S002", "S003", "S005"]


def build_month(wb, make_bundle, seed: int, patients: int = 8) -> None:
    rng = random.Random(seed)
    for n in range(patients):
        pid = f"G{seed:02d}{n:03d}"
        bundle = make_bundle(pid)
        if rng.random() < 0.2:
            bundle.conditions = [r.Condition("I50.9", "Heart failure")]
        wb.add_patient(bundle)
        kind = rng.choice(["before", "before", "before", "inside", "none", "revoked_before", "revoked_inside"])
        if kind in ("before", "revoked_before", "revoked_inside"):
            consent(wb, pid, "2026-03-02")
        elif kind == "inside":
            consent(wb, pid, f"2026-10-{rng.randint(2, 28):02d}")
        if kind == "revoked_before":
            wb.revoke_consent(pid, "2026-08-15", "patient asked to stop")
        elif kind == "revoked_inside":
            wb.revoke_consent(pid, "2026-10-12", "patient asked to stop")
        entries = []
        for _ in range(rng.randint(1, 9)):
            who = wb.as_user(rng.choice(PERFORMERS))
            service = rng.choice(["CCM"] * 6 + ["PCM", "TCM"])
            minutes = rng.choice([1, 4.5, 7, 10, 12, 19.99, 20, 25])
            day = f"2026-10-{rng.randint(1, 30):02d}"
            if rng.random() < 0.5:
                entries.append(who.log_time(pid, minutes, "patient_call", "call", service_date=day,
                                            service=service))
            else:
                start = at(day, f"{rng.randint(13, 15)}:{rng.choice([0, 5, 10, 30])}")
                if entries and entries[-1].started_at and rng.random() < 0.3:  # deliberate overlap
                    start = entries[-1].started_at + timedelta(minutes=2)
                entries.append(who.log_time(pid, minutes, "patient_call", "call", started_at=start,
                                            service=service))
        if rng.random() < 0.3:
            wrong = rng.choice(entries)
            wb.as_user(wrong.staff_id).void_time(wrong.id, "entered in error")  # its author voids it


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_fast_path_agrees_with_exact_path(swb, make_bundle, seed):
    build_month(swb, make_bundle, seed)
    fast = month_report(swb, "2026-10")
    exact = month_report(swb, "2026-10", force_exact=True)
    assert exact.attrs["exact_patients"] == len(exact) == len(fast) > 0
    assert fast.attrs["exact_patients"] < len(fast), "the data must exercise the fast path"
    for (_, a), (_, b) in zip(fast.iterrows(), exact.iterrows(), strict=True):
        assert a.to_dict() == b.to_dict()


def build_consent_month(wb, make_bundle, seed: int, patients: int = 10) -> None:
    """CCM time only, most consents changing inside the month: the day-by-day fast path."""
    rng = random.Random(seed)
    for n in range(patients):
        pid = f"H{seed:02d}{n:03d}"
        wb.add_patient(make_bundle(pid))
        kind = rng.choice(["inside", "inside", "revoked_inside", "none", "before"])
        if kind != "none":
            consent(wb, pid, f"2026-10-{rng.randint(2, 28):02d}" if kind == "inside" else "2026-03-02")
        if kind == "revoked_inside":
            wb.revoke_consent(pid, f"2026-10-{rng.randint(1, 28):02d}", "patient asked to stop")
        for _ in range(rng.randint(1, 8)):
            who = wb.as_user(rng.choice(PERFORMERS))
            day = f"2026-10-{rng.randint(1, 31):02d}"
            minutes = rng.choice([3, 7.5, 10, 12, 19.99, 20])
            if rng.random() < 0.5:
                who.log_time(pid, minutes, "patient_call", "call", service_date=day)
            else:
                who.log_time(pid, minutes, "patient_call", "call",
                             started_at=at(day, f"{rng.randint(13, 15)}:{rng.choice([0, 5, 10, 30])}"))


@pytest.mark.parametrize("seed", [5, 6, 7])
def test_day_by_day_consent_path_agrees_with_exact_path(swb, make_bundle, seed):
    build_consent_month(swb, make_bundle, seed)
    fast = month_report(swb, "2026-10")
    exact = month_report(swb, "2026-10", force_exact=True)
    assert len(fast) == len(exact) > 0
    assert fast.attrs["exact_patients"] < len(fast) // 2, "most patients must take the day-by-day path"
    for (_, a), (_, b) in zip(fast.iterrows(), exact.iterrows(), strict=True):
        assert a.to_dict() == b.to_dict()
