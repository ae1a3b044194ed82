"""The panel as the import CSV files (formats in docs/import.md).

``staff.csv``: ``staff_id,name,role,credential,state`` then ``npi,phone``; ``patients.csv``:
``patient_id,first_name,last_name,birth_date,sex,state,conditions,consent_date,consent_method``
(conditions joined by ``;``, consent columns empty without consent), then extra columns.
Exporting and importing into an empty database gives the same panel.
"""

from __future__ import annotations

from pathlib import Path

from .cells import write_csv

from ..records import Panel, PatientBundle

STAFF_COLUMNS = ("staff_id", "name", "role", "credential", "state")
STAFF_EXTRA_COLUMNS = ("npi", "phone")
PATIENT_COLUMNS = ("patient_id", "first_name", "last_name", "birth_date", "sex", "state", "conditions",
                   "consent_date", "consent_method")
PATIENT_EXTRA_COLUMNS = ("phone", "email", "language", "address", "billing_practitioner_id",
                         "care_team_member_id", "member_id", "payer")


def panel_to_rows(panel: Panel) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """``(staff_rows, patient_rows)``: one dict per row, every value a string."""
    staff_rows = [
        {"staff_id": u.id, "name": u.name, "role": str(u.role), "credential": str(u.credential or ""),
         "state": u.state or "", "npi": u.npi or "", "phone": u.phone or ""}
        for u in panel.staff
    ]
    patient_rows = []
    for b in panel.patients:
        p = b.patient
        patient_rows.append({
            "patient_id": p.id,
            "first_name": p.first_name,
            "last_name": p.last_name,
            "birth_date": p.birth_date.isoformat(),
            "sex": p.sex,
            "state": p.state,
            "conditions": ";".join(c.icd10 for c in b.conditions),
            "consent_date": b.consent.consent_date.isoformat() if b.consent else "",
            "consent_method": str(b.consent.method) if b.consent else "",
            "phone": p.phone,
            "email": p.email,
            "language": p.language,
            "address": p.address,
            "billing_practitioner_id": p.billing_practitioner_id or "",
            "care_team_member_id": p.care_team_member_id or "",
            "member_id": p.member_id or "",
            "payer": p.payer or "",
        })
    return staff_rows, patient_rows


def read_panel(wb, scope: str = "live") -> Panel:
    """The database's staff and patients (conditions and current consent) as a Panel, read with
    a few set-based queries (fast for a 10,000-patient panel)."""
    from collections import defaultdict

    from sqlalchemy import select

    from ..store import queries as q
    from ..store import schema as s

    patients = wb.patients(scope)
    ids = select(s.patients.c.id).where(s.patients.c.scope == scope)
    conditions, consents = defaultdict(list), defaultdict(list)
    with wb.read() as conn:
        for row in conn.execute(select(s.conditions).where(s.conditions.c.patient_id.in_(ids),
                                                           q.current(s.conditions))
                                .order_by(s.conditions.c.id)):
            conditions[row.patient_id].append(q.to_condition(row))
        revoked = {row.consent_id: row for row in conn.execute(select(s.consent_revocations))}
        for row in conn.execute(select(s.consents).where(s.consents.c.patient_id.in_(ids),
                                                         q.current(s.consents))
                                .order_by(s.consents.c.consent_date, s.consents.c.id)):
            consents[row.patient_id].append(q.to_consent(row, revoked.get(row.id)))
    bundles = []
    for p in patients:
        live = [c for c in consents[p.id] if c.revoked_on is None]
        bundles.append(PatientBundle(patient=p, conditions=conditions[p.id],
                                     consent=live[-1] if live else None))
    return Panel(staff=wb.users(), patients=bundles, settings=wb.settings)


def export_panel(wb, out_dir, scope: str = "live") -> list[Path]:
    """Write ``staff.csv`` and ``patients.csv`` into ``out_dir``; returns the paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    staff_rows, patient_rows = panel_to_rows(read_panel(wb, scope))
    paths = []
    for name, columns, rows in (("staff.csv", STAFF_COLUMNS + STAFF_EXTRA_COLUMNS, staff_rows),
                                ("patients.csv", PATIENT_COLUMNS + PATIENT_EXTRA_COLUMNS, patient_rows)):
        paths.append(write_csv(out / name, columns, rows))  # spreadsheet-safe cells
    return paths
