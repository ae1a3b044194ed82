"""``workbench import fhir PATH`` and ``workbench audit``: registered in :mod:`workbench.cli` with
:func:`add_fhir_commands`. Imports are lazy: ``--help`` loads nothing heavy."""

from __future__ import annotations

import sys

from ..errors import WorkbenchError
from .common import db_arg, open_db


def add_fhir_commands(isub, sub) -> None:
    """``import fhir`` under the import kinds, and the top-level ``audit`` command."""
    p = isub.add_parser("fhir", help="import FHIR R4 bundles or a bulk-export folder",
                        description="Import patients, conditions (ICD-10-CM or SNOMED CT), active "
                        "medications, allergies, immunizations and observations (blood pressure, weight, "
                        "A1c, eGFR, LDL, urine albumin ratio), the care plan (CarePlan with its Goals and "
                        "ServiceRequests), the care team's designated member (CareTeam) and the authorised "
                        "caregiver (RelatedPerson) from a FHIR R4 Bundle (JSON: transaction, "
                        "batch or collection), a folder of bundles, or a bulk-export folder of NDJSON "
                        "files (docs/import.md, 'FHIR'). The whole input is checked first: any problem "
                        "refuses it whole, naming the file, line or entry and field. Importing the same "
                        "export again writes nothing; a changed resource supersedes the row it made (a changed "
                        "Patient name, phone, email, address or language is written as a correction; a "
                        "changed care plan as its next version).")
    p.add_argument("path", help="a Bundle .json file, a folder of them, or a folder of .ndjson files")
    p.add_argument("--dry-run", action="store_true", help="check and say what would change; write nothing")
    p.add_argument("--user", default=None, metavar="ID", help="staff id to import as (default: the "
                   "workbench system user)")
    db_arg(p)
    p.set_defaults(func=cmd_import_fhir)

    p = sub.add_parser("audit", help="read the access log (supervisors)",
                       description="Who opened which chart, ran which report, exported or imported "
                       "which patients, when and from where. Filter by person, patient and practice "
                       "days. Only a supervisor may read it.")
    p.add_argument("--person", default=None, metavar="STAFF_ID", help="only this staff member's accesses")
    p.add_argument("--patient", default=None, metavar="PATIENT_ID", help="only accesses to this patient")
    p.add_argument("--since", default=None, metavar="YYYY-MM-DD", help="from this day (practice time)")
    p.add_argument("--until", default=None, metavar="YYYY-MM-DD", help="to this day, inclusive")
    p.add_argument("--user", default=None, metavar="ID", help="staff id reading the log (default: the "
                   "workbench system user)")
    db_arg(p)
    p.set_defaults(func=cmd_audit)


def cmd_import_fhir(args) -> int:
    from pathlib import Path

    from ..intake.fhir import import_fhir

    if not Path(args.path).exists():
        raise WorkbenchError(f"No such file or folder: {args.path}")
    wb = open_db(args, user=args.user)
    summary = import_fhir(wb, args.path, dry_run=args.dry_run, progress=True)
    print(summary)
    return 0


def cmd_audit(args) -> int:
    from .. import validate as v

    wb = open_db(args, user=args.user)
    since = v.a_date(args.since, "--since") if args.since else None
    until = v.a_date(args.until, "--until") if args.until else None
    rows = wb.access_log(person=args.person, patient=args.patient, since=since, until=until)
    if not rows:
        print("No accesses recorded for that choice.", file=sys.stderr)
    for a in rows:
        when = a.at.astimezone(wb.tz).strftime("%Y-%m-%d %H:%M")
        pts = ", ".join(a.patient_ids[:10]) + (f" (+{len(a.patient_ids) - 10} more)" if len(a.patient_ids) > 10 else "")
        print(f"{when}  {a.user_id} ({a.user_role})  {a.action}  {a.place}  {pts or '-'}"
              + (f"  {a.detail}" if a.detail else ""))
    return 0
