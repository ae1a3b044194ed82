"""Clinical facts for one simulated patient: conditions, medicines, observations,
screenings, immunizations and allergies, all consistent with each other.

- every medicine comes from the catalog line of one of the patient's conditions and
  carries that condition's ICD-10-CM code as ``indication``; one medicine per class, none its
  conditions or labs contraindicate, warfarin with its INRs (``simulated_patients.coherence``);
- observations follow the conditions (A1c for diabetes, blood pressure for hypertension,
  weight for heart failure, eGFR for CKD ...), over the 12 months before ``start``, and
  never leave the physiological limits of observations.yaml;
- screenings follow the care gaps of docs/reference.md ("Care gaps"), with
  realistic shares left overdue.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from functools import cache

from simulated_patients._rand import between, normal, weighted_pick
from simulated_patients.catalog import Catalog, ConditionSpec, ObservationSpec, load_catalog
from simulated_patients.calibration import SubsetModel, subset_model
from simulated_patients import coherence
from workbench.records import Allergy, Condition, Immunization, Medication, Observation, Screening

YEAR = 365


@dataclass(frozen=True)
class Tables:
    """Catalog lookups prepared once for the hot loop."""

    catalog: Catalog
    model: SubsetModel
    others: tuple[ConditionSpec, ...]
    obs: dict[str, ObservationSpec]
    allergies: tuple[tuple[str, str, str, float], ...]
    immunizations: tuple[tuple[str, str, float, str], ...]
    screenings: dict[str, dict]
    displays: dict[str, str]  #: ICD-10-CM code -> display
    others_factor: tuple[float, ...] = ()  #: rate multiplier of the others, by count of the ten


def others_factor(count_distribution, few_factor: float) -> tuple[float, ...]:
    """Multiplier of the other conditions' rates by the number of the ten a patient has:
    ``few_factor`` for 0 or 1, and for 2+ the value that keeps the panel-wide average at 1
    (so each other condition keeps its overall rate, before age, sex and boosts)."""
    total = sum(count_distribution)
    few = sum(count_distribution[:2]) / total
    if not 0 <= few_factor <= 1 or few >= 1:
        raise ValueError("others_few_factor must be between 0 and 1")
    many = (1 - few * few_factor) / (1 - few)
    return tuple(few_factor if k <= 1 else many for k in range(len(count_distribution)))


@cache
def tables() -> Tables:
    cat = load_catalog()
    pop = cat.population
    return Tables(
        catalog=cat,
        model=subset_model(),
        others=cat.others,
        obs=cat.observations,
        allergies=tuple((a["substance"], a["reaction"], a["severity"], float(a["rate"])) for a in pop["allergies"]),
        immunizations=tuple((i["vaccine"], str(i["cvx"]), float(i["rate"]), i["window"]) for i in pop["immunizations"]),
        screenings=dict(pop["screenings"]),
        displays={c.code: c.display for spec in cat.conditions.values() for c in spec.codes},
        others_factor=others_factor(subset_model().count_distribution,
                                    float(pop.get("others_few_factor", 1.0))),
    )


# --------------------------------------------------------------------------- conditions


def draw_condition_keys(rng: random.Random, t: Tables, sex: str, band: str) -> list[str]:
    """The calibrated CCW conditions (exact model), then the others at their own rates, more
    often beside two or more of the ten (``others_factor``: multimorbidity clusters)."""
    keys = list(t.model.draw(rng.random()))
    have = set(keys)
    cluster = t.others_factor[len(keys)] if t.others_factor else 1.0
    for spec in t.others:
        if spec.sex != "any" and spec.sex != sex:
            continue
        p = spec.prevalence * spec.age.get(band, 1.0) * spec.sex_factor.get(sex, 1.0) * cluster
        for other, factor in spec.boost.items():
            if other in have:
                p *= factor
        if rng.random() < min(p, 0.95):
            keys.append(spec.key)
            have.add(spec.key)
    return keys


def choose_codes(rng: random.Random, t: Tables, keys: list[str]) -> dict[str, str]:
    """One ICD-10-CM code per condition key (respecting codes that need another condition)."""
    have = set(keys)
    chosen = {}
    for key in keys:
        codes = [c for c in t.catalog.conditions[key].codes if c.requires is None or c.requires in have]
        chosen[key] = codes[0].code if len(codes) == 1 else weighted_pick(rng, codes, [c.weight for c in codes]).code
    return chosen


def make_conditions(rng: random.Random, t: Tables, codes: dict[str, str], birth: date, start: date) -> list[Condition]:
    out = []
    for key, code in codes.items():
        _ = t.catalog.conditions[key]  # every condition is in the catalog (KeyError otherwise)
        display = t.displays[code]
        last = start.toordinal() - 180
        earliest = max(birth.toordinal() + 30 * YEAR, last - 25 * YEAR)
        onset = date.fromordinal(between(rng, earliest if earliest < last - 20 else last - 20, last))
        out.append(Condition(icd10=code, display=display, onset=onset, chronic=None))  # the catalog says it is chronic
    return out


def make_medications(rng: random.Random, t: Tables, codes: dict[str, str]) -> list[Medication]:
    """Medicines from each condition's catalog lines; one row per RxNorm code, and one medicine
    per class where a class is taken once (the first condition's line wins: two beta-blockers for
    heart failure and ischemic heart disease are one)."""
    seen: set[str] = set()
    classes: set[str] = set()
    meds = []
    for key, code in codes.items():
        spec = t.catalog.conditions[key]
        for line in spec.medications + spec.code_medications.get(code, ()):
            if rng.random() >= line.p:
                continue
            opt = line.options[0] if len(line.options) == 1 else line.options[int(rng.random() * len(line.options))]
            if opt.rxnorm in seen:
                continue
            cls = coherence.drug_class(opt.name)
            if cls in coherence.SINGLE_CLASSES and cls in classes or any(
                    cls in pair and (pair - {cls}) <= classes for pair in coherence.EXCLUSIVE_CLASSES):
                continue
            seen.add(opt.rxnorm)
            if cls:
                classes.add(cls)
            meds.append(Medication(name=opt.name, rxnorm=opt.rxnorm, dose=opt.dose, frequency=opt.frequency,
                                   indication=code))
    return meds


def reconcile_medications(meds: list[Medication], codes: dict[str, str],
                          observations: list[Observation]) -> list[Medication]:
    """The list a prescriber would leave once the labs are known: no medicine below its eGFR
    floor, no NSAID with heart failure, CKD 4-5 or an anticoagulant, gabapentin at a renal dose."""
    egfr = [o for o in observations if o.loinc == coherence.LOINC_EGFR]
    latest = max(egfr, key=lambda o: o.effective).value if egfr else None
    have = {coherence.drug_class(m.name) for m in meds}
    codes_ = tuple(codes.values())
    out = []
    for m in meds:
        cls = coherence.drug_class(m.name)
        if latest is not None and cls in coherence.EGFR_FLOOR and latest < coherence.EGFR_FLOOR[cls]:
            continue
        if cls == "nsaid" and ("anticoagulant" in have or any(
                c.startswith(("I50", "I11.0", "I13.0", "I13.2", "N18.4", "N18.5", "N18.6")) for c in codes_)):
            continue
        if cls == "gabapentin" and latest is not None and latest < 30:
            mg = coherence.daily_mg(m.dose, m.frequency)
            if mg is not None and mg > coherence.GABAPENTIN_LOW_EGFR_MAX_MG:
                m = Medication(name=m.name, rxnorm=m.rxnorm, dose="300 mg", frequency="once daily at bedtime",
                               indication=m.indication, status=m.status)
        out.append(m)
    return out


def inr_observations(rng: random.Random, t: Tables, meds: list[Medication], start: date) -> list[Observation]:
    """Monthly INRs over the 12 months before ``start`` for a patient on warfarin (the test that
    sets its dose), mostly in the 2-3 range."""
    if not any("warfarin" in m.name.lower() for m in meds):
        return []
    spec = t.obs["inr"]
    end = start.toordinal()
    out = []
    for k in range(12):
        day = end - 365 + k * 30 + int(rng.random() * 14)
        out.append(Observation(spec.loinc, spec.name, _value(spec, 2.5 + 0.4 * normal(rng)), spec.unit,
                               date.fromordinal(min(day, end - 1))))
    return out


# --------------------------------------------------------------------------- observations

#: How a persona's adherence moves values that medicines control (added to the mean).
ADHERENCE_SHIFT = {"low": {"a1c": 0.9, "systolic_bp": 9.0, "diastolic_bp": 4.0, "ldl": 20.0},
                   "medium": {"a1c": 0.3, "systolic_bp": 3.0, "diastolic_bp": 1.0, "ldl": 6.0}}


#: LDL (mean, sd) of hyperlipidemia on no lipid-lowering medicine (untreated is high).
UNTREATED_LDL = (165.0, 25.0)


def observation_plan(t: Tables, codes: dict[str, str],
                     medications: list[Medication] | None = None) -> dict[str, tuple[float, float, int]]:
    """Observation key -> (mean, sd, every_months) from the patient's conditions.

    When two conditions monitor the same thing, the more frequent schedule wins and the
    mean of the condition that monitors it most often is kept (e.g. heart-failure weights).
    Hyperlipidemia on no lipid-lowering medicine (``medications`` given) keeps an untreated LDL.
    """
    plan: dict[str, tuple[float, float, int]] = {}
    for key, code in codes.items():
        spec = t.catalog.conditions[key]
        overrides = spec.code_observations.get(code, {})
        for op in spec.observations:
            mean, sd = overrides.get(op.key, (op.mean, op.sd))
            if op.key not in plan or op.every_months < plan[op.key][2]:
                plan[op.key] = (mean, sd, op.every_months)
    if medications is not None and "ldl" in plan and any(c.startswith("E78") for c in codes.values()) and not any(
            coherence.drug_class(m.name) in coherence.LIPID_LOWERING for m in medications):
        plan["ldl"] = (*UNTREATED_LDL, plan["ldl"][2])
    # everyone: blood pressure and weight at the twice-yearly visits
    for key in ("systolic_bp", "diastolic_bp", "weight"):
        if key not in plan:
            mean, sd = t.obs[key].normal
            plan[key] = (mean, sd, 6)
    return plan


def _value(spec: ObservationSpec, v: float) -> float:
    v = min(max(v, spec.min), spec.max)
    return round(v, spec.decimals) if spec.decimals else float(round(v))


def make_observations(rng: random.Random, t: Tables, plan: dict[str, tuple[float, float, int]], start: date,
                      adherence: str, gaps: set[str]) -> list[Observation]:
    """Twelve months of values: a personal baseline, a gentle drift, visit-to-visit noise.

    ``gaps``: observation keys whose last six months are missing (an overdue lab).
    """
    out: list[Observation] = []
    shift = ADHERENCE_SHIFT.get(adherence, {})
    end = start.toordinal()
    rnd = rng.random
    bp_days: list[int] = []
    for key, (mean, sd, every) in plan.items():
        if key == "diastolic_bp":
            continue  # written with systolic, on the same days
        spec = t.obs[key]
        lo, hi, dec, loinc, name, unit = spec.min, spec.max, spec.decimals, spec.loinc, spec.name, spec.unit
        if key == "viral_load":
            base = 0.0 if rnd() < 0.85 else 60 + rnd() * 4940
        else:
            base = mean + shift.get(key, 0.0) + sd * normal(rng)
        drift = sd * 0.15 * normal(rng)
        noise = sd * 0.2
        n = max(1, 12 // every)
        first = end - YEAR
        for k in range(n):
            day = min(first + k * every * 30 + int(rnd() * 21), end - 1)
            if key in gaps and day > end - 190:
                continue
            v = base + drift * k / n + noise * (rnd() + rnd() - 1.0) * 2.449489742783178  # triangular, sd 1
            v = lo if v < lo else hi if v > hi else v
            out.append(Observation(loinc, name, round(v, dec) if dec else float(round(v)), unit,
                                   date.fromordinal(day)))
            if key == "systolic_bp":
                bp_days.append(day)
        if key == "systolic_bp":
            dspec = t.obs["diastolic_bp"]
            dmean, dsd, _ = plan["diastolic_bp"]
            dbase = dmean + shift.get("diastolic_bp", 0.0) + dsd * normal(rng)
            for day in bp_days:
                out.append(Observation(dspec.loinc, dspec.name, _value(dspec, dbase + dsd * 0.2 * normal(rng)),
                                       dspec.unit, date.fromordinal(day)))
    return out


# --------------------------------------------------------------------------- screenings etc.


def _due_kinds(keys: set[str], sex: str, age: int) -> list[str]:
    kinds = []
    if "diabetes" in keys:
        kinds += ["a1c", "eye_exam", "foot_exam"]
    if "diabetes" in keys or "ckd" in keys:
        kinds.append("kidney")
    if "diabetes" in keys or "hyperlipidemia" in keys:
        kinds.append("lipids")
    if 45 <= age <= 75:
        kinds.append("colorectal")
    if sex == "F" and 40 <= age <= 74:
        kinds.append("mammography")
    return kinds


def make_screenings(rng: random.Random, t: Tables, keys: set[str], sex: str, age: int, start: date,
                    observations: list[Observation]) -> tuple[list[Screening], set[str]]:
    """Dated screenings with realistic gaps; returns them and the kinds left overdue.

    The "a1c" screenings carry the A1c value of the same day as their result.
    """
    end = start.toordinal()
    out: list[Screening] = []
    overdue: set[str] = set()
    for kind in _due_kinds(keys, sex, age):
        rule = t.screenings[kind]
        interval = int(rule["interval_months"]) * 30
        if kind == "a1c":
            a1c = [o for o in observations if o.loinc == "4548-4"]
            out += [Screening("a1c", o.effective, f"{o.value:.1f} %") for o in a1c]
            if not a1c or max(o.effective for o in a1c).toordinal() < end - 183:
                overdue.add(kind)
            continue
        if rng.random() < float(rule["up_to_date"]):
            day = end - between(rng, 15, max(16, interval - 15))
        else:
            overdue.add(kind)
            if rng.random() < 0.35:
                continue  # never done
            day = end - interval - between(rng, 10, 400)
        result = {"colorectal": "colonoscopy: no polyps" if interval > 400 else "",
                  "mammography": "BI-RADS 1 (negative)"}.get(kind, "done")
        out.append(Screening(kind, date.fromordinal(day), result))
    return out, overdue


def make_immunizations(rng: random.Random, t: Tables, start: date, age: int) -> list[Immunization]:
    end = start.toordinal()
    season = date(start.year if start.month >= 8 else start.year - 1, 8, 15).toordinal()
    out = []
    for vaccine, cvx, rate, window in t.immunizations:
        if vaccine == "pneumococcal" and age < 50:
            continue
        if vaccine == "zoster" and age < 50:
            continue
        if rng.random() >= rate:
            continue
        if window == "season":
            day = between(rng, min(season, end - 1), end - 1)
        elif window == "ten_years":
            day = end - between(rng, 30, 10 * YEAR)
        else:
            day = end - between(rng, 60, 8 * YEAR)
        out.append(Immunization(vaccine=vaccine, date=date.fromordinal(day), cvx=cvx))
    return out


def make_allergies(rng: random.Random, t: Tables) -> list[Allergy]:
    return [Allergy(substance=s, reaction=r, severity=sev) for s, r, sev, rate in t.allergies if rng.random() < rate]


def months_after(day: date, months: int) -> date:
    """The same day ``months`` later (the 28th at most, so every month has it)."""
    m = day.month - 1 + months
    return date(day.year + m // 12, m % 12 + 1, min(day.day, 28))
