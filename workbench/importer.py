"""CSV import of staff, patients and time (issue 3, section 4); formats in ``docs/import.md``.

Every import follows the same three rules:

1. **All or nothing.** Every row is checked first. A file with any bad row is refused whole with
   :class:`workbench.errors.ImportRefused`, which lists EVERY bad line (numbered as a spreadsheet
   shows them: the header is line 1) with a plain explanation; nothing is written.
2. **One transaction.** A good file is written in one transaction.
3. **Idempotent.** Ids in the file are external ids (staff id, patient id, time ``entry_id``
   stored in ``time_entries.external_id``). A row whose id is already in the record with the
   same content counts as "already present" and changes nothing; the same id with different
   content is a bad row (a correction is made in the app, where it keeps its reason).

Extra columns are allowed and ignored, except the optional ones each format names.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from . import records as r
from . import validate
from .errors import ImportRefused, InvalidInput, PermissionDenied
from .store import queries as q
from .store import schema as s
from .validate import MAX_ENTRY_MINUTES

from .export.panel_csv import PATIENT_COLUMNS, STAFF_COLUMNS, export_panel  # noqa: F401  (one format)
from .export.panel_csv import PATIENT_EXTRA_COLUMNS as PATIENT_OPTIONAL  # read when present


def _icd():
    """The ICD-10-CM tables (about 2 s to load): only when a file has condition codes."""
    import simple_icd_10_cm

    return simple_icd_10_cm
TIME_COLUMNS = ("entry_id", "patient_id", "staff_id", "started_at", "ended_at", "minutes", "activity", "note",
                "voids_entry_id")
#: Optional time column: ``service`` (CCM, PCM, TCM, BHI, RPM; default CCM).
TIME_OPTIONAL = ("service",)

_STATE = re.compile(r"^[A-Za-z]{2}$")
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


class _Problems:
    def __init__(self) -> None:
        self.items: list[tuple[int, str]] = []

    def add(self, line: int, message: str) -> None:
        self.items.append((line, message))


def _read(path, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """Rows of a CSV file with the line each starts on; refuses a file without the required columns."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused(str(path), [(1, "The file is not UTF-8 text: save it as CSV UTF-8.")]) from None
    reader = csv.DictReader(text.splitlines(keepends=True))
    header = reader.fieldnames or []
    missing = [c for c in required if c not in header]
    if not header:
        raise ImportRefused(str(path), [(1, "The file is empty: the first line must name the columns.")])
    if missing:
        raise ImportRefused(str(path), [(1, f"Missing column(s): {', '.join(missing)}. "
                                            f"The first line must name: {', '.join(required)}.")])
    rows, start = [], reader.line_num + 1
    for row in reader:
        if None in row:
            clean = {k: (v or "").strip() for k, v in row.items() if k is not None}
            clean["__extra__"] = "yes"
        else:
            clean = {k: (v or "").strip() for k, v in row.items()}
        if any(v for k, v in clean.items() if k != "__extra__"):
            rows.append((start, clean))
        start = reader.line_num + 1
    return rows


def _common(row: dict[str, str]) -> list[str]:
    """Problems every format shares: a row with more values than the header has columns."""
    if "__extra__" in row:
        return ["more values than columns (a value with a comma must be in double quotes)"]
    return []


def _check_user(wb) -> None:
    if wb.user.role not in _IMPORTERS:
        raise PermissionDenied("Only a supervisor or care manager may import files.")


def _row_id(value: str, label: str, max_len: int, seen: dict[str, int], line: int, errs: list[str]) -> None:
    """An external id: present, not too long, and not already used on an earlier line."""
    if not value:
        errs.append(f"{label} is empty")
    elif len(value) > max_len:
        errs.append(f"{label} is longer than {max_len} characters")
    elif value in seen:
        errs.append(f"{label} {value} is already on line {seen[value]}")
    if value:
        seen.setdefault(value, line)


def _enum(value: str, enum, label: str, problems: list[str], *, required: bool = True):
    if not value:
        if required:
            problems.append(f"{label} is empty")
        return None
    try:
        return enum(value)
    except ValueError:
        problems.append(f"{label} '{value}' is not one of: {', '.join(m.value for m in enum)}")
        return None


