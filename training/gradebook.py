"""The cohort gradebook: one row per attempt, per-objective rows, CSV export.

Grades are derived from the records every time (architecture, "Derived, never stored twice");
only supervisor overrides and the released flag are kept with the attempt.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from training.attempts import AttemptRepository
from training.grading import Grade, grade_attempt
from training.scenario import Scenario


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


def gradebook(wb, repo: AttemptRepository, scenarios: dict[str, Scenario],
              trainee_id: str | None = None) -> list[tuple[GradebookRow, Grade | None]]:
    """Every attempt (or one trainee's) with its grade; unfinished attempts are not graded."""
    names = _names(wb)
    out = []
    for rec in repo.find_attempts(trainee_id=trainee_id):
        sc = scenarios.get(rec.scenario_id)
        grade = grade_attempt(wb, sc, rec) if sc is not None and rec.status == "finished" else None
        out.append((GradebookRow(
            attempt_id=rec.id, trainee_id=rec.trainee_id, trainee_name=names.get(rec.trainee_id, ""),
            scenario_id=rec.scenario_id, scenario_title=sc.title if sc else "(scenario removed)",
            started_at=rec.started_at.isoformat(timespec="seconds"), status=rec.status,
            points=grade.points if grade else None, possible=grade.possible if grade else None,
            percent=grade.percent if grade else None, passed=grade.passed if grade else None,
            failed_critical=",".join(grade.failed_critical) if grade else "",
            overridden=len({o.criterion_id for o in rec.overrides}), released=rec.released), grade))
    return out


def objective_rows(graded: list[tuple[GradebookRow, Grade | None]],
                   scenarios: dict[str, Scenario]) -> list[dict]:
    """Long-format rows (trainee, scenario, objective, points, possible) for cohort plots."""
    rows = []
    for row, grade in graded:
        if grade is None:
            continue
        sc = scenarios[row.scenario_id]
        for objective, (points, possible) in grade.by_objective().items():
            rows.append({"attempt_id": row.attempt_id, "trainee_id": row.trainee_id,
                         "scenario_id": row.scenario_id, "objective": objective,
                         "objective_text": sc.objective_text(objective),
                         "points": points, "possible": possible})
    return rows


def write_csv(rows: list[GradebookRow], out: str | Path) -> Path:
    """Write gradebook rows as CSV (one line per attempt)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    from workbench.export.cells import write_csv as write_safe_csv  # spreadsheet-safe cells

    return write_safe_csv(out, GRADEBOOK_COLUMNS, [asdict(row) for row in rows])
