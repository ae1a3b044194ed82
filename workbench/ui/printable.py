"""A printable patient copy of the care plan: one self-contained, print-ready HTML page.

CMS expects the patient to receive a copy of the care plan (reference, "The comprehensive care
plan"). Every value is escaped; the page has print CSS and no external assets.
"""

from __future__ import annotations

from datetime import date

from workbench import records as r
from workbench.rules.careplan import ALL_LABELS, describe_goal, describe_intervention

from .html import esc

PRINT_CSS = """
body { font-family: Georgia, 'Times New Roman', serif; color:#111; max-width: 760px; margin: 24px auto; }
h1 { font-size: 22px; margin-bottom: 2px; } h2 { font-size: 15px; margin: 18px 0 4px 0;
  border-bottom: 1px solid #999; } .meta { color:#444; font-size: 13px; }
ul { margin: 4px 0 4px 20px; } p { white-space: pre-wrap; margin: 4px 0; }
@media print { body { margin: 0; } a { color: #111; } h2 { page-break-after: avoid; } }
"""


def patient_copy_html(patient: r.Patient, revision: r.CarePlanRevision | None, practice: str = "",
                      today: date | None = None) -> str:
    """The care plan as a complete HTML document for the patient (print-ready)."""
    head = (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Care plan for "
            f"{esc(patient.name)}</title><style>{PRINT_CSS}</style></head><body>")
    title = (f"<h1>Your care plan</h1><div class='meta'>{esc(patient.name)} &middot; born "
             f"{esc(patient.birth_date)} &middot; {esc(practice)}</div>")
    if revision is None:
        return head + title + "<p>No care plan has been written yet.</p></body></html>"
    plan = revision.plan
    meta = (f"<div class='meta'>Version {revision.version}, {esc(revision.recorded_at.date())}, "
            f"by {esc(revision.author_name)}"
            + (f" &middot; printed {esc(today)}" if today else "") + "</div>")
    parts = [head, title, meta]
    for key, label in ALL_LABELS.items():
        value = getattr(plan, key)
        if key == "goals":
            items = [describe_goal(g) for g in value]
        elif key == "interventions":
            items = [describe_intervention(i) for i in value]
        else:
            items = None
        if items is not None:
            if items:
                parts.append(f"<h2>{esc(label)}</h2><ul>" + "".join(f"<li>{esc(x)}</li>" for x in items)
                             + "</ul>")
        elif str(value).strip():
            parts.append(f"<h2>{esc(label)}</h2><p>{esc(value)}</p>")
    parts.append("<h2>Questions?</h2><p>Call your care team. In a crisis call or text 988; "
                 "in an emergency call 911.</p></body></html>")
    return "".join(parts)
