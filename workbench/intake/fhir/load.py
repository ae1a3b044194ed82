"""``workbench import fhir PATH``: check the whole input, then write it in one unit of work.

Same rules as the CSV importer (docs/import.md): every problem named with its file, line or entry
and field, and nothing written when there is one; a re-import of the same export writes nothing
new (``fhir_links`` keeps each resource's digest); a changed resource supersedes the row it made;
deceased and ineligible patients are imported with their reason; ``dry_run`` writes nothing and
says what would change.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections import defaultdict

from sqlalchemy import func, select

from ... import records as r
from ... import validate as v
from ...errors import InvalidInput, PermissionDenied
from ...store import queries as q
from ...store import corrections as pc
from ...store import schema as s
from . import plans
from . import resources as res_
from .check import READ, check_entry, subject_of
from .read import read
from .summary import FhirSummary

#: FHIR type -> (record table, PatientBundle field)
TABLES = {"Condition": ("conditions", "conditions"), "MedicationRequest": ("medications", "medications"),
          "AllergyIntolerance": ("allergies", "allergies"), "Immunization": ("immunizations", "immunizations"),
          "Observation": ("observations", "observations")}
_NOT_VALUES = {"id", "patient_id", "recorded_at", "recorded_by", "recorded_role", "recorded_credential",
               "status", "reason", "supersedes_id"}


def digest(resource: dict) -> str:
    body = {k: val for k, val in resource.items() if k != "meta"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def _refuse(path, problems: list[str]) -> None:
    head = f"{path}: nothing was imported: {len(problems)} problem(s)"
    shown = problems[:50]
    more = f"\n... and {len(problems) - 50} more." if len(problems) > 50 else ""
    raise InvalidInput(head + ":\n" + "\n".join(f"- {p}" for p in shown) + more, "path")


def _existing_links(conn, keys: list[tuple[str, str]]) -> dict[tuple[str, str], object]:
    """The latest link of each (type, id) already imported."""
    out: dict[tuple[str, str], object] = {}
    fl = s.fhir_links
    ids = sorted({k[1] for k in keys})
    for i in range(0, len(ids), 900):
        for row in conn.execute(select(fl).where(fl.c.resource_id.in_(ids[i:i + 900])).order_by(fl.c.id)):
            out[(row.resource_type, row.resource_id)] = row
    return out


def _map(entries, urls, known_patients, problems, billing, staff):
    """Every read entry mapped (``Mapped`` list with its entry); problems for missing patients.
    The plan kinds (CarePlan, Goal ...) are only checked here: :mod:`.plans` reads them."""
    mapped = []
    team = {(k, subject_of(e, urls)): e for e in entries if (k := e.kind) in ("CareTeam", "RelatedPerson")}
    for e in entries:
        if e.kind == "Patient":
            m = res_.patient(e.resource)
            if billing.get(e.rid):
                m.row = dataclasses.replace(m.row, billing_practitioner_id=billing[e.rid])
            m.row = plans.with_team(m.row, team.get(("CareTeam", e.rid)), team.get(("RelatedPerson", e.rid)), staff)
            mapped.append((e, m))
            continue
        subject = subject_of(e, urls)
        if subject is None or subject not in known_patients:
            field = "patient" if e.kind in ("Immunization", "AllergyIntolerance", "RelatedPerson") else "subject"
            problems.append(f"{e.name()}: {field}"
                            f" {(e.resource.get('subject') or e.resource.get('patient') or {}).get('reference')!r} "
                            "is neither in this input nor already imported.")
            continue
        if e.kind in plans.PLAN_KINDS:
            continue
        fn = {"Condition": res_.condition, "MedicationRequest": res_.medication, "AllergyIntolerance": res_.allergy,
              "Immunization": res_.immunization}.get(e.kind)
        for m in (fn(e.resource, subject),) if fn else res_.observations(e.resource, subject):
            mapped.append((e, m))
    return mapped


def import_fhir(wb, path, *, dry_run: bool = False, progress: bool = False,
                place: str = "command:workbench import fhir") -> FhirSummary:
    """Import ``path`` (a Bundle, a folder of bundles, or a bulk-export folder of NDJSON files).
    Two imports at once: the one whose write a unique key refuses (nothing of it written) runs
    once more and finds the other's rows already there."""
    from ..races import once_more_if_raced

    return once_more_if_raced(lambda: _import_fhir(wb, path, dry_run, progress, place))[0]


