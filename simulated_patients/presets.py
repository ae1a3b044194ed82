"""Named panels: ``onboarding-12`` (hand-picked for training), ``clinic-500``, ``stress-10000``.

``onboarding-12`` is a fixed panel (the seed does not change it): twelve patients chosen so
that the scenario notes' situations each have a patient (scenario-notes.md "The three seed
situations" and "Other situations for the library"). Every patient is drawn by the same
generator with its conditions, needs and traits pinned, then a few facts are set by hand
(an overdue screening, a weight gain, sedating medicines), so the clinical consistency
checks hold for them too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from simulated_patients.generator import (
    Context,
    PatientRequest,
    build_panel,
    build_patient,
    make_context,
)
from workbench.errors import InvalidInput
from workbench.records import Medication, Observation, Panel, PatientBundle, Person, PracticeSettings, Screening

ONBOARDING_SEED = 20261101


@dataclass(frozen=True)
class Preset:
    name: str
    size: int
    description: str
    default_seed: int
    build: Callable[[int, date, bool], Panel]  #: (seed, start, progress) -> Panel


def _med(ctx: Context, key: str, rxnorm: str, code: str) -> Medication:
    """A catalog medicine of condition ``key`` with the condition's code as indication."""
    spec = ctx.t.catalog.conditions[key]
    lines = spec.medications + tuple(line for lines in spec.code_medications.values() for line in lines)
    opt = next(o for line in lines for o in line.options if o.rxnorm == rxnorm)
    return Medication(name=opt.name, rxnorm=opt.rxnorm, dose=opt.dose, frequency=opt.frequency, indication=code)


def _code(bundle: PatientBundle, prefix: str) -> str:
    return next(c.icd10 for c in bundle.conditions if c.icd10.startswith(prefix))