def _date(value: str, label: str, problems: list[str], today: date, required: bool = True) -> date | None:
    """A date cell, checked by the same rule the service uses (workbench.validate)."""
    if not value:
        if required:
            problems.append(f"{label} is empty")
        return None
    try:
        return validate.a_date(value, label, today=today)
    except InvalidInput as err:
        problems.append(str(err).rstrip("."))
        return None


def _refuse_if(path, problems: _Problems) -> None:
    if problems.items:
        raise ImportRefused(str(path), sorted(problems.items))


# ----------------------------------------------------------------------------------- staff


def import_staff(wb, path) -> ImportSummary:
    """Import ``staff_id,name,role,credential,state`` (credential may be empty, e.g. billing staff)."""
    _check_user(wb)
    rows = _read(path, STAFF_COLUMNS)
    with wb.read() as conn:
        existing = {u.id: u for u in (q.to_user(x) for x in conn.execute(select(s.users)))}
    problems, seen, new, present = _Problems(), {}, [], 0
    for line, row in rows:
        errs = _common(row)
        sid, name = row["staff_id"], row["name"]
        _row_id(sid, "staff_id", 64, seen, line, errs)
        if not name:
            errs.append("name is empty")
        role = _enum(row["role"], r.Role, "role", errs)
        cred = _enum(row["credential"], r.Credential, "credential", errs, required=False)
        state = row["state"].upper() or None
        if state and not _STATE.match(state):
            errs.append(f"state '{row['state']}' is not a two-letter code")
        if not errs:
            user = r.User(sid, name, role, cred, state)
            old = existing.get(sid)
            if old is None:
                new.append(user)
            elif (old.name, old.role, old.credential, old.state) == (name, role, cred, state):
                present += 1
            else:
                errs.append(f"staff {sid} is already in the record with other details "
                            f"({old.label}, {old.state or 'no state'})")
        for e in errs:
            problems.add(line, e)
    _refuse_if(path, problems)
    if new:
        with wb.write() as conn:
            conn.execute(s.users.insert(), [dict(id=u.id, name=u.name, role=u.role.value,
                                                 credential=u.credential.value if u.credential else None,
                                                 state=u.state, active=True) for u in new])
    return ImportSummary("staff", str(path), len(new), present)


# ----------------------------------------------------------------------------------- patients


