"""The seeded panel generator: a Medicare fee-for-service CCM panel, in memory.

Each patient ``i`` is drawn from its own ``random.Random(f"{seed}:{i}")`` (string seeds
are hashed with SHA-512 by the standard library, so they do not depend on
``PYTHONHASHSEED``, the platform or the order patients are made in). The same
``(size, seed, start)`` therefore gives the same panel on every run and machine, with
Faker's word lists pinned (see :mod:`simulated_patients.people`).

Calibration (tests/simulated/test_calibration.py checks it on 10,000 patients): age mostly
65+ with about 13 % under-65 disability enrollees; the ten CCW 2019 conditions at their
prevalence, with the chartbook's count distribution and common pairs more frequent than
chance (:mod:`simulated_patients.calibration`); the other catalog conditions at their
own rates.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import date

from simulated_patients import clinical, people
from simulated_patients.care_plan import build_care_plan
from simulated_patients._rand import Picker, between, weighted_pick
from simulated_patients.clinical import Tables, tables
from workbench.errors import InvalidInput
from workbench.records import (
    CONSENT_DISCLOSURES,
    Barrier,
    BarrierDomain,
    BarrierStatus,
    Consent,
    ConsentMethod,
    Panel,
    Patient,
    PatientBundle,
    Person,
    PracticeSettings,
    Role,
    User,
    Visit,
    VisitKind,
)
from workbench.rules.identifiers import demo_mbi

#: The default reference day: fixed, so a seed always means the same panel.
DEFAULT_START = date(2026, 11, 1)
MAX_SIZE = 200_000


@dataclass
class PatientRequest:
    """What a preset pins for one patient; anything left ``None`` is drawn at random."""

    sex: str | None = None
    age: int | None = None
    first_name: str | None = None
    last_name: str | None = None
    language: str | None = None
    conditions: tuple[str, ...] | None = None  #: catalog condition keys
    codes: dict[str, str] = field(default_factory=dict)  #: key -> ICD-10-CM code to use
    needs: tuple[tuple[str, str], ...] | None = None  #: (domain, z_code)
    persona: dict = field(default_factory=dict)
    caregiver: Person | None | bool = None  #: False: none; a Person: this one
    emergency_contacts: tuple[Person, ...] | None = None
    consent: bool | None = None
    care_plan: bool | None = None
    contact_preferences: dict | None = None


@dataclass(frozen=True)
class Context:
    """What every patient of one panel shares."""

    seed: int
    start: date
    settings: PracticeSettings
    staff: tuple[User, ...]
    practitioners: tuple[User, ...]
    care_team: tuple[User, ...]  #: care managers and coordinators (designated members)
    consenters: tuple[User, ...]  #: who obtains consent
    places: people.PlacePool
    t: Tables


def make_context(seed: int, size: int, start: date, settings: PracticeSettings) -> Context:
    staff = tuple(people.make_staff(seed, size, settings.state))
    practitioners = tuple(u for u in staff if u.role == Role.PRACTITIONER)
    care_team = tuple(u for u in staff if u.role in (Role.CARE_MANAGER, Role.CARE_COORDINATOR))
    consenters = tuple(u for u in staff if u.role == Role.CARE_MANAGER)
    return Context(seed, start, settings, staff, practitioners, care_team, consenters,
                   people.place_pool(seed, settings.state), tables())


_PICKERS: dict[int, Picker] = {}


def _pick_share(rng: random.Random, shares: dict) -> str:
    picker = _PICKERS.get(id(shares))
    if picker is None:  # the catalog's dicts live for the whole process (load_catalog is cached)
        picker = _PICKERS[id(shares)] = Picker(shares, shares.values())
    return picker.pick(rng)


def _pick_row(rng: random.Random, rows: list, weight: str) -> dict:
    picker = _PICKERS.get(id(rows))
    if picker is None:
        picker = _PICKERS[id(rows)] = Picker(rows, [r[weight] for r in rows])
    return picker.pick(rng)


def _age_band(age: int) -> str:
    return "u65" if age < 65 else "65-74" if age < 75 else "75-84" if age < 85 else "85+"


def _persona(rng: random.Random, pop: dict, keys: set[str], pinned: dict) -> dict:
    traits = {trait: _pick_share(rng, shares) for trait, shares in pop["persona"].items()}
    if "depression" in keys and rng.random() < 0.5:
        traits["mood"] = "low"
    traits.update(pinned)
    return traits


def _needs(rng: random.Random, t: Tables, band: str, persona: dict, has_caregiver: bool,
           pid: str) -> list[Barrier]:
    out = []
    for need in t.catalog.needs:
        rate = need.rate * (need.u65 if band == "u65" else 1.0)
        if need.domain == "caregiver_strain" and not has_caregiver:
            continue
        if need.domain == "medication_adherence":
            rate *= {"low": 3.0, "medium": 1.0, "high": 0.3}.get(persona.get("adherence"), 1.0)
        if need.domain == "health_literacy":
            rate = 0.2 if persona.get("health_literacy") == "limited" else 0.0
        if rng.random() < rate:
            v = weighted_pick(rng, need.variants, [x.weight for x in need.variants])
            out.append(_barrier(rng, pid, need, v.z_code, v.description))
    return out


def _barrier(rng: random.Random, pid: str, need, z_code: str, description: str) -> Barrier:
    status = weighted_pick(rng, (BarrierStatus.OPEN, BarrierStatus.IN_PROGRESS, BarrierStatus.RESOLVED),
                           (0.55, 0.3, 0.15))
    action = "" if status == BarrierStatus.OPEN else need.actions[int(rng.random() * len(need.actions))]
    return Barrier(patient_id=pid, domain=BarrierDomain(need.domain), description=description, status=status,
                   z_code=z_code, action=action)


def _contact(rng: random.Random, ctx: Context, relationships: list, language: str, last_name: str,
             authorized: bool) -> Person:
    rel = relationships[int(rng.random() * len(relationships))]
    sex = "F" if rel in ("daughter", "niece", "sister", "granddaughter") else "M" if rel in (
        "son", "nephew", "brother", "grandson") else ("F" if rng.random() < 0.5 else "M")
    first, last = people.person_name(rng, sex, language, ctx.t.catalog.population["family_names"])
    if rel in ("daughter", "son", "spouse", "granddaughter", "grandson", "sister", "brother") and rng.random() < 0.6:
        last = last_name
    return Person(name=f"{first} {last}", relationship=rel, phone=people.phone(rng, ctx.places), authorized=authorized)


def build_patient(index: int, ctx: Context, request: PatientRequest | None = None) -> PatientBundle:
    """Patient number ``index`` (1-based, id ``P00001``...) of the panel ``ctx``."""
    req = request or PatientRequest()
    rng = random.Random(f"{ctx.seed}:{index}")
    t = ctx.t
    pop = t.catalog.population
    start = ctx.start
    pid = f"P{index:05d}"

    sex = req.sex or ("F" if rng.random() < pop["female_share"] else "M")
    if req.age is not None:
        age = req.age
    else:
        band_row = _pick_row(rng, pop["ages"], "share")
        age = between(rng, band_row["min"], band_row["max"])
    band = _age_band(age)
    birth = date.fromordinal(start.toordinal() - age * 365 - between(rng, age // 4 + 1, 364 + age // 4))
    lang_row = _pick_row(rng, pop["languages"], "share")
    language = req.language or lang_row["language"]
    interpreter = rng.random() < next(x["interpreter"] for x in pop["languages"] if x["language"] == language)
    first, last = people.person_name(rng, sex, language, pop["family_names"])
    first, last = req.first_name or first, req.last_name or last

    keys = list(req.conditions) if req.conditions is not None else clinical.draw_condition_keys(rng, t, sex, band)
    codes = clinical.choose_codes(rng, t, keys)
    codes.update({k: v for k, v in req.codes.items() if k in codes})
    keyset = set(keys)
    persona = _persona(rng, pop, keyset, req.persona)

    conditions = clinical.make_conditions(rng, t, codes, birth, start)
    medications = clinical.make_medications(rng, t, codes)
    plan = clinical.observation_plan(t, codes)
    gaps = {"a1c"} if "diabetes" in keyset and rng.random() > t.screenings["a1c"]["up_to_date"] else set()
    observations = clinical.make_observations(rng, t, plan, start, persona["adherence"], gaps)
    screenings, _overdue = clinical.make_screenings(rng, t, keyset, sex, age, start, observations)
    immunizations = clinical.make_immunizations(rng, t, start, age)
    allergies = clinical.make_allergies(rng, t)

    # caregiver and emergency contacts
    relationships = pop["relationships"]
    if req.caregiver is False:
        caregiver = None
    elif isinstance(req.caregiver, Person):
        caregiver = req.caregiver
    else:
        rate = 0.85 if "dementia" in keyset else 0.5 if age >= 85 else pop["caregiver_rate"]
        caregiver = (_contact(rng, ctx, relationships, language, last, authorized=rng.random() < 0.8)
                     if rng.random() < rate else None)
    if req.emergency_contacts is not None:
        contacts = req.emergency_contacts
    elif rng.random() < pop["emergency_contact_rate"]:
        n = 2 if rng.random() < 0.25 else 1
        contacts = tuple(_contact(rng, ctx, relationships, language, last, authorized=False) for _ in range(n))
    else:
        contacts = ()
    if caregiver is not None and not contacts:
        contacts = (caregiver,)

    # social needs
    if req.needs is not None:
        by_domain = {n.domain: n for n in t.catalog.needs}
        barriers = []
        for domain, z in req.needs:
            need = by_domain[domain]
            desc = next((v.description for v in need.variants if v.z_code == z), need.variants[0].description)
            barriers.append(Barrier(patient_id=pid, domain=BarrierDomain(domain), description=desc, status=BarrierStatus.OPEN,
                                    z_code=z))
    else:
        barriers = _needs(rng, t, band, persona, caregiver is not None, pid)

    channel = _pick_share(rng, pop["channels"])
    prefs = {"channel": channel, "best_time": pop["best_times"][int(rng.random() * 3)]}
    if language != "English":
        prefs["interpreter"] = interpreter
    if req.contact_preferences:
        prefs.update(req.contact_preferences)

    practitioner = ctx.practitioners[int(rng.random() * len(ctx.practitioners))]
    member = ctx.care_team[int(rng.random() * len(ctx.care_team))]
    patient = Patient(
        id=pid, first_name=first, last_name=last, birth_date=birth, sex=sex, state=ctx.settings.state,
        language=language, phone=people.phone(rng, ctx.places),
        email=people.email(rng, first, last) if rng.random() < (0.6 if band != "85+" else 0.3) else "",
        address=people.address(rng, ctx.places), contact_preferences=prefs, caregiver=caregiver,
        emergency_contacts=contacts, billing_practitioner_id=practitioner.id, care_team_member_id=member.id,
        persona=persona, member_id=demo_mbi(f"{ctx.seed}:{pid}"),
    )

    eligible = len(conditions) >= 2
    consented = req.consent if req.consent is not None else (eligible and rng.random() < 0.85)
    consent = None
    if consented:
        consent = Consent(
            patient_id=pid, method=ConsentMethod.VERBAL if rng.random() < 0.7 else ConsentMethod.WRITTEN,
            consent_date=date.fromordinal(start.toordinal() - between(rng, 20, 700)),
            obtained_by=ctx.consenters[int(rng.random() * len(ctx.consenters))].id,
            disclosures=dict.fromkeys(CONSENT_DISCLOSURES, True), billing_practitioner_id=practitioner.id,
        )
    bundle = PatientBundle(patient=patient, conditions=conditions, medications=medications, allergies=allergies,
                           immunizations=immunizations, screenings=screenings, observations=observations,
                           barriers=barriers, consent=consent, visits=demo_visits(ctx.seed, pid, consent))
    wants_plan = req.care_plan if req.care_plan is not None else (consent is not None and rng.random() < 0.45)
    if wants_plan:
        bundle.care_plan = build_care_plan(bundle, t.catalog, consent.consent_date if consent else start,
                                           complete=rng.random() < 0.8)
    return bundle


def demo_visits(seed: int, pid: str, consent: Consent | None) -> list[Visit]:
    """The face-to-face visit that began CCM (docs/reference.md, "Initiating visit"), drawn from a
    hash so the rest of the panel is unchanged: most consented patients had an office visit with
    their billing practitioner 0-59 days before consent, at which CCM was discussed (a quarter
    with G0506 care planning); one in ten has none on record, so the workbench flags them."""
    if consent is None or consent.billing_practitioner_id is None:
        return []
    draw = int.from_bytes(hashlib.sha256(f"{seed}:{pid}:visit".encode()).digest()[:4], "big")
    if draw % 10 == 0:
        return []
    day = date.fromordinal(consent.consent_date.toordinal() - draw % 60)
    return [Visit(pid, day, VisitKind.OFFICE_VISIT, consent.billing_practitioner_id, ccm_discussed=True,
                  extensive_care_planning=(draw // 10) % 4 == 0)]


def _progress(iterable, total: int, progress: bool, label: str):
    if not progress:
        return iterable
    from tqdm import tqdm

    return tqdm(iterable, total=total, desc=label, unit="patient")


def build_panel(size: int, seed: int, *, start: date | None = None, progress: bool = False) -> Panel:
    """A simulated CCM panel of ``size`` patients, the same for the same ``seed`` (presets are
    chosen by :func:`simulated_patients.generate_panel`). ``start`` is the reference day the
    12 months of history end on (default 2026-11-01, fixed for reproducibility).
    """
    if not isinstance(size, int) or isinstance(size, bool) or size < 1 or size > MAX_SIZE:
        raise InvalidInput(f"Panel size must be a whole number from 1 to {MAX_SIZE:,}.", "size")
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise InvalidInput("The seed must be a whole number.", "seed")
    start = start or DEFAULT_START
    settings = PracticeSettings(phone="(518) 555-0100", after_hours_phone="(518) 555-0199")  # fictional 555-01xx
    ctx = make_context(seed, size, start, settings)
    patients = [build_patient(i, ctx) for i in _progress(range(1, size + 1), size, progress, "Generating")]
    return Panel(staff=list(ctx.staff), patients=patients, settings=settings, name=f"simulated-{size}-seed{seed}")
