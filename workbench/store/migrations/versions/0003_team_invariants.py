"""team invariants

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01

The workbench's own system user (the author of loads and imports) is part of every database,
written here once instead of by every kernel that opens the database. And invariants that hold
under concurrency, enforced by the database:

- one void (or correction) per time entry: a unique index on ``time_entries.supersedes_id``;
- one running timer per staff member: a trigger on ``timers`` that refuses a second open timer
  (on PostgreSQL it first locks the staff member's ``users`` row, so two transactions starting
  timers for one person run one after the other and the second sees the first);
- one stop per timer: ``uq_timer_stops_timer_id`` (from 0001);
- one current care-plan version: ``uq_care_plan_revisions_patient_version`` (from 0001).
"""
import sqlalchemy as sa
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

SYSTEM_USER = {"id": "system", "name": "Workbench system", "role": "supervisor", "credential": None,
               "state": None, "active": True}


ONE_TIMER = "one running timer per staff member"

SQLITE_TRIGGER = f"""
CREATE TRIGGER IF NOT EXISTS timers_one_running BEFORE INSERT ON timers
WHEN EXISTS (SELECT 1 FROM timers t WHERE t.staff_id = NEW.staff_id
             AND NOT EXISTS (SELECT 1 FROM timer_stops s WHERE s.timer_id = t.id))
BEGIN SELECT RAISE(ABORT, '{ONE_TIMER}'); END
"""

PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION workbench_one_running_timer() RETURNS trigger AS $$
BEGIN
    PERFORM 1 FROM users WHERE id = NEW.staff_id FOR UPDATE;
    IF EXISTS (SELECT 1 FROM timers t WHERE t.staff_id = NEW.staff_id
               AND NOT EXISTS (SELECT 1 FROM timer_stops s WHERE s.timer_id = t.id)) THEN
        RAISE EXCEPTION '{ONE_TIMER}' USING ERRCODE = 'unique_violation';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    with op.batch_alter_table('time_entries', schema=None) as batch_op:
        batch_op.create_index('uq_time_entries_supersedes_id', ['supersedes_id'], unique=True)
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(SQLITE_TRIGGER)
    else:
        conn.exec_driver_sql(PG_FUNCTION)
        conn.exec_driver_sql("DROP TRIGGER IF EXISTS timers_one_running ON timers")
        conn.exec_driver_sql("CREATE TRIGGER timers_one_running BEFORE INSERT ON timers "
                             "FOR EACH ROW EXECUTE FUNCTION workbench_one_running_timer()")
    users = sa.table("users", sa.column("id"), sa.column("name"), sa.column("role"),
                     sa.column("credential"), sa.column("state"), sa.column("active", sa.Boolean))
    if conn.execute(sa.select(users.c.id).where(users.c.id == SYSTEM_USER["id"])).first() is None:
        conn.execute(users.insert().values(**SYSTEM_USER))


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("DROP TRIGGER IF EXISTS timers_one_running")
    else:
        conn.exec_driver_sql("DROP TRIGGER IF EXISTS timers_one_running ON timers")
        conn.exec_driver_sql("DROP FUNCTION IF EXISTS workbench_one_running_timer()")
    with op.batch_alter_table('time_entries', schema=None) as batch_op:
        batch_op.drop_index('uq_time_entries_supersedes_id')
    # the system user may be the author of rows: it stays
