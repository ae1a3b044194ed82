"""The clinical catalog behind simulated panels, read from the YAML files in this folder.

``conditions.yaml`` (ICD-10-CM, RxNorm, monitoring, goals), ``observations.yaml`` (LOINC
and physiological limits), ``sdoh.yaml`` (social needs with Z codes) and
``population.yaml`` (age, language, immunizations, screenings). Each file names its
sources. :func:`load_catalog` parses them once into frozen objects the generator uses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

import yaml

HERE = Path(__file__).parent

AGE_BANDS = ("u65", "65-74", "75-84", "85+")


@dataclass(frozen=True)
class MedOption:
    name: str
    rxnorm: str
    dose: str
    frequency: str


@dataclass(frozen=True)
class MedLine:
    """One line of a condition's medication list: taken with probability ``p``."""

    p: float
    options: tuple[MedOption, ...]


@dataclass(frozen=True)
class CodeSpec:
    code: str
    display: str
    weight: float = 1.0
    requires: str | None = None  #: another condition key this code needs (D63.1 needs CKD)


@dataclass(frozen=True)
class ObsPlan:
    """How a condition shows in one observation: mean, spread and how often (months)."""

    key: str
    mean: float
    sd: float
    every_months: int


@dataclass(frozen=True)
class GoalTemplate:
    description: str  #: contains ``{due}``
    measure: str
    target: str
    months: int


@dataclass(frozen=True)
class InterventionTemplate:
    description: str
    responsible: str
    frequency: str


@dataclass(frozen=True)
class ConditionSpec:
    key: str
    name: str
    codes: tuple[CodeSpec, ...]
    ccw2019: float | None = None  #: calibration target (the ten CCW conditions)
    prevalence: float = 0.0  #: base rate for the other conditions
    sex: str = "any"
    age: dict = field(default_factory=dict)
    sex_factor: dict = field(default_factory=dict)
    boost: dict = field(default_factory=dict)
    medications: tuple[MedLine, ...] = ()
    code_medications: dict = field(default_factory=dict)  #: code -> tuple[MedLine, ...]
    observations: tuple[ObsPlan, ...] = ()
    code_observations: dict = field(default_factory=dict)  #: code -> {obs key: (mean, sd)}
    screenings: tuple[str, ...] = ()
    barriers: tuple[str, ...] = ()
    goals: tuple[GoalTemplate, ...] = ()
    interventions: tuple[InterventionTemplate, ...] = ()

    @property
    def calibrated(self) -> bool:
        return self.ccw2019 is not None


@dataclass(frozen=True)
class ObservationSpec:
    key: str
    loinc: str
    name: str
    unit: str
    min: float
    max: float
    decimals: int
    normal: tuple[float, float]


@dataclass(frozen=True)
class NeedVariant:
    z_code: str
    description: str
    weight: float


@dataclass(frozen=True)
class NeedSpec:
    domain: str  #: a records.BarrierDomain value
    rate: float
    u65: float
    variants: tuple[NeedVariant, ...]
    actions: tuple[str, ...]


@dataclass(frozen=True)
class Catalog:
    conditions: dict[str, ConditionSpec]  #: key -> spec, in file order
    observations: dict[str, ObservationSpec]
    needs: tuple[NeedSpec, ...]
    population: dict

    @property
    def calibrated(self) -> tuple[ConditionSpec, ...]:
        """The ten CCW 2019 conditions whose prevalence the generator is calibrated to."""
        return tuple(c for c in self.conditions.values() if c.calibrated)

    @property
    def others(self) -> tuple[ConditionSpec, ...]:
        return tuple(c for c in self.conditions.values() if not c.calibrated)

    def all_icd10_codes(self) -> set[str]:
        """Every ICD-10-CM code named anywhere in the catalog."""
        codes = {c.code for spec in self.conditions.values() for c in spec.codes}
        codes |= {v.z_code for need in self.needs for v in need.variants}
        return codes

    @cached_property
    def _by_code(self) -> dict[str, ConditionSpec]:
        return {c.code: spec for spec in self.conditions.values() for c in spec.codes}

    def condition_for_code(self, code: str) -> ConditionSpec | None:
        """The catalog condition an ICD-10-CM code belongs to (None if not in the catalog)."""
        return self._by_code.get(code)


def _read(name: str) -> dict:
    with open(HERE / name, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _med_lines(raw: list | None) -> tuple[MedLine, ...]:
    return tuple(
        MedLine(p=float(line["p"]), options=tuple(MedOption(**o) for o in line["options"]))
        for line in raw or ()
    )


def _condition(raw: dict) -> ConditionSpec:
    return ConditionSpec(
        key=raw["key"],
        name=raw["name"],
        codes=tuple(CodeSpec(**c) for c in raw["codes"]),
        ccw2019=raw.get("ccw2019"),
        prevalence=float(raw.get("prevalence", 0.0)),
        sex=raw.get("sex", "any"),
        age=dict(raw.get("age", {})),
        sex_factor=dict(raw.get("sex_factor", {})),
        boost=dict(raw.get("boost", {})),
        medications=_med_lines(raw.get("medications")),
        code_medications={code: _med_lines(lines) for code, lines in (raw.get("code_medications") or {}).items()},
        observations=tuple(
            ObsPlan(key=k, mean=float(v["mean"]), sd=float(v["sd"]), every_months=int(v["every_months"]))
            for k, v in (raw.get("observations") or {}).items()
        ),
        code_observations={
            code: {k: (float(v["mean"]), float(v["sd"])) for k, v in obs.items()}
            for code, obs in (raw.get("code_observations") or {}).items()
        },
        screenings=tuple(raw.get("screenings", ())),
        barriers=tuple(raw.get("barriers", ())),
        goals=tuple(GoalTemplate(**g) for g in raw.get("goals", ())),
        interventions=tuple(InterventionTemplate(**i) for i in raw.get("interventions", ())),
    )


@cache
def load_catalog() -> Catalog:
    """Parse the catalog files once (cached): the generator and the tests share it."""
    conditions = {c.key: c for c in (_condition(raw) for raw in _read("conditions.yaml")["conditions"])}
    observations = {
        key: ObservationSpec(key=key, loinc=v["loinc"], name=v["name"], unit=v["unit"], min=float(v["min"]),
                             max=float(v["max"]), decimals=int(v["decimals"]), normal=tuple(v["normal"]))
        for key, v in _read("observations.yaml")["observations"].items()
    }
    needs = tuple(
        NeedSpec(domain=n["domain"], rate=float(n["rate"]), u65=float(n.get("u65", 1.0)),
                 variants=tuple(NeedVariant(**v) for v in n["variants"]), actions=tuple(n["actions"]))
        for n in _read("sdoh.yaml")["needs"]
    )
    return Catalog(conditions=conditions, observations=observations, needs=needs, population=_read("population.yaml"))


__all__ = ["AGE_BANDS", "Catalog", "CodeSpec", "ConditionSpec", "GoalTemplate", "MedLine", "MedOption",
           "NeedSpec", "ObservationSpec", "load_catalog"]
