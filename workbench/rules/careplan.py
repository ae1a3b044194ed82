"""Care-plan completeness and version diffs (reference, "The comprehensive care plan").

Completeness reads :data:`workbench.records.CARE_PLAN_ELEMENTS` (the elements CMS lists).
An element is missing when its text is blank. Goals must be measurable (a target and a
due date) and interventions must name who is responsible: one goal or intervention
without them makes the element missing. Cancelled or completed goals are history and not
checked. "Revision when applicable" is only required once the plan has been revised, so
it is checked only when ``revised=True``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any

from workbench.records import CARE_PLAN_ELEMENTS, CARE_PLAN_EXTRA_ELEMENTS, CarePlan, Goal, Intervention

_CLOSED_GOAL = {"completed", "cancelled", "entered-in-error"}
ALL_LABELS = {**CARE_PLAN_ELEMENTS, **CARE_PLAN_EXTRA_ELEMENTS}


def _goals_ok(goals: tuple[Goal, ...]) -> bool:
    open_goals = [g for g in goals if g.status not in _CLOSED_GOAL]
    return bool(open_goals) and all(g.description.strip() and g.measurable for g in open_goals)


def _interventions_ok(items: tuple[Intervention, ...]) -> bool:
    return bool(items) and all(i.description.strip() and i.responsible.strip() for i in items)


def missing_elements(plan: CarePlan | None, *, revised: bool = False) -> list[tuple[str, str]]:
    """The CMS care-plan elements missing from ``plan``, as ``(key, label)`` in CMS order.

    Reference, "The comprehensive care plan". ``None`` (no plan yet) misses everything
    required. ``revised``: the plan has earlier versions, so "Revision when applicable" applies.
    """
    missing = []
    for key, label in CARE_PLAN_ELEMENTS.items():
        if key == "revision_notes" and not revised:
            continue
        if plan is None:
            missing.append((key, label))
            continue
        value = getattr(plan, key)
        if key == "goals":
            ok = _goals_ok(value)
        elif key == "interventions":
            ok = _interventions_ok(value)
        else:
            ok = bool(str(value).strip())
        if not ok:
            missing.append((key, label))
    return missing


@dataclass(frozen=True)
class FieldChange:
    key: str  #: CarePlan attribute
    label: str  #: "Measurable treatment goals: goal 2" for list items
    kind: str  #: "added" | "removed" | "changed"
    old: str
    new: str


def describe_goal(goal: Goal) -> str:
    parts = [goal.description]
    if goal.measure:
        parts.append(f"measure: {goal.measure}")
    if goal.target:
        parts.append(f"target: {goal.target}")
    if goal.due_date:
        parts.append(f"due {goal.due_date}")
    parts.append(f"status: {goal.status}")
    return "; ".join(parts)


def describe_intervention(item: Intervention) -> str:
    parts = [item.description]
    if item.responsible:
        parts.append(f"responsible: {item.responsible}")
    if item.frequency:
        parts.append(f"how often: {item.frequency}")
    return "; ".join(parts)


def _diff_items(key: str, label: str, noun: str, old: tuple[Any, ...], new: tuple[Any, ...],
                describe: Callable[[Any], str]) -> list[FieldChange]:
    """Item by item: matched by description first; what remains is paired in order
    (an edited description shows as changed), and the rest is added or removed."""
    pairs: dict[int, int] = {}
    free_old = list(range(len(old)))
    for j, item in enumerate(new):
        match = next((i for i in free_old if old[i].description == item.description), None)
        if match is not None:
            pairs[j] = match
            free_old.remove(match)
    for j in range(len(new)):
        if j not in pairs and free_old:
            pairs[j] = free_old.pop(0)
    changes: list[FieldChange] = []
    for j, item in enumerate(new):
        name = f"{label}: {noun} {j + 1}"
        if j not in pairs:
            changes.append(FieldChange(key, name, "added", "", describe(item)))
        elif old[pairs[j]] != item:
            changes.append(FieldChange(key, name, "changed", describe(old[pairs[j]]), describe(item)))
    for i in free_old:
        changes.append(FieldChange(key, f"{label}: {noun} {i + 1} of the old version", "removed",
                                   describe(old[i]), ""))
    return changes


def diff_plans(old: CarePlan, new: CarePlan) -> list[FieldChange]:
    """What changed between two care-plan versions, field by field (goals and interventions
    item by item), in the plan's field order. Reference, "The comprehensive care plan"
    (revision when applicable) and the architecture's versioned care plans.
    """
    changes: list[FieldChange] = []
    for f in fields(CarePlan):
        key = f.name
        label = ALL_LABELS.get(key, key)
        before, after = getattr(old, key), getattr(new, key)
        if before == after:
            continue
        if key == "goals":
            changes += _diff_items(key, label, "goal", before, after, describe_goal)
        elif key == "interventions":
            changes += _diff_items(key, label, "intervention", before, after, describe_intervention)
        else:
            kind = "added" if not str(before).strip() else "removed" if not str(after).strip() else "changed"
            changes.append(FieldChange(key, label, kind, str(before), str(after)))
    return changes