def _import_fhir(wb, path, dry_run: bool, progress: bool, place: str) -> FhirSummary:
    from tqdm.auto import tqdm

    if not wb.may("add_patient", "live"):  # the service's policy table: who may add patients
        raise PermissionDenied("Only a supervisor or a care manager may import patients.")
    entries, problems = read(path)
    summary = FhirSummary(str(path), dry_run=dry_run)
    seen: dict[tuple[str, str], str] = {}
    good, practitioners = [], []
    for e in tqdm(entries, desc="Checking FHIR", unit="resource", disable=not progress):
        errs = check_entry(e)
        if not errs and e.kind in READ:  # the same resource in two bundles is read once
            d, key = digest(e.resource), (e.kind, e.rid)
            if key in seen and seen[key] != d:
                errs = [f"{e.name()}: the same {e.kind} id appears twice in the input with different content."]
            elif key in seen:
                summary.count(e.kind, "duplicate")
                continue
            seen[key] = d
        problems += errs
        if errs:
            continue
        if e.kind in READ:
            good.append(e)
        elif e.kind == "Practitioner":
            practitioners.append(e)
        else:
            summary.count(e.kind, "not read")
    urls = {e.full_url: e.rid for e in good if e.kind == "Patient" and e.full_url}
    billing, staff = _match_practitioners(wb, practitioners, good, summary)
    with wb.read() as conn:
        if conn.dialect.name == "postgresql":  # one snapshot for every read below: another import
            conn.execution_options(isolation_level="REPEATABLE READ")  # committing midway is seen whole or not at all
        links = _existing_links(conn, [(e.kind, e.rid) for e in good])
        known = {e.rid for e in good if e.kind == "Patient"}
        known |= {k[1] for k in links if k[0] == "Patient"}
        mapped = _map(good, urls, known, problems, billing, staff)
        plan_links = {k: x for k, x in links.items() if k[0] in plans.PLAN_KINDS}
        links = _existing_links(conn, [(m.kind, m.rid) for _, m in mapped])
        pid_of = {k[1]: row.patient_id for k, row in links.items() if k[0] == "Patient"}
        pid_of |= {m.rid: m.row.id for _, m in mapped if m.kind == "Patient"}
        in_record = {x.id: x for x in conn.execute(select(s.patients).where(
            s.patients.c.id.in_(sorted(set(pid_of.values()))[:30000])))} if pid_of else {}
        fixes = pc.latest(conn, list(in_record))
        shown = {pid: {k: getattr(x, k) for k in pc.CORRECTED} | fixes.get(pid, {}) for pid, x in in_record.items()}
    if problems:
        _refuse(path, problems)
    plan = _plan(wb, mapped, links, pid_of, in_record, shown, summary, problems)
    writes = plans.plan_writes(good, plans.index(good), lambda e: pid_of.get(subject_of(e, urls) or ""),
                               plan_links, digest, summary, problems, set(plan.new_patients))
    plan.touched |= {x[0] for x in writes.revisions} | {x["patient_id"] for x in writes.links}
    if problems:
        _refuse(path, problems)
    if not dry_run:
        _write(wb, plan, writes)
        wb.record_access("import", sorted(plan.touched), place, detail=f"FHIR {len(entries)} resource(s)")
    return summary


def _match_practitioners(wb, practitioners, good, summary: FhirSummary) -> tuple[dict[str, str | None],
                                                                                 dict[str, str]]:
    """A Practitioner who is on the staff list (by the workbench's id or by NPI) becomes the billing
    practitioner of the patients whose ``generalPractitioner`` names them; staff are never created
    from FHIR (roles and credentials come from the staff list: docs/import.md)."""
    from ...rules.codesystems import SYSTEMS

    with wb.read() as conn:
        staff = {u.id: u for u in (q.to_user(x) for x in conn.execute(select(s.users)))}
    by_npi = {u.npi: u for u in staff.values() if u.npi}
    found: dict[str, str] = {}
    staff_refs: dict[str, str] = {}  #: every reference to a Practitioner on the staff list -> user id
    for e in practitioners:
        ids = {i.get("system"): i.get("value") for i in e.resource.get("identifier") or []}
        user = staff.get(ids.get(SYSTEMS["local"], "")) or by_npi.get(ids.get(SYSTEMS["npi"], ""))
        ok = user is not None and user.role == r.Role.PRACTITIONER
        summary.count("Practitioner", "matched to staff" if user is not None else "not read")
        if user is not None:
            staff_refs |= {k: user.id for k in (e.full_url, f"Practitioner/{e.rid}") if k}
        if ok:
            for key in (e.full_url, f"Practitioner/{e.rid}"):
                if key:
                    found[key] = user.id
    out = {}
    for e in good:
        if e.kind == "Patient":
            gp = [found.get((g or {}).get("reference", "")) for g in e.resource.get("generalPractitioner") or []]
            out[e.rid] = next((x for x in gp if x), None)
    return out, staff_refs


