"""Round trip of the goals the demo practice does not have: a target recorded without a measure
(exported with the measure marked absent, FHIR gol-1), a measure alone, a due day alone, nothing
measured. Each comes back into an empty database as it was, and exports again the same."""

from __future__ import annotations

import json
from datetime import date

from workbench import records as r
from workbench.export.fhir import export_fhir
from workbench.intake.fhir import import_fhir
from workbench.service import Workbench

GOALS = (r.Goal("Walk daily", target="5 days a week"), r.Goal("Keep an eye on weight", measure="Body weight"),
         r.Goal("See the eye doctor", due_date=date(2027, 3, 1)), r.Goal("Feel steadier", status="completed"),
         r.Goal("Weigh in weekly", measure="Body weight", due_date=date(2027, 2, 1)),
         r.Goal("A1c under 8", "A1c", "< 8 %", date(2027, 5, 1)))


def _targets(path) -> list:
    goals = [e["resource"] for e in json.loads(path.read_text())["entry"] if e["resource"]["resourceType"] == "Goal"]
    return [(g["description"]["text"], g.get("target")) for g in goals]


def test_every_kind_of_goal_comes_back_as_it_was(wb, make_bundle, tmp_path, clock):
    wb.as_user("S004").add_patient(make_bundle("P00003"))
    wb.revise_care_plan("P00003", r.CarePlan(problem_list="HTN", goals=GOALS), 0, "Initial plan")
    (first,) = export_fhir(wb, tmp_path / "one", patient_id="P00003")

    url = f"sqlite:///{tmp_path / 'empty.db'}"
    Workbench.create(url)
    empty = Workbench.open(url, clock=clock)
    for u in wb.users():
        empty.add_user(u)
    summary = import_fhir(empty, tmp_path / "one")
    assert summary.counts[("Goal", "imported")] == len(GOALS)
    assert empty.chart("P00003").care_plan.plan.goals == GOALS

    (second,) = export_fhir(empty, tmp_path / "two", patient_id="P00003")
    assert _targets(second) == _targets(first)
    assert [t for _d, t in _targets(first)][:2] == [
        [{"measure": {"extension": [{"url": "http://hl7.org/fhir/StructureDefinition/data-absent-reason",
                                     "valueCode": "unknown"}]}, "detailString": "5 days a week"}],
        [{"measure": {"text": "Body weight"}}]]
    assert import_fhir(empty, tmp_path / "one").written() == 0
