"""Helpers for the UI tests."""

from __future__ import annotations

from workbench import records as r


def consent_all(wb, pid: str) -> None:
    wb.record_consent(pid, r.ConsentMethod.VERBAL, wb.today(), {k: True for k in r.CONSENT_DISCLOSURES})
