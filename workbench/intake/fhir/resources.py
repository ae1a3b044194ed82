"""One FHIR R4 resource → what the CCM record keeps of it, or the problems with it.

Each reader takes a checked resource (a plain dict, already parsed by the ``fhir.resources`` R4B
models) and returns a :class:`Mapped`: the record row it becomes (``r.Patient``,
``r.Condition`` ...), or ``None`` with the outcome that says why not ("not classified",
"not active", "not read"). Problems are sentences naming the field; the caller adds the entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ... import records as r
from ...rules.codesystems import SYSTEMS
from ...rules.snomed import SNOMED_CT, icd10_for_snomed

RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
CVX = "http://hl7.org/fhir/sid/cvx"
NDC = "http://hl7.org/fhir/sid/ndc"
UNII = "http://fdasis.nlm.nih.gov"
MR_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203"

#: code systems this import knows, by element; any other system on these elements is refused
KNOWN_SYSTEMS = {
    "Condition": {SYSTEMS["icd10cm"], SNOMED_CT},
    "Observation": {SYSTEMS["loinc"]},
    "MedicationRequest": {RXNORM, NDC, SNOMED_CT},
    "Immunization": {CVX, NDC, SNOMED_CT},
    "AllergyIntolerance": {SNOMED_CT, RXNORM, UNII, NDC},
}
SYSTEM_NAMES = {SYSTEMS["icd10cm"]: "ICD-10-CM", SNOMED_CT: "SNOMED CT", SYSTEMS["loinc"]: "LOINC",
                RXNORM: "RxNorm", CVX: "CVX", NDC: "NDC", UNII: "UNII"}

#: LOINC code -> (name, kind) of the observations the record keeps (care gaps and trends read them)
LOINC = {
    "8480-6": ("Systolic blood pressure", "bp"), "8462-4": ("Diastolic blood pressure", "bp"),
    "29463-7": ("Body weight", "weight"), "4548-4": ("Hemoglobin A1c", "a1c"),
    "62238-1": ("eGFR (CKD-EPI)", "egfr"), "33914-3": ("eGFR (MDRD)", "egfr"),
    "48642-3": ("eGFR (non-Black)", "egfr"), "48643-1": ("eGFR (Black)", "egfr"),
    "98979-8": ("eGFR (CKD-EPI 2021)", "egfr"), "69405-9": ("eGFR", "egfr"),
    "13457-7": ("LDL cholesterol (calculated)", "ldl"), "18262-6": ("LDL cholesterol (direct)", "ldl"),
    "2089-1": ("LDL cholesterol", "ldl"),
    "9318-7": ("Albumin/creatinine ratio (urine)", "uacr"), "14959-1": ("Microalbumin/creatinine ratio (urine)", "uacr"),
    "32294-1": ("Albumin/creatinine ratio (urine)", "uacr"),
    # the other monitoring values the chart's trends show (simulated_patients/catalog/observations.yaml)
    "8867-4": ("Heart rate", "trend"), "59408-5": ("Oxygen saturation (pulse oximetry)", "trend"),
    "3016-3": ("TSH", "trend"), "718-7": ("Hemoglobin", "trend"), "6301-6": ("INR", "trend"),
    "20447-9": ("HIV-1 RNA (viral load)", "trend"), "72514-3": ("Pain severity (0-10)", "trend"),
    "2857-1": ("PSA", "trend"), "44261-6": ("PHQ-9 total score", "trend"),
}
BP_PANELS = {"85354-9", "55284-4"}  #: blood pressure panels: systolic and diastolic as components
SEX = {"female": "F", "male": "M", "other": "X", "unknown": "X"}


@dataclass
class Mapped:
    kind: str  #: FHIR resource type
    rid: str  #: resource id (a blood-pressure component: "<id>#<LOINC>")
    patient_ref: str  #: the FHIR Patient id it belongs to
    row: object | None  #: the record's dataclass, or None
    outcome: str = "imported"  #: imported | not classified | not active | not read
    codings: list[dict] = field(default_factory=list)
    why: str = ""  #: for an outcome other than imported
    counted: bool = True  #: False for a blood-pressure panel's second component (one resource, one count)


def codings_of(concept: dict | None) -> list[dict]:
    return [{"system": c.get("system", ""), "code": c.get("code", ""), "display": c.get("display", "")}
            for c in (concept or {}).get("coding") or []]


def unknown_systems(kind: str, element: str, concept: dict | None) -> list[str]:
    known = KNOWN_SYSTEMS[kind]
    out = []
    for i, c in enumerate((concept or {}).get("coding") or []):
        if c.get("system") not in known:
            names = ", ".join(sorted(SYSTEM_NAMES.get(s, s) for s in known))
            out.append(f"{element}.coding[{i}].system {c.get('system')!r} is not a code system this import "
                       f"reads here ({names}).")
    return out


def _first(concept: dict | None, system: str) -> dict | None:
    return next((c for c in (concept or {}).get("coding") or [] if c.get("system") == system), None)


def _text(concept: dict | None) -> str:
    if not concept:
        return ""
    return concept.get("text") or next((c.get("display") for c in concept.get("coding") or []
                                        if c.get("display")), "") or ""


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value[:10]) if value and len(value) >= 10 else None


def patient_ref(ref: dict | None) -> str:
    """The Patient id of ``{"reference": "Patient/123"}`` or a ``urn:uuid:`` reference."""
    text = (ref or {}).get("reference", "") or ""
    if text.startswith("Patient/"):
        return text[len("Patient/"):]
    return text  # urn:uuid:..., resolved against the fullUrls by the caller


def record_id(res: dict) -> str:
    """The record's patient id: the workbench's own identifier, else the MRN, else the FHIR id
    (a UUID without its dashes: 32 characters)."""
    ids = res.get("identifier") or []
    own = next((i.get("value") for i in ids if i.get("system") == SYSTEMS["local"]), None)
    mrn = next((i.get("value") for i in ids
                if any(c.get("code") == "MR" for c in ((i.get("type") or {}).get("coding") or []))), None)
    for value in (own, mrn, res.get("id")):
        if value and len(value) <= 32:
            return value
        if value and len(value) == 36 and value.count("-") == 4:
            return value.replace("-", "")
    return str(res.get("id", ""))[:32]


def patient(res: dict) -> Mapped:
    names = res.get("name") or [{}]
    name = next((n for n in names if n.get("use") == "official"), names[0])
    first = " ".join(name.get("given") or []) or name.get("text", "").split(" ")[0]
    last = name.get("family") or (name.get("text", "").split(" ")[-1] if name.get("text") else "")
    phone = next((t.get("value", "") for t in res.get("telecom") or [] if t.get("system") == "phone"), "")
    email = next((t.get("value", "") for t in res.get("telecom") or [] if t.get("system") == "email"), "")
    addr = (res.get("address") or [{}])[0]
    address = addr.get("text") or ", ".join(x for x in [*(addr.get("line") or []), addr.get("city", ""),
                                                         " ".join(x for x in (addr.get("state", ""),
                                                                              addr.get("postalCode", "")) if x)]
                                             if x)
    lang = (res.get("communication") or [{}])[0].get("language")
    language = _text(lang) or next((c.get("code") for c in (lang or {}).get("coding") or []), "") or "English"
    mbi = next((i.get("value", "") for i in res.get("identifier") or [] if i.get("system") == SYSTEMS["mbi"]), "")
    died = res.get("deceasedDateTime")
    contacts = tuple(r.Person(name=(c.get("name") or {}).get("text", "") or " ".join(
        [*((c.get("name") or {}).get("given") or []), (c.get("name") or {}).get("family", "")]).strip(),
        relationship=_text((c.get("relationship") or [None])[0]),
        phone=next((t.get("value", "") for t in c.get("telecom") or [] if t.get("system") == "phone"), ""))
        for c in res.get("contact") or [])
    p = r.Patient(id=record_id(res), first_name=first, last_name=last, birth_date=res.get("birthDate"),
                  sex=SEX.get(res.get("gender", "unknown"), "X"), state=(addr.get("state") or "")[:2].upper(),
                  language=language[:64], phone=phone, email=email, address=address, member_id=mbi,
                  deceased=bool(died) or bool(res.get("deceasedBoolean")), deceased_on=_day(died),
                  emergency_contacts=tuple(c for c in contacts if c.name))
    return Mapped("Patient", res["id"], res["id"], p)


def condition(res: dict, subject: str) -> Mapped:
    status = _first(res.get("clinicalStatus"), SYSTEMS["condition-clinical"])
    codings = codings_of(res.get("code"))
    out = Mapped("Condition", res["id"], subject, None, codings=codings)
    if status and status.get("code") not in ("active", "recurrence", "relapse"):
        out.outcome, out.why = "not active", f"clinical status {status.get('code')}"
        return out
    if any(c.get("code") == "health-concern" for x in res.get("category") or [] for c in x.get("coding") or []):
        out.outcome, out.why = "not read", "a health concern (social needs are recorded with the AHC-HRSN screen)"
        return out
    onset = _day(res.get("onsetDateTime"))
    icd = _first(res.get("code"), SYSTEMS["icd10cm"])
    if icd is not None:
        out.row = r.Condition(icd.get("code", ""), display=icd.get("display") or _text(res.get("code")),
                              onset=onset)
        return out
    sct = _first(res.get("code"), SNOMED_CT)
    mapped = icd10_for_snomed(sct.get("code", "")) if sct else None
    if mapped is None:
        out.outcome = "not classified"
        out.why = "no ICD-10-CM code and a SNOMED CT concept outside the chronic-condition map"
        return out
    out.row = r.Condition(mapped[0], display=sct.get("display") or mapped[1], onset=onset)
    return out


def _dose_and_frequency(res: dict) -> tuple[str, str]:
    dosage = (res.get("dosageInstruction") or [{}])[0]
    dose = ""
    for dr in dosage.get("doseAndRate") or []:
        q = dr.get("doseQuantity")
        if q and q.get("value") is not None:
            dose = f"{q['value']:g} {q.get('unit') or q.get('code') or ''}".strip()
            break
    rep = (dosage.get("timing") or {}).get("repeat") or {}
    freq = ""
    if rep.get("frequency") and rep.get("periodUnit"):
        unit = {"h": "hour", "d": "day", "wk": "week", "mo": "month", "a": "year"}.get(rep["periodUnit"],
                                                                                     rep["periodUnit"])
        per = rep.get("period", 1)
        freq = f"{rep['frequency']} times every {per:g} {unit}" if per != 1 else f"{rep['frequency']} times a {unit}"
        if rep["frequency"] == 1:
            freq = freq.replace("1 times", "once")
    freq = freq or ((dosage.get("timing") or {}).get("code") or {}).get("text", "")
    if not dose and not freq:
        dose = dosage.get("text", "")
    return dose[:200], freq[:200]


def medication(res: dict, subject: str) -> Mapped:
    concept = res.get("medicationCodeableConcept")
    out = Mapped("MedicationRequest", res["id"], subject, None, codings=codings_of(concept))
    if res.get("status") != "active":
        out.outcome, out.why = "not active", f"status {res.get('status')}"
        return out
    if concept is None:
        out.outcome, out.why = "not read", "medicationReference (this import reads medicationCodeableConcept)"
        return out
    rx = _first(concept, RXNORM)
    dose, freq = _dose_and_frequency(res)
    why = next((c.get("code", "") for x in res.get("reasonCode") or [] for c in x.get("coding") or []
                if c.get("system") == SYSTEMS["icd10cm"]), "")
    out.row = r.Medication(name=(_text(concept) or (rx or {}).get("code", ""))[:200],
                           rxnorm=(rx or {}).get("code", ""), dose=dose, frequency=freq, indication=why)
    return out


def allergy(res: dict, subject: str) -> Mapped:
    out = Mapped("AllergyIntolerance", res["id"], subject, None, codings=codings_of(res.get("code")))
    status = _first(res.get("clinicalStatus"), "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical")
    if status and status.get("code") != "active":
        out.outcome, out.why = "not active", f"clinical status {status.get('code')}"
        return out
    reaction = (res.get("reaction") or [{}])[0]
    manifest = _text((reaction.get("manifestation") or [None])[0])
    out.row = r.Allergy(substance=_text(res.get("code"))[:200] or "unnamed substance", reaction=manifest[:200],
                        severity=reaction.get("severity") or res.get("criticality") or "")
    return out


def immunization(res: dict, subject: str) -> Mapped:
    concept = res.get("vaccineCode")
    out = Mapped("Immunization", res["id"], subject, None, codings=codings_of(concept))
    if res.get("status") != "completed":
        out.outcome, out.why = "not active", f"status {res.get('status')}"
        return out
    when = _day(res.get("occurrenceDateTime"))
    if when is None:
        out.outcome, out.why = "not read", "no occurrenceDateTime"
        return out
    cvx = _first(concept, CVX)
    out.row = r.Immunization(vaccine=_text(concept)[:64] or "vaccine", date=when, cvx=(cvx or {}).get("code", ""))
    return out


def observations(res: dict, subject: str) -> list[Mapped]:
    """The kept observations of one resource: one, two (a blood-pressure panel), or none."""
    concept = res.get("code")
    codes = [c.get("code") for c in (concept or {}).get("coding") or [] if c.get("system") == SYSTEMS["loinc"]]
    when = _day(res.get("effectiveDateTime") or (res.get("effectivePeriod") or {}).get("start")
                or res.get("issued"))
    base = Mapped("Observation", res["id"], subject, None, codings=codings_of(concept))
    if res.get("status") in ("entered-in-error", "cancelled", "registered", "preliminary"):
        base.outcome, base.why = "not active", f"status {res.get('status')}"
        return [base]
    pairs = []
    if any(c in BP_PANELS for c in codes):
        for comp in res.get("component") or []:
            loinc = next((c.get("code") for c in (comp.get("code") or {}).get("coding") or []
                          if c.get("system") == SYSTEMS["loinc"] and c.get("code") in LOINC), None)
            if loinc:
                pairs.append((f"{res['id']}#{loinc}", loinc, comp.get("valueQuantity")))
    else:
        loinc = next((c for c in codes if c in LOINC), None)
        if loinc:
            pairs.append((res["id"], loinc, res.get("valueQuantity")))
    out = []
    for n, (rid, loinc, q) in enumerate(pairs):
        m = Mapped("Observation", rid, subject, None, codings=base.codings, counted=n == 0)
        if not q or q.get("value") is None or when is None:
            m.outcome, m.why = "not read", "no valueQuantity or effective date"
        else:
            name = LOINC[loinc][0] if rid != res["id"] else (_text(concept) or LOINC[loinc][0])
            m.row = r.Observation(loinc=loinc, name=name[:200], value=float(q["value"]),
                                  unit=(q.get("unit") or q.get("code") or "")[:32], effective=when)
        out.append(m)
    if not out:
        base.outcome, base.why = "not read", "a LOINC code the record does not keep (docs/import.md, 'FHIR')"
        return [base]
    return out
