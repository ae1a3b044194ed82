"""FHIR R4 builders for the clinical lists on a chart and for the planned work of the care plan,
with the US Core 6.1 and HL7 MCC eCare Plan 1.0.0 profiles each resource claims in ``meta.profile``
(docs/reference.md, "FHIR export"). The import reads these back (workbench.intake.fhir).
"""

from __future__ import annotations

from datetime import datetime

from .. import records as r
from .fhir_build import SYSTEMS, _instant, _safe_id, dotted_icd10, ref

US_CORE = "http://hl7.org/fhir/us/core/StructureDefinition/"
MCC = "http://hl7.org/fhir/us/mcc/StructureDefinition/"
CUSTODIAN = MCC + "custodian"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
CVX = "http://hl7.org/fhir/sid/cvx"
UCUM = "http://unitsofmeasure.org"

#: resource type (or type:kind) -> the profiles it claims
PROFILES = {
    "Patient": [US_CORE + "us-core-patient"],
    "Practitioner": [US_CORE + "us-core-practitioner"],
    "Organization": [US_CORE + "us-core-organization"],
    "RelatedPerson": [US_CORE + "us-core-relatedperson"],
    "Condition": [US_CORE + "us-core-condition-problems-health-concerns"],
    "CarePlan": [MCC + "mccCarePlan", US_CORE + "us-core-careplan"],
    "Goal": [US_CORE + "us-core-goal"],
    "CareTeam": [US_CORE + "us-core-careteam"],
    "ServiceRequest": [US_CORE + "us-core-servicerequest"],
    "Provenance": [US_CORE + "us-core-provenance"],
    "MedicationRequest": [US_CORE + "us-core-medicationrequest"],
    "AllergyIntolerance": [US_CORE + "us-core-allergyintolerance"],
    "Immunization": [US_CORE + "us-core-immunization"],
    "QuestionnaireResponse": [US_CORE + "us-core-questionnaireresponse"],
    "Observation:survey": [US_CORE + "us-core-observation-screening-assessment"],
    "Observation:laboratory": [US_CORE + "us-core-observation-lab"],
    "Observation:29463-7": [US_CORE + "us-core-body-weight"],
    "Observation:85354-9": [US_CORE + "us-core-blood-pressure"],
}
LAB = {"4548-4", "62238-1", "33914-3", "48642-3", "48643-1", "98979-8", "69405-9", "13457-7", "18262-6",
       "2089-1", "9318-7", "14959-1", "32294-1"}
VITALS = {"29463-7", "8480-6", "8462-4"}


def with_profile(res: dict, key: str | None = None) -> dict:
    """``res`` with ``meta.profile`` set (nothing when no profile fits)."""
    profiles = PROFILES.get(key or res["resourceType"])
    if profiles:
        res["meta"] = {"profile": list(profiles)}
    return res


def medication(pid: str, m: r.Medication, authored: datetime, requester: str | None) -> dict:
    concept = {"coding": [{"system": RXNORM, "code": m.rxnorm, "display": m.name}] if m.rxnorm else [],
               "text": m.name}
    if not concept["coding"]:
        del concept["coding"]
    dosage = {"text": " ".join(x for x in (m.dose, m.frequency) if x) or m.name}
    out = {"resourceType": "MedicationRequest", "id": _safe_id(f"{pid}-med-{m.id}"), "status": "active",
           "intent": "order", "medicationCodeableConcept": concept, "subject": ref("Patient", pid),
           "authoredOn": _instant(authored), "dosageInstruction": [dosage]}
    if m.dose:
        dosage["doseAndRate"] = [{"doseQuantity": {"value": float(m.dose.split(" ")[0]),
                                                   "unit": m.dose.split(" ", 1)[1] if " " in m.dose else ""}}] \
            if _number(m.dose.split(" ")[0]) else []
        if not dosage["doseAndRate"]:
            del dosage["doseAndRate"]
    if m.frequency:
        dosage["timing"] = {"code": {"text": m.frequency}}
    if requester:
        out["requester"] = ref("Practitioner", requester)
    if m.indication:
        out["reasonCode"] = [{"coding": [{"system": SYSTEMS["icd10cm"], "code": dotted_icd10(m.indication)}]}]
    return with_profile(out)


