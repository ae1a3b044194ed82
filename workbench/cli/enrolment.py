"""``workbench report outreach|programmes`` and ``workbench enrol ...``: the enrolment pipeline on
the command line (docs/reference.md, "Enrolment and programmes"). Imports are lazy: ``--help``
loads nothing heavy. Reports print ids, never names."""

from __future__ import annotations

import sys

from .common import as_arg, db_arg, open_as, open_db


def add_enrolment_commands(sub, rsub) -> None:
    """``report outreach``, ``report programmes`` under ``report``; ``enrol`` with its actions
    (status, outreach, qmb, move-apcm, bh)."""
    p = rsub.add_parser("outreach", help="eligible patients not yet enrolled, with outreach attempts",
                        description="Live patients eligible for CCM or PCM with no consent in force and not "
                        "enrolled, declined, enrolled elsewhere or ineligible; fewest attempts first. Ids only.")
    db_arg(p)
    as_arg(p)
    p.add_argument("--out", default=None, help="CSV file to write (default: a table on standard output)")
    p.set_defaults(func=cmd_report_outreach)
    p = rsub.add_parser("programmes", help="what CCM paid vs what APCM would have, per past month",
                        description="For each past month: CCM/PCM patient-months and what they paid, what APCM "
                        "would have paid for them at each patient's level (amounts not set in the year's table "
                        "are counted, not guessed), and the APCM patient-months billed.")
    p.add_argument("--months", type=int, default=6, help="how many complete past months (default 6)")
    p.add_argument("--out", default=None, help="CSV file to write (default: a table on standard output)")
    db_arg(p)
    p.set_defaults(func=cmd_report_programmes)

    enr = sub.add_parser("enrol", help="enrolment: status, outreach, QMB, move to APCM",
                         description="Record a patient's enrolment status, an outreach attempt, QMB status, "
                         "or move a CCM patient to APCM. Every change is a new row with who, when and why.")
    esub = enr.add_subparsers(dest="action", metavar="ACTION")
    esub.required = True
    p = esub.add_parser("status", help="a new enrolment status from a day on",
                        description="Statuses: not-enrolled, invited, enrolled, enrolled-elsewhere, declined, "
                        "unenrolled, ineligible. 'enrolled' needs the programme's consent on record.")
    p.add_argument("patient_id")
    p.add_argument("status")
    p.add_argument("--from", dest="effective_on", required=True, help="YYYY-MM-DD, the first day it holds")
    p.add_argument("--reason", required=True, help="why")
    p.add_argument("--programme", default="CCM", choices=["CCM", "APCM"])
    p.set_defaults(func=cmd_enrol_status)
    p = esub.add_parser("outreach", help="record an invitation to enrol",
                        description="One outreach attempt; the first makes the patient 'invited', a "
                        "'declined' outcome makes them 'declined'.")
    p.add_argument("patient_id")
    p.add_argument("--channel", required=True, help="phone, text, email, portal, letter, video")
    p.add_argument("--outcome", required=True, help="reached, left_message, no_answer, wrong_number, declined, sent")
    p.add_argument("--on", dest="attempted_on", default=None, help="YYYY-MM-DD (default today)")
    p.add_argument("--programme", default="CCM", choices=["CCM", "APCM"])
    p.set_defaults(func=cmd_enrol_outreach)
    p = esub.add_parser("qmb", help="Qualified Medicare Beneficiary status from a day on",
                        description="QMB patients with two or more chronic conditions bill APCM level 3 (G0558).")
    p.add_argument("patient_id")
    p.add_argument("qmb", choices=["yes", "no"])
    p.add_argument("--from", dest="effective_on", required=True, help="YYYY-MM-DD")
    p.add_argument("--reason", required=True, help="where it was learned")
    p.set_defaults(func=cmd_enrol_qmb)
    p = esub.add_parser("move-apcm", help="move a CCM patient's care to APCM from the first of a month",
                        description="Records the APCM consent (text version in force, the patient's language), "
                        "the enrolment in APCM, and a care-plan version carrying the CCM plan over.")
    p.add_argument("patient_id")
    p.add_argument("--from", dest="effective_on", required=True, help="YYYY-MM-01")
    p.add_argument("--method", required=True, choices=["verbal", "written"], help="how the patient consented")
    p.add_argument("--consent-date", default=None, help="YYYY-MM-DD (default today)")
    p.add_argument("--reason", default="", help="why (default: moved from CCM to APCM)")
    p.set_defaults(func=cmd_enrol_move)
    p = esub.add_parser("bh", help="a behavioural-health service in an APCM month (G0568, G0569, G0570)",
                        description="Billed only with the APCM base code, by the same practitioner, the same month.")
    p.add_argument("patient_id")
    p.add_argument("--month", required=True, help="YYYY-MM")
    p.add_argument("--code", required=True, choices=["G0568", "G0569", "G0570"])
    p.add_argument("--practitioner", default=None, help="staff id of who bills it (default: the billing practitioner)")
    p.set_defaults(func=cmd_enrol_bh)
    for p in esub.choices.values():
        db_arg(p)
        as_arg(p)


def _write(df, out) -> None:
    if out:
        from ..export.cells import safe_frame

        safe_frame(df).to_csv(out, index=False)
        print(f"Wrote {len(df)} row(s) to {out}", file=sys.stderr)
    else:
        sys.stdout.write((df.to_string(index=False) if len(df) else "(none)") + "\n")


def cmd_report_outreach(args) -> int:
    wb = open_as(args)
    df = wb.outreach_list()
    wb.record_access("report", list(df["patient_id"]), "command:workbench report outreach", detail="outreach")
    _write(df, args.out)
    return 0


def cmd_report_programmes(args) -> int:
    _write(open_db(args).programme_comparison(args.months), args.out)
    return 0


def cmd_enrol_status(args) -> int:
    e = open_as(args).set_enrolment(args.patient_id, args.status, args.effective_on, args.reason, args.programme)
    print(f"{e.patient_id}: {e.status.value} ({e.programme.value}) from {e.effective_on}")
    return 0


def cmd_enrol_outreach(args) -> int:
    a = open_as(args).record_outreach(args.patient_id, args.channel, args.outcome, args.attempted_on,
                                      args.programme)
    print(f"{a.patient_id}: outreach by {a.channel} on {a.attempted_on}: {a.outcome}")
    return 0


def cmd_enrol_qmb(args) -> int:
    q = open_as(args).set_qmb(args.patient_id, args.qmb == "yes", args.effective_on, args.reason)
    print(f"{q.patient_id}: QMB {'yes' if q.qmb else 'no'} from {q.effective_on}")
    return 0


def cmd_enrol_move(args) -> int:
    e = open_as(args).move_to_apcm(args.patient_id, args.effective_on, args.method, args.consent_date,
                                   args.reason)
    print(f"{e.patient_id}: enrolled in APCM from {e.effective_on}")
    return 0


def cmd_enrol_bh(args) -> int:
    open_as(args).record_bh_service(args.patient_id, args.month, args.code, args.practitioner)
    print(f"{args.patient_id}: {args.code} recorded for {args.month}")
    return 0
