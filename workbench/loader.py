"""Bulk loading of patient bundles and panels (the generator's and the importer's path in).

Rows are built for every table first (validating as we go), then written with executemany in
batches: fast enough for a 10,000-patient panel, and nothing is written when the input is bad.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from . import records as r
from .errors import InvalidInput
from .rules.identifiers import check_mbi, check_npi
from .rules.initiation import visit_row
from .store import queries as q
from .store import schema as s

_CORR = {"status": "active", "reason": "", "supersedes_id": None}


def bundle_rows(bundles: list[r.PatientBundle], audit: dict, today: date,
                staff: dict[str, r.User] | None = None) -> dict[str, list[dict]]:
    """Turn bundles into rows per table, each checked by :func:`workbench.validate.bundle`
    (with ``staff``, the care team too). Raises InvalidInput naming the patient by id."""
    from . import validate

    rows: dict[str, list[dict]] = defaultdict(list)
    for b in bundles:
        b = validate.bundle(b, today, staff)
        p = b.patient
        rows["patients"].append(dict(
            id=p.id, first_name=p.first_name, last_name=p.last_name, birth_date=p.birth_date,
            sex=p.sex, state=p.state, language=p.language, phone=p.phone, email=p.email,
            address=p.address, contact_preferences=dict(p.contact_preferences),
            caregiver=q.person_dict(p.caregiver),
            emergency_contacts=[q.person_dict(x) for x in p.emergency_contacts],
            billing_practitioner_id=p.billing_practitioner_id,
            care_team_member_id=p.care_team_member_id, persona=dict(p.persona), scope=p.scope,
            member_id=check_mbi(p.member_id) if p.member_id else "", payer=p.payer or "",
            **audit))
        base = {"patient_id": p.id, **audit, **_CORR}
        if p.deceased:
            rows["deaths"].append(dict(deceased_on=p.deceased_on, **base))
        for c in b.conditions:
            rows["conditions"].append(dict(icd10=c.icd10, display=c.display, onset=c.onset,
                                           chronic=c.chronic, chronic_reason=c.chronic_reason, **base))
        for m in b.medications:
            rows["medications"].append(dict(name=m.name, rxnorm=m.rxnorm, dose=m.dose,
                                            frequency=m.frequency, indication=m.indication,
                                            med_status=m.status, **base))
        for a in b.allergies:
            rows["allergies"].append(dict(substance=a.substance, reaction=a.reaction,
                                          severity=a.severity, **base))
        for i in b.immunizations:
            rows["immunizations"].append(dict(vaccine=i.vaccine, cvx=i.cvx, date=i.date, **base))
        for x in b.screenings:
            rows["screenings"].append(dict(kind=x.kind, date=x.date, result=x.result, **base))
        for o in b.observations:
            rows["observations"].append(dict(loinc=o.loinc, name=o.name, value=float(o.value),
                                             unit=o.unit, effective=o.effective, **base))
        for br in b.barriers:
            from .sdoh import z_code_for

            rows["barriers"].append(dict(domain=br.domain.value, description=br.description,
                                         barrier_status=br.status.value,
                                         z_code=br.z_code or z_code_for(br.domain), action=br.action,
                                         **base))
        if b.consent is not None:
            c = b.consent
            rows["consents"].append(dict(method=r.ConsentMethod(c.method).value,
                                         consent_date=c.consent_date, obtained_by=c.obtained_by,
                                         disclosures=dict(c.disclosures),
                                         billing_practitioner_id=c.billing_practitioner_id, **base))
        for vis in b.visits:
            rows["visits"].append(visit_row(vis, today) | base)
        if b.care_plan is not None:
            rows["care_plan_revisions"].append(dict(
                patient_id=p.id, version=1, based_on=0, content=q.plan_to_json(b.care_plan),
                reason="Initial care plan", **audit))
    return rows


#: Insertion order respecting foreign keys.
ORDER = ("patients", "deaths", "conditions", "medications", "allergies", "immunizations", "screenings",
         "observations", "barriers", "consents", "care_plan_revisions", "visits")


def insert_rows(conn: Connection, rows: dict[str, list[dict]]) -> None:
    from .store.bulk import insert_many

    for name in ORDER:
        if rows.get(name):
            insert_many(conn, s.metadata.tables[name], rows[name])


def load_panel(wb, panel: r.Panel, progress: bool = False, batch: int = 500) -> int:
    """Write staff, settings and patients of ``panel`` through ``wb`` (a Workbench)."""
    from tqdm.auto import tqdm

    if wb.user.role not in (r.Role.SUPERVISOR, r.Role.CARE_MANAGER):
        from .errors import PermissionDenied

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
