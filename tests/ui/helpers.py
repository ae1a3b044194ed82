"""Helpers for the UI tests."""

from __future__ import annotations

from workbench import records as r


def consent_all(wb, pid: str) -> None:
    wb.record_consent(pid, r.ConsentMethod.VERBAL, wb.today(), {k: True for k in r.CONSENT_DISCLOSURES})


def seeded_ui_db(sqlite_url: str, clock, monkeypatch, *patients) -> str:
    """The UI tests' database: the staff of ``tests/conftest.py`` plus ``patients`` (bundles),
    with the page environment (Hub user, configured user, query string) cleared."""
    from conftest import STAFF

    from workbench.service import Workbench

    for var in ("JUPYTERHUB_USER", "WORKBENCH_USER", "QUERY_STRING"):
        monkeypatch.delenv(var, raising=False)
    system = Workbench.open(sqlite_url, clock=clock)
    for u in STAFF:
        system.add_user(u)
    for bundle in patients:
        system.add_patient(bundle)
    return sqlite_url
