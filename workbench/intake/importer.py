"""CSV import of staff, patients and time; formats in ``docs/import.md``.

Every import follows the same rules:

1. **Nothing lost.** Files are read by :mod:`workbench.intake.csvread`, which refuses an unbalanced
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

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from .. import records as r
from .. import validate as v
from .csvread import read_csv
from ..errors import ImportRefused, InvalidInput, PermissionDenied
from ..store import queries as q
from ..store import schema as s

from ..export.panel_csv import PATIENT_COLUMNS, STAFF_COLUMNS  # one format: the panel export's
from ..export.panel_csv import PATIENT_EXTRA_COLUMNS
from ..export.panel_csv import STAFF_EXTRA_COLUMNS as STAFF_OPTIONAL  # read when present

#: Optional patient columns, read when present: the panel export's extra columns, and ``npi``,
#: the billing practitioner's NPI (kept on the staff member: see :func:`_billing_npi`).
PATIENT_OPTIONAL = PATIENT_EXTRA_COLUMNS + ("npi",)

TIME_COLUMNS = ("entry_id", "patient_id", "staff_id", "started_at", "ended_at", "minutes", "activity", "note",
                "voids_entry_id")
#: Optional time column: ``service`` (CCM, PCM, TCM, BHI, RPM; default CCM).
TIME_OPTIONAL = ("service",)


@dataclass(frozen=True)
class ImportSummary:
    """What an import did: rows added, rows already present, rows changed (``--update``: written
    as corrections), and voids written (time only). ``raced``: another import of the same rows
    ran at the same time and wrote them first."""

    kind: str  #: "staff" | "patients" | "time"
    path: str
    added: int
    already_present: int
    voided: int = 0
    changed: int = 0
    raced: bool = False

    def __str__(self) -> str:
        text = (f"{self.path}: {self.added} {self.kind} row(s) added, {self.already_present} already "
                f"present, {self.changed} changed")
        text += f", {self.voided} entry(ies) voided" if self.voided else ""
        if self.raced:
            text += " (some rows were already imported by another run at the same time)"
        return text


def differing(pairs: dict[str, tuple[object, object]]) -> list[str]:
    """The names of the fields whose (record, file) values differ."""
    return [k for k, (old, new) in pairs.items() if old != new]


def changed_words(kind: str, rid: str, fields: list[str], update_hint: bool = True) -> str:
    """A re-imported row that differs from the record, named by id and fields (never values)."""
    hint = ": import with --update to write the file's values as a correction" if update_hint else ""
    return f"{kind} {rid} is already in the record with another {', '.join(fields)}{hint}"


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


def _message(err: InvalidInput) -> str:
    """A row problem as the import shows it: ``column: reason`` for the identifier columns, whose
    checks (:mod:`workbench.rules.identifiers`) word their messages for the API."""
    text = str(err).rstrip(".").replace(" is required", " is empty")
    if err.field in ("npi", "member_id") and not text.startswith(err.field):
        return f"{err.field}: {text}"
    return text


def check_user(wb) -> None:
    """The importing person's role may import files (the policy's ``import`` permission)."""
    try:
        wb.check_import()
    except PermissionDenied:
        raise PermissionDenied("Only a supervisor or care manager may import files.") from None


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


def import_staff(wb, path, update: bool = False) -> ImportSummary:
    """Import ``staff_id,name,role,credential,state`` (credential may be empty, e.g. billing staff),
    with the optional ``npi`` (practitioners who bill: 10 digits, Luhn-checked) and ``phone``.
    Adding staff is a supervisor's (the policy's ``add_user``). A staff member already in the
    record with other details is refused, naming the fields, unless ``update``: then the staff
    record (a reference table, not the clinical record) takes the file's values."""
    from .races import once_more_if_raced

    check_user(wb)
    refused = wb.staff_import_problem()
    if refused is not None:
        raise PermissionDenied(f"{refused} (importing staff adds staff members).")
    result, raced = once_more_if_raced(lambda: _import_staff(wb, path, update))
    return dataclasses.replace(result, raced=raced) if raced else result