def import_patients(wb, path) -> ImportSummary:
    """Import patients with their conditions and (optional) consent.

    ``conditions`` are ICD-10-CM codes separated by ``;``. ``consent_date`` and
    ``consent_method`` (verbal | written) are both given or both empty; a consent in the file
    states that the four disclosures of the reference ("Consent") were given and documented.
    """
    from .loader import bundle_rows, insert_rows

    _check_user(wb)
    rows = _read(path, PATIENT_COLUMNS)
    today = wb.today()
    with wb.read() as conn:
        staff_ids = {x[0] for x in conn.execute(select(s.users.c.id))}
        existing = {x.id: x for x in conn.execute(select(s.patients.c.id, s.patients.c.first_name,
                                                         s.patients.c.last_name, s.patients.c.birth_date))}
    problems, seen, bundles, present = _Problems(), {}, [], 0
    for line, row in rows:
        errs = _common(row)
        pid = row["patient_id"]
        _row_id(pid, "patient_id", 32, seen, line, errs)
        for col in ("first_name", "last_name"):
            if not row[col]:
                errs.append(f"{col} is empty")
        birth = _date(row["birth_date"], "birth_date", errs, today)
        sex = row["sex"].upper()
        if sex not in ("F", "M", "X"):
            errs.append(f"sex '{row['sex']}' must be F, M or X")
        state = row["state"].upper()
        if state and not _STATE.match(state):
            errs.append(f"state '{row['state']}' is not a two-letter code")
        codes = [c.strip().upper() for c in row["conditions"].split(";") if c.strip()]
        bad = [c for c in codes if not _icd().is_valid_item(c)]
        if bad:
            errs.append(f"not ICD-10-CM code(s): {', '.join(bad)}")
        consent_day = _date(row["consent_date"], "consent_date", errs, today, required=False)
        method = _enum(row["consent_method"], r.ConsentMethod, "consent_method", errs, required=False)
        if bool(row["consent_date"]) != bool(row["consent_method"]):
            errs.append("consent_date and consent_method go together: give both or neither")
        if birth and consent_day and consent_day < birth:
            errs.append("consent_date is before birth_date")
        extra = {k: row.get(k, "") for k in PATIENT_OPTIONAL}
        for col in ("billing_practitioner_id", "care_team_member_id"):
            if extra[col] and extra[col] not in staff_ids:
                errs.append(f"{col} {extra[col]} is not a staff member (import staff first)")
        if not errs:
            old = existing.get(pid)
            if old is not None:
                if (old.first_name, old.last_name, old.birth_date) == (row["first_name"], row["last_name"], birth):
                    present += 1
                else:
                    errs.append(f"patient {pid} is already in the record with another name or birth date")
            else:
                patient = r.Patient(id=pid, first_name=row["first_name"], last_name=row["last_name"],
                                    birth_date=birth, sex=sex, state=state, phone=extra["phone"],
                                    email=extra["email"], language=extra["language"] or "English",
                                    address=extra["address"],
                                    billing_practitioner_id=extra["billing_practitioner_id"] or None,
                                    care_team_member_id=extra["care_team_member_id"] or None)
                consent = None
                if consent_day and method:
                    consent = r.Consent(pid, method, consent_day, wb.user.id,
                                        {k: True for k in r.CONSENT_DISCLOSURES},
                                        billing_practitioner_id=patient.billing_practitioner_id)
                bundles.append(r.PatientBundle(patient=patient, consent=consent,
                                               conditions=[r.Condition(c, _icd().get_description(c)[:200])
                                                           for c in dict.fromkeys(codes)]))
        for e in errs:
            problems.add(line, e)
    _refuse_if(path, problems)
    if bundles:
        prepared = bundle_rows(bundles, wb.stamp(), today=today)
        with wb.write() as conn:
            insert_rows(conn, prepared)
    return ImportSummary("patients", str(path), len(bundles), present)


# ----------------------------------------------------------------------------------- time


def _when(value: str, label: str, errs: list[str], now: datetime) -> datetime | None:
    """An ISO 8601 date and time with offset, checked by the service's own rule."""
    if not value:
        errs.append(f"{label} is empty")
        return None
    try:
        return validate.a_datetime(value, label, now=now)
    except InvalidInput as err:
        errs.append(str(err).rstrip("."))
        return None


@dataclass
class _NewEntry:
    entry_id: str
    patient_id: str
    staff: r.User
    service: r.Service
    activity: r.Activity
    note: str
    started_at: datetime
    ended_at: datetime
    seconds: int
    manual: bool


