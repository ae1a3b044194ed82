"""escalation type, timer heartbeats

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01

- ``escalations.kind``: the escalation's type (a key of workbench/rules/escalation_protocols.json,
  e.g. ``suicide_risk``, ``red_zone``), chosen when it is opened. Rows written before this
  revision get the type the workbench derived from their reason and source until now (the
  derivation is frozen below as it stood at revision 0005, so this migration does the same thing
  whatever the protocol file says later). The append-only guard is lifted for this one backfill,
  inside the migration's transaction, and put back.
- ``timer_heartbeats``: one row per timer a live work bar is watching, touched by its tick; not a
  clinical table (a heartbeat says a kernel is alive, it is not part of the record), so it may be
  updated. A timer whose heartbeat is older than ``timer_heartbeat_minutes`` is orphaned
  (docs/architecture.md, "Timers").
"""
import sqlalchemy as sa
from alembic import op

from workbench.store.guards import install_guards
from workbench.store.schema import UTCDateTime

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

#: workbench/rules/escalation_protocols.json at revision 0005: key -> (label, sources, keywords)
PROTOCOLS_0005 = {'suicide_risk': ('Suicide risk',
                  ['phq9'],
                  ['suicide risk',
                   'suicid',
                   'item 9',
                   'self-harm',
                   'self harm',
                   'better off dead',
                   'kill myself']),
 'overdose': ('Overdose',
              [],
              ['overdose',
               'took too many',
               'too many pills',
               'unresponsive',
               'naloxone',
               'narcan']),
 'fall_head_strike': ('Fall with head strike',
                      [],
                      ['fall with head strike',
                       'hit her head',
                       'hit his head',
                       'hit their head',
                       'head strike',
                       'fell and hit']),
 'red_zone': ('Red-zone symptoms',
              [],
              ['red-zone',
               'red zone',
               'chest pain',
               'short of breath at rest',
               "can't breathe",
               'cannot breathe',
               'glucose under 54',
               'blood sugar under 54']),
 'general': ('Other urgent concern', [], [])}


def derive_kind(reason: str | None, source: str | None) -> str:
    """The type rules.escalation.classify gave an escalation at revision 0005."""
    for key, (_label, sources, _words) in PROTOCOLS_0005.items():
        if (source or "manual") in sources:
            return key
    low = (reason or "").lower()
    for key, (label, _sources, words) in PROTOCOLS_0005.items():
        if key != "general" and (label.lower() in low or any(w.lower() in low for w in words)):
            return key
    return "general"


def _backfill(bind) -> None:
    rows = bind.execute(sa.text("SELECT id, reason, source FROM escalations")).all()
    kinds = {}
    for row in rows:
        kinds.setdefault(derive_kind(row.reason, row.source), []).append(row.id)
    kinds.pop("general", None)  # the column's default already
    if not kinds:
        return
    if bind.dialect.name == "postgresql":
        bind.exec_driver_sql("ALTER TABLE escalations DISABLE TRIGGER escalations_append_only")
    else:
        bind.exec_driver_sql("DROP TRIGGER IF EXISTS escalations_no_update")
    for kind, ids in kinds.items():
        bind.execute(sa.text("UPDATE escalations SET kind = :kind WHERE id IN :ids")
                     .bindparams(sa.bindparam("ids", expanding=True)), {"kind": kind, "ids": ids})
    if bind.dialect.name == "postgresql":
        bind.exec_driver_sql("ALTER TABLE escalations ENABLE TRIGGER escalations_append_only")
    else:
        install_guards(bind, ("escalations",))


def _grant(bind) -> None:
    """A database already set up by ``workbench init --roles`` keeps working after this upgrade:
    the app role may write heartbeats, the read-only role read them."""
    if bind.dialect.name != "postgresql":
        return
    from workbench.store.roles import APP_ROLE, READONLY_ROLE

    bind.exec_driver_sql(
        f"DO $$ BEGIN "
        f"IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN "
        f"GRANT SELECT, INSERT, UPDATE ON timer_heartbeats TO {APP_ROLE}; END IF; "
        f"IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{READONLY_ROLE}') THEN "
        f"GRANT SELECT ON timer_heartbeats TO {READONLY_ROLE}; END IF; END $$")


def upgrade() -> None:
    bind = op.get_bind()
    op.add_column('escalations', sa.Column('kind', sa.String(length=32), nullable=False,
                                           server_default='general'))
    _backfill(bind)
    op.create_table(
        'timer_heartbeats',
        sa.Column('timer_id', sa.Integer(), nullable=False),
        sa.Column('beat_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['timer_id'], ['timers.id'],
                                name=op.f('fk_timer_heartbeats_timer_id_timers')),
        sa.PrimaryKeyConstraint('timer_id', name=op.f('pk_timer_heartbeats')),
    )
    _grant(bind)


def downgrade() -> None:
    op.drop_table('timer_heartbeats')
    bind = op.get_bind()
    # SQLite (3.35+) drops a column in place, keeping the table's guard triggers
    bind.exec_driver_sql("ALTER TABLE escalations DROP COLUMN kind")
