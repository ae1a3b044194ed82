"""FHIR R4 export: one collection Bundle per patient (docs/reference.md, "FHIR export").

``workbench export fhir (--patient ID | --all) --out DIR`` writes ``DIR/<patient id>.json``.
Each bundle holds Patient, Practitioner (everyone it names), Organization (the practice, whom
every author acts for: Provenance.agent.onBehalfOf), Condition (problem list),
CarePlan (US Core category ``assess-plan``, shaped like the HL7 MCC eCare Plan: addresses the
conditions, links goals, care team and activities), Goal, CareTeam, Consent, QuestionnaireResponse
and Observation for each PHQ-9 (LOINC panel 44249-1, total score 44261-6), Task for follow-ups
(escalations, social needs), and one Provenance per author. Builders: :mod:`fhir_build`.
Every bundle is validated with ``fhir.resources`` (R4B models) before it is written.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from .. import records as r
from ..errors import InvalidInput, NotFound
from . import fhir_build as fb
from . import fhir_clinical as fc


def _user(wb, uid: str, cache: dict[str, r.User]) -> r.User:
    if uid not in cache:
        try:
            cache[uid] = wb.get_user(uid)
        except NotFound:
            cache[uid] = r.User(uid, uid, r.Role.CARE_MANAGER)
    return cache[uid]


def _recorded(wb, pid: str) -> tuple[dict[int, datetime], dict[int, list[dict]], dict[str, datetime]]:
    """When each current condition row was recorded, the codings the source sent for it (a FHIR
    import keeps them in ``fhir_links``), and when each clinical list was last written."""
    from sqlalchemy import func, select

    from ..store import schema as s

    with wb.read() as conn:
        rec = {row.id: row.recorded_at for row in conn.execute(
            select(s.conditions.c.id, s.conditions.c.recorded_at).where(s.conditions.c.patient_id == pid))}
        fl = s.fhir_links
        codings = {row.row_id: list(row.codings or []) for row in conn.execute(
            select(fl.c.row_id, fl.c.codings).where(fl.c.patient_id == pid, fl.c.table_name == "conditions")
            .order_by(fl.c.id))}
        last = {}
        for t in ("medications", "allergies", "immunizations", "observations"):
            tab = s.metadata.tables[t]
            last[t] = conn.execute(select(func.max(tab.c.recorded_at)).where(tab.c.patient_id == pid)).scalar()
    return rec, codings, last


def _profiled(res: dict) -> dict:
    if "meta" in res:
        return res
    if res["resourceType"] == "Observation":
        cats = [c.get("code") for x in res.get("category", []) for c in x.get("coding", [])]
        return fc.with_profile(res, "Observation:survey") if "survey" in cats else res
    return fc.with_profile(res)


def build_bundle(wb, pid: str, users: dict[str, r.User] | None = None) -> dict:
    """The patient's bundle as a JSON-ready dict (not yet validated)."""
    users = {} if users is None else users
    chart = wb.chart(pid)
    p = chart.patient
    now = wb.now()
    rec, codings, last = _recorded(wb, pid)
    resources: list[dict] = [fb.patient(p)]
    authored: dict[str, datetime] = {}  # fullUrl -> when, for one Provenance each
    authors: dict[str, str] = {}

    def by(uid: str, res: dict, at: datetime | None) -> None:
        url = fb.full_url(res["resourceType"], res["id"])
        authors[url], authored[url] = uid, at or now

    conditions = [fb.condition(pid, c, c.id if c.id is not None else i, rec.get(c.id), codings.get(c.id))
                  for i, c in enumerate(chart.conditions)]
    concerns = [fc.health_concern(pid, b, now) for b in chart.barriers if b.status != r.BarrierStatus.RESOLVED]
    barrier_tasks = [fb.barrier_task(pid, b, now) for b in chart.barriers if b.status != r.BarrierStatus.RESOLVED]
    resources += conditions + concerns
    rev = chart.care_plan
    if rev is not None:
        start = rev.recorded_at.astimezone(wb.tz).date()
        author = fb.ref("Practitioner", rev.author_id, rev.author_name)
        goals = [fb.goal(pid, g, i, start, author) for i, g in enumerate(rev.plan.goals)]
        requests = [fc.service_request(pid, x, n, rev.recorded_at, rev.author_id)
                    for n, x in enumerate(rev.plan.interventions)]
        activity = [fb.full_url(x["resourceType"], x["id"]) for x in [*requests, *barrier_tasks]]
        plan = fb.care_plan(pid, rev, [fb.full_url("Condition", c["id"]) for c in [*conditions, *concerns]],
                            list(range(len(goals))), activity, p.billing_practitioner_id)
        resources += [plan, *goals, *requests]
        for res in (plan, *goals, *requests):
            by(rev.author_id, res, rev.recorded_at)
    for m in chart.medications:
        if m.status == "active":
            resources.append(fc.medication(pid, m, last["medications"] or now, p.billing_practitioner_id))
    resources += [fc.allergy(pid, a) for a in chart.allergies]
    resources += [fc.immunization(pid, i) for i in chart.immunizations]
    resources += [fc.observation(pid, o) for o in chart.observations]
    team = {uid: _user(wb, uid, users) for uid in (p.billing_practitioner_id, p.care_team_member_id) if uid}
    if p.caregiver is not None and p.caregiver.authorized:
        resources.append(fc.related_person(pid, p.caregiver))
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
    resources += barrier_tasks
    org = fb.organization(wb.settings)  # the practice: the party its staff act for
    for url, uid in authors.items():
        resources.append(fb.provenance(pid, uid, _user(wb, uid, users).name, url, authored[url], org["name"]))
    named = sorted({uid for uid in [*team, *authors.values(), *([p.billing_practitioner_id] if p.billing_practitioner_id
                                                                else [])]})
    resources[1:1] = [fb.practitioner(_user(wb, uid, users)) for uid in named] + [org]
    resources = [_profiled(res) for res in resources]
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


def export_fhir(wb, out_dir, patient_id: str | None = None, scope: str = "live", progress: bool = False,
                place: str = "command:workbench export fhir") -> list[Path]:
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
    wb.record_access("export", [pid for pid, _b in bundles], place, detail=f"FHIR, {len(paths)} bundle(s)")
    return paths
