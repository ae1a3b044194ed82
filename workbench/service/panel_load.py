"""Loading a whole panel (staff, settings, patients) in one transaction: the generator's and the
demo's path in. Every row is built and checked first (:mod:`workbench.intake.bundles`)."""

from __future__ import annotations

from sqlalchemy import insert, select

from .. import records as r
from ..errors import InvalidInput
from ..intake.bundles import bundle_rows
from ..rules.identifiers import check_npi
from ..store import schema as s
from ..store.bulk import insert_rows


def load_panel(wb, panel: r.Panel, progress: bool = False, batch: int = 500) -> int:
    """Write staff, settings and patients of ``panel`` through ``wb`` (a Workbench)."""
    from tqdm.auto import tqdm

    if wb.user.role not in (r.Role.SUPERVISOR, r.Role.CARE_MANAGER):
        from ..errors import PermissionDenied

        raise PermissionDenied("Only a supervisor or care manager may load a panel.")
    today = wb.today()
    ids = [b.patient.id for b in panel.patients]
    if len(set(ids)) != len(ids):
        raise InvalidInput("The panel has duplicate patient ids.")
    with wb.read() as conn:
        existing_users = {row.id: row for row in conn.execute(select(s.users))}
        taken = set()
        for i in range(0, len(ids), 900):
            taken |= {x.id for x in conn.execute(select(s.patients.c.id).where(s.patients.c.id.in_(ids[i:i + 900])))}
    if taken:
        raise InvalidInput(f"{len(taken)} patient id(s) already exist, e.g. {sorted(taken)[0]}; "
                           "nothing was loaded.")
    new_staff = [u for u in panel.staff if u.id not in existing_users]
    for u in panel.staff:
        if u.id in existing_users and existing_users[u.id].role != u.role.value:
            raise InvalidInput(f"Staff id {u.id} exists with another role; nothing was loaded.")
    # Build and check every row before writing anything; then write it all in one transaction.
    audit = wb.stamp()
    chunks = [panel.patients[i:i + batch] for i in range(0, len(panel.patients), batch)]
    prepared = [bundle_rows(c, audit, today) for c in chunks]
    bar = tqdm(total=len(panel.patients), desc="Loading patients", unit="patient", disable=not progress)
    with wb.write() as conn:
        if new_staff:
            conn.execute(insert(s.users), [dict(id=u.id, name=u.name, role=r.Role(u.role).value,
                                                credential=r.Credential(u.credential).value if u.credential else None,
                                                state=u.state, active=True,
                                                npi=check_npi(u.npi) if u.npi else "", phone=u.phone or "")
                                               for u in new_staff])
        if panel.settings is not None and not conn.execute(select(s.settings.c.key)).first():
            conn.execute(insert(s.settings), [dict(key=k, value=getattr(panel.settings, k))
                                              for k in r.SETTINGS_KEYS])
        for chunk, rows in zip(chunks, prepared, strict=True):
            insert_rows(conn, rows)
            bar.update(len(chunk))
    bar.close()
    wb.reload_settings()
    return len(panel.patients)
