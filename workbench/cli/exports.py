"""``workbench report claims`` and ``workbench export fhir|patient-copy``: the billing and export
commands, registered in :mod:`workbench.cli` with :func:`add_report_commands` and
:func:`add_export_commands`. Imports are lazy: ``--help`` loads nothing heavy."""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import WorkbenchError
from .common import db_arg, open_db


def add_report_commands(rsub) -> None:
    """``report claims`` under the ``report`` subcommands."""
    p = rsub.add_parser("claims", help="the month's claim lines for a billing person",
                        description="One row per claim line of the month: patient name, date of birth, sex, "
                        "Medicare member id, billing practitioner and NPI, up to four ICD-10-CM codes, codes "
                        "with units, date of service, place of service, amount, and status (ready, or hold "
                        "with the reasons and their codes, e.g. TIME_NOT_APPROVED or NOT_SIGNED when the practice "
                        "requires approval: docs/billing-approval.md). Spreadsheet formulas in any text are "
                        "neutralised.")
    p.add_argument("--month", required=True, help="YYYY-MM")
    p.add_argument("--format", choices=["csv", "xlsx"], default="csv", help="file format (default csv)")
    p.add_argument("--out", required=True, help="file to write")
    p.add_argument("--date-of-service", choices=["month-end", "threshold"], default="month-end",
                   help="the practice's choice: the last day of the month (default) or the day the "
                   "claim's codes were all met")
    p.add_argument("--place-of-service", default="11", help="CMS place-of-service code (default 11, office)")
    db_arg(p)
    p.set_defaults(func=cmd_report_claims)
    p = rsub.add_parser("packet", help="the audit packet of one patient-month (PDF or JSON)",
                        description="Write the audit packet of one patient-month: the consent in force "
                        "(with its text version where the record keeps one), the care plan in force, every "
                        "time entry with author, credential and approval, the codes, the billing "
                        "practitioner's signature and the rules applied (why each code).")
    p.add_argument("--patient", required=True, help="patient id")
    p.add_argument("--month", required=True, help="YYYY-MM")
    p.add_argument("--format", choices=["pdf", "json"], default=None,
                   help="file format (default: from the file name, else pdf)")
    p.add_argument("-o", "--out", required=True, metavar="FILE", help="file to write")
    db_arg(p)
    p.set_defaults(func=cmd_report_packet)


def cmd_report_claims(args) -> int:
    from ..reports.claims import claims_report, write_claims

    wb = open_db(args)
    df = claims_report(wb, args.month, date_of_service=args.date_of_service,
                       place_of_service=args.place_of_service)
    write_claims(df, args.format, args.out)
    ready = int((df["status"] == "ready").sum())
    print(f"Wrote {len(df)} claim line(s) to {args.out} ({ready} ready, {len(df) - ready} on hold)",
          file=sys.stderr)
    return 0


def cmd_report_packet(args) -> int:
    from ..export.packet_pdf import packet_json, packet_pdf

    out = Path(args.out)
    fmt = args.format or ("json" if out.suffix.lower() == ".json" else "pdf")
    if out.is_dir():
        raise WorkbenchError(f"-o must name a file: {args.out} is a folder.")
    wb = open_db(args)
    packet = wb.audit_packet(args.patient, args.month)
    data = packet_json(packet).encode("utf-8") if fmt == "json" else packet_pdf(packet)
    out.write_bytes(data)
    print(f"Wrote the audit packet of {packet['patient']['id']}, {args.month} to {args.out} ({fmt})",
          file=sys.stderr)
    return 0


def add_export_commands(sub) -> None:
    """The ``export`` command: ``export fhir`` and ``export patient-copy``."""
    exp = sub.add_parser("export", help="export patients for other systems or for the patient",
                         description="Export the record: FHIR R4 bundles, or a patient's own copy.")
    esub = exp.add_subparsers(dest="export", metavar="WHAT")
    esub.required = True
    p = esub.add_parser("fhir", help="one FHIR R4 Bundle (JSON) per patient",
                        description="Write one FHIR R4 collection Bundle per patient (Patient, Condition, "
                        "CarePlan, Goal, CareTeam, Consent, PHQ-9 QuestionnaireResponse and Observation, "
                        "Task, Organization, Provenance with onBehalfOf) as DIR/<patient id>.json.")
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--patient", help="one patient id")
    who.add_argument("--all", action="store_true", help="every live patient")
    p.add_argument("--out", required=True, help="folder to write into (created if needed)")
    db_arg(p)
    p.set_defaults(func=cmd_export_fhir)
    p = esub.add_parser("patient-copy", help="the patient's own copy of their care plan (HTML and PDF)",
                        description="Write the patient's copy in plain words: conditions, medicines, goals, "
                        "what to do now, what to watch for and whom to call, as DIR/<id>.html and DIR/<id>.pdf. "
                        "In Spanish when the patient's language on record is Spanish.")
    p.add_argument("--patient", required=True, help="patient id")
    p.add_argument("--language", choices=("English", "Spanish"),
                   help="print in this language instead of the patient's language on record")
    p.add_argument("--out", required=True, help="folder to write into (created if needed)")
    db_arg(p)
    p.set_defaults(func=cmd_export_patient_copy)


def cmd_export_fhir(args) -> int:
    from ..export.fhir import export_fhir

    wb = open_db(args)
    paths = export_fhir(wb, args.out, patient_id=args.patient, progress=bool(args.all))
    print(f"Wrote {len(paths)} FHIR bundle(s) to {args.out}", file=sys.stderr)
    return 0


def cmd_export_patient_copy(args) -> int:
    from ..export.patient_copy import write_patient_copy

    wb = open_db(args)
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise WorkbenchError(f"--out must be a folder: {args.out} is a file.")
    html, pdf = write_patient_copy(wb, args.patient, out, language=args.language)
    print(f"Wrote {html} and {pdf}", file=sys.stderr)
    return 0
