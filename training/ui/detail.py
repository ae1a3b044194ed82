"""HTML for the supervisor's attempt detail: transcript, records produced, scores per criterion.

Records are read through the service for the attempt's own patient (issue 6, section 3: the
attempt writes real records scoped to it). Everything shown is escaped (``workbench.ui.html``).
Only the supervisor dashboard uses this module: it shows rubric text.
"""

from __future__ import annotations

from workbench.service import Workbench
from workbench.ui.html import esc, message, table

from training.attempts import AttemptRecord
from training.grading import Grade
from training.scenario import Scenario

from .common import sim_time


def _t(when, tz) -> str:
    return when.astimezone(tz).strftime("%H:%M") if when is not None else ""


def supervisor_transcript_html(rec: AttemptRecord, tz) -> str:
    """Every line with its number, simulated time, speaker, action id and the trainee's note."""
    rows = [(ln.n, _t(ln.at, tz), ln.speaker, ln.text, ln.action_id or "", ln.note or "",
             ", ".join(f"{k}:{i}" for k, i in ln.writes)) for ln in rec.transcript]
    return table(["Line", "Time", "Speaker", "Text", "Action", "Trainee's note", "Records written"], rows,
                 css="ccm-table trn-detail-transcript")


def records_html(wb: Workbench, rec: AttemptRecord) -> str:
    """The attempt patient's time entries, contacts, escalation steps, consents, care-plan
    versions and barriers; rows already there before play are marked "before"."""
    pid = rec.patient_id
    tz = wb.tz
    before = {f"{k}:{i}" for k, ids in rec.baseline.items() for i in ids}

    def origin(key: str) -> str:
        return "before" if key in before else "attempt"

    parts = []
    times = wb.time_entries(pid)
    parts.append(("Time entries", table(
        ["Id", "From", "Minutes", "Activity", "Note", "Made"],
        [(t.id, sim_time(t.started_at, tz), f"{t.seconds / 60:g}", str(t.activity), t.note,
          origin(f"time_entry:{t.id}")) for t in times]) if times else ""))
    contacts = wb.contacts(pid)
    parts.append(("Contacts", table(
        ["Id", "At", "Channel", "With", "Outcome", "Note", "Made"],
        [(c.id, sim_time(c.contacted_at, tz), str(c.channel), c.with_whom, str(c.outcome), c.note,
          origin(f"contact:{c.id}")) for c in contacts]) if contacts else ""))
    steps = [(e, i, s) for e in wb.escalations(pid) for i, s in enumerate(e.steps)]
    parts.append(("Escalation steps", table(
        ["Escalation", "Severity", "Step", "At", "Patient consent", "Note"],
        [(f"{e.id}: {e.reason}", str(e.severity), str(s.step), _t(s.at, tz),
          "" if s.patient_consent is None else ("yes" if s.patient_consent else "no"), s.note)
         for e, i, s in steps]) if steps else ""))
    consents = wb.consents(pid)
    parts.append(("Consent", table(
        ["Id", "Method", "Date", "Obtained by", "Revoked on", "Made"],
        [(c.id, str(c.method), c.consent_date, c.obtained_by, c.revoked_on or "",
          origin(f"consent:{c.id}")) for c in consents]) if consents else ""))
    plans = wb.care_plan_history(pid)
    parts.append(("Care-plan versions", table(
        ["Version", "Reason", "Goals", "Made"],
        [(p.version, p.reason, "; ".join(f"{g.description} (target {g.target or 'none'})" for g in p.plan.goals),
          origin(f"care_plan_revision:{p.id}")) for p in plans]) if plans else ""))
    barriers = wb.barriers(pid)
    parts.append(("Barriers", table(
        ["Id", "Domain", "Description", "Status", "What was arranged", "Made"],
        [(b.id, str(b.domain), b.description, str(b.status), b.action, origin(f"barrier:{b.id}"))
         for b in barriers]) if barriers else ""))
    return "".join(f'<div class="trn-records-{esc(title.lower().replace(" ", "-"))}"><b>{esc(title)}</b>'
                   f'{html or message("None.", "info")}</div>' for title, html in parts)


def scores_html(grade: Grade, sc: Scenario) -> str:
    """Points per criterion with kind, reason, evidence and any override comment."""
    titles = {c.id: c.title or c.id for c in sc.criteria}
    rows = []
    for r in grade.results:
        state = (f'<span class="{"trn-met" if r.met else "trn-not-met"}">{"met" if r.met else "not met"}</span>'
                 + (' <span class="ccm-badge ccm-badge-warn">overridden</span>' if r.overridden else ""))
        rows.append((esc(titles[r.criterion_id]), esc(r.kind + (" (critical)" if r.critical and r.kind != "critical" else "")), state,
                     f"{r.points:g} / {r.possible:g}", esc(r.reason), esc(", ".join(r.evidence)),
                     esc(r.override_comment)))
    verdict = "passed" if grade.passed else "not passed"
    failed = f" &middot; failed critical: {esc(', '.join(grade.failed_critical))}" if grade.failed_critical else ""
    return (f'<div class="trn-score-total"><b>{grade.points:g} of {grade.possible:g} points ({grade.percent:g}%), '
            f'{verdict}</b>{failed}</div>'
            + table(["Criterion", "Kind", "Result", "Points", "Reason", "Evidence", "Override comment"], rows,
                    css="ccm-table trn-scores", raw=True))
