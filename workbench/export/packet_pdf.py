"""The audit packet of one patient-month as a PDF (fpdf2, the DejaVu Sans font matplotlib ships:
nothing fetched at run time) and as JSON. The content is :func:`workbench.reports.packet.audit_packet`;
this module only lays it out, in the same order as the JSON."""

from __future__ import annotations

import json

from .. import records as r
from ..records import CONSENT_GIVEN_BY
from .pdf_layout import letter_pdf


def packet_json(packet: dict) -> str:
    return json.dumps(packet, indent=2, ensure_ascii=False, default=str) + "\n"


def consent_line(c: dict) -> str:
    language = f", read in {c['language']}" if c.get("language") else ""
    version = f"{(c.get('programme') or 'CCM').upper()} consent {c['id']}, text version {c['text_version']}{language}"
    revoked = f"; revoked {c['revoked_on']}" if c.get("revoked_on") else ""
    given_by = c.get("given_by") or "patient"
    agreed = "" if given_by == "patient" else \
        f", given by {c.get('representative') or 'a representative'} ({CONSENT_GIVEN_BY[r.ConsentGivenBy(given_by)]})"
    return (f"{version}: {c['method']}{agreed}, {c['date']}, obtained by {c['obtained_by']}, billing practitioner "
            f"{c['billing_practitioner'] or 'not named'}{revoked}")


def plan_line(p: dict | None) -> str:
    if p is None:
        return "No care plan in force at the end of the month."
    return f"Care plan version {p['version']}, saved {p['recorded_at'][:10]} by {p['author_name']} ({p['author']})"


def entry_line(e: dict) -> str:
    cred = f", {e['credential']}" if e.get("credential") else ""
    a = e.get("approval")
    approved = (f"approved by {a['by_name']} ({a['by']}) on {a['at'][:10]}"
                + (f", timesheet of week {a['timesheet_week']}" if a.get("timesheet_week") else "")) if a \
        else "not approved"
    state = "" if e["state"] == "current" else f" [{e['state']}{': ' + e['correction_reason'] if e['correction_reason'] else ''}]"
    return (f"Entry {e['entry_id']} · {e['service_date']} · {e['minutes']} min {e['service']} {e['activity']} · "
            f"{e['staff_name']} ({e['staff_id']}{cred}, {e['role']}) · {approved}{state}")


def packet_pdf(packet: dict) -> bytes:
    """The packet as a PDF (US Letter)."""
    pdf, para, heading = letter_pdf(f"Audit packet {packet['patient']['id']} {packet['month']}",
                                    body=10, heading=13, leading=0.5, space=(2, 1))

    p, bp, claim = packet["patient"], packet["billing_practitioner"], packet["claim"]
    para(f"Audit packet: patient {p['id']}, {packet['month']}", 17, "B")
    para(f"Generated {packet['generated_at']} · approval required: {'yes' if packet['approval_required'] else 'no'}")
    heading("Patient and billing practitioner")
    para(f"{p['name']} ({p['id']}), born {p['birth_date']}, member id {p['member_id'] or 'missing'}, {p['payer']}")
    para(f"Billing practitioner: {bp['name']} ({bp['id']}, {bp['credential'] or 'no credential'}), NPI "
         f"{bp['npi'] or 'missing'}" if bp else "Billing practitioner: none on record")
    heading("Consent")
    for c in packet["consents"] or [{"none": True}]:
        para(consent_line(c) if "id" in c else "No consent on record by the end of the month.", indent=2)
    heading("Care plan in force")
    para(plan_line(packet["care_plan"]), indent=2)
    if packet["care_plan"] and packet["care_plan"]["elements_missing"]:
        para("Elements missing: " + ", ".join(packet["care_plan"]["elements_missing"]), indent=2)
    heading("Time entries")
    for e in packet["time_entries"]:
        para(entry_line(e), indent=2)
    if not packet["time_entries"]:
        para("No time recorded in the month.", indent=2)
    heading("Claim and signature")
    para(claim.get("programme_why") or claim["summary"], indent=2)
    for line in claim["lines"]:
        para(f"{line['service']} {line['codes']} · date of service {line['date_of_service']} · {line['status']}"
             + (f" · {line['reasons']} [{line['reason_codes']}]" if line["reasons"] else ""), indent=2)
    sig = claim["signature"]
    para(f"Signed by {sig['by_name']} ({sig['by']}, {sig['credential']}) on {sig['at'][:10]} for {sig['codes']}"
         if sig else "Not signed by the billing practitioner.", indent=2)
    heading("Rules applied")
    for c in claim["codes"]:
        para(f"{c['code']} x{c['units']} (${c['amount_usd']}): {c['why']}", indent=2)
    for text in claim["not_billed"] + claim["flags"]:
        para(text, indent=2)
    para(f"Rule table {packet['rules']['table_year']}: {packet['rules']['table_source']}", 8, indent=2)
    return bytes(pdf.output())
