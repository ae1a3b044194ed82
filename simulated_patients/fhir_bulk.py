"""A Synthea-format FHIR bulk export of a generated panel, for tests and benchmarks of the FHIR
import (docs/import.md, "FHIR").

Shaped like Synthea's FHIR R4 output as a Bulk Data ``$export`` writes it: one NDJSON file per
resource type, UUID ids, references as ``Patient/<id>``, a medical-record-number identifier,
conditions coded in SNOMED CT only where the concept is in the workbench's SNOMED CT table
(ICD-10-CM otherwise, as many EHRs send), a blood-pressure panel (LOINC 85354-9) with its two
components, medication timing in ``dosageInstruction``, an Encounter per patient (a type the import
does not read), and, to exercise every outcome, a viral sinusitis (SNOMED CT 444814009: not a
chronic condition), a resolved condition, a stopped medication, and every 25th patient deceased.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from simulated_patients import generate_panel

SNOMED = "http://snomed.info/sct"
ICD10 = "http://hl7.org/fhir/sid/icd-10-cm"
LOINC = "http://loinc.org"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
CVX = "http://hl7.org/fhir/sid/cvx"
FREQ = {"once daily": (1, 1, "d"), "twice daily": (2, 1, "d"), "three times daily": (3, 1, "d"),
        "once weekly": (1, 1, "wk"), "at bedtime": (1, 1, "d")}


def _id(seed: int, *parts) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"synthea-fixture/{seed}/" + "/".join(map(str, parts))))


def _snomed_of() -> dict[str, tuple[str, str]]:
    from workbench.rules.snomed import SNOMED_TO_ICD10

    out: dict[str, tuple[str, str]] = {}
    for sct, (icd, term) in SNOMED_TO_ICD10.items():
        out.setdefault(icd.replace(".", ""), (sct, term))
    return out


def bulk_resources(size: int, seed: int = 7) -> dict[str, list[dict]]:
    """resource type -> resources, for a generated panel of ``size`` patients."""
    panel = generate_panel(size, seed)
    snomed = _snomed_of()
    out: dict[str, list[dict]] = {k: [] for k in ("Patient", "Encounter", "Condition", "MedicationRequest",
                                                  "AllergyIntolerance", "Observation", "Immunization")}
    for n, b in enumerate(panel.patients):
        p = b.patient
        pid = _id(seed, p.id)
        ref = {"reference": f"Patient/{pid}"}
        pat = {"resourceType": "Patient", "id": pid,
               "identifier": [{"type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203",
                                                    "code": "MR"}]}, "system": "https://github.com/synthetichealth/synthea",
                               "value": pid}],
               "name": [{"use": "official", "family": p.last_name, "given": [p.first_name]}],
               "telecom": [{"system": "phone", "value": p.phone, "use": "home"}] if p.phone else [],
               "gender": {"F": "female", "M": "male"}.get(p.sex, "other"), "birthDate": p.birth_date.isoformat(),
               "address": [{"line": [p.address.split(",")[0]], "city": "Albany", "state": p.state}],
               "communication": [{"language": {"coding": [{"system": "urn:ietf:bcp:47", "code": "en-US",
                                                           "display": "English"}], "text": "English"}}]}
        if p.member_id:
            pat["identifier"].append({"system": "http://hl7.org/fhir/sid/us-mbi", "value": p.member_id})
        if n % 25 == 24:
            pat["deceasedDateTime"] = "2026-06-01T10:00:00-04:00"
        out["Patient"].append(pat)
        out["Encounter"].append({"resourceType": "Encounter", "id": _id(seed, p.id, "enc"), "status": "finished",
                                 "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
                                           "code": "AMB"}, "subject": ref})
        conds = list(b.conditions)
        for i, c in enumerate(conds):
            code = c.icd10.replace(".", "")
            coding = ({"system": SNOMED, "code": snomed[code][0], "display": snomed[code][1]} if code in snomed
                      else {"system": ICD10, "code": c.icd10, "display": c.display})
            out["Condition"].append(_condition(_id(seed, p.id, "cond", i), ref, coding, "active",
                                               c.onset.isoformat() if c.onset else None))
        out["Condition"].append(_condition(_id(seed, p.id, "sinusitis"), ref, {
            "system": SNOMED, "code": "444814009", "display": "Viral sinusitis (disorder)"}, "active", "2026-02-03"))
        if n % 3 == 0:
            out["Condition"].append(_condition(_id(seed, p.id, "resolved"), ref, {
                "system": SNOMED, "code": "10509002", "display": "Acute bronchitis (disorder)"}, "resolved",
                "2025-01-10"))
        for i, m in enumerate(b.medications):
            out["MedicationRequest"].append(_medication(_id(seed, p.id, "med", i), ref, m, "active"))
        if b.medications:
            out["MedicationRequest"].append(_medication(_id(seed, p.id, "stopped"), ref, b.medications[0], "stopped"))
        for i, a in enumerate(b.allergies):
            out["AllergyIntolerance"].append({
                "resourceType": "AllergyIntolerance", "id": _id(seed, p.id, "allergy", i), "patient": ref,
                "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/"
                                               "allergyintolerance-clinical", "code": "active"}]},
                "code": {"text": a.substance},
                **({"reaction": [{"manifestation": [{"text": a.reaction}],
                                  **({"severity": a.severity} if a.severity in ("mild", "moderate", "severe") else {})}]}
                   if a.reaction else {})})
        for i, im in enumerate(b.immunizations):
            out["Immunization"].append({
                "resourceType": "Immunization", "id": _id(seed, p.id, "imm", i), "status": "completed",
                "patient": ref, "occurrenceDateTime": im.date.isoformat(),
                "vaccineCode": {"coding": [{"system": CVX, "code": im.cvx or "141", "display": im.vaccine}],
                                "text": im.vaccine}})
        out["Observation"] += _observations(seed, p.id, ref, b.observations)
    return out


def _condition(rid, ref, coding, status, onset) -> dict:
    res = {"resourceType": "Condition", "id": rid,
           "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                                          "code": status}]},
           "verificationStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/"
                                              "condition-ver-status", "code": "confirmed"}]},
           "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-category",
                                     "code": "encounter-diagnosis"}]}],
           "code": {"coding": [coding], "text": coding["display"]}, "subject": ref}
    if onset:
        res["onsetDateTime"] = onset
    return res


def _medication(rid, ref, m, status) -> dict:
    dosage: dict = {"sequence": 1, "text": f"{m.dose} {m.frequency}".strip()}
    if m.frequency in FREQ:
        f, per, unit = FREQ[m.frequency]
        dosage["timing"] = {"repeat": {"frequency": f, "period": per, "periodUnit": unit}}
    value = m.dose.split(" ")[0] if m.dose else ""
    if value.replace(".", "", 1).isdigit():
        dosage["doseAndRate"] = [{"doseQuantity": {"value": float(value), "unit": m.dose.split(" ", 1)[1]
                                                   if " " in m.dose else ""}}]
    return {"resourceType": "MedicationRequest", "id": rid, "status": status, "intent": "order",
            "medicationCodeableConcept": {"coding": [{"system": RXNORM, "code": m.rxnorm, "display": m.name}],
                                          "text": m.name},
            "subject": ref, "authoredOn": "2025-11-01", "dosageInstruction": [dosage]}


def _observations(seed, pid, ref, observations) -> list[dict]:
    out, bp = [], {}
    for i, o in enumerate(observations):
        if o.loinc in ("8480-6", "8462-4"):
            bp.setdefault(o.effective, {})[o.loinc] = o
            continue
        out.append({"resourceType": "Observation", "id": _id(seed, pid, "obs", i), "status": "final",
                    "code": {"coding": [{"system": LOINC, "code": o.loinc, "display": o.name}], "text": o.name},
                    "subject": ref, "effectiveDateTime": o.effective.isoformat(),
                    "valueQuantity": {"value": o.value, "unit": o.unit, "system": "http://unitsofmeasure.org",
                                      "code": o.unit}})
    for day, pair in sorted(bp.items()):
        out.append({"resourceType": "Observation", "id": _id(seed, pid, "bp", day), "status": "final",
                    "code": {"coding": [{"system": LOINC, "code": "85354-9", "display": "Blood pressure panel"}]},
                    "subject": ref, "effectiveDateTime": day.isoformat(),
                    "component": [{"code": {"coding": [{"system": LOINC, "code": k, "display": o.name}]},
                                   "valueQuantity": {"value": o.value, "unit": "mm[Hg]"}}
                                  for k, o in sorted(pair.items(), reverse=True)]})
    return out


def write_bulk_export(folder, size: int, seed: int = 7) -> dict[str, int]:
    """Write ``<Type>.ndjson`` files into ``folder``; returns resources per type."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    counts = {}
    for kind, items in bulk_resources(size, seed).items():
        with (folder / f"{kind}.ndjson").open("w", encoding="utf-8") as fh:
            for res in items:
                fh.write(json.dumps(res, separators=(",", ":")) + "\n")
        counts[kind] = len(items)
    return counts
