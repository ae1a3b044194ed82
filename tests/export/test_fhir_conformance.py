"""Our own checks of the SHALLs the export claims: US Core 6.1 and the HL7 MCC eCare Plan IG 1.0.0.
Each rule is a FHIRPath expression (evaluated with fhirpathpy) that must be true for every resource
of its type in the demo practice's export; each rule names the profile element it comes from."""

from __future__ import annotations

import json

import pytest
from fhirpathpy import evaluate

from tests.export.test_fhir import ALL_TOLD, by_type  # noqa: F401 - the chart fixture's helpers
from workbench import records as r
from workbench.export.fhir import export_fhir
from workbench.export.fhir_clinical import CUSTODIAN, PROFILES

#: (resource type, what the IG says, FHIRPath that must be true)
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
    ("Provenance", "US Core Provenance: target, recorded, agent.who", "target.exists() and recorded.exists() "
     "and agent.all(who.exists())"),
    ("Provenance", "US Core 6.1 provenance-1: onBehalfOf SHALL be present when agent.who is a Practitioner "
     "(resolved in the bundle), and it names the bundle's Organization",
     "agent.all((who.reference in %practitioners) implies (onBehalfOf.reference in %organizations))"),
    ("Organization", "US Core Organization: active and name", "active = true and name.exists()"),
    ("ServiceRequest", "US Core ServiceRequest: status, intent, code, subject", "status.exists() and "
     "intent.exists() and code.exists() and subject.exists()"),
    ("Patient", "US Core Patient: identifier, name, gender", "identifier.exists() and name.exists() and gender.exists()"),
]


def _env(bundle: dict) -> dict:
    """The FHIRPath variables of one bundle: %patient, and the fullUrls of its Practitioners and
    Organizations (fhirpathpy does not resolve() references inside a Bundle)."""
    urls = {k: [e["fullUrl"] for e in bundle["entry"] if e["resource"]["resourceType"] == k]
            for k in ("Patient", "Practitioner", "Organization")}
    return {"patient": urls["Patient"][0], "practitioners": urls["Practitioner"], "organizations": urls["Organization"]}


@pytest.fixture
def demo_bundles(wb, tmp_path):
    """Every live patient's bundle, after a care plan, a caregiver and a social need on P00001."""
    from datetime import date

    plan = r.CarePlan(problem_list="HTN; DM", goals=(r.Goal("A1c under 8", "A1c", "< 8 %", date(2027, 5, 1)),
                                                     r.Goal("Walk daily", status="completed")),
                      interventions=(r.Intervention("Monthly call", "care manager", "monthly"),))
    wb.revise_care_plan("P00001", plan, 0, "Initial plan")
    wb.add_barrier("P00001", "transportation", "No ride")
    paths = export_fhir(wb, tmp_path / "out")
    return [json.loads(p.read_text()) for p in paths]


@pytest.mark.parametrize("kind,rule,expr", RULES, ids=[x[1][:60] for x in RULES])
def test_every_resource_meets_the_rule(demo_bundles, kind, rule, expr):
    seen = 0
    for bundle in demo_bundles:
        for e in bundle["entry"]:
            if e["resource"]["resourceType"] == kind:
                seen += 1
                assert evaluate(e["resource"], expr, _env(bundle)) == [True], (rule, e["resource"]["id"])
    assert seen, f"no {kind} in the export: the rule '{rule}' was not exercised"


def test_every_resource_claims_its_profiles(demo_bundles):
    unprofiled = {"Consent", "Task"}  # no US Core profile for these
    for bundle in demo_bundles:
        for e in bundle["entry"]:
            res = e["resource"]
            if res["resourceType"] in unprofiled or res["resourceType"] == "Observation":
                continue
            assert res["meta"]["profile"] == PROFILES[res["resourceType"]], res["resourceType"]


def test_a_violation_is_caught(demo_bundles):
    """The rules can fail: a CarePlan with activity.detail breaks the MCC rule."""
    plan = next(e["resource"] for e in demo_bundles[0]["entry"] if e["resource"]["resourceType"] == "CarePlan")
    bad = dict(plan, activity=[{"detail": {"status": "in-progress", "description": "x"}}])
    assert evaluate(bad, "activity.detail.empty()") == [False]


def test_a_provenance_without_on_behalf_of_is_caught(demo_bundles):
    """provenance-1 can fail: the author's agent without onBehalfOf breaks it."""
    expr = next(x[2] for x in RULES if "provenance-1" in x[1])
    bundle = next(b for b in demo_bundles if any(e["resource"]["resourceType"] == "Provenance" for e in b["entry"]))
    prov = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Provenance")
    assert evaluate(prov, expr, _env(bundle)) == [True]
    bad = dict(prov, agent=[{k: v for k, v in a.items() if k != "onBehalfOf"} for a in prov["agent"]])
    assert evaluate(bad, expr, _env(bundle)) == [False]
    elsewhere = dict(prov, agent=[dict(a, onBehalfOf={"reference": "urn:uuid:not-in-the-bundle"}) for a in prov["agent"]])
    assert evaluate(elsewhere, expr, _env(bundle)) == [False]
