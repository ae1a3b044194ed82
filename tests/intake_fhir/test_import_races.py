"""Two processes import the same FHIR bundles into one PostgreSQL at once: each patient, care-plan
version and FHIR link is written once, and the import that loses a race runs once more and finds
the rows there (never a raw IntegrityError)."""

from __future__ import annotations

import json
import multiprocessing as mp

import pytest

from tests.intake_fhir.test_plans_and_patients import _bundle
from tests.support.fhir_race import import_worker

N = 8


def _bundles(folder) -> list[str]:
    paths = []
    for i in range(N):
        text = json.dumps(_bundle()).replace("P09001", f"P0910{i}")
        for rid in ("pt9", "cp1", "g1", "g2", "sr1", "ct1", "rp1", "c1"):
            text = text.replace(f'"{rid}"', f'"{rid}-{i}"').replace(f"/{rid}\"", f"/{rid}-{i}\"")
        text = text.replace("aaaaaaaa-0000", f"aaaaaaa{i}-0000")
        path = folder / f"b{i}.json"
        path.write_text(text)
        paths.append(str(path))
    return paths


@pytest.fixture
def pg_team(pg_server):
    from tests.conftest import STAFF, forget_engines, new_app_database
    from workbench.service import Workbench

    url = new_app_database(pg_server)  # both processes connect as the app role
    system = Workbench.open(url)
    for u in STAFF:
        system.add_user(u)
    yield url
    forget_engines(url)


def test_two_imports_of_the_same_bundles_at_once_write_everything_once(pg_team, tmp_path):
    from sqlalchemy import text

    from workbench.service import Workbench

    paths = _bundles(tmp_path)
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    procs = [ctx.Process(target=import_worker, args=(pg_team, paths, out)) for _ in range(2)]
    for p in procs:
        p.start()
    results = [out.get(timeout=180) for _ in procs]
    for p in procs:
        p.join(timeout=30)
        assert p.exitcode == 0
    assert [r["unexpected"] for r in results] == [[], []]
    with Workbench.open(pg_team).engine.connect() as conn:
        def one(sql):
            return conn.execute(text(sql)).scalar_one()
        assert one("SELECT count(*) FROM patients") == N
        assert one("SELECT count(*) FROM care_plan_revisions") == N
        assert one("SELECT count(*) FROM (SELECT resource_type, resource_id FROM fhir_links "
                   "GROUP BY resource_type, resource_id HAVING count(*) > 1) x") == 0
        links = one("SELECT count(*) FROM fhir_links")
    # what one import alone writes per bundle, once in all: the patient, the condition, the plan with
    # its two goals and its intervention, the care team and the caregiver; one link each
    assert sum(r["written"] for r in results) == N * 8
    assert links == N * 8
