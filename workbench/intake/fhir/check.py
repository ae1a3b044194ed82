"""Checking FHIR input before anything is written: each resource parsed by the ``fhir.resources``
R4B models (the R4 shape: fhir.resources' top-level package is R5), its code systems known, its
patient present (in the input or already in the record). Every problem is a sentence naming the
entry and the field; the caller refuses the whole input when there is any.
"""

from __future__ import annotations

from functools import cache

from . import resources as res_
from .plans import PLAN_KINDS
from .plans import SUBJECT as PLAN_SUBJECT
from .read import Entry

#: resource types this import reads into the record; any other FHIR type is counted as "not read"
READ = ("Patient", "Condition", "MedicationRequest", "AllergyIntolerance", "Observation", "Immunization",
        *PLAN_KINDS)
#: the element each read type codes its subject with
CODED = {"Condition": "code", "Observation": "code", "MedicationRequest": "medicationCodeableConcept",
         "Immunization": "vaccineCode", "AllergyIntolerance": "code"}
SUBJECT = {"Condition": "subject", "Observation": "subject", "MedicationRequest": "subject",
           "Immunization": "patient", "AllergyIntolerance": "patient", **PLAN_SUBJECT}


@cache
def _model(kind: str):
    from fhir.resources.R4B import get_fhir_model_class

    try:
        return get_fhir_model_class(kind)
    except (ValueError, KeyError):
        return None


def _loc(loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def check_entry(e: Entry) -> list[str]:
    """The problems of one resource (empty when it may be read)."""
    from pydantic import ValidationError

    kind = e.kind
    if not kind:
        return [f"{e.where}: no resourceType."]
    model = _model(kind)
    if model is None:
        return [f"{e.where}: resourceType {kind!r} is not a FHIR R4 resource type."]
    if not e.rid:
        return [f"{e.name()}: no id (every resource needs one, so that a re-import can recognise it)."]
    if len(e.rid) > 56:
        return [f"{e.name()}: id is longer than 56 characters."]
    try:
        model.model_validate(e.resource)
    except ValidationError as err:
        return [f"{e.name()}: {_loc(x['loc']) or 'resource'}: {x['msg'].removeprefix('Value error, ')}."
                for x in err.errors()[:5]]
    if kind in CODED:
        return [f"{e.name()}: {p}" for p in res_.unknown_systems(kind, CODED[kind], e.resource.get(CODED[kind]))]
    return []


def subject_of(e: Entry, urls: dict[str, str]) -> str | None:
    """The FHIR Patient id a read resource belongs to (``urls``: Bundle fullUrl -> Patient id)."""
    ref = res_.patient_ref(e.resource.get(SUBJECT[e.kind]))
    return urls.get(ref, ref) or None
