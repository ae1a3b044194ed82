"""What changed since a screen was built, by change stamps: the highest row id of each table.

Clinical tables are append-only (every change is a new row with a higher id), so "what changed
since" is "rows above the marks", found by primary-key range scans (cheap at any panel size).
:func:`marks` takes the stamps; :func:`changed_patients` names the patients with a new row in
a table the worklist reads, and the new stamps.
"""

from __future__ import annotations

from sqlalchemy import func, select

from ..store import schema as s

#: Tables whose rows carry the patient id directly.
DIRECT = ("time_entries", "timers", "contacts", "escalations", "consents", "consent_revocations",
          "questionnaire_responses", "conditions", "screenings", "immunizations", "visits")
#: Tables that name a row of another table that carries the patient id: (table, link column, parent).
LINKED = (("timer_stops", "timer_id", "timers"), ("escalation_steps", "escalation_id", "escalations"))


def _table(name: str):
    return s.metadata.tables[name]


def marks(conn) -> dict[str, int]:
    """The highest id of every table the worklist reads (0 for an empty table)."""
    names = [*DIRECT, *(t for t, _c, _p in LINKED)]
    # one statement: a scalar subquery per table (one round trip, not thirteen)
    row = conn.execute(select(*(select(func.coalesce(func.max(_table(name).c.id), 0)).scalar_subquery()
                                .label(name) for name in names))).one()
    return {name: int(value) for name, value in zip(names, row)}


def changed_patients(conn, since: dict[str, int]) -> tuple[set[str], dict[str, int]]:
    """Patients with a row written after the ``since`` stamps, and the stamps now."""
    now = marks(conn)
    out: set[str] = set()
    for name in DIRECT:
        if now[name] > since.get(name, 0):
            t = _table(name)
            out.update(x for (x,) in conn.execute(select(t.c.patient_id).where(t.c.id > since.get(name, 0)).distinct()))
    for name, link, parent in LINKED:
        if now[name] > since.get(name, 0):
            t, p = _table(name), _table(parent)
            stmt = (select(p.c.patient_id).join(t, t.c[link] == p.c.id)
                    .where(t.c.id > since.get(name, 0)).distinct())
            out.update(x for (x,) in conn.execute(stmt))
    return out, now