def _import_staff(wb, path, update: bool) -> ImportSummary:
    rows = read_csv(path, STAFF_COLUMNS).rows
    with wb.read() as conn:
        existing = {u.id: u for u in (q.to_user(x) for x in conn.execute(select(s.users)))}
    problems, seen, new, present, changed = Problems(), {}, [], 0, []
    for line, row in rows:
        errs: list[str] = []
        row_id(row["staff_id"], "staff_id", v.limit_of(s.users.c.id), seen, line, errs)
        try:
            user = v.user(r.User(row["staff_id"], row["name"], row["role"], row["credential"] or None,
                                 row["state"] or None, npi=row.get("npi", ""), phone=row.get("phone", "")))
        except InvalidInput as err:
            user = None
            errs += [_message(e) for e in err.items if e.field != "staff_id"]
        if user is not None and not errs:
            old = existing.get(user.id)
            given = [k for k in STAFF_OPTIONAL if k in row]  # an optional column left out keeps the record's
            fields = [] if old is None else differing(
                {k: (getattr(old, k), getattr(user, k)) for k in ("name", "role", "credential", "state", *given)})
            if old is None:
                new.append(user)
            elif not fields:
                present += 1
            elif not update:
                errs.append(changed_words("staff", user.id, fields))
            else:
                changed.append(user)
        for e in errs:
            problems.add(line, e)
    problems.refuse_if_any(path)
    if new or changed:
        with wb.write() as uow:
            uow.add_users(new)
            for u in changed:
                uow.update_user(u.id, name=u.name, role=u.role.value,
                                credential=u.credential.value if u.credential else None,
                                state=u.state, npi=u.npi, phone=u.phone)
    return ImportSummary("staff", str(path), len(new), present, changed=len(changed))


# ----------------------------------------------------------------------------------- patients


def _patient_of(row: dict[str, str], wb) -> r.PatientBundle:
    """The bundle a patients.csv row describes (values unchecked: validate.bundle checks them)."""
    extra = {k: row.get(k, "") for k in PATIENT_OPTIONAL}
    patient = r.Patient(id=row["patient_id"], first_name=row["first_name"], last_name=row["last_name"],
                        birth_date=row["birth_date"], sex=row["sex"], state=row["state"],
                        phone=extra["phone"], email=extra["email"], language=extra["language"] or "English",
                        address=extra["address"],
                        billing_practitioner_id=extra["billing_practitioner_id"] or None,
                        care_team_member_id=extra["care_team_member_id"] or None,
                        member_id=extra["member_id"], payer=extra["payer"])
    consent = None
    if row["consent_date"] or row["consent_method"]:
        consent = r.Consent(row["patient_id"], row["consent_method"], row["consent_date"], wb.user.id,
                            {k: True for k in r.CONSENT_DISCLOSURES},
                            billing_practitioner_id=patient.billing_practitioner_id)
    codes = [c.strip() for c in row["conditions"].split(";") if c.strip()]
    return r.PatientBundle(patient=patient, consent=consent, conditions=[r.Condition(c) for c in codes])


def _billing_npi(row: dict[str, str], staff: dict[str, r.User], errs: list[str]) -> None:
    """The optional ``npi`` column: the billing practitioner's NPI, checked (10 digits, the Luhn
    check digit: docs/reference.md, "Identifiers on a claim") and matched with the staff record,
    where the NPI is kept. With ``billing_practitioner_id`` it must be that practitioner's NPI on
    record; without, it names the billing practitioner (``row`` gets their id)."""
    from ..rules.identifiers import check_npi

    if not row.get("npi"):
        return
    try:
        npi = check_npi(row["npi"])
    except InvalidInput as err:
        errs.append(_message(err))
        return
    uid = row.get("billing_practitioner_id", "")
    if uid:
        user = staff.get(uid)
        if user is None:
            return  # reported by the patient's own checks (not a staff member)
        if not user.npi:
            errs.append(f"npi: billing practitioner {uid} has no NPI on record: import staff with the npi "
                        "column first")
        elif user.npi != npi:
            errs.append(f"npi: {npi} is not the NPI on record for billing practitioner {uid} ({user.npi})")
        return
    holders = sorted(u.id for u in staff.values() if u.npi == npi)
    if not holders:
        errs.append(f"npi: no staff member has NPI {npi}: import the billing practitioner with the staff "
                    "file's npi column first, or give billing_practitioner_id")
    elif len(holders) > 1:
        errs.append(f"npi: {len(holders)} staff members have NPI {npi} ({', '.join(holders)}): give "
                    "billing_practitioner_id")
    else:
        row["billing_practitioner_id"] = holders[0]


