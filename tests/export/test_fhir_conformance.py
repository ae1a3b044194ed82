"""Our own checks of the SHALLs the export claims: US Core 6.1, the HL7 MCC eCare Plan IG 1.0.0 and
the FHIR R4 invariants of the elements we write. Each rule is a FHIRPath expression (evaluated with
fhirpathpy and its R4 model, so choice elements such as ``Goal.target.detail[x]`` resolve) that must
be true for every resource of its type in the demo practice's export: every patient of the practice
``workbench demo`` builds, thousands of resources. Every rule must find resources to check."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, date, datetime

import pytest
from fhirpathpy import evaluate
from fhirpathpy.models import models

from workbench import records as r
from workbench.export.fhir import export_fhir
from workbench.export.fhir_clinical import CUSTODIAN, PROFILES

R4 = models["r4"]
NOW = datetime(2026, 11, 18, 15, 0, tzinfo=UTC)

#: (resource type, what the IG or the specification says, FHIRPath that must be true)
RULES = [
    ("CarePlan", "MCC CarePlan: meta.profile claims mccCarePlan",
     "meta.profile.where($this = 'http://hl7.org/fhir/us/mcc/StructureDefinition/mccCarePlan').exists()"),
    ("CarePlan", "MCC CarePlan: activity.detail SHALL NOT be used (planned work is activity.reference)",
     "activity.detail.empty()"),
    ("CarePlan", "MCC CarePlan: activity.reference to ServiceRequest or Task",
     "activity.all(reference.exists())"),
    ("CarePlan", "MCC CarePlan: contributor instead of author", "author.empty() and contributor.exists()"),
    ("CarePlan", "MCC CarePlan: the custodian extension names the responsible party",
     f"extension.where(url = '{CUSTODIAN}').valueReference.reference.exists()"),
    ("CarePlan", "US Core CarePlan: status, intent, category assess-plan, subject, text",
     "status.exists() and intent = 'plan' and category.coding.where(code = 'assess-plan').exists() and "
     "subject.exists() and text.status.exists()"),
    ("Goal", "US Core Goal: lifecycleStatus, description, subject", "lifecycleStatus.exists() and "
     "description.exists() and subject.exists()"),
    ("Goal", "US Core Goal (us-core-1): startDate or target.dueDate", "startDate.exists() or target.dueDate.exists()"),
    ("Goal", "MCC: Goals carry expressedBy and achievementStatus", "expressedBy.exists() and achievementStatus.exists()"),
    ("Goal", "FHIR gol-1: Goal.target.measure is required if Goal.target.detail is populated",
     "target.all((detail.exists() and measure.exists()) or detail.exists().not())"),
    ("Condition", "US Core Condition: category problem-list-item or health-concern, code, subject",
     "category.coding.where(code = 'problem-list-item' or code = 'health-concern').exists() and code.exists() "
     "and subject.exists()"),
    ("Condition", "US Core Condition: recordedDate (Must Support, sent)", "recordedDate.exists()"),
    ("Condition", "FHIR con-5: no clinicalStatus when entered-in-error",
     "verificationStatus.coding.where(code = 'entered-in-error').empty() or clinicalStatus.empty()"),
    ("CareTeam", "US Core CareTeam: subject and participant role and member",
     "subject.exists() and participant.all(role.exists() and member.exists())"),
    ("CareTeam", "MCC: the patient is on the care team",
     "participant.member.where(reference = %patient).exists()"),
    ("RelatedPerson", "MCC: the authorised caregiver (RelatedPerson) is on the CareTeam",
     "%self in %careTeamMembers"),
    ("RelatedPerson", "US Core RelatedPerson: active, patient, relationship", "active = true and "
     "patient.reference = %patient and relationship.exists()"),
    ("Provenance", "US Core Provenance: target, recorded, agent.who", "target.exists() and recorded.exists() "
     "and agent.all(who.exists())"),
    ("Provenance", "US Core 6.1 provenance-1: onBehalfOf SHALL be present when agent.who is a Practitioner "
     "(resolved in the bundle), and it names the bundle's Organization",
     "agent.all((who.reference in %practitioners) implies (onBehalfOf.reference in %organizations))"),
    ("Organization", "US Core Organization: active and name", "active = true and name.exists()"),
    ("ServiceRequest", "US Core ServiceRequest: status, intent, code, subject", "status.exists() and "
     "intent.exists() and code.exists() and subject.exists()"),
    ("Patient", "US Core Patient: identifier, name, gender", "identifier.exists() and name.exists() and gender.exists()"),
    ("Practitioner", "US Core Practitioner: identifier and name", "identifier.exists() and name.exists()"),
    ("MedicationRequest", "US Core MedicationRequest: status, intent, medication[x], subject",
     "status.exists() and intent.exists() and medication.exists() and subject.exists()"),
    ("AllergyIntolerance", "US Core AllergyIntolerance: code and patient", "code.exists() and patient.exists()"),
    ("Immunization", "US Core Immunization: status, vaccineCode, patient, occurrence[x]",
     "status.exists() and vaccineCode.exists() and patient.exists() and occurrence.exists()"),
    ("Observation", "US Core Observation: status, code, subject", "status.exists() and code.exists() and "
     "subject.exists()"),
    ("Observation", "FHIR obs-6: dataAbsentReason only when there is no value",
     "dataAbsentReason.empty() or value.empty()"),
    ("QuestionnaireResponse", "US Core QuestionnaireResponse: status, questionnaire, subject, authored",
     "status.exists() and questionnaire.exists() and subject.exists() and authored.exists()"),
    ("Task", "FHIR Task: status and intent", "status.exists() and intent.exists()"),
    ("Consent", "FHIR Consent: status, scope, category, and ppc-1 (policy or policyRule)",
     "status.exists() and scope.exists() and category.exists() and (policy.exists() or policyRule.exists())"),
]


def _env(bundle: dict, full_url: str) -> dict:
    """The FHIRPath variables of one entry: %self (its fullUrl), %patient, the fullUrls of the
    bundle's Practitioners and Organizations and the CareTeam's members (fhirpathpy does not
    resolve() references inside a Bundle)."""
    urls = {k: [e["fullUrl"] for e in bundle["entry"] if e["resource"]["resourceType"] == k]
            for k in ("Patient", "Practitioner", "Organization")}
    members = [p["member"]["reference"] for e in bundle["entry"] if e["resource"]["resourceType"] == "CareTeam"
               for p in e["resource"].get("participant", [])]
    return {"self": full_url, "patient": urls["Patient"][0], "practitioners": urls["Practitioner"],
            "organizations": urls["Organization"], "careTeamMembers": members}


def _broken(bundles: list[dict], kind: str, expr: str) -> tuple[int, list[str]]:
    """How many resources of ``kind`` the rule checked, and the ids of those that break it."""
    seen, bad = 0, []
    for bundle in bundles:
        for e in bundle["entry"]:
            if e["resource"]["resourceType"] == kind:
                seen += 1
                if evaluate(e["resource"], expr, _env(bundle, e["fullUrl"]), R4) != [True]:
                    bad.append(e["resource"]["id"])
    return seen, bad


@pytest.fixture(scope="module")
def demo_bundles(tmp_path_factory):
    """The export of the demo practice: the size and seed ``workbench demo`` builds by default."""
    from simulated_patients.practice import build_demo_database
    from workbench.cli import build_parser

    args = build_parser().parse_args(["demo"])
    tmp = tmp_path_factory.mktemp("demo")
    wb, _ = build_demo_database(f"sqlite:///{tmp / 'demo.db'}", args.size, args.seed, NOW)
    paths = export_fhir(wb, tmp / "out")
    assert len(paths) == len(wb.patients()) == args.size
    return [json.loads(p.read_text()) for p in paths]


def test_the_demo_export_is_the_whole_practice(demo_bundles):
    kinds = Counter(e["resource"]["resourceType"] for b in demo_bundles for e in b["entry"])
    assert sum(kinds.values()) > 2000
    assert {k for k in kinds} == {k for k, _rule, _x in RULES}  # every kind exported has its rules


@pytest.mark.parametrize("kind,rule,expr", RULES, ids=[x[1][:60] for x in RULES])
def test_every_resource_meets_the_rule(demo_bundles, kind, rule, expr):
    seen, bad = _broken(demo_bundles, kind, expr)
    assert seen, f"no {kind} in the export: the rule '{rule}' checked nothing"
    assert bad == [], (rule, len(bad), bad[:5])


def test_every_reference_resolves_inside_its_bundle(demo_bundles):
    checked = 0
    for bundle in demo_bundles:
        urls = {e["fullUrl"] for e in bundle["entry"]}
        for ref in _references(bundle["entry"]):
            assert ref in urls, (bundle["id"], ref)
            checked += 1
    assert checked > 1000


def _references(node):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "reference" and isinstance(v, str):
                yield v
            else:
                yield from _references(v)
    elif isinstance(node, list):
        for x in node:
            yield from _references(x)


def test_every_resource_claims_its_profiles(demo_bundles):
    unprofiled = {"Consent", "Task"}  # no US Core profile for these
    for bundle in demo_bundles:
        for e in bundle["entry"]:
            res = e["resource"]
            if res["resourceType"] in unprofiled or res["resourceType"] == "Observation":
                continue
            assert res["meta"]["profile"] == PROFILES[res["resourceType"]], res["resourceType"]


@pytest.fixture
def edge_bundle(wb, make_bundle, tmp_path):
    """A patient with goals the demo does not have (a target without a measure, a measure alone, a
    due day alone, nothing measured), an authorised caregiver and a social need."""
    import dataclasses

    bundle = make_bundle("P00003")
    bundle.patient = dataclasses.replace(bundle.patient, caregiver=r.Person("Bo Lovelace", "son", "555-0101",
                                                                            authorized=True))
    wb.as_user("S004").add_patient(bundle)
    plan = r.CarePlan(problem_list="HTN; DM", goals=(
        r.Goal("Walk daily", target="5 days a week"), r.Goal("Keep an eye on weight", measure="Body weight"),
        r.Goal("See the eye doctor", due_date=date(2027, 3, 1)), r.Goal("Feel steadier", status="completed"),
        r.Goal("A1c under 8", "A1c", "< 8 %", date(2027, 5, 1))),
        interventions=(r.Intervention("Monthly call", "care manager", "monthly"),))
    wb.revise_care_plan("P00003", plan, 0, "Initial plan")
    wb.add_barrier("P00003", "transportation", "No ride")
    (path,) = export_fhir(wb, tmp_path / "out", patient_id="P00003")
    return json.loads(path.read_text())


def test_the_edge_cases_meet_every_rule(edge_bundle):
    goals = [e["resource"] for e in edge_bundle["entry"] if e["resource"]["resourceType"] == "Goal"]
    assert [g.get("target", [{}])[0].get("measure", {}).get("text") for g in goals] == [
        None, "Body weight", None, None, "A1c"]
    assert goals[0]["target"][0]["measure"]["extension"][0]["valueCode"] == "unknown"
    assert "target" not in goals[3]
    for kind, rule, expr in RULES:
        _seen, bad = _broken([edge_bundle], kind, expr)
        assert bad == [], rule


def _one(bundle: dict, kind: str) -> tuple[dict, dict]:
    e = next(e for e in bundle["entry"] if e["resource"]["resourceType"] == kind)
    return e["resource"], _env(bundle, e["fullUrl"])


def _rule(words: str) -> str:
    return next(x[2] for x in RULES if words in x[1])


def test_a_violation_is_caught(edge_bundle):
    """The rules can fail: a CarePlan with activity.detail breaks the MCC rule."""
    plan, env = _one(edge_bundle, "CarePlan")
    bad = dict(plan, activity=[{"detail": {"status": "in-progress", "description": "x"}}])
    assert evaluate(bad, "activity.detail.empty()", env, R4) == [False]


def test_a_target_detail_without_a_measure_is_caught(edge_bundle):
    expr = _rule("gol-1")
    goal, env = _one(edge_bundle, "Goal")
    assert evaluate(goal, expr, env, R4) == [True]
    for detail in ({"detailString": "< 8 %"}, {"detailQuantity": {"value": 8, "unit": "%"}}):
        assert evaluate(dict(goal, target=[{"dueDate": "2027-05-01", **detail}]), expr, env, R4) == [False]


def test_a_caregiver_left_off_the_care_team_is_caught(edge_bundle):
    expr = _rule("caregiver (RelatedPerson) is on the CareTeam")
    person, env = _one(edge_bundle, "RelatedPerson")
    assert evaluate(person, expr, env, R4) == [True]
    off = [m for m in env["careTeamMembers"] if m != env["self"]]
    assert evaluate(person, expr, dict(env, careTeamMembers=off), R4) == [False]


def test_a_provenance_without_on_behalf_of_is_caught(edge_bundle):
    """provenance-1 can fail: the author's agent without onBehalfOf breaks it."""
    expr = _rule("provenance-1")
    prov, env = _one(edge_bundle, "Provenance")
    assert evaluate(prov, expr, env, R4) == [True]
    bad = dict(prov, agent=[{k: v for k, v in a.items() if k != "onBehalfOf"} for a in prov["agent"]])
    assert evaluate(bad, expr, env, R4) == [False]
    elsewhere = dict(prov, agent=[dict(a, onBehalfOf={"reference": "urn:uuid:not-in-the-bundle"}) for a in prov["agent"]])
    assert evaluate(elsewhere, expr, env, R4) == [False]
