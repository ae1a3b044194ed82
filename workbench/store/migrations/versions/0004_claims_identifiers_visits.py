"""claim identifiers and face-to-face visits

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

What a claim needs (docs/reference.md, "A claim-ready month"): staff carry an NPI (and a phone
for the patient copy), patients a
Medicare Beneficiary Identifier (MBI) and optionally a payer. Face-to-face visits are recorded
so the initiating-visit rule and G0506 can be applied (docs/reference.md, "Initiating visit",
"G0506"). ``visits`` is a clinical table: append-only, with its own guards.
"""
from alembic import op
import sqlalchemy as sa

from workbench.store.guards import install_guards
from workbench.store.schema import UTCDateTime


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('npi', sa.String(length=10), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('phone', sa.String(length=32), nullable=False, server_default=''))
    with op.batch_alter_table('patients', schema=None) as batch_op:
        batch_op.add_column(sa.Column('member_id', sa.String(length=11), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('payer', sa.String(length=200), nullable=False, server_default=''))
    op.create_table('visits',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('patient_id', sa.String(length=32), nullable=False),
    sa.Column('visit_date', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('practitioner_id', sa.String(length=64), nullable=False),
    sa.Column('ccm_discussed', sa.Boolean(), nullable=False),
    sa.Column('extensive_care_planning', sa.Boolean(), nullable=False),
    sa.Column('recorded_at', UTCDateTime(), nullable=False),
    sa.Column('recorded_by', sa.String(length=64), nullable=False),
    sa.Column('recorded_role', sa.String(length=32), nullable=False),
    sa.Column('recorded_credential', sa.String(length=8), nullable=False),
    sa.Column('supersedes_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_visits_patient_id_patients')),
    sa.ForeignKeyConstraint(['practitioner_id'], ['users.id'], name=op.f('fk_visits_practitioner_id_users')),
    sa.ForeignKeyConstraint(['supersedes_id'], ['visits.id'], name=op.f('fk_visits_supersedes_id_visits')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visits'))
    )
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visits_patient_id'), ['patient_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_visits_supersedes_id'), ['supersedes_id'], unique=False)
    install_guards(op.get_bind(), ("visits",))


def downgrade() -> None:
    op.drop_table('visits')
    with op.batch_alter_table('patients', schema=None) as batch_op:
        batch_op.drop_column('payer')
        batch_op.drop_column('member_id')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('phone')
        batch_op.drop_column('npi')
