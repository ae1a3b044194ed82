"""HTML for the supervisor's attempt detail: ONE timeline of the attempt (the record written and
the call's transcript interleaved by time, each record linking to the chart, read-only), what the
model path would have done in words, and the scores. Staff and patients are named, not only ids.

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


def _names(wb) -> dict[str, str]:
    try:
        return {u.id: u.name for u in wb.users()}
    except Exception:  # noqa: BLE001 - names are a nicety; ids are always there
        return {}


def _patient_names(wb, rec: AttemptRecord) -> dict[str, str]:
    out = {}
    for case in rec.cases:
        try:
            out[case.patient_id] = wb.get_patient(case.patient_id).name
        except Exception:  # noqa: BLE001 - a removed patient keeps its id
            out[case.patient_id] = ""
    return out


def _words(text: str, limit: int = 180) -> str:
    """Escaped text, clipped to ``limit`` characters (the whole text in the tooltip)."""
    text = text or ""
    if len(text) <= limit:
        return esc(text)
    return f'<span title="{esc(text)}">{esc(text[:limit - 1])}&hellip;</span>'


def attempt_timeline(wb, rec: AttemptRecord) -> list[dict]:
    """The attempt's records and transcript lines as one list, oldest first (a record before the
    line said at the same second)."""
    items = [{"at": x["at"], "order": 0, "patient": x["patient"], "kind": "record", "what": x["record"],
              "by": x["by"], "trainee": x["trainee"], "text": x["text"]} for x in timeline_rows(wb, rec)]
    items += [{"at": ln.at, "order": 1, "patient": ln.patient_id, "kind": "said",
               "what": ln.event or ("own words" if ln.free else "said"), "by": ln.speaker,
               "trainee": ln.speaker == "trainee", "text": ln.text} for ln in rec.transcript]
    return sorted(items, key=lambda x: (x["at"] is None, x["at"] or 0, x["order"]))


def attempt_timeline_html(wb, rec: AttemptRecord) -> str:
    """The one timeline: when (practice time), patient (name; the id links to the chart, read-only),
    a record or a line of the call, who, and the words."""
    tz, staff, patients = wb.tz, _names(wb), _patient_names(wb, rec)
    staff = {**staff, "trainee": staff.get(rec.trainee_id, "trainee")}  # the call's speaker, named
    rows = []
    for x in attempt_timeline(wb, rec):
        who = staff.get(x["by"], x["by"])
        who = f'<b class="trn-by-trainee">{esc(who)}</b>' if x["trainee"] else esc(who)
        patient = f'{esc(patients.get(x["patient"], ""))} {chart_link(x["patient"])}' if x["patient"] else ""
        kind = (f'<span class="ccm-badge ccm-badge-info">record</span> {esc(x["what"])}' if x["kind"] == "record"
                else f'<span class="ccm-badge ccm-badge-ok">call</span> {esc(x["what"])}')
        rows.append((esc(_t(x["at"], tz)), patient, kind, who, _words(x["text"])))
    style = ("<style>.trn-one-timeline td { padding:2px 6px; line-height:1.3; vertical-align:top; }"
             ".trn-timeline-box { max-height:min(62vh, 640px); overflow:auto; border:1px solid #d9e2ec; }"
             ".trn-attempt-timeline { scroll-margin-top:150px; }"  # below the pinned bar when scrolled to
             ".trn-timeline-box thead th { position:sticky; top:0; background:#f4f6f9; z-index:1; }"
             ".trn-one-timeline td:nth-child(-n+2), .trn-one-timeline td:nth-child(4) { white-space:nowrap; }"
             ".trn-one-timeline .ccm-badge { margin:0 4px 0 0; }</style>")
    return style + ('<div class="trn-timeline-box">' + table(["When", "Patient", "What", "Who", "Words"], rows,
                    css="ccm-table trn-timeline trn-one-timeline", raw=True) + "</div>")


def action_words(action) -> str:
    """A scripted action in words: ``log contact: channel phone, outcome reached, note "..."``."""
    data = action.model_dump(exclude_defaults=True, mode="json")
    kind = str(data.pop("type", type(action).__name__)).replace("_", " ")

    def value(v) -> str:
        if isinstance(v, list):
            return ", ".join(value(x) for x in v)
        if isinstance(v, dict):
            return ", ".join(f"{str(k).replace('_', ' ')} {value(x)}" for k, x in v.items())
        if isinstance(v, bool):
            return "yes" if v else "no"
        text = str(v)
        return f"“{text}”" if " " in text else text.replace("_", " ")

    parts = [f"{k.replace('_', ' ')} {value(v)}" for k, v in data.items()]
    return kind + (": " + "; ".join(parts) if parts else "")


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
                rows.append((i, "do", action_words(step.do)))
            elif step.advance is not None:
                rows.append((i, "wait", f"{step.advance:g} minutes"))
            else:
                rows.append((i, step.text and "say (own words)" or "hang up", step.text or ""))
        parts.append(f"<b>{esc(sc.title)}</b> ({esc(case.patient_id)})"
                     + table(["Step", "Kind", "What"], rows, css="ccm-table trn-model-path"))
    return "".join(parts)


def scores_html(grade: Grade, compact: bool = False) -> str:
    """Points per criterion with kind, reason, evidence and any override comment. ``compact``
    (the supervisor's page): the total, then only the criteria not met or overridden, and every
    criterion behind one click (a shift has dozens)."""
    total = _total_html(grade)
    if not compact:
        return total + _scores_table(grade.results)
    look = [r for r in grade.results if not r.met or r.overridden]
    shown = (_scores_table(look) if look else
             '<div class="ccm-msg ccm-msg-ok">Every criterion met.</div>')
    return (total + f'<div class="trn-scores-attention">{shown}</div>'
            f'<details class="trn-all-scores"><summary>All {len(grade.results)} criteria</summary>'
            + _scores_table(grade.results) + "</details>")


def _total_html(grade: Grade) -> str:
    verdict = "passed" if grade.passed else "not passed"
    failed = f" &middot; {esc(grade.decided_by)}" if grade.failed_critical else ""
    met = sum(r.met for r in grade.results)
    return (f'<div class="trn-score-total"><b>{grade.points:g} of {grade.possible:g} points ({grade.percent:g}%), '
            f'{verdict}</b>{failed} &middot; {met} of {len(grade.results)} criteria met</div>')


def _scores_table(results) -> str:
    rows = []
    for r in results:
        state = (f'<span class="{"trn-met" if r.met else "trn-not-met"}">{"met" if r.met else "not met"}</span>'
                 + (' <span class="ccm-badge ccm-badge-warn">overridden</span>' if r.overridden else ""))
        kind = r.kind + (" (critical)" if r.critical and r.kind != "critical" else "")
        rows.append((esc(r.patient_id), esc(r.title), esc(kind), state, f"{r.points:g} / {r.possible:g}",
                     esc(r.reason), _words(", ".join(r.evidence), 120), esc(r.override_comment)))
    return table(["Patient", "Criterion", "Kind", "Result", "Points", "Reason", "Evidence",
                  "Override comment"], rows, css="ccm-table trn-scores", raw=True)
