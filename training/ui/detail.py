"""HTML for the supervisor's attempt detail: the timeline of the trainee's actual records
beside the transcript and what the model path would have done, and the scores.

Records are read from the store for the attempt's patients (``training.evidence``): each row
says who wrote it, so the trainee's own records stand out from the patient's history, world
events (the system) and a supervisor's edits. Everything shown is escaped. Only the
supervisor dashboard uses this module: it shows rubric text and the scripted paths.
"""

from __future__ import annotations

from workbench.ui.html import esc, table

from training.attempts import AttemptRecord
from training.evidence import scope_facts
from training.grading import Grade


def _t(when, tz) -> str:
    return when.astimezone(tz).strftime("%d %b %H:%M:%S") if when is not None else ""


def chart_link(pid: str) -> str:
    """A link into the training chart (opened as the signed-in supervisor)."""
    return (f'<a class="trn-chart-link" data-ccm-nav="chart:{esc(pid)}" '
            f'href="chart.ipynb?patient={esc(pid)}">{esc(pid)}</a>')


def timeline_rows(wb, rec: AttemptRecord) -> list[dict]:
    """Every record of the attempt's patients, oldest first, with its author."""
    return [{"at": f.at, "patient": f.patient_id, "record": f.label, "by": f.by,
             "trainee": f.by == rec.trainee_id, "text": f.text, "key": f.key}
            for f in scope_facts(wb, [c.patient_id for c in rec.cases])
            if f.at >= rec.sim_start or f.by == rec.trainee_id]


def timeline_html(wb, rec: AttemptRecord) -> str:
    tz = wb.tz
    rows = [(esc(_t(r["at"], tz)), chart_link(r["patient"]), esc(r["record"]),
             '<b class="trn-by-trainee">trainee</b>' if r["trainee"] else esc(r["by"]), esc(r["text"]))
            for r in timeline_rows(wb, rec)]
    return table(["When", "Patient", "Record", "Written by", "Its words"], rows,
                 css="ccm-table trn-timeline", raw=True)


def supervisor_transcript_html(rec: AttemptRecord, tz) -> str:
    """Every line with its number, time, patient, speaker and what was said."""
    rows = [(ln.n, _t(ln.at, tz), ln.patient_id, ln.speaker,
             ln.text + (" (own words)" if ln.free else ""), ln.option_id or ln.event or "")
            for ln in rec.transcript]
    return table(["Line", "Time", "Patient", "Speaker", "Text", "Option / event"], rows,
                 css="ccm-table trn-detail-transcript")


def model_path_html(scenarios: dict, rec: AttemptRecord) -> str:
    """What the model path says and does, per case."""
    parts = []
    for case in rec.cases:
        sc = scenarios.get(case.scenario_id) if case.scenario_id else None
        if sc is None:
            continue
        rows = []
        for i, step in enumerate(sc.model_path, start=1):
            if step.say is not None:
                rows.append((i, "say", sc.option(step.say).label))
            elif step.do is not None:
                rows.append((i, "do", step.do.model_dump_json(exclude_defaults=True)))
            elif step.advance is not None:
                rows.append((i, "wait", f"{step.advance:g} minutes"))
            else:
                rows.append((i, step.text and "say (own words)" or "hang up", step.text or ""))
        parts.append(f"<b>{esc(sc.title)}</b> ({esc(case.patient_id)})"
                     + table(["Step", "Kind", "What"], rows, css="ccm-table trn-model-path"))
    return "".join(parts)


def scores_html(grade: Grade) -> str:
    """Points per criterion with kind, reason, evidence and any override comment."""
    rows = []
    for r in grade.results:
        state = (f'<span class="{"trn-met" if r.met else "trn-not-met"}">{"met" if r.met else "not met"}</span>'
                 + (' <span class="ccm-badge ccm-badge-warn">overridden</span>' if r.overridden else ""))
        kind = r.kind + (" (critical)" if r.critical and r.kind != "critical" else "")
        rows.append((esc(r.patient_id), esc(r.title), esc(kind), state, f"{r.points:g} / {r.possible:g}",
                     esc(r.reason), esc(", ".join(r.evidence)), esc(r.override_comment)))
    verdict = "passed" if grade.passed else "not passed"
    failed = f" &middot; {esc(grade.decided_by)}" if grade.failed_critical else ""
    return (f'<div class="trn-score-total"><b>{grade.points:g} of {grade.possible:g} points ({grade.percent:g}%), '
            f'{verdict}</b>{failed}</div>'
            + table(["Patient", "Criterion", "Kind", "Result", "Points", "Reason", "Evidence",
                     "Override comment"], rows, css="ccm-table trn-scores", raw=True))
