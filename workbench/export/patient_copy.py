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
from .copy_words import TYPED_NOTE, Words, words_for
from .pdf_layout import letter_pdf

CSS = """
body { font-family: Georgia, 'Times New Roman', serif; color:#111; max-width: 720px; margin: 24px auto;
  font-size: 17px; line-height: 1.45; }
h1 { font-size: 26px; margin: 0 0 4px 0; } h2 { font-size: 19px; margin: 20px 0 6px 0;
  border-bottom: 2px solid #333; } .meta { color:#333; font-size: 14px; }
ul { margin: 4px 0 4px 22px; padding: 0; } li { margin: 3px 0; }
.call li { list-style: none; margin-left: -22px; } .call span { white-space: nowrap; }
.note { font-size: 14px; border-left: 3px solid #333; padding-left: 8px; }
@page { size: letter; margin: 0.6in; }
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
    words: Words = Words()  #: the language it is printed in


def _call_list(patient: r.Patient, team: dict[str, r.User], settings: r.PracticeSettings,
               t: Words) -> list[tuple[str, str]]:
    calls = []
    member = team.get(patient.care_team_member_id or "")
    if member is not None:
        calls.append((t("Your care manager, {name}", name=member.name), member.phone or settings.phone))
    doctor = team.get(patient.billing_practitioner_id or "")
    if doctor is not None:
        calls.append((t("Your doctor, {name}", name=doctor.name), settings.phone))
    calls.append((t("Day or night, 24/7 (someone on your care team who can see this plan)"),
                  settings.after_hours_phone))
    calls.append((t("Thoughts of suicide, or a mental health crisis"), t("call or text 988")))
    calls.append((t("An emergency"), t("call 911")))
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


def patient_copy(wb, pid: str, language: str | None = None) -> PatientCopy:
    """The patient's copy from the record (the current care plan, medicines, allergies, care gaps,
    needs), in the patient's language (Spanish when the record says so) unless ``language`` is
    given. Refused, with a sentence saying where to set them, until the practice's phone number
    and 24/7 line are on record."""
    from ..rules.care_gaps import care_gaps
    from ..rules.drug_classes import contradictions, safety_lines

    settings = wb.settings
    _require_numbers(settings)
    chart = wb.chart(pid)
    p, today = chart.patient, wb.today()
    t = words_for(p.language if language is None else language)
    plan = chart.care_plan.plan if chart.care_plan is not None else None
    conditions = list(dict.fromkeys(pw.condition_name(c, t) for c in chart.conditions))
    current_meds = [m for m in chart.medications if m.status == "active"]
    interventions = list(plan.interventions) if plan else []
    conflicts = contradictions([i.description for i in interventions], [m.name for m in current_meds])
    flagged = {med for _, med, _ in conflicts}
    meds = [t("{medicine}. Ask your doctor before your next dose: your care plan says to stay away from this "
              "kind of medicine.", medicine=pw.medicine_line(m, t)) if m.name in flagged else pw.medicine_line(m, t)
            for m in current_meds]
    goals_all = [g for g in (plan.goals if plan else ()) if g.status in _CURRENT_GOAL]
    goals = [pw.goal_line(g, t) for g in goals_all if g.due_date is None or g.due_date >= today]
    if len(goals) < len(goals_all):
        goals.append(t("Goals whose date has passed will be looked at again with you at your next call."))
    you: list[str] = []
    for med, cls in dict.fromkeys((m, c) for _, m, c in conflicts):
        you.append(t("Ask your doctor about {medicine}. Your care plan says to stay away from this kind of medicine: "
                     "{kind}.", medicine=pw.medicine_name(next(m for m in current_meds if m.name == med), t),
                     kind=t(cls.plain)))
    you += [_task(i, t) for i in interventions if _patient_does(i)]
    if not plan:
        you.append(t("Your care team will write your care plan with you at your next call or visit."))
    if meds:
        you.append(t("Take your medicines as they are listed below. Bring this list to every visit and to the "
                     "drugstore."))
    gaps = care_gaps(age=p.age_on(today), sex=p.sex, conditions=chart.conditions, screenings=chart.screenings,
                     immunizations=chart.immunizations, on=today)
    due = [pw.care_gap_line(g.kind, g.label, t) for g in gaps]
    if len(due) == 1:
        you.append(t("It is time for this: {label}. Ask your care team to help you set it up.", label=due[0]))
    elif due:
        you.append(t("It is time for these: {labels}. Ask your care team to help you set them up.",
                     labels="; ".join(due)))
    team = [_task(i, t) for i in interventions if not _patient_does(i)]
    team += [t("We set this up: {action}", action=t.typed(b.action)) for b in chart.barriers
             if b.action and b.status != r.BarrierStatus.RESOLVED]
    allergies = [t.typed(a.substance + (f": {a.reaction}" if a.reaction else "")) for a in chart.allergies]
    watch = tuple(t(x) for x in safety_lines([m.name for m in current_meds])) + tuple(
        pw.warning_signs(chart.conditions, t))
    sections = (
        Section(t("What you do"), tuple(you)),
        Section(t("What to watch for, and when to call"), watch),
        Section(t("What your care team does for you"), tuple(team) or (t("Your care team calls you each month."),)),
        Section(t("Your allergies"), tuple(allergies) or (t("No allergies on record. Tell us if you have any."),)),
        Section(t("Your health conditions"), tuple(conditions) or (t("None on record."),)),
        Section(t("Your medicines"), tuple(meds) or (t("None on record."),)),
        Section(t("Your goals"), tuple(goals) or (t("You and your care team will set your goals together."),)),
    )
    return PatientCopy(p.name, p.birth_date, settings.name, today, sections,
                       tuple(_call_list(p, chart.care_team, settings, t)), t)


def _task(i: r.Intervention, t: Words) -> str:
    """A care-plan task as the team typed it, with how often (a plain phrase, or the team's words)."""
    if t.spanish:
        return t.typed(i.description) + (f" ({t.phrase(pw.medicine_when(i.frequency))})" if i.frequency else "")
    return t.typed(i.description + (f" ({pw.medicine_when(i.frequency)})" if i.frequency else ""))


def _header(copy: PatientCopy) -> list[str]:
    """The lines under the title: who, born, practice, printed; in a Spanish copy, the note on the team's words."""
    t = copy.words
    meta = " · ".join((copy.patient_name, t("born {day}", day=t.day(copy.birth_date)), copy.practice,
                       t("printed {day}", day=t.day(copy.printed))))
    return [meta] + ([t(TYPED_NOTE)] if t.spanish else [])


def to_html(copy: PatientCopy) -> str:
    """A complete, self-contained, print-ready HTML page; every value escaped."""
    e, t = escape, copy.words
    meta, *note = _header(copy)
    parts = [f"<!DOCTYPE html><html lang='{t.lang}'><head><meta charset='utf-8'><title>{e(t('Your care plan'))}"
             f"</title><style>{CSS}</style></head><body>",
             f"<h1>{e(t('Your care plan'))}</h1><div class='meta'>{e(meta)}</div>"]
    parts += [f"<p class='note'>{e(x)}</p>" for x in note]
    parts.append(f"<h2>{e(t('Whom to call'))}</h2><ul class='call'>" + "".join(
        f"<li><b>{e(who)}:</b> <span>{e(how)}</span></li>" for who, how in copy.calls) + "</ul>")
    parts += [_html_section(s) for s in copy.sections]
    parts.append("</body></html>")
    return "".join(parts)


def _html_section(s: Section) -> str:
    return f"<h2>{escape(s.title)}</h2><ul>" + "".join(f"<li>{escape(x)}</li>" for x in s.items) + "</ul>"


def to_pdf(copy: PatientCopy) -> bytes:
    """The same content as a PDF (US Letter), in the same order as the HTML page."""
    t = copy.words
    pdf, para, heading = letter_pdf(t("Your care plan"), body=12, heading=15, leading=0.55, space=(3, 1.5))
    para(t("Your care plan"), 20, "B")
    meta, *note = _header(copy)
    para(meta, 10)
    for line in note:
        para(line, 10, "B")
    heading(t("Whom to call"))  # on page 1, before anything else
    for who, how in copy.calls:
        para(f"{who}: {how}", 12, "B" if "24" in who else "", indent=2)
    for s in copy.sections:
        heading(s.title)
        for item in s.items:
            para(f"•  {item}", indent=2)
    return bytes(pdf.output())


def write_patient_copy(wb, pid: str, out_dir, language: str | None = None) -> tuple[Path, Path]:
    """Write ``<pid>.html`` and ``<pid>.pdf`` into ``out_dir`` (in ``language``, else the patient's);
    both are built before either is written."""
    copy = patient_copy(wb, pid, language)
    html, pdf = to_html(copy), to_pdf(copy)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in pid)
    html_path, pdf_path = out / f"{safe}.html", out / f"{safe}.pdf"
    html_path.write_text(html, encoding="utf-8")
    pdf_path.write_bytes(pdf)
    return html_path, pdf_path
