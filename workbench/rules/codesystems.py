"""The code systems the record's FHIR export and import name (HL7 canonical URLs), in one table
both use: the export (workbench.export.fhir_build) and the import (workbench.intake.fhir)."""

SYSTEMS = {
    "icd10cm": "http://hl7.org/fhir/sid/icd-10-cm",
    "loinc": "http://loinc.org",
    "npi": "http://hl7.org/fhir/sid/us-npi",
    "mbi": "http://hl7.org/fhir/sid/us-mbi",
    "condition-clinical": "http://terminology.hl7.org/CodeSystem/condition-clinical",
    "condition-ver-status": "http://terminology.hl7.org/CodeSystem/condition-ver-status",
    "condition-category": "http://terminology.hl7.org/CodeSystem/condition-category",
    "careplan-category": "http://hl7.org/fhir/us/core/CodeSystem/careplan-category",
    "consentscope": "http://terminology.hl7.org/CodeSystem/consentscope",
    "consentcategory": "http://terminology.hl7.org/CodeSystem/consentcategorycodes",
    "v3-ActCode": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
    "observation-category": "http://terminology.hl7.org/CodeSystem/observation-category",
    "provenance-participant-type": "http://terminology.hl7.org/CodeSystem/provenance-participant-type",
    "local": "urn:ccm-workbench:id",
}
