"""Rows of the import CSV format (issue 3, section 4) from a panel: pure functions.

``staff``: ``staff_id,name,role,credential,state``;
``patients``: ``patient_id,first_name,last_name,birth_date,sex,state,conditions,
consent_date,consent_method`` (conditions joined by ``;``, consent columns empty when
there is no consent), then extra columns (phone, email, language, address,
billing_practitioner_id, care_team_member_id).
"""

from __future__ import annotations

from workbench.records import Panel

STAFF_COLUMNS = ("staff_id", "name", "role", "credential", "state")
PATIENT_COLUMNS = ("patient_id", "first_name", "last_name", "birth_date", "sex", "state", "conditions",
                   "consent_date", "consent_method")
PATIENT_EXTRA_COLUMNS = ("phone", "email", "language", "address", "billing_practitioner_id",
                         "care_team_member_id")


def panel_to_rows(panel: Panel) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """``(staff_rows, patient_rows)``: one dict per row, every value a string."""
    staff_rows = [
        {"staff_id": u.id, "name": u.name, "role": str(u.role), "credential": str(u.credential or ""),
         "state": u.state or ""}
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
        })
    return staff_rows, patient_rows
