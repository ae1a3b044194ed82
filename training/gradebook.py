"""The cohort gradebook: one row per attempt, cohort statistics per criterion and per
objective (% met), behaviour per trainee read from the record, and CSV export.

Grades are derived from the records every time; only supervisor overrides and the released
flag are kept with the attempt. CSV cells are written spreadsheet-safe
(``workbench.export.cells``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from training.attempts import AttemptRecord, AttemptRepository
from training.evidence import scope_facts, trainee_facts
from training.grading import Grade, grade_facts
from training.model import Scenario


@dataclass(frozen=True)
class GradebookRow:
    attempt_id: str
    trainee_id: str
    trainee_name: str
    scenario_id: str
    scenario_title: str
    started_at: str
    status: str
    points: float | None
    possible: float | None
    percent: float | None
    passed: bool | None
    failed_critical: str  #: criterion ids, comma-separated
    overridden: int  #: number of criteria a supervisor overrode
    released: bool


GRADEBOOK_COLUMNS = [f for f in GradebookRow.__dataclass_fields__]


def _names(wb) -> dict[str, str]:
    try:
        return {u.id: u.name for u in wb.users()}
    except Exception:  # noqa: BLE001 - names are a nicety; ids are always there
        return {}


def _title(rec: AttemptRecord, scenarios: dict[str, Scenario]) -> str:
    if rec.is_shift:
        return f"Practice shift: {rec.scenario_id.removeprefix('shift:')}"
    sc = scenarios.get(rec.scenario_id)
    return sc.title if sc else "(scenario removed)"


def gradebook(wb, repo: AttemptRepository, scenarios: dict[str, Scenario],
              trainee_id: str | None = None) -> list[tuple[GradebookRow, Grade | None]]:
    """Every attempt (or one trainee's) with its grade; unfinished attempts are not graded."""
    names = _names(wb)
    out = []
    for rec in repo.find_attempts(trainee_id=trainee_id):
        known = all(c.scenario_id in scenarios for c in rec.cases if c.scenario_id)
        grade = None
        if known and rec.status == "finished":
            grade = grade_facts(scenarios, rec, scope_facts(wb, [c.patient_id for c in rec.cases]), wb.tz)
        out.append((GradebookRow(
            attempt_id=rec.id, trainee_id=rec.trainee_id, trainee_name=names.get(rec.trainee_id, ""),
            scenario_id=rec.scenario_id, scenario_title=_title(rec, scenarios),
            started_at=rec.started_at.astimezone(wb.tz).isoformat(timespec="seconds"),  # practice time
            status=rec.status,
            points=grade.points if grade else None, possible=grade.possible if grade else None,
            percent=grade.percent if grade else None, passed=grade.passed if grade else None,
            failed_critical=",".join(grade.failed_critical) if grade else "",
            overridden=len({o.criterion_id for o in rec.overrides}), released=rec.released), grade))
    return out


def _scoped(grade: Grade, r) -> tuple[str, str]:
    """(scenario id, "scenario/objective") of a result: an objective id is only unique within its
    scenario, so a shift's results never pool objectives of different scenarios."""
    sid = next((s for pid, s, _ok in grade.cases if pid == r.patient_id), None) or grade.scenario_id
    return sid, f"{sid}/{r.objective}"


def objective_rows(graded: list[tuple[GradebookRow, Grade | None]],
                   scenarios: dict[str, Scenario]) -> list[dict]:
    """Long-format rows (trainee, scenario, objective, points, possible) for cohort plots; the
    objective is scoped to its scenario ("scenario/objective")."""
    rows = []
    for row, grade in graded:
        if grade is None:
            continue
        per: dict[tuple[str, str, str], tuple[float, float]] = {}
        for r in grade.results:
            sid, key = _scoped(grade, r)
            p, q = per.get((sid, key, r.objective), (0.0, 0.0))
            per[(sid, key, r.objective)] = (p + r.points, q + r.possible)
        for (sid, key, objective), (points, possible) in per.items():
            sc = scenarios.get(sid)
            text = next((o.text for o in sc.objectives if o.id == objective), objective) if sc else objective
            text = f"{sc.title}: {text}" if sc else text
            rows.append({"attempt_id": row.attempt_id, "trainee_id": row.trainee_id,
                         "scenario_id": row.scenario_id, "objective": key, "objective_text": text,
                         "points": points, "possible": possible})
    return rows


def cohort_stats(graded: list[tuple[GradebookRow, Grade | None]]) -> dict[str, list[dict]]:
    """% met per criterion and per objective over every graded attempt (both scoped to their
    scenario: ids repeat across scenarios)."""
    by_crit: dict[tuple, list[bool]] = defaultdict(list)
    by_obj: dict[str, list[bool]] = defaultdict(list)
    for _, grade in graded:
        if grade is None:
            continue
        for r in grade.results:
            sid, key = _scoped(grade, r)
            by_crit[(f"{sid}/{r.criterion_id}", r.title, key)].append(r.met)
            by_obj[key].append(r.met)

    def pct(xs):
        return round(100 * sum(xs) / len(xs), 1)
    return {
        "criteria": [{"criterion": c, "title": t, "objective": o, "attempts": len(xs),
                      "percent_met": pct(xs)} for (c, t, o), xs in sorted(by_crit.items())],
        "objectives": [{"objective": o, "results": len(xs), "percent_met": pct(xs)}
                       for o, xs in sorted(by_obj.items())],
    }


def _minutes(a: datetime, b: datetime) -> float:
    return (b - a).total_seconds() / 60


def behaviour(wb, repo: AttemptRepository, trainee_id: str | None = None) -> list[dict]:
    """Per trainee, from the record: documentation lag (minutes from the end of a call to its
    time entry being written), time logged vs time on calls, and words per note."""
    acc: dict[str, dict] = defaultdict(lambda: {"lags": [], "logged": 0.0, "in_call": 0.0,
                                                "words": [], "attempts": 0})
    for rec in repo.find_attempts(trainee_id=trainee_id):
        if rec.status != "finished":
            continue
        a = acc[rec.trainee_id]
        a["attempts"] += 1
        own = trainee_facts(scope_facts(wb, [c.patient_id for c in rec.cases]), rec.trainee_id)
        for case in rec.cases:
            calls = [(datetime.fromisoformat(s), datetime.fromisoformat(e)) for s, e in case.calls
                     if e is not None]
            a["in_call"] += sum(_minutes(s, e) for s, e in calls)
            for f in own:
                if f.type != "time_entry" or f.patient_id != case.patient_id:
                    continue
                a["logged"] += f.fields["minutes"]
                a["words"].append(len(f.text.split()))
                ends = [e for _, e in calls if e <= f.at]
                if ends:
                    a["lags"].append(_minutes(max(ends), f.at))
    out = []
    for tid, a in sorted(acc.items()):
        out.append({
            "trainee_id": tid, "attempts": a["attempts"],
            "documentation_lag_min": round(sum(a["lags"]) / len(a["lags"]), 1) if a["lags"] else None,
            "minutes_logged": round(a["logged"], 1), "minutes_in_call": round(a["in_call"], 1),
            "logged_vs_call": round(a["logged"] / a["in_call"], 2) if a["in_call"] else None,
            "words_per_note": round(sum(a["words"]) / len(a["words"]), 1) if a["words"] else None})
    return out


def write_rows(rows: list[dict], out: str | Path, columns: list[str] | None = None) -> Path:
    """Write dict rows as CSV with spreadsheet-safe cells (formulas neutralised)."""
    from workbench.export.cells import write_csv as write_safe_csv

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    columns = columns or (list(rows[0]) if rows else [])
    return write_safe_csv(out, columns, rows)


def write_csv(rows: list[GradebookRow], out: str | Path) -> Path:
    """Write gradebook rows as CSV (one line per attempt)."""
    return write_rows([asdict(r) for r in rows], out, GRADEBOOK_COLUMNS)
