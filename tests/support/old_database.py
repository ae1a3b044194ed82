"""A database at an older schema revision holding one patient and a consent written with that
revision's columns: what an upgrade finds on a practice's disk (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.engine import Engine

#: the consent columns every revision has, and their values
CONSENT_COLUMNS = ("patient_id, method, consent_date, obtained_by, disclosures, recorded_at, recorded_by, "
                   "recorded_role, recorded_credential, status, reason")
CONSENT_VALUES = ("'P00001', 'verbal', '2026-03-02', 'S001', '{}', '2026-03-02 14:00:00', 'S001', "
                  "'care_manager', 'RN', 'active', ''")


@contextmanager
def database_at(request, tmp_path, revision: str, extra: dict[str, str] | None = None) -> Iterator[Engine]:
    """The engine of a database at ``revision`` (``request.param``: "sqlite" or "postgresql")
    holding patient P00001 and one consent; ``extra``: further consent columns -> SQL values."""
    from tests.conftest import STAFF, forget_engines, new_pg_database, sample_patient
    from workbench.clock import FixedClock
    from workbench.service import Workbench
    from workbench.service.core import SYSTEM_USER
    from workbench.store import make_engine, upgrade

    owner = f"sqlite:///{tmp_path / 'old.db'}" if request.param == "sqlite" else \
        new_pg_database(request.getfixturevalue("pg_server"))
    engine = make_engine(owner)
    upgrade(engine, revision)
    old = Workbench(engine, SYSTEM_USER, FixedClock(datetime(2026, 11, 10, 15, tzinfo=UTC)))
    for u in STAFF:
        old.add_user(u)
    old.add_patient(sample_patient())
    columns = CONSENT_COLUMNS + "".join(f", {c}" for c in (extra or {}))
    values = CONSENT_VALUES + "".join(f", {v}" for v in (extra or {}).values())
    with old.write() as uow:  # that revision's columns only
        uow.execute(text(f"INSERT INTO consents ({columns}) VALUES ({values})"))
    try:
        yield engine
    finally:
        engine.dispose()
        forget_engines(owner)
