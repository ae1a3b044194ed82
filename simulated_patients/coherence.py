"""A rule-based clinical coherence check of simulated patients.

A generated patient must read like a real chart: no two medicines of a class that is never
doubled, no medicine the patient's conditions or labs contraindicate, the monitoring a high-risk
medicine needs, a diagnosis its own labs do not contradict, and no value a laboratory would not
report. Each rule cites its source; the rules are deliberately few and unambiguous (a finding is
a chart a clinician would question, not a matter of style).

Sources:
- duplicate classes, ACE inhibitor with an ARB or sacubitril/valsartan: ACC/AHA/HFSA 2022 heart
  failure guideline (dual RAAS blockade; the 36-hour ACE-inhibitor washout in the Entresto label);
- metformin with eGFR < 30: FDA drug safety communication on metformin labeling (2016);
- spironolactone with eGFR < 30 and alendronate with eGFR < 35: their US labels;
- NSAIDs with CKD stage 4-5 (eGFR < 30), heart failure or an anticoagulant: AGS Beers Criteria 2023
  and the ACC/AHA/HFSA 2022 guideline;
- warfarin with no INR in the last 3 months: CHEST antithrombotic guideline (INR at least every
  12 weeks in stable patients);
- untreated hyperlipidemia with LDL < 70 mg/dL, and a urine albumin/creatinine ratio of exactly 0.

    findings = check_patient(bundle, today)        # [Finding(patient_id, rule, detail)]
    findings = check_panel(bundles, today)         # every patient's findings
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

#: Medicine classes, by a word of the medicine's name (lower case).
CLASS_OF_WORD: dict[str, str] = {
    **dict.fromkeys(("metoprolol", "carvedilol", "atenolol", "bisoprolol", "propranolol", "nebivolol",
                     "labetalol"), "beta_blocker"),
    **dict.fromkeys(("lisinopril", "enalapril", "ramipril", "benazepril", "quinapril", "captopril"),
                    "ace_inhibitor"),
    **dict.fromkeys(("losartan", "irbesartan", "olmesartan", "candesartan", "telmisartan"), "arb"),
    "sacubitril": "arni",
    **dict.fromkeys(("atorvastatin", "simvastatin", "rosuvastatin", "pravastatin", "lovastatin"), "statin"),
    **dict.fromkeys(("sertraline", "fluoxetine", "citalopram", "escitalopram", "paroxetine"), "ssri"),
    **dict.fromkeys(("warfarin", "apixaban", "rivaroxaban", "dabigatran", "edoxaban"), "anticoagulant"),
    **dict.fromkeys(("naproxen", "ibuprofen", "meloxicam", "diclofenac", "celecoxib", "indomethacin"), "nsaid"),
    **dict.fromkeys(("glipizide", "glyburide", "glimepiride"), "sulfonylurea"),
    **dict.fromkeys(("omeprazole", "pantoprazole", "esomeprazole", "lansoprazole"), "ppi"),
    "metformin": "metformin", "spironolactone": "mra", "eplerenone": "mra",
    "alendronic": "bisphosphonate", "alendronate": "bisphosphonate", "gabapentin": "gabapentin",
}
#: Classes a patient takes one medicine of at most.
SINGLE_CLASSES = frozenset({"beta_blocker", "ace_inhibitor", "arb", "arni", "statin", "ssri", "anticoagulant",
                            "nsaid", "sulfonylurea", "ppi", "mra", "bisphosphonate"})
#: Classes that do not go together (dual RAAS blockade; ACE inhibitor with sacubitril/valsartan).
EXCLUSIVE_CLASSES = (frozenset({"ace_inhibitor", "arb"}), frozenset({"ace_inhibitor", "arni"}),
                     frozenset({"arb", "arni"}))
#: Lowest eGFR (mL/min/1.73 m2) at which each class may be on the list.
EGFR_FLOOR = {"metformin": 30, "mra": 30, "bisphosphonate": 35, "nsaid": 30}
#: Highest gabapentin daily dose (mg) below eGFR 30 (label: 200-700 mg/day at CrCl 15-29).
GABAPENTIN_LOW_EGFR_MAX_MG = 700
LIPID_LOWERING = frozenset({"statin"})

LOINC_EGFR = "62238-1"
LOINC_LDL = "13457-7"
LOINC_UACR = "9318-7"
LOINC_INR = ("6301-6", "34714-6")
INR_WITHIN = timedelta(days=92)


@dataclass(frozen=True)
class Finding:
    patient_id: str
    rule: str
    detail: str


def drug_class(name: str) -> str | None:
    """The class of a medicine from the words of its name (None when none is known)."""
    for word in re.findall(r"[a-z]+", name.lower()):
        if word in CLASS_OF_WORD:
            return CLASS_OF_WORD[word]
    return None


_PER_DAY = {"once": 1, "twice": 2, "three times": 3, "four times": 4, "every 6 hours": 4, "every 8 hours": 3,
            "every 12 hours": 2, "at bedtime": 1}


def daily_mg(dose: str, frequency: str) -> float | None:
    """Milligrams a day from a dose like "300 mg" and a frequency like "three times daily"."""
    m = re.match(r"\s*([\d.]+)\s*mg\b", dose or "")
    if not m:
        return None
    times = next((n for words, n in _PER_DAY.items() if words in (frequency or "").lower()), None)
    return float(m.group(1)) * times if times else None


@dataclass(frozen=True)
class Facts:
    """What the rules read from one patient: current medicines, condition codes, observations."""

    patient_id: str
    meds: tuple  #: active Medication records
    codes: frozenset  #: ICD-10-CM codes
    observations: tuple  #: Observation records
    today: date

    def classes(self) -> dict[str, list]:
        out: dict[str, list] = {}
        for m in self.meds:
            c = drug_class(m.name)
            if c:
                out.setdefault(c, []).append(m)
        return out

    def latest(self, loinc) -> object | None:
        loincs = (loinc,) if isinstance(loinc, str) else loinc
        found = [o for o in self.observations if o.loinc in loincs]
        return max(found, key=lambda o: o.effective) if found else None

    def has(self, *prefixes: str) -> bool:
        return any(c.startswith(prefixes) for c in self.codes)


def facts_of(bundle, today: date) -> Facts:
    return Facts(bundle.patient.id, tuple(m for m in bundle.medications if m.status == "active"),
                 frozenset(c.icd10 for c in bundle.conditions), tuple(bundle.observations), today)


# --------------------------------------------------------------------------- the rules
def duplicate_class(f: Facts) -> list[str]:
    """Two medicines of a class taken one at a time, or classes that do not go together."""
    classes = f.classes()
    out = [f"two {c.replace('_', ' ')}s: " + " and ".join(m.name for m in ms)
           for c, ms in classes.items() if c in SINGLE_CLASSES and len({m.name for m in ms}) > 1]
    out += [" with ".join(sorted(pair)).replace("_", " ") for pair in EXCLUSIVE_CLASSES if pair <= set(classes)]
    return out


def drug_lab(f: Facts) -> list[str]:
    """A medicine below its eGFR floor; gabapentin over its low-eGFR daily maximum."""
    egfr = f.latest(LOINC_EGFR)
    if egfr is None:
        return []
    out = [f"{c} with eGFR {egfr.value:g} (< {floor})" for c, floor in EGFR_FLOOR.items()
           if c in f.classes() and egfr.value < floor]
    for m in f.classes().get("gabapentin", []):
        mg = daily_mg(m.dose, m.frequency)
        if egfr.value < 30 and mg is not None and mg > GABAPENTIN_LOW_EGFR_MAX_MG:
            out.append(f"gabapentin {mg:g} mg/day with eGFR {egfr.value:g}")
    return out


def drug_condition(f: Facts) -> list[str]:
    """An NSAID with heart failure, CKD stage 4-5 or an anticoagulant."""
    classes = f.classes()
    if "nsaid" not in classes:
        return []
    out = []
    if f.has("I50", "I11.0", "I13.0", "I13.2"):
        out.append("NSAID with heart failure")
    if f.has("N18.4", "N18.5", "N18.6"):
        out.append("NSAID with CKD stage 4-5")
    if "anticoagulant" in classes:
        out.append("NSAID with an anticoagulant")
    return out


def monitoring_due(f: Facts) -> list[str]:
    """Warfarin with no INR in the last three months."""
    if not any("warfarin" in m.name.lower() for m in f.meds):
        return []
    inr = f.latest(LOINC_INR)
    if inr is None or inr.effective < f.today - INR_WITHIN:
        return ["warfarin with no INR in the last 3 months"]
    return []


def treated_untreated(f: Facts) -> list[str]:
    """Hyperlipidemia on no lipid-lowering medicine while the latest LDL is below 70 mg/dL."""
    if not f.has("E78") or LIPID_LOWERING & set(f.classes()):
        return []
    ldl = f.latest(LOINC_LDL)
    return [f"untreated hyperlipidemia with LDL {ldl.value:g}"] if ldl is not None and ldl.value < 70 else []


def impossible_value(f: Facts) -> list[str]:
    """A value a laboratory does not report: a urine albumin/creatinine ratio of exactly 0, an
    eGFR or LDL of 0 or less."""
    return [f"{o.name} = {o.value:g}" for o in f.observations
            if (o.loinc == LOINC_UACR and o.value <= 0) or (o.loinc in (LOINC_EGFR, LOINC_LDL) and o.value <= 0)]


RULES = {"duplicate_class": duplicate_class, "drug_lab": drug_lab, "drug_condition": drug_condition,
         "monitoring_due": monitoring_due, "treated_untreated": treated_untreated,
         "impossible_value": impossible_value}


def check_facts(f: Facts) -> list[Finding]:
    return [Finding(f.patient_id, rule, detail) for rule, fn in RULES.items() for detail in fn(f)]


def check_patient(bundle, today: date) -> list[Finding]:
    """Every finding for one PatientBundle, as of ``today``."""
    return check_facts(facts_of(bundle, today))


def check_panel(bundles: Iterable, today: date) -> list[Finding]:
    return [x for b in bundles for x in check_patient(b, today)]
