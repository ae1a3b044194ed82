"""CSV import of staff, patients and time; formats in ``docs/import.md``.

Every import follows the same rules:

1. **Nothing lost.** Files are read by :mod:`workbench.csvread`, which refuses an unbalanced
   quote, a repeated or blank column name and a row with the wrong number of values, so every
   line is either a row, part of a quoted value, or a reported error.
2. **All or nothing.** Every row is checked first, by the same checks the service API uses
   (:mod:`workbench.validate`). A file with any bad row is refused whole with
   :class:`workbench.errors.ImportRefused`, which lists EVERY bad line (numbered as a spreadsheet
   shows them: the header is line 1) with a plain explanation; nothing is written.
3. **One transaction, the bulk path.** A good file is written in one transaction with the
   store's bulk insert (:func:`workbench.store.bulk.insert_many`).
4. **Idempotent.** Ids in the file are external ids (staff id, patient id, time ``entry_id``
   stored in ``time_entries.external_id``). A row whose id is already in the record with the
   same content counts as "already present" and changes nothing; the same id with different
   content is a bad row (a correction is made in the app, where it keeps its reason).

Extra columns are allowed and ignored, except the optional ones each format names.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from . import records as r
from . import validate as v
from .csvread import read_csv
from .errors import ImportRefused, InvalidInput, PermissionDenied
from .store import queries as q
from .store import schema as s

from .export.panel_csv import PATIENT_COLUMNS, STAFF_COLUMNS, export_panel  # noqa: F401  (one format)
from .export.panel_csv import PATIENT_EXTRA_COLUMNS as PATIENT_OPTIONAL  # read when present

TIME_COLUMNS = ("entry_id", "patient_id", "staff_id", "started_at", "ended_at", "minutes", "activity", "note",
                "voids_entry_id")
#: Optional time column: ``service`` (CCM, PCM, TCM, BHI, RPM; default CCM).
TIME_OPTIONAL = ("service",)

_IMPORTERS = (r.Role.SUPERVISOR, r.Role.CARE_MANAGER)


@dataclass(frozen=True)
class ImportSummary:
    """What an import did: rows added, rows already present, and voids written (time only)."""

    kind: str  #: "staff" | "patients" | "time"
    path: str
    added: int
    already_present: int
    voided: int = 0

    def __str__(self) -> str:
        text = f"{self.path}: {self.added} {self.kind} row(s) added, {self.already_present} already present"
        return text + (f", {self.voided} entry(ies) voided" if self.voided else "")


class Problems:
    """Every problem found in a file, by line."""

    def __init__(self) -> None:
        self.items: list[tuple[int, str]] = []

    def add(self, line: int, message: str) -> None:
        self.items.append((line, message))

    def add_error(self, line: int, err: InvalidInput) -> None:
        for e in (err.items if isinstance(err, v.Problems) else [err]):
            self.add(line, str(e).rstrip("."))

    def refuse_if_any(self, path) -> None:
        if self.items:
            raise ImportRefused(str(path), sorted(self.items))


def check_user(wb) -> None:
    if wb.user.role not in _IMPORTERS:
        raise PermissionDenied("Only a supervisor or care manager may import files.")


def row_id(value: str, label: str, max_len: int, seen: dict[str, int], line: int, errs: list[str]) -> None:
    """An external id: present, fits, and not already used on an earlier line."""
    try:
        v.identifier(value, label, max_len, field=label)
    except InvalidInput as err:
        errs.append(str(err).rstrip(".").replace(" is required", " is empty"))
        return
    if value in seen:
        errs.append(f"{label} {value} is already on line {seen[value]}")
    else:
        seen[value] = line


# ----------------------------------------------------------------------------------- staff


def import_staff(wb, path) -> ImportSummary:
    """Import ``staff_id,name,role,credential,state`` (credential may be empty, e.g. billing staff)."""
    check_user(wb)
    rows = read_csv(path, STAFF_COLUMNS).rows
    with wb.read() as conn:
        existing = {u.id: u for u in (q.to_user(x) for x in conn.execute(select(s.users)))}
    problems, seen, new, present = Problems(), {}, [], 0
    for line, row in rows:
        errs: list[str] = []
        row_id(row["staff_id"], "staff_id", v.limit_of(s.users.c.id), seen, line, errs)
        try:
            user = v.user(r.User(row["staff_id"], row["name"], row["role"], row["credential"] or None,
                                 row["state"] or None))
        except InvalidInput as err:
            user = None
            errs += [str(e).rstrip(".").replace(" is required", " is empty") for e in err.items
                     if e.field != "staff_id"]
        if user is not None and not errs:
            old = existing.get(user.id)
            if old is None:
                new.append(user)
            elif (old.name, old.role, old.credential, old.state) == (user.name, user.role, user.credential,
                                                                      user.state):
                present += 1
            else:
                errs.append(f"staff {user.id} is already in the record with other details "
                            f"({old.label}, {old.state or 'no state'})")
        for e in errs:
            problems.add(line, e)
    problems.refuse_if_any(path)
    if new:
        with wb.write() as conn:
            conn.execute(s.users.insert(), [dict(id=u.id, name=u.name, role=u.role.value,
                                                 credential=u.credential.value if u.credential else None,
                                                 state=u.state, active=True) for u in new])
    return ImportSummary("staff", str(path), len(new), present)


# ----------------------------------------------------------------------------------- patients


def _patient_of(row: dict[str, str], wb) -> r.PatientBundle:
    """The bundle a patients.csv row describes (values unchecked: validate.bundle checks them)."""
    extra = {k: row.get(k, "") for k in PATIENT_OPTIONAL}
    patient = r.Patient(id=row["patient_id"], first_name=row["first_name"], last_name=row["last_name"],
                        birth_date=row["birth_date"], sex=row["sex"], state=row["state"],
                        phone=extra["phone"], email=extra["email"], language=extra["language"] or "English",
                        address=extra["address"],
                        billing_practitioner_id=extra["billing_practitioner_id"] or None,
                        care_team_member_id=extra["care_team_member_id"] or None)
    consent = None
    if row["consent_date"] or row["consent_method"]:
        consent = r.Consent(row["patient_id"], row["consent_method"], row["consent_date"], wb.user.id,
                            {k: True for k in r.CONSENT_DISCLOSURES},
                            billing_practitioner_id=patient.billing_practitioner_id)
    codes = [c.strip() for c in row["conditions"].split(";") if c.strip()]
    return r.PatientBundle(patient=patient, consent=consent, conditions=[r.Condition(c) for c in codes])


def import_patients(wb, path) -> ImportSummary:
    """Import patients with their conditions and (optional) consent.

    ``conditions`` are billable ICD-10-CM codes separated by ``;``. ``consent_date`` and
    ``consent_method`` (verbal | written) are both given or both empty; a consent in the file
    states that the four disclosures (docs/reference.md, "Consent") were given and documented.
    """
    from .loader import bundle_rows, insert_rows

    check_user(wb)
    rows = read_csv(path, PATIENT_COLUMNS).rows
    today = wb.today()
    with wb.read() as conn:
        staff = {u.id: u for u in (q.to_user(x) for x in conn.execute(select(s.users)))}
        existing = {x.id: x for x in conn.execute(select(s.patients.c.id, s.patients.c.first_name,
                                                         s.patients.c.last_name, s.patients.c.birth_date))}
    problems, seen, bundles, present = Problems(), {}, [], 0
    for line, row in rows:
        errs: list[str] = []
        row_id(row["patient_id"], "patient_id", v.limit_of(s.patients.c.id), seen, line, errs)
        if bool(row["consent_date"]) != bool(row["consent_method"]):
            errs.append("consent_date and consent_method go together: give both or neither")
        bundle = None
        try:
            bundle = v.bundle(_patient_of(row, wb), today, staff)
        except InvalidInput as err:
            for e in (err.items if isinstance(err, v.Problems) else [err]):
                if e.field == "patient_id" or (e.field in ("consent_date", "consent_method") and
                                               bool(row["consent_date"]) != bool(row["consent_method"])):
                    continue
                errs.append(str(e).rstrip(".").replace(" is required", " is empty"))
        if bundle is not None and not errs:
            p = bundle.patient
            old = existing.get(p.id)
            if old is None:
                bundles.append(bundle)
            elif (old.first_name, old.last_name, old.birth_date) == (p.first_name, p.last_name, p.birth_date):
                present += 1
            else:
                errs.append(f"patient {p.id} is already in the record with another name or birth date")
        for e in errs:
            problems.add(line, e)
    problems.refuse_if_any(path)
    if bundles:
        prepared = bundle_rows(bundles, wb.stamp(), today=today)
        with wb.write() as conn:
            insert_rows(conn, prepared)
    return ImportSummary("patients", str(path), len(bundles), present)


# ----------------------------------------------------------------------------------- time


def import_time(wb, path) -> ImportSummary:
    """Import time entries, and voids of earlier entries (see :mod:`workbench.import_time`)."""
    from .import_time import import_time as run

    return run(wb, path)
