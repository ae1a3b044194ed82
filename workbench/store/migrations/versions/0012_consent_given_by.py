"""consent given by

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04

- ``consents.given_by``: who agreed, and as what: ``patient`` (the patient), or the patient's
  legal representative: ``health_care_proxy``, ``power_of_attorney``, ``guardian`` or
  ``surrogate`` (a decision-maker under state law). Existing consents read ``patient``.
- ``consents.representative``: the representative's name and relation (``Rosa Alvarez,
  daughter``); empty when the patient agreed.

Columns are added in place with server defaults, so the append-only guard triggers stay
untouched (as 0010 added the programme and text version).
"""
import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('consents', sa.Column('given_by', sa.String(length=24), nullable=False,
                                        server_default='patient'))
    op.add_column('consents', sa.Column('representative', sa.String(length=200), nullable=False,
                                        server_default=''))


def downgrade() -> None:
    bind = op.get_bind()
    for column in ('representative', 'given_by'):
        # SQLite (3.35+) and PostgreSQL drop a column in place, keeping the table's guard triggers
        bind.exec_driver_sql(f"ALTER TABLE consents DROP COLUMN {column}")
