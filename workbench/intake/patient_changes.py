"""What a re-imported patients.csv row changes, and writing it as a correction.

A row whose ``patient_id`` is in the record is compared field by field with the record. The
patient's own row (names, birth date, sex, state, contact details, care team, member id, payer)
is not amended by an import: a difference there is named and refused. The conditions are a
correctable list: with ``--update`` the codes the file adds are written as new conditions and
the codes it drops are voided (the old rows stay, superseded), each with the importing person as
author and the file named in the reason. A consent that differs is named and refused (a consent
is recorded, with its disclosures, in the app). Messages name fields, never values.
"""

from __future__ import annotations

from sqlalchemy import select

from .. import records as r
from ..store import queries as q
from ..store import schema as s

#: the patient row's fields a file gives, compared as stored
_FIXED = ("first_name", "last_name", "birth_date", "sex", "state")
_CHUNK = 500


def _text(value) -> object:
    return "" if value is None else value


class PatientChanges:
    """The current conditions and consents of the patients a file names again."""

    def __init__(self, conn, pids: list[str]) -> None:
        c, k = s.conditions.c, s.consents.c
        self.conditions: dict[str, dict[str, int]] = {}
        self.consents: dict[str, list[tuple]] = {}
        for i in range(0, len(pids), _CHUNK):
            part = pids[i:i + _CHUNK]
            for x in conn.execute(select(c.id, c.patient_id, c.icd10).where(
                    c.patient_id.in_(part), q.current(s.conditions))):
                self.conditions.setdefault(x.patient_id, {})[x.icd10] = x.id
            for x in conn.execute(select(k.patient_id, k.consent_date, k.method).where(
                    k.patient_id.in_(part), q.current(s.consents))):
                self.consents.setdefault(x.patient_id, []).append((x.consent_date, x.method))

    def compare(self, old, bundle: r.PatientBundle, optional: list[str], row: dict) -> tuple[list[str], list[str]]:
        """(fields that an import may not change, fields ``--update`` corrects) that differ."""
        p = bundle.patient
        fixed = [k for k in (*_FIXED, *optional) if _text(getattr(old, k)) != _text(getattr(p, k))]
        if bundle.consent is not None:
            given = (bundle.consent.consent_date, r.ConsentMethod(bundle.consent.method).value)
            if given not in self.consents.get(p.id, []):
                fixed.append("consent")
        codes = {c.icd10 for c in bundle.conditions}
        correctable = ["conditions"] if codes != set(self.conditions.get(p.id, {})) else []
        return fixed, correctable

    def write(self, uow, bundle: r.PatientBundle, reason: str) -> None:
        """The file's conditions for this patient, as corrections by the unit of work's author."""
        pid = bundle.patient.id
        have = self.conditions.get(pid, {})
        wanted = {c.icd10: c for c in bundle.conditions}
        for code, row_id in sorted(have.items()):
            if code not in wanted:
                uow.supersede(s.conditions, row_id, reason, void=True)
        for code, cond in sorted(wanted.items()):
            if code not in have:
                uow.add_row(s.conditions, patient_id=pid, icd10=code, display=cond.display, onset=cond.onset,
                           chronic=cond.chronic, chronic_reason=cond.chronic_reason or "",
                           status=r.RecordStatus.ACTIVE.value, reason=reason, supersedes_id=None)
