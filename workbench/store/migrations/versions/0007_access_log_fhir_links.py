"""access log, FHIR import links, deaths

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04

- ``access_log``: who opened which chart, ran which report, exported or imported which patients,
  when and from which page or command (HIPAA Security Rule, audit controls, 45 CFR 164.312(b)).
  Append-only; the staff id is not a foreign key, so the log outlives a removal from the staff
  list. Never holds note text.
- ``fhir_links``: the FHIR resources an import read (type, id, content digest) and the record row
  each became, so a re-import writes nothing new and a changed resource supersedes its row.
  Append-only.
- ``deaths``: the EHR says the patient died (and when, if it says). Append-only and correctable
  like every clinical table. (New tables rather than new columns on ``patients``, so code that
  reads patients works on either side of the upgrade.)
"""
import sqlalchemy as sa
from alembic import op

from workbench.store.guards import install_guards
from workbench.store.schema import UTCDateTime

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

TABLES = ("access_log", "fhir_links", "deaths")


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
        f"GRANT USAGE, SELECT ON SEQUENCE access_log_id_seq, fhir_links_id_seq, deaths_id_seq "
        f"TO {APP_ROLE}; END IF; "
        f"IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{READONLY_ROLE}') THEN "
        f"GRANT SELECT ON {tables} TO {READONLY_ROLE}; END IF; END $$")


def upgrade() -> None:
    bind = op.get_bind()
    op.create_table(
        'access_log',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('at', UTCDateTime(), nullable=False),
        sa.Column('user_id', sa.String(length=64), nullable=False),
        sa.Column('user_name', sa.String(length=200), nullable=False),
        sa.Column('user_role', sa.String(length=32), nullable=False),
        sa.Column('action', sa.String(length=16), nullable=False),
        sa.Column('place', sa.String(length=200), nullable=False),
        sa.Column('patient_ids', sa.JSON(), nullable=False),
        sa.Column('detail', sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_access_log')),
    )
    op.create_index('ix_access_log_at', 'access_log', ['at'])
    op.create_index('ix_access_log_user', 'access_log', ['user_id', 'at'])
    op.create_table(
        'fhir_links',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('patient_id', sa.String(length=32), nullable=False),
        sa.Column('resource_type', sa.String(length=32), nullable=False),
        sa.Column('resource_id', sa.String(length=64), nullable=False),
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.Column('table_name', sa.String(length=32), nullable=False),
        sa.Column('row_id', sa.Integer(), nullable=True),
        sa.Column('outcome', sa.String(length=16), nullable=False),
        sa.Column('codings', sa.JSON(), nullable=False),
        *_audit(),
        sa.ForeignKeyConstraint(['patient_id'], ['patients.id'],
                                name=op.f('fk_fhir_links_patient_id_patients')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_fhir_links')),
    )
    op.create_index(op.f('ix_fhir_links_patient_id'), 'fhir_links', ['patient_id'])
    op.create_index('ix_fhir_links_resource', 'fhir_links', ['resource_type', 'resource_id'])
    op.create_table(
        'deaths',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('patient_id', sa.String(length=32), nullable=False),
        sa.Column('deceased_on', sa.Date(), nullable=True),
        *_audit(),
        sa.Column('supersedes_id', sa.Integer(), nullable=True),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_deaths_patient_id_patients')),
        sa.ForeignKeyConstraint(['supersedes_id'], ['deaths.id'], name=op.f('fk_deaths_supersedes_id_deaths')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_deaths')),
    )
    op.create_index(op.f('ix_deaths_patient_id'), 'deaths', ['patient_id'])
    op.create_index(op.f('ix_deaths_supersedes_id'), 'deaths', ['supersedes_id'])
    install_guards(bind, TABLES)
    _grant(bind)


def downgrade() -> None:
    bind = op.get_bind()
    for table in reversed(TABLES):
        if bind.dialect.name == "postgresql":
            bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.drop_table(table)
