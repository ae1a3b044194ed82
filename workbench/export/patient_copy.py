"""The patient's copy of their care plan, in plain words, as a printable HTML page and a PDF.

docs/reference.md, "The patient's copy": CMS asks that the patient get a copy of the care plan;
what a patient needs from it is what to do now, what to watch for and whom to call, including
the 24/7 line. Conditions are named without codes, medicines by name, dose and when.

:func:`patient_copy` builds the content once (:class:`PatientCopy`); :func:`to_html` and
:func:`to_pdf` render it (PDF with fpdf2 and the DejaVu Sans font that matplotlib ships, so any
name prints, with no network). The UI calls these; ``workbench export patient-copy`` writes both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from html import escape
from pathlib import Path

from .. import records as r
from ..errors import InvalidInput
from . import plain_words as pw

CSS = """
body { font-family: Georgia, 'Times New Roman', serif; color:#111; max-width: 720px; margin: 24px auto;
  font-size: 17px; line-height: 1.45; }
h1 { font-size: 26px; margin: 0 0 4px 0; } h2 { font-size: 19px; margin: 20px 0 6px 0;
  border-bottom: 2px solid #333; } .meta { color:#333; font-size: 14px; }
ul { margin: 4px 0 4px 22px; padding: 0; } li { margin: 3px 0; }
.call li { list-style: none; margin-left: -22px; } .call span { white-space: nowrap; }
@media print { body { margin: 0; max-width: none; } h2 { page-break-after: avoid; } li { page-break-inside: avoid; } }
"""


@dataclass(frozen=True)
class Section:
    title: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class PatientCopy:
    patient_name: str
    birth_date: date
    practice: str
    printed: date
    sections: tuple[Section, ...]
    calls: tuple[tuple[str, str], ...]  #: (who, how to reach them)


def _call_list(patient: r.Patient, team: dict[str, r.User], settings: r.PracticeSettings) -> list[tuple[str, str]]:
    main = settings.phone or "the practice's main number"
    calls = []
    member = team.get(patient.care_team_member_id or "")
    if member is not None:
        calls.append((f"Your care manager, {member.name}", member.phone or main))
    doctor = team.get(patient.billing_practitioner_id or "")
    if doctor is not None:
        calls.append((f"Your doctor, {doctor.name}", settings.phone or main))
    calls.append(("Day or night, 24/7 (a care-team member who can see this plan)",
                  settings.after_hours_phone or "not on record yet: ask your care team for it"))
    calls.append(("Thoughts of suicide, or a mental-health crisis", "call or text 988"))
    calls.append(("An emergency", "call 911"))
    return calls


#: Who does an intervention the patient does themselves (else their care team does it).
_PATIENT_SIDE = ("patient", "caregiver", "you", "family", "self", "spouse", "daughter", "son")
_CURRENT_GOAL = ("proposed", "planned", "accepted", "active", "in-progress", "on-hold")


def _patient_does(i: r.Intervention) -> bool:
    who = (i.responsible or "").strip().lower()
    return not who or any(word in who for word in _PATIENT_SIDE)


def _require_numbers(settings: r.PracticeSettings) -> None:
    missing = [what for what, value in (("the practice's phone number", settings.phone),
                                        ("its 24/7 line", settings.after_hours_phone)) if not value.strip()]
    if missing:
        raise InvalidInput(f"The patient copy cannot be printed without {' and '.join(missing)}: a patient "
                           "must know whom to call. A supervisor sets them with `workbench init "
                           "--practice-phone ... --after-hours-phone ...` (docs/reference.md, "
                           "\"The patient's copy\").", field="after_hours_phone")


def patient_copy(wb, pid: str) -> PatientCopy:
    """The patient's copy from the record (the current care plan, medicines, allergies, care gaps,
    needs). Refused, with a sentence saying where to set them, until the practice's phone number
    and 24/7 line are on record."""
    from ..rules.care_gaps import care_gaps
    from ..rules.drug_classes import contradictions, safety_lines

    settings = wb.settings
    _require_numbers(settings)
    chart = wb.chart(pid)
    p, today = chart.patient, wb.today()
    plan = chart.care_plan.plan if chart.care_plan is not None else None
    conditions = list(dict.fromkeys(pw.condition_name(c) for c in chart.conditions))
    current_meds = [m for m in chart.medications if m.status == "active"]
    interventions = list(plan.interventions) if plan else []
    advice = [i.description for i in interventions]
    conflicts = contradictions(advice, [m.name for m in current_meds])
    flagged = {med for _, med, _ in conflicts}
    meds = [pw.medicine_line(m) + (": ask your doctor before your next dose, because your care plan "
                                   "says to avoid this kind of medicine" if m.name in flagged else "")
            for m in current_meds]
    goals_all = [g for g in (plan.goals if plan else ()) if g.status in _CURRENT_GOAL]
    goals = [pw.goal_line(g) for g in goals_all if g.due_date is None or g.due_date >= today]
    if len(goals) < len(goals_all):
        goals.append("Goals whose date has passed will be looked at again with you at your next call.")
    you: list[str] = []
    for _, med, cls in conflicts:
        you.append(f"Ask your doctor about {pw.medicine_name(next(m for m in current_meds if m.name == med))}: "
                   f"your care plan says to avoid {cls.plain}.")
    you += [i.description + (f" ({i.frequency})" if i.frequency else "") for i in interventions if _patient_does(i)]
    if not plan:
        you.append("Your care team will write your care plan with you at your next call or visit.")
    if meds:
        you.append("Take your medicines as listed below. Bring this list to every visit and to the pharmacy.")
    gaps = care_gaps(age=p.age_on(today), sex=p.sex, conditions=chart.conditions, screenings=chart.screenings,
                     immunizations=chart.immunizations, on=today)
    you += [f"Due now: {g.label}. Ask your care team to help you book it." for g in gaps]
    team = [i.description + (f" ({i.frequency})" if i.frequency else "") for i in interventions
            if not _patient_does(i)]
    team += [f"We arranged: {b.action}" for b in chart.barriers
             if b.action and b.status != r.BarrierStatus.RESOLVED]
    allergies = [a.substance + (f": {a.reaction}" if a.reaction else "") for a in chart.allergies]
    sections = (
        Section("What you do", tuple(you)),
        Section("What to watch for, and when to call", tuple(safety_lines([m.name for m in current_meds])
                                                             + pw.warning_signs(chart.conditions))),
        Section("What your care team does for you", tuple(team) or ("Your care team calls you each month.",)),
        Section("Your allergies", tuple(allergies) or ("No allergies on record. Tell us if you have any.",)),
        Section("Your health conditions", tuple(conditions) or ("None on record.",)),
        Section("Your medicines", tuple(meds) or ("None on record.",)),
        Section("Your goals", tuple(goals) or ("You and your care team will set your goals together.",)),
    )
    return PatientCopy(p.name, p.birth_date, settings.name, today, sections,
                       tuple(_call_list(p, chart.care_team, settings)))


def to_html(copy: PatientCopy) -> str:
    """A complete, self-contained, print-ready HTML page; every value escaped."""
    e = escape
    parts = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Your care plan</title>"
             f"<style>{CSS}</style></head><body>",
             f"<h1>Your care plan</h1><div class='meta'>{e(copy.patient_name)} &middot; born "
             f"{copy.birth_date.strftime('%B %d, %Y')} &middot; {e(copy.practice)} &middot; printed "
             f"{copy.printed.strftime('%B %d, %Y')}</div>"]
    parts.append("<h2>Whom to call</h2><ul class='call'>" + "".join(
        f"<li><b>{e(who)}:</b> <span>{e(how)}</span></li>" for who, how in copy.calls) + "</ul>")
    parts += [_html_section(s) for s in copy.sections]
    parts.append("</body></html>")
    return "".join(parts)


def _html_section(s: Section) -> str:
    return f"<h2>{escape(s.title)}</h2><ul>" + "".join(f"<li>{escape(x)}</li>" for x in s.items) + "</ul>"


def _font() -> tuple[str, str]:
    import matplotlib

    base = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    return str(base / "DejaVuSans.ttf"), str(base / "DejaVuSans-Bold.ttf")


def to_pdf(copy: PatientCopy) -> bytes:
    """The same content as a PDF (US Letter), in the same order as the HTML page."""
    from fpdf import FPDF

    regular, bold = _font()
    pdf = FPDF(format="Letter")
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_font("DejaVu", "", regular)
    pdf.add_font("DejaVu", "B", bold)
    pdf.set_title("Your care plan")
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def para(text: str, size: float = 12, style: str = "", indent: float = 0) -> None:
        pdf.set_font("DejaVu", style, size)
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(width - indent, size * 0.55, text, new_x="LMARGIN", new_y="NEXT")

    def heading(text: str) -> None:
        pdf.ln(3)
        para(text, 15, "B")
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + width, pdf.get_y())
        pdf.ln(1.5)

    para("Your care plan", 20, "B")
    para(f"{copy.patient_name} · born {copy.birth_date.strftime('%B %d, %Y')} · {copy.practice} · printed "
         f"{copy.printed.strftime('%B %d, %Y')}", 10)
    heading("Whom to call")  # on page 1, before anything else
    for who, how in copy.calls:
        para(f"{who}: {how}", 12, "B" if "24/7" in who else "", indent=2)
    for s in copy.sections:
        heading(s.title)
        for item in s.items:
            para(f"•  {item}", indent=2)
    return bytes(pdf.output())


def write_patient_copy(wb, pid: str, out_dir) -> tuple[Path, Path]:
    """Write ``<pid>.html`` and ``<pid>.pdf`` into ``out_dir``; both are built before either is written."""
    copy = patient_copy(wb, pid)
    html, pdf = to_html(copy), to_pdf(copy)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in pid)
    html_path, pdf_path = out / f"{safe}.html", out / f"{safe}.pdf"
    html_path.write_text(html, encoding="utf-8")
    pdf_path.write_bytes(pdf)
    return html_path, pdf_path
