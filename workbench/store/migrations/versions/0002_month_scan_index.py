"""month scan index

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

A covering index for the month report: time entries grouped by patient,
service, staff member and credential, with every column the month's aggregate reads, so the
report's one GROUP BY streams over the index without a sort and without reading the table.
"""
from alembic import op


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_time_entries_month_scan', 'time_entries',
                    ['patient_id', 'service', 'staff_id', 'staff_credential', 'service_date', 'started_at',
                     'ended_at', 'seconds', 'status'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_time_entries_month_scan', table_name='time_entries')