def import_time(wb, path) -> ImportSummary:
    """Import time entries, and voids of earlier entries.

    A row gives ``started_at`` (ISO 8601 with offset) and either ``ended_at`` or ``minutes``
    (both or neither is a bad row). A row with ``voids_entry_id`` voids that entry (already in
    the record, or on an earlier line of the file) with ``note`` as the reason.
    """
    _check_user(wb)
    rows = _read(path, TIME_COLUMNS)
    now = wb.now()
    te = s.time_entries
    with wb.read() as conn:
        staff = {u.id: u for u in (q.to_user(x) for x in conn.execute(select(s.users)))}
        patients = {x[0] for x in conn.execute(select(s.patients.c.id))}
        ids = [row["entry_id"] for _, row in rows if row["entry_id"]]
        ids += [row["voids_entry_id"] for _, row in rows if row["voids_entry_id"]]
        known: dict[str, object] = {}
        for i in range(0, len(ids), 500):
            for x in conn.execute(select(te).where(te.c.external_id.in_(ids[i:i + 500]))):
                known[x.external_id] = x
        voided_ids = {x[0] for x in conn.execute(select(te.c.supersedes_id).where(
            te.c.supersedes_id.in_([x.id for x in known.values()] or [-1])))}
    problems, seen = _Problems(), {}
    new: list[_NewEntry] = []
    voids: list[tuple[str, str]] = []  # (target entry_id, reason)
    in_file: dict[str, str] = {}  # entry_id -> patient_id of entries defined on earlier lines
    voided_in_file: set[str] = set()
    present = 0
    for line, row in rows:
        errs = _common(row)
        eid, target = row["entry_id"], row["voids_entry_id"]
        _row_id(eid, "entry_id", 64, seen, line, errs)
        if target:
            if not row["note"]:
                errs.append("a void needs the reason in note")
            owner = in_file.get(target) or (known[target].patient_id if target in known else None)
            if owner is None:
                errs.append(f"voids_entry_id {target} is not in the record or on an earlier line")
            elif row["patient_id"] and row["patient_id"] != owner:
                errs.append(f"voids_entry_id {target} belongs to patient {owner}, not {row['patient_id']}")
            elif target in voided_in_file:
                errs.append(f"entry {target} is voided twice in this file")
            for e in errs:
                problems.add(line, e)
            if errs:
                continue
            voided_in_file.add(target)
            if target in known and known[target].id in voided_ids:
                present += 1
            else:
                voids.append((target, row["note"]))
            continue
        pid, sid = row["patient_id"], row["staff_id"]
        if not pid:
            errs.append("patient_id is empty")
        elif pid not in patients:
            errs.append(f"unknown patient {pid} (import patients first)")
        if not sid:
            errs.append("staff_id is empty")
        elif sid not in staff:
            errs.append(f"unknown staff {sid} (import staff first)")
        started = _when(row["started_at"], "started_at", errs, now)
        ended, seconds, manual = None, None, False
        if row["ended_at"] and row["minutes"]:
            errs.append("give ended_at or minutes, not both")
        elif not row["ended_at"] and not row["minutes"]:
            errs.append("give ended_at or minutes")
        elif row["ended_at"]:
            ended = _when(row["ended_at"], "ended_at", errs, now)
            if started and ended:
                seconds = int((ended - started).total_seconds())
                if seconds <= 0:
                    errs.append("ended_at is not after started_at")
        else:
            try:
                mins = float(row["minutes"])
            except ValueError:
                mins = float("nan")
            if not mins > 0:
                errs.append(f"minutes '{row['minutes']}' must be a number above 0")
            else:
                seconds, manual = int(round(mins * 60)), True
                if started:
                    ended = started + timedelta(seconds=seconds)
                    if ended > now:
                        errs.append("the entry would end in the future")
        if seconds is not None and seconds > MAX_ENTRY_MINUTES * 60:
            errs.append("more than 12 hours in one entry: split it, or check for a timer left running")
        activity = _enum(row["activity"], r.Activity, "activity", errs)
        service = _enum(row.get("service", "") or "CCM", r.Service, "service", errs)
        if not row["note"]:
            errs.append("note is empty: say what was done")
        elif len(row["note"]) > s.NOTE_MAX:
            errs.append(f"note is longer than {s.NOTE_MAX} characters")
        if not errs and eid in known:
            old = known[eid]
            if (old.patient_id, old.staff_id, old.seconds, old.started_at) == (pid, sid, seconds, started):
                present += 1
            else:
                errs.append(f"entry {eid} is already in the record with other details; correct it in the app")
            in_file[eid] = old.patient_id
        elif not errs:
            new.append(_NewEntry(eid, pid, staff[sid], service, activity, row["note"], started, ended,
                                 seconds, manual))
            in_file[eid] = pid
        for e in errs:
            problems.add(line, e)
    _refuse_if(path, problems)
    if new or voids:
        with wb.write() as conn:
            ids_by_external: dict[str, int] = {}
            for e in new:
                entry = conn.insert_entry(patient_id=e.patient_id, staff=e.staff, service=e.service,
                                         activity=e.activity, note=e.note, started_at=e.started_at,
                                         ended_at=e.ended_at, seconds=e.seconds, manual=e.manual,
                                         mode=r.EntryMode.LATE, external_id=e.entry_id)
                ids_by_external[e.entry_id] = entry.id
            for target, reason in voids:
                row_id = ids_by_external.get(target) or known[target].id
                conn.supersede(te, row_id, reason, void=True)
    return ImportSummary("time", str(path), len(new), present, voided=len(voids))
