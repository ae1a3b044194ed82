"""Importing time entries (and voids of earlier entries) from CSV; format in ``docs/import.md``.

Each row is checked with the service's own rules (:mod:`workbench.validate`): the same
limits as ``log_time`` (minutes at least one second and at most 12 hours, finite; dates not in
the future, not before 2000 nor before the patient's birth; offsets within +-14:00). Good files
are written in one transaction with the store's bulk insert, so 100,000 rows take seconds, not
minutes (benchmarks/bench_import.py; figures in docs/performance.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from .. import records as r
from .. import validate as v
from .csvread import read_csv
from ..errors import InvalidInput
from .importer import TIME_COLUMNS, ImportSummary, Problems, check_user, row_id
from ..store import queries as q
from ..store import schema as s
from ..store.bulk import insert_many
from ..store.uow import entry_values

_CHUNK = 500


@dataclass
class _Checked:
    """What a good time row becomes."""

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
    service_date: date


def _check(fn, errs: list[str], *args, **kw):
    try:
        return fn(*args, **kw)
    except InvalidInput as err:
        errs.append(str(err).rstrip("."))
        return None


def _known_entries(conn, ids: list[str]) -> dict[str, object]:
    te = s.time_entries
    known: dict[str, object] = {}
    for i in range(0, len(ids), _CHUNK):
        for x in conn.execute(select(te.c.id, te.c.external_id, te.c.patient_id, te.c.staff_id, te.c.seconds,
                                     te.c.started_at).where(te.c.external_id.in_(ids[i:i + _CHUNK]))):
            known[x.external_id] = x
    return known


def _entry(row: dict[str, str], line_errs: list[str], *, eid: str, patients: dict, staff: dict,
           now: datetime, tz) -> _Checked | None:
    """Check one time row; append its problems to ``line_errs``."""
    errs = line_errs
    pid, sid = row["patient_id"], row["staff_id"]
    birth = None
    if not pid:
        errs.append("patient_id is empty")
    elif pid not in patients:
        errs.append(f"unknown patient {pid} (import patients first)")
    else:
        birth = patients[pid]
    if not sid:
        errs.append("staff_id is empty")
    elif sid not in staff:
        errs.append(f"unknown staff {sid} (import staff first)")
    started = None
    if not row["started_at"]:
        errs.append("started_at is empty")
    else:
        started = _check(v.a_datetime, errs, row["started_at"], "started_at", now=now,
                         earliest=v.EARLIEST_SERVICE, field="started_at")
    ended, seconds, manual = None, None, False
    if row["ended_at"] and row["minutes"]:
        errs.append("give ended_at or minutes, not both")
    elif not row["ended_at"] and not row["minutes"]:
        errs.append("give ended_at or minutes")
    elif row["ended_at"]:
        ended = _check(v.a_datetime, errs, row["ended_at"], "ended_at", now=now, field="ended_at")
        if started and ended:
            seconds = int((ended - started).total_seconds())
            if seconds < 1:
                errs.append("ended_at is not after started_at")
                seconds = None
    else:
        mins = _check(v.minutes_text, errs, row["minutes"])
        if mins is not None:
            seconds, manual = v.seconds_of(mins), True
            if started:
                ended = started + timedelta(seconds=seconds)
                if ended > now:
                    errs.append("the entry would end in the future")
    if seconds is not None and seconds > v.MAX_ENTRY_MINUTES * 60:
        errs.append("more than 12 hours in one entry: split it, or check for a timer left running")
    activity = _check(v.choice, errs, row["activity"], r.Activity, "activity", "activity") \
        if row["activity"] else errs.append("activity is empty")
    service = _check(v.choice, errs, row.get("service", "") or "CCM", r.Service, "service", "service")
    note = None
    if not row["note"]:
        errs.append("note is empty: say what was done")
    else:
        note = _check(v.text, errs, row["note"], "note", field="note")
    day = None
    if started is not None:
        day = started.astimezone(tz).date()
        if birth is not None and day < birth:
            errs.append(f"started_at {day.isoformat()} is before the patient's birth date")
    if errs:
        return None
    return _Checked(eid, pid, staff[sid], service, activity, note, started, ended, seconds, manual, day)


def import_time(wb, path) -> ImportSummary:
    """Import time entries, and voids of earlier entries.

    A row gives ``started_at`` (ISO 8601 with offset) and either ``ended_at`` or ``minutes``
    (both or neither is a bad row). A row with ``voids_entry_id`` voids that entry (already in
    the record, or on an earlier line of the file) with ``note`` as the reason.
    """
    check_user(wb)
    rows = read_csv(path, TIME_COLUMNS).rows
    now, tz = wb.now(), wb.tz
    te = s.time_entries
    with wb.read() as conn:
        staff = {u.id: u for u in (q.to_user(x) for x in conn.execute(select(s.users)))}
        patients = {x.id: x.birth_date for x in conn.execute(select(s.patients.c.id, s.patients.c.birth_date))}
        ids = list(dict.fromkeys([row["entry_id"] for _, row in rows if row["entry_id"]]
                                 + [row["voids_entry_id"] for _, row in rows if row["voids_entry_id"]]))
        known = _known_entries(conn, ids)
        known_ids = [x.id for x in known.values()]
        voided_ids: set[int] = set()
        for i in range(0, len(known_ids), _CHUNK):
            voided_ids |= {x[0] for x in conn.execute(select(te.c.supersedes_id).where(
                te.c.supersedes_id.in_(known_ids[i:i + _CHUNK])))}
    problems, seen = Problems(), {}
    new: list[_Checked] = []
    voids: list[tuple[str, str]] = []  # (target entry_id, reason)
    in_file: dict[str, str] = {}  # entry_id -> patient_id of entries defined on earlier lines
    voided_in_file: set[str] = set()
    present = 0
    for line, row in rows:
        errs: list[str] = []
        eid, target = row["entry_id"], row["voids_entry_id"]
        row_id(eid, "entry_id", v.limit_of(te.c.external_id), seen, line, errs)
        if target:
            if not row["note"]:
                errs.append("a void needs the reason in note")
            else:
                _check(v.text, errs, row["note"], "note", field="note")
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
        entry = _entry(row, errs, eid=eid, patients=patients, staff=staff, now=now, tz=tz)
        if entry is not None and eid in known:
            old = known[eid]
            if (old.patient_id, old.staff_id, old.seconds, old.started_at) == \
                    (entry.patient_id, entry.staff.id, entry.seconds, entry.started_at):
                present += 1
            else:
                errs.append(f"entry {eid} is already in the record with other details; correct it in the app")
            in_file[eid] = old.patient_id
        elif entry is not None:
            new.append(entry)
            in_file[eid] = entry.patient_id
        for e in errs:
            problems.add(line, e)
    problems.refuse_if_any(path)
    if new or voids:
        with wb.write() as conn:
            stamp = conn.stamp
            insert_many(conn, te, [entry_values(
                stamp, patient_id=e.patient_id, staff=e.staff, service=e.service, activity=e.activity,
                note=e.note, started_at=e.started_at, ended_at=e.ended_at, seconds=e.seconds,
                service_date=e.service_date, manual=e.manual, mode=r.EntryMode.LATE, external_id=e.entry_id)
                for e in new])
            targets = [t for t, _ in voids]
            row_ids = {k: x.id for k, x in known.items()}
            fresh = [t for t in targets if t not in row_ids]
            for i in range(0, len(fresh), _CHUNK):
                row_ids.update({x.external_id: x.id for x in conn.execute(
                    select(te.c.id, te.c.external_id).where(te.c.external_id.in_(fresh[i:i + _CHUNK])))})
            for target, reason in voids:
                conn.supersede(te, row_ids[target], reason, void=True)
    return ImportSummary("time", str(path), len(new), present, voided=len(voids))
