"""patient corrections

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04

- ``patient_corrections``: a patient's corrected name, phone, email, address and language (for
  example changed in the EHR and re-imported from FHIR). ``patients`` is append-only, so each
  correction is a new row holding every correctable field, with who wrote it, when and why; reads
  show the newest. Append-only itself (triggers, as 0001 and 0007 install them).
"""
import sqlalchemy as sa
from alembic import op

from workbench.store.guards import install_guards
from workbench.store.schema import UTCDateTime

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def _grant(bind) -> None:
    """A database set up by ``workbench init --roles`` keeps working: the app role may read and
    append, the read-only role read."""
    if bind.dialect.name != "postgresql":
        return
    from workbench.store.roles import APP_ROLE, READONLY_ROLE

    bind.exec_driver_sql(
        f"DO $$ BEGIN "
        f"IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN "
        f"GRANT SELECT, INSERT ON patient_corrections TO {APP_ROLE}; "
        f"GRANT USAGE, SELECT ON SEQUENCE patient_corrections_id_seq TO {APP_ROLE}; END IF; "
        f"IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{READONLY_ROLE}') THEN "
        f"GRANT SELECT ON patient_corrections TO {READONLY_ROLE}; END IF; END $$")


def upgrade() -> None:
    bind = op.get_bind()
    op.create_table(
        'patient_corrections',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('patient_id', sa.String(length=32), nullable=False),
        sa.Column('first_name', sa.String(length=200), nullable=False),
        sa.Column('last_name', sa.String(length=200), nullable=False),
        sa.Column('phone', sa.String(length=64), nullable=False),
        sa.Column('email', sa.String(length=200), nullable=False),
        sa.Column('address', sa.Text(), nullable=False),
        sa.Column('language', sa.String(length=64), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('recorded_at', UTCDateTime(), nullable=False),
        sa.Column('recorded_by', sa.String(length=64), nullable=False),
        sa.Column('recorded_role', sa.String(length=32), nullable=False),
        sa.Column('recorded_credential', sa.String(length=8), nullable=False),
        sa.ForeignKeyConstraint(['patient_id'], ['patients.id'],
                                name=op.f('fk_patient_corrections_patient_id_patients')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_patient_corrections')),
    )
    with op.batch_alter_table('patient_corrections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_patient_corrections_patient_id'), ['patient_id'], unique=False)
    install_guards(bind, ("patient_corrections",))
    _grant(bind)


def downgrade() -> None:
    with op.batch_alter_table('patient_corrections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_patient_corrections_patient_id'))
    op.drop_table('patient_corrections')