def _number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def allergy(pid: str, a: r.Allergy) -> dict:
    out = {"resourceType": "AllergyIntolerance", "id": _safe_id(f"{pid}-allergy-{a.id}"),
           "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/"
                                          "allergyintolerance-clinical", "code": "active"}]},
           "verificationStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/"
                                              "allergyintolerance-verification", "code": "confirmed"}]},
           "code": {"text": a.substance}, "patient": ref("Patient", pid)}
    if a.reaction:
        out["reaction"] = [{"manifestation": [{"text": a.reaction}],
                            **({"severity": a.severity} if a.severity in ("mild", "moderate", "severe") else {})}]
    return with_profile(out)


def immunization(pid: str, i: r.Immunization) -> dict:
    concept = {"coding": [{"system": CVX, "code": i.cvx, "display": i.vaccine}] if i.cvx else [], "text": i.vaccine}
    if not concept["coding"]:
        concept["coding"] = [{"system": "http://terminology.hl7.org/CodeSystem/data-absent-reason",
                              "code": "unknown"}]
    return with_profile({"resourceType": "Immunization", "id": _safe_id(f"{pid}-imm-{i.id}"), "status": "completed",
                         "vaccineCode": concept, "patient": ref("Patient", pid),
                         "occurrenceDateTime": i.date.isoformat(), "primarySource": False})


def observation(pid: str, o: r.Observation) -> dict:
    cat = "laboratory" if o.loinc in LAB else ("vital-signs" if o.loinc in VITALS else None)
    out = {"resourceType": "Observation", "id": _safe_id(f"{pid}-obs-{o.id}"), "status": "final",
           "code": {"coding": [{"system": SYSTEMS["loinc"], "code": o.loinc, "display": o.name}], "text": o.name},
           "subject": ref("Patient", pid), "effectiveDateTime": o.effective.isoformat(),
           "valueQuantity": {"value": o.value, "unit": o.unit, "system": UCUM, "code": o.unit}}
    if cat:
        out["category"] = [{"coding": [{"system": SYSTEMS["observation-category"], "code": cat}]}]
    key = "Observation:29463-7" if o.loinc == "29463-7" else ("Observation:laboratory" if cat == "laboratory" else None)
    return with_profile(out, key) if key else out


def service_request(pid: str, i: r.Intervention, n: int, authored: datetime, requester: str) -> dict:
    """A care-plan intervention as planned work (the MCC eCare Plan puts it in activity.reference)."""
    out = {"resourceType": "ServiceRequest", "id": _safe_id(f"{pid}-intervention-{n}"), "status": "active",
           "intent": "plan", "category": [{"coding": [{"system": "http://snomed.info/sct", "code": "386053000",
                                                       "display": "Evaluation procedure"}], "text": "Care management"}],
           "code": {"text": i.description}, "subject": ref("Patient", pid), "authoredOn": _instant(authored),
           "requester": ref("Practitioner", requester)}
    if i.frequency:
        out["occurrenceTiming"] = {"code": {"text": i.frequency}}
    if i.responsible:
        out["performerType"] = {"text": i.responsible}
    return with_profile(out)


def health_concern(pid: str, b: r.Barrier, recorded: datetime) -> dict:
    """An open social need as a health concern (US Core Condition, category health-concern)."""
    concept = {"text": b.description}
    if b.z_code:
        concept["coding"] = [{"system": SYSTEMS["icd10cm"], "code": dotted_icd10(b.z_code)}]
    return with_profile({
        "resourceType": "Condition", "id": _safe_id(f"{pid}-concern-{b.id}"),
        "clinicalStatus": {"coding": [{"system": SYSTEMS["condition-clinical"], "code": "active"}]},
        "verificationStatus": {"coding": [{"system": SYSTEMS["condition-ver-status"], "code": "confirmed"}]},
        "category": [{"coding": [{"system": "http://hl7.org/fhir/us/core/CodeSystem/condition-category",
                                  "code": "health-concern", "display": "Health Concern"}]}],
        "code": concept, "subject": ref("Patient", pid), "recordedDate": _instant(recorded)})


def related_person(pid: str, c: r.Person) -> dict:
    out = {"resourceType": "RelatedPerson", "id": _safe_id(f"{pid}-caregiver"), "active": True,
           "patient": ref("Patient", pid), "name": [{"text": c.name}],
           "relationship": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-RoleCode",
                                         "code": "CAREGIVER", "display": "caregiver"}],
                             **({"text": c.relationship} if c.relationship else {})}]}
    if c.phone:
        out["telecom"] = [{"system": "phone", "value": c.phone}]
    return with_profile(out)
