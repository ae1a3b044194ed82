"""Shift-level criteria: what only the whole shift shows (whom the trainee called first).

``call_first`` in a shift file names cases whose patient is called before any routine
check-in (a patient home from hospital since yesterday comes before a plain monthly call).
Each is a required criterion of the shift: the shift passes only when it is met.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from pathlib import Path

import yaml

CALLED_FIRST_POINTS = 10.0


@lru_cache(maxsize=32)
def _call_first(shift_id: str, mtime: float, path: str) -> tuple[str, ...]:
    from training.shifts import Shift

    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return tuple(Shift.model_validate(data).call_first)


def call_first(record) -> tuple[str, ...]:
    """The shift's ``call_first`` cases (scenario ids); () for a single-scenario attempt."""
    if not record.is_shift:
        return ()
    from training.shifts import SHIFT_DIR

    path = SHIFT_DIR / f"{record.scenario_id.removeprefix('shift:')}.yaml"
    if not path.exists():
        return ()
    return _call_first(record.scenario_id, path.stat().st_mtime, str(path))


def shift_results(record, result_type) -> list:
    """One ``called-first`` result for each ``call_first`` case of the shift."""
    routine = [datetime.fromisoformat(c.calls[0][0]) for c in record.cases
               if c.scenario_id is None and c.calls]
    out = []
    for sid in call_first(record):
        case = next((c for c in record.cases if c.scenario_id == sid), None)
        if case is None:
            continue
        first = datetime.fromisoformat(case.calls[0][0]) if case.calls else None
        if first is None:
            met, reason = False, "this patient was never called"
        elif routine and min(routine) < first:
            met, reason = False, (f"a routine check-in was called {(first - min(routine)).total_seconds() / 60:.0f} "
                                  "minutes before this patient")
        else:
            met, reason = True, "called before any routine check-in"
        out.append(result_type(
            criterion_id=f"called-first:{sid}", objective="prioritise", kind="order",
            possible=CALLED_FIRST_POINTS, points=CALLED_FIRST_POINTS if met else 0.0, met=met,
            reason=reason, evidence=(), critical=False, title="Called before routine check-ins",
            feedback=("You called this patient before the routine check-ins." if met else
                      "A patient home from hospital is called before routine monthly check-ins."),
            patient_id=case.patient_id))
    return out
