"""FHIR R4 export (docs/reference.md, "FHIR export"), on SQLite and PostgreSQL.

Every resource is validated with the fhir.resources R4B models, and the codes are checked here
because the library checks structure only: code systems, status values, ICD-10-CM codes (against
the ICD-10-CM tabular list), LOINC codes (their check digits and the PHQ-9 meaning), references.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
import simple_icd_10_cm as icd
from fhir.resources.R4B import get_fhir_model_class

from workbench import records as r
from workbench.cli import main
from workbench.errors import NotFound
from workbench.export.fhir import export_fhir
from workbench.rules.identifiers import luhn_digit

ALL_TOLD = dict.fromkeys(r.CONSENT_DISCLOSURES, True)
PHQ = [1, 2, 1, 0, 3, 1, 0, 2, 1]  # total 11, item 9 above 0: an escalation opens
LOINC_PHQ9_ITEMS = ["44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3", "44260-8"]
STATUS = {
    "CarePlan": {"draft", "active", "on-hold", "revoked", "completed", "entered-in-error", "unknown"},
    "Consent": {"draft", "proposed", "active", "rejected", "inactive", "entered-in-error"},
    "QuestionnaireResponse": {"in-progress", "completed", "amended", "entered-in-error", "stopped"},
    "Observation": {"registered", "preliminary", "final", "amended", "corrected", "cancelled", "entered-in-error",
                    "unknown"},
    "Task": {"draft", "requested", "received", "accepted", "rejected", "ready", "cancelled", "in-progress",
             "on-hold", "failed", "completed", "entered-in-error"},
    "CareTeam": {"proposed", "active", "suspended", "inactive", "entered-in-error"},
}


@pytest.fixture
def chart(wb):
    """P00001 with consent, a care plan with goals and interventions, a PHQ-9 (escalation), a social
    need and a billing practitioner with an NPI."""
    wb.as_user("S004").set_npi("S005", "1234567893")
    wb.record_consent("P00001", "verbal", date(2026, 11, 2), ALL_TOLD, billing_practitioner_id="S005")
    plan = r.CarePlan(problem_list="Hypertension; type 2 diabetes",
                      goals=(r.Goal("Bring A1c under 8", "A1c", "< 8 %", date(2027, 5, 1)),
                             r.Goal("Walk 20 minutes a day")),
                      interventions=(r.Intervention("Monthly check-in call", "care manager", "monthly"),))
    wb.revise_care_plan("P00001", plan, 0, "Initial plan")
    wb.record_phq("P00001", "PHQ-9", PHQ)
    wb.add_barrier("P00001", "transportation", "No ride to the eye exam")
    return wb


def bundle_of(wb, tmp_path, pid="P00001") -> dict:
    (path,) = export_fhir(wb, tmp_path / "fhir", patient_id=pid)
    assert path.name == f"{pid}.json"
    return json.loads(path.read_text(encoding="utf-8"))


def by_type(bundle: dict) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for e in bundle["entry"]:
        out.setdefault(e["resource"]["resourceType"], []).append(e["resource"])
    return out


def loinc_ok(code: str) -> bool:
    body, _, check = code.partition("-")
    return body.isdigit() and luhn_digit(body) == check


def test_every_resource_validates_with_r4b(chart, tmp_path) -> None:
    bundle = bundle_of(chart, tmp_path)
    get_fhir_model_class("Bundle").model_validate(bundle)
    for e in bundle["entry"]:
        get_fhir_model_class(e["resource"]["resourceType"]).model_validate(e["resource"])
    kinds = set(by_type(bundle))
    assert kinds >= {"Patient", "Practitioner", "Condition", "CarePlan", "Goal", "CareTeam", "Consent",
                     "QuestionnaireResponse", "Observation", "Task", "Provenance"}


def test_references_resolve_inside_the_bundle(chart, tmp_path) -> None:
    bundle = bundle_of(chart, tmp_path)
    urls = [e["fullUrl"] for e in bundle["entry"]]
    assert len(urls) == len(set(urls)) and all(u.startswith("urn:uuid:") for u in urls)

    def refs(node):
        if isinstance(node, dict):
            if isinstance(node.get("reference"), str):
                yield node["reference"]
            for v in node.values():
                yield from refs(v)
        elif isinstance(node, list):
            for v in node:
                yield from refs(v)

    found = list(refs(bundle))
    assert found and set(found) <= set(urls)


def test_patient_and_practitioner_identifiers(chart, tmp_path) -> None:
    res = by_type(bundle_of(chart, tmp_path))
    (patient,) = res["Patient"]
    assert patient["gender"] == "female" and patient["birthDate"] == "1950-03-04"
    pract = {p["id"]: p for p in res["Practitioner"]}
    npi = [i for i in pract["S005"]["identifier"] if i["system"] == "http://hl7.org/fhir/sid/us-npi"]
    assert npi == [{"system": "http://hl7.org/fhir/sid/us-npi", "value": "1234567893"}]


def test_conditions_are_problem_list_icd10cm(chart, tmp_path) -> None:
    every = by_type(bundle_of(chart, tmp_path))["Condition"]
    conds = [c for c in every if c["category"][0]["coding"][0]["code"] != "health-concern"]
    (concern,) = [c for c in every if c not in conds]  # the open social need (no ride)
    assert concern["category"][0]["coding"][0]["system"] == "http://hl7.org/fhir/us/core/CodeSystem/condition-category"
    assert "No ride" in concern["code"]["text"] and icd.is_valid_item(concern["code"]["coding"][0]["code"])
    codes = []
    for c in conds:
        assert c["recordedDate"].startswith("2026-11-10")
        assert c["category"][0]["coding"][0] == {"system": "http://terminology.hl7.org/CodeSystem/condition-category",
                                                 "code": "problem-list-item", "display": "Problem List Item"}
        assert c["clinicalStatus"]["coding"][0]["system"] == \
            "http://terminology.hl7.org/CodeSystem/condition-clinical"
        assert c["clinicalStatus"]["coding"][0]["code"] in {"active", "recurrence", "relapse", "inactive",
                                                            "remission", "resolved"}
        coding = c["code"]["coding"][0]
        assert coding["system"] == "http://hl7.org/fhir/sid/icd-10-cm"
        assert icd.is_valid_item(coding["code"]) and icd.is_leaf(coding["code"])  # billable, most specific
        codes.append(coding["code"])
    assert sorted(codes) == ["E11.9", "I10"]


def test_care_plan_us_core_assess_plan(chart, tmp_path) -> None:
    res = by_type(bundle_of(chart, tmp_path))
    (plan,) = res["CarePlan"]
    assert plan["category"] == [{"coding": [{"system": "http://hl7.org/fhir/us/core/CodeSystem/careplan-category",
                                             "code": "assess-plan"}]}]
    assert plan["status"] in STATUS["CarePlan"] and plan["intent"] == "plan"
    assert plan["text"]["status"] == "generated" and plan["text"]["div"].startswith("<div xmlns=")
    assert len(plan["addresses"]) == len(res["Condition"]) and len(plan["goal"]) == 2
    assert all("detail" not in a for a in plan["activity"])  # MCC eCare Plan: activity.reference only
    urls = {e["fullUrl"]: e["resource"] for e in bundle_of(chart, tmp_path)["entry"]}
    planned = [urls[a["reference"]["reference"]] for a in plan["activity"]]
    assert [x["code"]["text"] for x in planned if x["resourceType"] == "ServiceRequest"] == ["Monthly check-in call"]
    assert [x["resourceType"] for x in planned if x["resourceType"] != "ServiceRequest"] == ["Task"]  # the ride
    goals = {g["description"]["text"]: g for g in res["Goal"]}
    assert goals["Bring A1c under 8"]["target"] == [{"measure": {"text": "A1c"}, "detailString": "< 8 %",
                                                    "dueDate": "2027-05-01"}]
    assert all(g["startDate"] == "2026-11-10" and g["achievementStatus"]["coding"][0]["code"] == "in-progress"
               for g in goals.values())
    assert all(g["lifecycleStatus"] == "active" for g in goals.values())


def test_consent_codes(chart, tmp_path) -> None:
    (consent,) = by_type(bundle_of(chart, tmp_path))["Consent"]
    assert consent["status"] == "active" and consent["status"] in STATUS["Consent"]
    assert consent["scope"]["coding"][0] == {"system": "http://terminology.hl7.org/CodeSystem/consentscope",
                                             "code": "treatment"}
    loinc = consent["category"][0]["coding"][0]
    assert loinc["system"] == "http://loinc.org" and loinc["code"] == "59284-0" and loinc_ok(loinc["code"])
    assert consent["provision"]["period"] == {"start": "2026-11-02"}


def test_revoked_consent_is_inactive_until_month_end(chart, tmp_path) -> None:
    chart.revoke_consent("P00001", date(2026, 11, 9), "Too many calls")
    (consent,) = by_type(bundle_of(chart, tmp_path))["Consent"]
    assert consent["status"] == "inactive" and consent["provision"]["period"]["end"] == "2026-11-30"


def test_phq9_questionnaire_and_total(chart, tmp_path) -> None:
    res = by_type(bundle_of(chart, tmp_path))
    (qr,) = res["QuestionnaireResponse"]
    assert qr["questionnaire"] == "http://loinc.org/q/44249-1" and qr["status"] == "completed"
    assert [i["linkId"] for i in qr["item"]] == LOINC_PHQ9_ITEMS
    assert [i["answer"][0]["valueInteger"] for i in qr["item"]] == PHQ
    (obs,) = res["Observation"]
    assert obs["code"]["coding"][0]["system"] == "http://loinc.org"
    assert obs["code"]["coding"][0]["code"] == "44261-6" and obs["valueInteger"] == sum(PHQ)
    assert obs["status"] in STATUS["Observation"]
    assert obs["category"][0]["coding"][0] == {"system": "http://terminology.hl7.org/CodeSystem/observation-category",
                                               "code": "survey"}
    assert all(loinc_ok(c) for c in [*LOINC_PHQ9_ITEMS, "44249-1", "44261-6"])


def test_follow_up_tasks(chart, tmp_path) -> None:
    tasks = by_type(bundle_of(chart, tmp_path))["Task"]
    assert all(t["status"] in STATUS["Task"] for t in tasks)
    escalation = [t for t in tasks if t["id"].startswith("P00001-escalation-")]
    assert len(escalation) == 1 and escalation[0]["status"] == "in-progress"
    assert escalation[0]["priority"] in {"routine", "urgent", "asap", "stat"}
    barrier = [t for t in tasks if t["id"].startswith("P00001-barrier-")]
    assert barrier[0]["status"] == "requested" and "No ride" in barrier[0]["description"]
    z = barrier[0]["reasonCode"]["coding"][0]
    assert z["system"] == "http://hl7.org/fhir/sid/icd-10-cm" and icd.is_valid_item(z["code"])


def test_one_provenance_per_authored_resource(chart, tmp_path) -> None:
    res = by_type(bundle_of(chart, tmp_path))
    authors = {p["agent"][0]["who"]["reference"] for p in res["Provenance"]}
    assert len(authors) == 1  # S001 wrote the consent, plan, PHQ-9 and escalation
    assert all(p["agent"][0]["type"]["coding"][0]["code"] == "author" for p in res["Provenance"])
    targets = [t["reference"] for p in res["Provenance"] for t in p["target"]]
    assert all(len(p["target"]) == 1 for p in res["Provenance"]) and len(targets) == len(set(targets))
    urls = {e["resource"]["resourceType"]: e["fullUrl"] for e in bundle_of(chart, tmp_path)["entry"]}
    assert {urls["CarePlan"], urls["Consent"], urls["QuestionnaireResponse"], urls["Goal"]} <= set(targets)


def test_cli_all_and_one(chart, db_url, tmp_path, capsys) -> None:
    assert main(["export", "fhir", "--all", "--out", str(tmp_path / "all"), "--db", db_url]) == 0
    assert sorted(p.name for p in (tmp_path / "all").iterdir()) == ["P00001.json", "P00002.json"]
    assert main(["export", "fhir", "--patient", "P00002", "--out", str(tmp_path / "one"), "--db", db_url]) == 0
    assert [p.name for p in (tmp_path / "one").iterdir()] == ["P00002.json"]
    assert main(["export", "fhir", "--patient", "P09999", "--out", str(tmp_path / "none"), "--db", db_url]) == 2
    assert not (tmp_path / "none").exists()  # nothing half written
    assert "P09999" in capsys.readouterr().err


def test_unknown_patient_refused(chart, tmp_path) -> None:
    with pytest.raises(NotFound):
        export_fhir(chart, tmp_path / "x", patient_id="P09999")