def import_patients(wb, path, update: bool = False) -> ImportSummary:
    """Import patients with their conditions and (optional) consent.

    ``conditions`` are billable ICD-10-CM codes separated by ``;``. ``consent_date`` and
    ``consent_method`` (verbal | written) are both given or both empty; a consent in the file
    states that the four disclosures (docs/reference.md, "Consent") were given and documented.
    Optional ``member_id`` (the Medicare Beneficiary Identifier, format-checked), ``payer`` and
    ``npi`` (the billing practitioner's, see :func:`_billing_npi`).
    """
    from .races import once_more_if_raced

    check_user(wb)
    result, raced = once_more_if_raced(lambda: _import_patients(wb, path, update))
    return dataclasses.replace(result, raced=raced) if raced else result


def _import_patients(wb, path, update: bool) -> ImportSummary:
    from ..store.bulk import insert_rows
    from .bundles import bundle_rows
    from .patient_changes import PatientChanges

    rows = read_csv(path, PATIENT_COLUMNS).rows
    today = wb.today()
    with wb.read() as conn:
        staff = {u.id: u for u in (q.to_user(x) for x in conn.execute(select(s.users)))}
        existing = {x.id: x for x in conn.execute(select(s.patients))}
        scopes = wb.import_scopes(conn)
        record = PatientChanges(conn, [row["patient_id"] for _, row in rows if row["patient_id"] in existing])
    problems, seen, bundles, present, changes = Problems(), {}, [], 0, []
    for line, row in rows:
        errs: list[str] = []
        row_id(row["patient_id"], "patient_id", v.limit_of(s.patients.c.id), seen, line, errs)
        if bool(row["consent_date"]) != bool(row["consent_method"]):
            errs.append("consent_date and consent_method go together: give both or neither")
        row = dict(row)
        _billing_npi(row, staff, errs)
        bundle = None
        try:
            bundle = v.bundle(_patient_of(row, wb), today, staff)
        except InvalidInput as err:
            for e in (err.items if isinstance(err, v.Problems) else [err]):
                if e.field == "patient_id" or (e.field in ("consent_date", "consent_method") and
                                               bool(row["consent_date"]) != bool(row["consent_method"])):
                    continue
                errs.append(_message(e))
        if bundle is not None and not errs:
            p = bundle.patient
            old = existing.get(p.id)
            problem = scopes.patient_problem(wb.user, p.id, old.scope if old is not None else p.scope)
            if problem:
                errs.append(problem)
            elif old is None:
                bundles.append(bundle)
            else:
                optional = [k for k in PATIENT_OPTIONAL if k in row and k != "npi"]  # compared when given
                fixed, correctable = record.compare(old, bundle, optional, row)
                if fixed:
                    errs.append(changed_words("patient", p.id, fixed + correctable, update_hint=False)
                                + ": a patient's identity and details are corrected in the app, not by import")
                elif correctable and not update:
                    errs.append(changed_words("patient", p.id, correctable))
                elif correctable:
                    changes.append(bundle)
                else:
                    present += 1
        for e in errs:
            problems.add(line, e)
    problems.refuse_if_any(path)
    if bundles or changes:
        prepared = bundle_rows(bundles, wb.stamp(), today=today) if bundles else None
        with wb.write() as conn:
            if prepared is not None:
                insert_rows(conn, prepared)
            for bundle in changes:  # corrections authored by the importing person
                record.write(conn, bundle, f"corrected by import of {Path(str(path)).name}")
    return ImportSummary("patients", str(path), len(bundles), present, changed=len(changes))
