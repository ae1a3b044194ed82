"""time approval and claim sign-off

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04

- ``time_approvals``: a supervisor's approval of one time entry (unique per entry), with the
  Monday of the timesheet when a person's week was approved whole. Append-only.
- ``claim_signoffs``: the billing practitioner's signature on a patient-month's claim: the codes
  and the time entry ids it stood on. Append-only.

The practice setting ``approval_required`` is not written here: a database that already holds a
practice keeps billing as before until someone turns it on; ``workbench init`` turns it on for a
new database (docs/billing-approval.md).
"""
import sqlalchemy as sa
from alembic import op

from workbench.store.guards import install_guards
from workbench.store.schema import UTCDateTime

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

TABLES = ("time_approvals", "claim_signoffs")


def _audit() -> list[sa.Column]:
    return [sa.Column('recorded_at', UTCDateTime(), nullable=False),
            sa.Column('recorded_by', sa.String(length=64), nullable=False),
            sa.Column('recorded_role', sa.String(length=32), nullable=False),
            sa.Column('recorded_credential', sa.String(length=8), nullable=False)]


def _grant(bind) -> None:
    """A database set up by ``workbench init --roles`` keeps working: the app role may read and
    append, the read-only role read."""
    if bind.dialect.name != "postgresql":
        return
    from workbench.store.roles import APP_ROLE, READONLY_ROLE

    tables = ", ".join(TABLES)
    bind.exec_driver_sql(
        f"DO $$ BEGIN "
        f"IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN "
        f"GRANT SELECT, INSERT ON {tables} TO {APP_ROLE}; "
        f"GRANT USAGE, SELECT ON SEQUENCE time_approvals_id_seq, claim_signoffs_id_seq "
        f"TO {APP_ROLE}; END IF; "
        f"IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{READONLY_ROLE}') THEN "
        f"GRANT SELECT ON {tables} TO {READONLY_ROLE}; END IF; END $$")


def upgrade() -> None:
    bind = op.get_bind()
    op.create_table(
        'time_approvals',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('time_entry_id', sa.Integer(), nullable=False),
        sa.Column('entry_staff_id', sa.String(length=64), nullable=False),
        sa.Column('week_start', sa.Date(), nullable=True),
        *_audit(),
        sa.ForeignKeyConstraint(['time_entry_id'], ['time_entries.id'],
                                name=op.f('fk_time_approvals_time_entry_id_time_entries')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_time_approvals')),
        sa.UniqueConstraint('time_entry_id', name=op.f('uq_time_approvals_time_entry_id')),
    )
    op.create_table(
        'claim_signoffs',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('patient_id', sa.String(length=32), nullable=False),
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('codes', sa.String(length=200), nullable=False),
        sa.Column('entry_ids', sa.JSON(), nullable=False),
        *_audit(),
        sa.ForeignKeyConstraint(['patient_id'], ['patients.id'],
                                name=op.f('fk_claim_signoffs_patient_id_patients')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_signoffs')),
    )
    op.create_index('ix_claim_signoffs_patient_month', 'claim_signoffs', ['patient_id', 'month'])
    install_guards(bind, TABLES)
    _grant(bind)


def downgrade() -> None:
    bind = op.get_bind()
    for table in reversed(TABLES):
        if bind.dialect.name == "postgresql":
            bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.drop_table(table)