class _Plan:
    def __init__(self):
        self.new_patients: dict[str, r.PatientBundle] = {}
        self.add: dict[str, r.PatientBundle] = {}  #: new rows for patients already in the record
        self.added: list[tuple[str, str, object]] = []  #: (pid, table, Mapped) in bundle order
        self.changes: list[tuple[str, int, dict, object]] = []  #: (table, old row, values, Mapped)
        self.voids: list[tuple[str, int, object]] = []
        self.links: list[dict] = []  #: links without a row (not classified ...), written as they are
        self.deaths: list[tuple[str, object]] = []
        self.corrections: list[tuple[str, dict]] = []  #: (pid, the corrected fields) of known patients
        self.touched: set[str] = set()


def _plan(wb, mapped, links, pid_of, in_record, shown, summary: FhirSummary, problems: list[str]) -> _Plan:
    from ...rules.eligibility import assess_eligibility

    today = wb.today()
    plan = _Plan()
    patients = {m.rid: (e, m) for e, m in mapped if m.kind == "Patient"}
    for rid, (e, m) in patients.items():
        pid, old = m.row.id, links.get(("Patient", rid))
        d = digest(e.resource)
        if old is not None and old.digest == d:
            summary.count("Patient", "unchanged")
            continue
        if old is None and pid not in in_record:
            try:
                v.patient(m.row, today)
            except InvalidInput as err:
                problems.append(f"{e.name()}: {err}")
                continue
            plan.new_patients[pid] = r.PatientBundle(patient=m.row)
            summary.count("Patient", "imported")
        else:
            row, now = in_record.get(pid), shown.get(pid, {})
            try:
                new = v.patient(m.row, today)
            except InvalidInput as err:
                problems.append(f"{e.name()}: {err}")
                continue
            if row is not None and (row.birth_date != new.birth_date or old is None and (
                    now["first_name"], now["last_name"]) != (new.first_name, new.last_name)):
                problems.append(f"{e.name()}: patient {pid} is already in the record with another "
                                f"{'birth date' if row.birth_date != new.birth_date else 'name'}.")
                continue
            fixed = {k: getattr(new, k) for k in pc.CORRECTED}
            if old is not None and row is not None and fixed != now:
                plan.corrections.append((pid, fixed))  # the EHR's new details, as a correction
                summary.count("Patient", "superseded")
            else:
                summary.count("Patient", "unchanged" if old is None else "changed, kept as recorded")
            if m.row.deceased:
                plan.deaths.append((pid, m.row.deceased_on))
        plan.touched.add(pid)
        plan.links.append(dict(patient_id=pid, resource_type="Patient", resource_id=rid, digest=d, table_name="patients",
                               row_id=None, outcome="imported" if old is None else "superseded", codings=[]))
    icd_seen: dict[str, set[str]] = defaultdict(set)
    for e, m in mapped:
        if m.kind == "Patient":
            continue
        pid = pid_of[m.patient_ref]
        table, fld = TABLES[m.kind]

        def count(*args, m=m, **kw):
            if m.counted:
                summary.count(*args, **kw)
        old, d = links.get((m.kind, m.rid)), digest(e.resource)
        if old is not None and old.digest == d:
            count(m.kind, "unchanged")
            continue
        if m.row is not None and m.kind == "Condition":
            code = v.icd10(m.row.icd10) if _valid_icd(m.row.icd10) else m.row.icd10
            if code in icd_seen[pid]:
                m.row, m.outcome, m.why = None, "duplicate", f"the same code {code} as another Condition"
            icd_seen[pid].add(code)
        link = dict(patient_id=pid, resource_type=m.kind, resource_id=m.rid, digest=d, table_name="",
                    row_id=None, outcome=m.outcome, codings=m.codings)
        plan.touched.add(pid)
        if m.row is None:
            count(m.kind, m.outcome, f"{m.kind} {m.rid} ({e.where}): {m.why}"
                          if m.outcome == "not classified" else None, codings=m.codings)
            if old is not None and old.row_id is not None:
                plan.voids.append((old.table_name, old.row_id, m))
            plan.links.append(link)
            continue
        if old is not None and old.row_id is not None:
            plan.changes.append((table, old.row_id, {}, (e, m, link)))
            count(m.kind, "superseded")
            continue
        target = plan.new_patients.get(pid) or plan.add.setdefault(pid, r.PatientBundle(patient=_patient_row(
            in_record, pid, patients)))
        getattr(target, fld).append(m.row)
        plan.added.append((pid, table, (e, m, link)))
        count(m.kind, "imported")
    for pid, b in plan.new_patients.items():
        elig = assess_eligibility(b.conditions)
        summary.patient(pid, elig.program, elig.reason, b.patient.deceased, b.patient.deceased_on)
    _check_rows(wb, plan, problems)
    return plan


def _valid_icd(code: str) -> bool:
    try:
        v.icd10(code)
        return True
    except InvalidInput:
        return False


