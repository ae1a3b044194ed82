"""Helpers for the UI tests: a seeded database and, until workbench.reports lands, report frames
built from the real service and rules (same columns as the reports module promises)."""

from __future__ import annotations

import importlib.util
from datetime import date

import pandas as pd

from workbench import records as r
from workbench.rules import phq_due

HAVE_REPORTS = importlib.util.find_spec("workbench.reports") is not None

WORKLIST_COLUMNS = ["patient_id", "name", "age", "n_chronic", "eligibility", "consent", "consent_valid",
                    "minutes", "next_threshold", "minutes_to_next", "days_left", "last_contact", "last_outcome",
                    "open_escalations", "care_gaps", "phq_due", "open_timer", "priority", "flags"]


def worklist_from_service(wb, day: date | None = None) -> pd.DataFrame:
    day = day or wb.today()
    month = day.strftime("%Y-%m")
    rows = []
    timers = {t.patient_id for t in wb.open_timers()}
    for p in wb.patients():
        chart = wb.chart(p.id)
        minutes = sum(e.seconds for e in chart.time_entries) / 60
        nxt = 20 if minutes < 20 else 40 if minutes < 40 else 60
        last = chart.contacts[-1] if chart.contacts else None
        phq = [q.recorded_at.date() for q in chart.questionnaires if q.instrument.startswith("PHQ")]
        rows.append({
            "patient_id": p.id, "name": p.name, "age": p.age_on(day),
            "n_chronic": len(chart.eligibility.qualifying), "eligibility": chart.eligibility.program,
            "consent": "valid" if chart.consent.valid else "missing", "consent_valid": chart.consent.valid,
            "minutes": minutes, "next_threshold": nxt, "minutes_to_next": nxt - minutes, "days_left": 7,
            "last_contact": last.contacted_at if last else None, "last_outcome": last.outcome.value if last else "",
            "open_escalations": sum(e.is_open for e in chart.escalations), "care_gaps": 0,
            "phq_due": phq_due(max(phq) if phq else None, day), "open_timer": p.id in timers,
            "priority": 0.0, "flags": ""})
    del month
    return pd.DataFrame(rows, columns=WORKLIST_COLUMNS)


def month_report_from_service(wb, month: str) -> pd.DataFrame:
    rows = []
    for p in wb.patients():
        entries = wb.time_entries(p.id, month)
        if not entries:
            continue
        bill = wb.month_bill(p.id, month)
        rows.append({"patient_id": p.id, "month": month, "codes": bill.codes_text,
                     "billable_minutes": bill.billable_minutes, "amount_usd": float(bill.amount),
                     "counted_minutes": bill.counted_minutes,
                     "total_minutes": sum(e.seconds for e in entries) // 60,
                     "minutes_by_staff": dict(bill.minutes_by_staff), "flags": ";".join(bill.flags),
                     "reasons": ";".join(bill.unbilled),
                     "alternative": bill.alternative.codes_text if bill.alternative else ""})
    return pd.DataFrame(rows)


def patch_reports(monkeypatch) -> None:
    """Use the service-built frames only while workbench.reports does not exist yet."""
    if HAVE_REPORTS:
        return
    from workbench.service import Workbench

    monkeypatch.setattr(Workbench, "worklist", lambda self, day=None, scope="live": worklist_from_service(self, day))
    monkeypatch.setattr(Workbench, "month_report", lambda self, month, scope="live":
                        month_report_from_service(self, month))


def consent_all(wb, pid: str) -> None:
    wb.record_consent(pid, r.ConsentMethod.VERBAL, wb.today(), {k: True for k in r.CONSENT_DISCLOSURES})