#: The twelve onboarding patients: (request, hand edits, what it is for).
def _onboarding_requests() -> list[tuple[PatientRequest, str]]:
    daughter = Person(name="Karen Whitfield", relationship="daughter", phone="(518) 555-0142", authorized=True)
    return [
        (PatientRequest(sex="F", age=71, first_name="Dorothy", last_name="Pruitt", language="English",
                        conditions=("hypertension", "arthritis"), codes={"arthritis": "M17.0"},
                        persona={"adherence": "medium", "mood": "cheerful", "reachability": "answers"},
                        needs=(), consent=True, care_plan=True),
         "Check-in: hypertension and knee arthritis, joint pain when exercising (seed situation 1)"),
        (PatientRequest(sex="F", age=67, first_name="Gloria", last_name="Benning", language="English",
                        conditions=("hypertension", "hyperlipidemia", "hypothyroidism"),
                        needs=(("transportation", "Z59.82"), ("financial_strain", "Z59.87"), ("food", "Z59.41")),
                        persona={"adherence": "medium", "reachability": "answers"}, consent=True, care_plan=True),
         "No car before colorectal screening and a mammogram; financial strain (seed situation 2)"),
        (PatientRequest(sex="M", age=84, first_name="Harold", last_name="Whitfield", language="English",
                        conditions=("depression", "anxiety", "chronic_pain", "hypertension"),
                        codes={"depression": "F33.1"}, needs=(("lives_alone", "Z60.2"),),
                        caregiver=False, emergency_contacts=(daughter,),
                        persona={"adherence": "low", "mood": "low", "health_literacy": "limited",
                                 "reachability": "sometimes"}, consent=True, care_plan=True),
         "Older man living alone on several sedating medicines; daughter is emergency contact (seed situation 3)"),
        (PatientRequest(sex="M", age=69, first_name="Raymond", last_name="Okafor", language="English",
                        conditions=("diabetes", "ckd", "hypertension", "hyperlipidemia"),
                        codes={"diabetes": "E11.65", "ckd": "N18.32"}, needs=(),
                        persona={"adherence": "medium", "reachability": "answers"}, consent=True, care_plan=True),
         "Diabetes with CKD 3b on insulin: low blood sugar after hours, kidney labs"),
        (PatientRequest(sex="F", age=78, first_name="Evelyn", last_name="Marsh", language="English",
                        conditions=("heart_failure", "copd", "hypertension", "ischemic_heart_disease"),
                        codes={"heart_failure": "I50.22"}, needs=(("medication_adherence", "Z91.148"),),
                        persona={"adherence": "medium", "reachability": "answers"}, consent=True, care_plan=True),
         "Heart failure with COPD: weight up 6 lb this week; recent discharge (care transition)"),
        (PatientRequest(sex="M", age=66, first_name="Curtis", last_name="Lamb", language="English",
                        conditions=("depression", "diabetes"), codes={"depression": "F33.1", "diabetes": "E11.9"},
                        needs=(), persona={"mood": "low", "adherence": "medium", "reachability": "sometimes"},
                        consent=True, care_plan=True),
         "Depression with rising PHQ-9 (item 9 scenario) and diabetes"),
        (PatientRequest(sex="F", age=73, first_name="Rosa", last_name="Villanueva", language="Spanish",
                        conditions=("diabetes", "hypertension", "arthritis"), codes={"diabetes": "E11.9"},
                        needs=(("health_literacy", "Z55.6"),), contact_preferences={"interpreter": True},
                        persona={"health_literacy": "limited", "reachability": "answers"}, consent=True,
                        care_plan=True),
         "Spanish speaker who needs a qualified interpreter; diabetes and hypertension"),
        (PatientRequest(sex="M", age=76, first_name="Walter", last_name="Greaves", language="English",
                        conditions=("hypertension", "ischemic_heart_disease", "hyperlipidemia", "heart_failure"),
                        codes={"heart_failure": "I50.32"}, needs=(("lives_alone", "Z60.2"),),
                        persona={"reachability": "never", "adherence": "low"}, consent=True, care_plan=False),
         "Never answers the phone; high-risk heart patient living alone"),
        (PatientRequest(sex="F", age=82, first_name="Margaret", last_name="Ellison", language="English",
                        conditions=("atrial_fibrillation", "osteoporosis", "hypertension"),
                        codes={"atrial_fibrillation": "I48.20"}, needs=(("lives_alone", "Z60.2"),),
                        persona={"adherence": "high", "reachability": "answers"}, consent=True, care_plan=True),
         "Fall risk on an anticoagulant (apixaban), osteoporosis, lives alone"),
        (PatientRequest(sex="M", age=70, first_name="Dennis", last_name="Carraway", language="English",
                        conditions=("hypertension", "hyperlipidemia", "arthritis"), needs=(),
                        persona={"reachability": "answers"}, consent=False, care_plan=False),
         "Eligible, no consent yet: the consent conversation"),
        (PatientRequest(sex="F", age=88, first_name="Irene", last_name="Sobczak", language="English",
                        conditions=("dementia", "hypertension", "ckd", "atrial_fibrillation"),
                        codes={"dementia": "F03.90", "ckd": "N18.31"},
                        caregiver=Person(name="Paula Sobczak", relationship="daughter-in-law",
                                         phone="(518) 555-0177", authorized=True),
                        needs=(("caregiver_strain", "Z63.6"),), persona={"reachability": "sometimes"},
                        consent=True, care_plan=True),
         "Dementia with an authorized, exhausted caregiver; two specialists' conflicting advice"),
        (PatientRequest(sex="M", age=58, first_name="Luis", last_name="Ortega", language="English",
                        conditions=("copd", "hypertension", "hyperlipidemia", "depression", "tobacco_use"),
                        needs=(("financial_strain", "Z59.87"), ("medication_adherence", "Z91.120")),
                        persona={"adherence": "low", "mood": "irritable", "reachability": "rarely"},
                        consent=True, care_plan=True),
         "Under-65 disability enrollee: refill delayed by cost, thinking of stopping CCM"),
    ]


ONBOARDING_PURPOSES = [purpose for _, purpose in _onboarding_requests()]


