"""Migration 0006 upgrades an existing 0005 database with data, on SQLite and PostgreSQL: old
escalations get the type the workbench derived until now, the append-only guard is back after the
backfill, and a database whose roles were made at 0005 lets the app role write heartbeats."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from workbench.clock import FixedClock
from workbench.rules.escalation import classify
from workbench.store import make_engine, upgrade
from workbench.store.migrate import current_revision

NOW = datetime(2026, 11, 10, 15, 0, tzinfo=UTC)

# reason, source -> the type the old derivation gives (rules.escalation.classify at 0005)
OLD_ROWS = [
    ("PHQ-9 item 9 answered 2: same-day suicide-risk follow-up", "phq9", "suicide_risk"),
    ("Took too many pills this morning", "manual", "overdose"),
    ("Fell and hit her head on the bathtub", "manual", "fall_head_strike"),
    ("Chest pain since lunch", "manual", "red_zone"),
    ("Cannot afford the co-pay", "manual", "general"),
    ("Suicide risk: says the family would be better off without her", "scenario", "suicide_risk"),
]


@pytest.fixture(params=["sqlite", "postgresql"])
def old_db(request, tmp_path):
    """A database at 0005 (on PostgreSQL set up with its roles, as deployed then) holding staff,
    patients, escalations and a running timer; yields (owner URL, app URL)."""
    from tests.conftest import STAFF, forget_engines, grant_app_roles, new_pg_database, sample_patient
    from workbench.service import Workbench
    from workbench.service.core import SYSTEM_USER

    if request.param == "sqlite":
        owner = app = f"sqlite:///{tmp_path / 'old.db'}"
    else:
        owner = new_pg_database(request.getfixturevalue("pg_server"))
    engine = make_engine(owner)
    upgrade(engine, "0005")
    if request.param == "postgresql":
        app = grant_app_roles(owner)  # `workbench init --roles` run on the 0005 database
    old = Workbench(engine, SYSTEM_USER, FixedClock(NOW))  # the 0005 code wrote these tables alike
    for u in STAFF:
        old.add_user(u)
    old.add_patient(sample_patient())
    with old.write() as uow:  # the 0005 columns only (no kind yet)
        for i, (reason, source, _) in enumerate(OLD_ROWS):
            uow.execute(text(
                "INSERT INTO escalations (patient_id, reason, severity, source, opened_at, recorded_at, "
                "recorded_by, recorded_role, recorded_credential) VALUES ('P00001', :reason, 'urgent', "
                ":source, :at, :at, 'S001', 'care_manager', 'RN')"),
                {"reason": reason, "source": source, "at": NOW - timedelta(days=9) + timedelta(minutes=i)})
    old.as_user("S001").start_timer("P00001", note="running across the upgrade")
    yield engine, owner, app
    engine.dispose()
    forget_engines(owner, app)


def test_upgrade_keeps_the_data_and_types_old_escalations_as_derived(old_db):
    from workbench.service import Workbench

    engine, owner, app = old_db
    with engine.connect() as conn:
        before = conn.execute(text("SELECT id, reason, source FROM escalations ORDER BY id")).all()
    assert len(before) == len(OLD_ROWS)
    upgrade(engine)  # what `workbench init --db OWNER` does
    assert current_revision(engine) == "0006"
    with engine.connect() as conn:
        after = conn.execute(text("SELECT id, reason, source, kind FROM escalations ORDER BY id")).all()
    assert [(x.id, x.reason, x.source) for x in after] == [tuple(x) for x in before]
    assert [x.kind for x in after] == [kind for _, _, kind in OLD_ROWS]
    # the frozen derivation agrees with today's classifier on these rows
    assert [x.kind for x in after] == [classify(x.reason, x.source).key for x in after]
    wb = Workbench.open(app, user="S001", clock=FixedClock(NOW + timedelta(minutes=1)))
    assert [e.kind for e in wb.escalations("P00001")] == [kind for _, _, kind in OLD_ROWS]
    assert wb.escalation_guide(after[3].id)["protocol"].key == "red_zone"
    assert wb.timer_heartbeat() is True  # the app role may write heartbeats after the upgrade
    (health,) = wb.timer_health()
    assert health.last_beat == NOW + timedelta(minutes=1) and not health.orphaned


def test_the_guard_is_back_after_the_backfill(old_db):
    engine, _, _ = old_db
    upgrade(engine)
    for stmt in ("UPDATE escalations SET kind = 'general'", "DELETE FROM escalations"):
        with pytest.raises(DBAPIError, match="append-only"):
            with engine.begin() as conn:
                conn.execute(text(stmt))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM escalations WHERE kind <> 'general'")).scalar_one() == 5


def test_downgrade_then_upgrade_again(old_db):
    engine, _, _ = old_db
    upgrade(engine)
    from alembic import command

    from workbench.store.migrate import alembic_config

    command.downgrade(alembic_config(engine), "0005")
    assert current_revision(engine) == "0005"
    with engine.connect() as conn:
        cols = [c[0] for c in conn.execute(text("SELECT * FROM escalations")).cursor.description]
    assert "kind" not in cols
    upgrade(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM escalations WHERE kind = 'red_zone'")).scalar_one() == 1
