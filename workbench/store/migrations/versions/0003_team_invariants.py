"""team invariants

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01

The workbench's own system user (the author of loads and imports) is part of every database,
written here once instead of by every kernel that opens the database.
"""
import sqlalchemy as sa
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

SYSTEM_USER = {"id": "system", "name": "Workbench system", "role": "supervisor", "credential": None,
               "state": None, "active": True}


def upgrade() -> None:
    conn = op.get_bind()
    users = sa.table("users", sa.column("id"), sa.column("name"), sa.column("role"),
                     sa.column("credential"), sa.column("state"), sa.column("active", sa.Boolean))
    if conn.execute(sa.select(users.c.id).where(users.c.id == SYSTEM_USER["id"])).first() is None:
        conn.execute(users.insert().values(**SYSTEM_USER))


def downgrade() -> None:
    pass  # the system user may be the author of rows: it stays