def _patient_row(in_record, pid, patients):
    if pid in in_record:
        return q.to_patient(in_record[pid])
    return next(m.row for _e, m in patients.values() if m.row.id == pid)


def _check_rows(wb, plan: _Plan, problems: list[str]) -> None:
    """Validate every row to be written (the record's own checks), naming the entry that failed."""
    from ..bundles import bundle_rows

    today, stamp = wb.today(), wb.stamp()
    by_key = {id(m): (e, m) for _pid, _t, (e, m, _l) in plan.added}
    for b in [*plan.new_patients.values(), *plan.add.values()]:
        try:
            bundle_rows([b], stamp, today)
        except InvalidInput:
            for fld in ("conditions", "medications", "allergies", "immunizations", "observations"):
                for item in getattr(b, fld):
                    try:
                        bundle_rows([r.PatientBundle(patient=b.patient, **{fld: [item]})], stamp, today)
                    except InvalidInput as err:
                        e, _m = next(((e, m) for e, m in by_key.values() if m.row is item), (None, None))
                        problems.append(f"{e.name() if e else b.patient.id}: {err}")
    for i, (table, old_id, _vals, (e, m, link)) in enumerate(plan.changes):
        fld = TABLES[m.kind][1]
        try:
            rows = bundle_rows([r.PatientBundle(patient=r.Patient(link["patient_id"], "x", "x", "1950-01-01", "X"),
                                                **{fld: [m.row]})], stamp, today)
        except InvalidInput as err:
            problems.append(f"{e.name()}: {err}")
            continue
        vals = {k: val for k, val in rows[table][0].items() if k not in _NOT_VALUES}
        plan.changes[i] = (table, old_id, vals, (e, m, link))


def _write(wb, plan: _Plan, writes: plans.PlanWrites) -> None:
    """Everything in one unit of work: new patients with their rows, new rows for known patients,
    superseding rows, voids, deaths, care-plan revisions, and the links that make a re-import write
    nothing."""
    from ...store.bulk import ORDER, insert_rows
    from ..bundles import bundle_rows
    from ...store.bulk import insert_many

    stamp_rows = bundle_rows([*plan.new_patients.values(), *plan.add.values()], wb.stamp(), wb.today())
    stamp_rows["patients"] = [x for x in stamp_rows.get("patients", []) if x["id"] in plan.new_patients]
    stamp_rows["deaths"] = [x for x in stamp_rows.get("deaths", []) if x["patient_id"] in plan.new_patients]
    links = list(plan.links)
    with wb.write() as uow:
        before = {t: uow.execute(select(func.max(s.metadata.tables[t].c.id))).scalar() or 0
                  for t in ORDER if t != "patients"}
        insert_rows(uow, stamp_rows)
        ids: dict[tuple[str, str], list[int]] = defaultdict(list)
        for t in {t for _p, t, _x in plan.added}:
            tab = s.metadata.tables[t]
            for row in uow.execute(select(tab.c.id, tab.c.patient_id).where(tab.c.id > before[t]).order_by(tab.c.id)):
                ids[(t, row.patient_id)].append(row.id)
        # rows of one patient and table come back in the order they were given
        order: dict[tuple[str, str], int] = defaultdict(int)
        for pid, table, (_e, _m, link) in _bundle_order(plan):
            k = (table, pid)
            link.update(table_name=table, row_id=ids[k][order[k]])
            order[k] += 1
            links.append(link)
        for table, old_id, vals, (_e, _m, link) in plan.changes:
            new_id = uow.supersede(s.metadata.tables[table], old_id, "changed in the EHR (FHIR import)",
                                   void=False, changes=vals)
            link.update(table_name=table, row_id=new_id, outcome="superseded")
            links.append(link)
        for table, old_id, m in plan.voids:
            uow.supersede(s.metadata.tables[table], old_id, f"FHIR import: {m.why or m.outcome}", void=True)
        for pid, values in plan.corrections:
            pc.write(uow, pid, values, "changed in the EHR (FHIR import)")
        for pid, when in plan.deaths:
            if not uow.execute(select(s.deaths.c.id).where(s.deaths.c.patient_id == pid)).first():
                uow.add_row(s.deaths, patient_id=pid, deceased_on=when, status="active", reason="")
        links += plans.write(uow, writes)
        if links:
            insert_many(uow, s.fhir_links, [dict(x, **uow.stamp) for x in links])


def _bundle_order(plan: _Plan):
    """``plan.added`` in the order bundle_rows wrote them: bundle by bundle, field by field."""
    groups = defaultdict(list)
    for x in plan.added:
        groups[(x[0], x[1])].append(x)
    return [x for pid in [*plan.new_patients, *plan.add]
            for table in ("conditions", "medications", "allergies", "immunizations", "observations")
            for x in groups.get((pid, table), [])]
