"""follow-ups

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01

Scheduled follow-ups: the next contact planned with a patient, due at a time. Append-only
like every clinical table (a change is a new row superseding the old one).
"""
import sqlalchemy as sa
from alembic import op

from workbench.store.guards import install_guards
from workbench.store.schema import UTCDateTime

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'follow_ups',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('patient_id', sa.String(length=32), nullable=False),
        sa.Column('due_at', UTCDateTime(), nullable=False),
        sa.Column('channel', sa.String(length=16), nullable=False),
        sa.Column('purpose', sa.Text(), nullable=False),
        sa.Column('recorded_at', UTCDateTime(), nullable=False),
        sa.Column('recorded_by', sa.String(length=64), nullable=False),
        sa.Column('recorded_role', sa.String(length=32), nullable=False),
        sa.Column('recorded_credential', sa.String(length=8), nullable=False),
        sa.Column('supersedes_id', sa.Integer(), nullable=True),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['patient_id'], ['patients.id'],
                                name=op.f('fk_follow_ups_patient_id_patients')),
        sa.ForeignKeyConstraint(['supersedes_id'], ['follow_ups.id'],
                                name=op.f('fk_follow_ups_supersedes_id_follow_ups')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_ups')),
    )
    with op.batch_alter_table('follow_ups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_follow_ups_patient_id'), ['patient_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_follow_ups_supersedes_id'), ['supersedes_id'],
                              unique=False)
    install_guards(op.get_bind(), ("follow_ups",))


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        bind.exec_driver_sql("DROP TRIGGER IF EXISTS follow_ups_append_only ON follow_ups")
        bind.exec_driver_sql("DROP TRIGGER IF EXISTS follow_ups_no_truncate ON follow_ups")
    with op.batch_alter_table('follow_ups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_follow_ups_supersedes_id'))
        batch_op.drop_index(batch_op.f('ix_follow_ups_patient_id'))
    op.drop_table('follow_ups')
