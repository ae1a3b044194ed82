"""barrier resolution

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04

- ``barriers.resolution``: how a barrier was resolved, in the care manager's words (the row that
  marks it resolved carries it; earlier rows of the barrier keep ''). A column with a server
  default: existing rows read '' and the append-only guards are untouched.
"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('barriers', sa.Column('resolution', sa.Text(), nullable=False, server_default=''))


def downgrade() -> None:
    bind = op.get_bind()
    # SQLite (3.35+) and PostgreSQL drop a column in place, keeping the table's guard triggers
    bind.exec_driver_sql("ALTER TABLE barriers DROP COLUMN resolution")