def _hand_edits(ctx: Context, bundles: list[PatientBundle]) -> None:
    """The facts each onboarding situation needs, set after drawing."""
    start = ctx.start.toordinal()
    # 2: colorectal and mammography overdue, no other screenings changed
    b = bundles[1]
    b.screenings = [s for s in b.screenings if s.kind not in ("colorectal", "mammography")] + [
        Screening("colorectal", date.fromordinal(start - 11 * 365), "colonoscopy: no polyps"),
        Screening("mammography", date.fromordinal(start - 3 * 365 - 40), "BI-RADS 1 (negative)")]
    # 3: several sedating medicines, each for one of his conditions
    b = bundles[2]
    b.medications = [
        _med(ctx, "depression", "856377", _code(b, "F33")),
        _med(ctx, "anxiety", "308047", _code(b, "F41")),
        _med(ctx, "chronic_pain", "310431", _code(b, "G89")),
        _med(ctx, "chronic_pain", "835603", _code(b, "G89")),
        _med(ctx, "hypertension", "314076", _code(b, "I10")),
    ]
    # 4: on insulin and metformin
    b = bundles[3]
    keep = [m for m in b.medications if m.indication not in (_code(b, "E11"),)]
    b.medications = [_med(ctx, "diabetes", "860975", _code(b, "E11")),
                     _med(ctx, "diabetes", "106892", _code(b, "E11"))] + keep
    # 5: heart-failure weights, 6 lb up in the last week
    b = bundles[4]
    weights = [o for o in b.observations if o.loinc == "29463-7"]
    others = [o for o in b.observations if o.loinc != "29463-7"]
    base = 182.0
    extra = [Observation("29463-7", "Body weight", base + d * 0.05, "[lb_av]", date.fromordinal(start - 40 + d))
             for d in range(0, 33)]
    extra += [Observation("29463-7", "Body weight", base + 1.7 + 0.9 * k, "[lb_av]", date.fromordinal(start - 7 + k))
              for k in range(7)]
    b.observations = others + [w for w in weights if w.effective.toordinal() < start - 40] + [
        replace(o, value=round(o.value, 1)) for o in extra]
    if not any(m.rxnorm == "313988" for m in b.medications):
        b.medications.append(_med(ctx, "heart_failure", "313988", _code(b, "I50")))
    # 6: PHQ-9 rising over the year
    b = bundles[5]
    b.observations = [o for o in b.observations if o.loinc != "44261-6"] + [
        Observation("44261-6", "PHQ-9 total score", float(v), "{score}", date.fromordinal(start - 330 + 90 * k))
        for k, v in enumerate((8, 11, 14, 17))]
    # 9: on apixaban
    b = bundles[8]
    b.medications = [m for m in b.medications if m.rxnorm not in ("1364445", "855332")] + [
        _med(ctx, "atrial_fibrillation", "1364445", _code(b, "I48"))]


def _build_onboarding(seed: int, start: date, progress: bool) -> Panel:
    """The fixed onboarding panel (``seed`` is ignored: everyone gets the same twelve)."""
    settings = PracticeSettings(name="Onboarding Family Practice", phone="(518) 555-0100",
                                after_hours_phone="(518) 555-0199")  # fictional 555-01xx
    ctx = make_context(ONBOARDING_SEED, 12, start, settings)
    bundles = [build_patient(i, ctx, req) for i, (req, _) in enumerate(_onboarding_requests(), start=1)]
    _hand_edits(ctx, bundles)
    return Panel(staff=list(ctx.staff), patients=bundles, settings=settings, name="onboarding-12")


def _sized(size: int, name: str) -> Callable[[int, date, bool], Panel]:
    def build(seed: int, start: date, progress: bool) -> Panel:
        panel = build_panel(size, seed, start=start, progress=progress)
        panel.name = name
        return panel

    return build


PRESETS: dict[str, Preset] = {
    "onboarding-12": Preset("onboarding-12", 12, "Twelve hand-picked patients, one per training situation "
                            "(fixed: the seed does not change it)", ONBOARDING_SEED, _build_onboarding),
    "clinic-500": Preset("clinic-500", 500, "A small practice's CCM panel, calibrated to Medicare FFS", 500,
                         _sized(500, "clinic-500")),
    "stress-10000": Preset("stress-10000", 10_000, "A large panel for load and speed checks", 10_000,
                           _sized(10_000, "stress-10000")),
}


def get_preset(name: str) -> Preset:
    try:
        return PRESETS[name]
    except KeyError:
        raise InvalidInput(f"There is no panel preset called {name!r}. Choose one of: "
                           + ", ".join(PRESETS) + ".", "preset") from None
