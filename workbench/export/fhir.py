"""FHIR R4 export: one collection Bundle per patient (docs/reference.md, "FHIR export").

``workbench export fhir (--patient ID | --all) --out DIR`` writes ``DIR/<patient id>.json``.
Each bundle holds Patient, Practitioner (everyone it names), Condition (problem list),
CarePlan (US Core category ``assess-plan``, shaped like the HL7 MCC eCare Plan: addresses the
conditions, links goals, care team and activities), Goal, CareTeam, Consent, QuestionnaireResponse
and Observation for each PHQ-9 (LOINC panel 44249-1, total score 44261-6), Task for follow-ups
(escalations, social needs), and one Provenance per author. Builders: :mod:`fhir_build`.
Every bundle is validated with ``fhir.resources`` (R4B models) before it is written.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

from .. import records as r
from ..errors import InvalidInput, NotFound
from . import fhir_build as fb


def _user(wb, uid: str, cache: dict[str, r.User]) -> r.User:
    if uid not in cache:
        try:
            cache[uid] = wb.get_user(uid)
        except NotFound:
            cache[uid] = r.User(uid, uid, r.Role.CARE_MANAGER)
    return cache[uid]


def build_bundle(wb, pid: str, users: dict[str, r.User] | None = None) -> dict:
    """The patient's bundle as a JSON-ready dict (not yet validated)."""
    users = {} if users is None else users
    chart = wb.chart(pid)
    p = chart.patient
    resources: list[dict] = [fb.patient(p)]
    authored: dict[str, list[str]] = defaultdict(list)
    when: dict[str, datetime] = {}

    def by(uid: str, res: dict, at: datetime | None) -> None:
        authored[uid].append(fb.full_url(res["resourceType"], res["id"]))
        if at is not None:
            when[uid] = max(when.get(uid, at), at)

    conditions = [fb.condition(pid, c, c.id if c.id is not None else i) for i, c in enumerate(chart.conditions)]
    resources += conditions
    rev = chart.care_plan
    if rev is not None:
        goals = [fb.goal(pid, g, i) for i, g in enumerate(rev.plan.goals)]
        plan = fb.care_plan(pid, rev, [fb.full_url("Condition", c["id"]) for c in conditions],
                            list(range(len(goals))))
        resources += [plan, *goals]
        for res in (plan, *goals):
            by(rev.author_id, res, rev.recorded_at)
    team = {uid: _user(wb, uid, users) for uid in (p.billing_practitioner_id, p.care_team_member_id) if uid}
    resources.append(fb.care_team(pid, team, p))
    for i, c in enumerate(chart.consents):
        res = fb.consent(pid, c, c.id if c.id is not None else i)
        resources.append(res)
        if c.obtained_by:
            by(c.obtained_by, res, c.recorded_at)
    for q in chart.questionnaires:
        if q.instrument != "PHQ-9":
            continue
        qr, obs = fb.phq9(pid, q)
        resources += [qr, obs]
        for res in (qr, obs):
            by(q.recorded_by, res, q.recorded_at)
    for e in chart.escalations:
        res = fb.escalation_task(pid, e)
        resources.append(res)
        by(e.opened_by, res, e.opened_at)
    now = wb.now()
    resources += [fb.barrier_task(pid, b, now) for b in chart.barriers if b.status != r.BarrierStatus.RESOLVED]
    for uid, targets in sorted(authored.items()):
        resources.append(fb.provenance(pid, uid, _user(wb, uid, users).name, targets, when.get(uid, now)))
    named = sorted({uid for uid in [*team, *authored]})
    resources[1:1] = [fb.practitioner(_user(wb, uid, users)) for uid in named]
    return {"resourceType": "Bundle", "id": fb._safe_id(f"{pid}-ccm"), "type": "collection",
            "timestamp": now.astimezone(UTC).isoformat().replace("+00:00", "Z"),
            "entry": [{"fullUrl": fb.full_url(res["resourceType"], res["id"]), "resource": res}
                      for res in resources]}


def validate_bundle(bundle: dict):
    """Validate the bundle and every resource in it with the fhir.resources R4B models; returns
    the Bundle model. Raises InvalidInput naming the resource that failed (no patient data)."""
    from fhir.resources.R4B import get_fhir_model_class
    from pydantic import ValidationError

    for entry in bundle.get("entry", []):
        res = entry["resource"]
        try:
            get_fhir_model_class(res["resourceType"]).model_validate(res)
        except ValidationError as err:
            fields = ", ".join(".".join(str(x) for x in e["loc"]) for e in err.errors()[:5])
            raise InvalidInput(f"FHIR {res['resourceType']} {res.get('id', '')} is not valid R4: {fields}.",
                               "fhir") from None
    return get_fhir_model_class("Bundle").model_validate(bundle)


def export_fhir(wb, out_dir, patient_id: str | None = None, scope: str = "live", progress: bool = False) -> list[Path]:
    """Write one validated bundle per patient (``patient_id`` alone, or every patient of ``scope``)."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InvalidInput(f"--out must be a folder: {out} is a file.", "out")
    pids = [patient_id] if patient_id is not None else [p.id for p in wb.patients(scope)]
    if patient_id is not None:
        wb.get_patient(patient_id)  # NotFound before anything is written
    users: dict[str, r.User] = {}
    bundles = []
    from tqdm.auto import tqdm

    for pid in tqdm(pids, desc="FHIR bundles", unit="patient", disable=not progress):
        bundle = build_bundle(wb, pid, users)
        validate_bundle(bundle)
        bundles.append((pid, bundle))
    out.mkdir(parents=True, exist_ok=True)  # everything validated: now write
    paths = []
    for pid, bundle in bundles:
        path = out / f"{fb._safe_id(pid)}.json"
        path.write_text(json.dumps(bundle, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        paths.append(path)
    return paths
