"""enrolment, outreach, QMB status; consent programme and text version

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04

- ``enrolment_events``: a patient's enrolment status (not enrolled, invited, enrolled, enrolled
  elsewhere, declined, unenrolled, ineligible) from a day on, in a programme (CCM or APCM), with
  the reason; who and when in the audit columns. Append-only.
- ``outreach_attempts``: each invitation to enrol (day, channel, outcome, programme). Append-only.
- ``qmb_statuses``: Qualified Medicare Beneficiary status from a day on (APCM level 3). Append-only.
- ``bh_services``: a behavioural-health service furnished in an APCM month (G0568, G0569, G0570)
  and the practitioner who bills it. Append-only.
- ``consents.programme``, ``consents.text_version``, ``consents.language``: which programme was
  consented to and which consent text, in which language. Columns with server defaults, so the
  append-only guards stay untouched: existing consents read programme ``CCM`` and text version
  ``ccm-2025.1`` (the only consent wording in force before this revision) and language ``''``
  (not recorded then).
"""
import sqlalchemy as sa
from alembic import op

from workbench.store.guards import install_guards
from workbench.store.schema import UTCDateTime

revision = '0010'
down_revision = '0009'  # 0009 (time approval, claim sign-off) was merged first
branch_labels = None
depends_on = None

TABLES = ("enrolment_events", "outreach_attempts", "qmb_statuses", "bh_services")


def _audit() -> list[sa.Column]:
    return [sa.Column('recorded_at', UTCDateTime(), nullable=False),
            sa.Column('recorded_by', sa.String(length=64), nullable=False),
            sa.Column('recorded_role', sa.String(length=32), nullable=False),
            sa.Column('recorded_credential', sa.String(length=8), nullable=False)]


def _head(table: str) -> list:
    return [sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
            sa.Column('patient_id', sa.String(length=32), nullable=False)]


def _tail(table: str) -> list:
    return [*_audit(),
            sa.ForeignKeyConstraint(['patient_id'], ['patients.id'],
                                    name=op.f(f'fk_{table}_patient_id_patients')),
            sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{table}'))]


def _grant(bind) -> None:
    """A database set up by ``workbench init --roles`` keeps working: the app role may read and
    append, the read-only role read."""
    if bind.dialect.name != "postgresql":
        return
    from workbench.store.roles import APP_ROLE, READONLY_ROLE

    tables = ", ".join(TABLES)
    sequences = ", ".join(f"{t}_id_seq" for t in TABLES)
    bind.exec_driver_sql(
        f"DO $$ BEGIN "
        f"IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN "
        f"GRANT SELECT, INSERT ON {tables} TO {APP_ROLE}; "
        f"GRANT USAGE, SELECT ON SEQUENCE {sequences} TO {APP_ROLE}; END IF; "
        f"IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{READONLY_ROLE}') THEN "
        f"GRANT SELECT ON {tables} TO {READONLY_ROLE}; END IF; END $$")


def upgrade() -> None:
    bind = op.get_bind()
    op.add_column('consents', sa.Column('programme', sa.String(length=8), nullable=False, server_default='CCM'))
    op.add_column('consents', sa.Column('text_version', sa.String(length=32), nullable=False,
                                        server_default='ccm-2025.1'))
    op.add_column('consents', sa.Column('language', sa.String(length=8), nullable=False, server_default=''))
    op.create_table(
        'enrolment_events', *_head('enrolment_events'),
        sa.Column('status', sa.String(length=24), nullable=False),
        sa.Column('programme', sa.String(length=8), nullable=False),
        sa.Column('effective_on', sa.Date(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        *_tail('enrolment_events'),
    )
    op.create_index(op.f('ix_enrolment_events_patient_id'), 'enrolment_events', ['patient_id'])
    op.create_index('ix_enrolment_events_effective', 'enrolment_events', ['patient_id', 'effective_on'])
    op.create_table(
        'outreach_attempts', *_head('outreach_attempts'),
        sa.Column('attempted_on', sa.Date(), nullable=False),
        sa.Column('channel', sa.String(length=16), nullable=False),
        sa.Column('outcome', sa.String(length=24), nullable=False),
        sa.Column('programme', sa.String(length=8), nullable=False),
        *_tail('outreach_attempts'),
    )
    op.create_index(op.f('ix_outreach_attempts_patient_id'), 'outreach_attempts', ['patient_id'])
    op.create_table(
        'qmb_statuses', *_head('qmb_statuses'),
        sa.Column('qmb', sa.Boolean(), nullable=False),
        sa.Column('effective_on', sa.Date(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        *_tail('qmb_statuses'),
    )
    op.create_index(op.f('ix_qmb_statuses_patient_id'), 'qmb_statuses', ['patient_id'])
    op.create_table(
        'bh_services', *_head('bh_services'),
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('code', sa.String(length=8), nullable=False),
        sa.Column('practitioner_id', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['practitioner_id'], ['users.id'],
                                name=op.f('fk_bh_services_practitioner_id_users')),
        *_tail('bh_services'),
    )
    op.create_index(op.f('ix_bh_services_patient_id'), 'bh_services', ['patient_id'])
    install_guards(bind, TABLES)
    _grant(bind)


def downgrade() -> None:
    bind = op.get_bind()
    for table in reversed(TABLES):
        if bind.dialect.name == "postgresql":
            bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.drop_table(table)
    for column in ('language', 'text_version', 'programme'):
        # SQLite (3.35+) and PostgreSQL drop a column in place, keeping the table's guard triggers
        bind.exec_driver_sql(f"ALTER TABLE consents DROP COLUMN {column}")
