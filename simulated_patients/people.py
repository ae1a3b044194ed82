"""Fictional names, addresses, phones and staff for simulated panels.

Faker (locale en_US, es_MX for Spanish speakers) supplies the word lists; the lists are
read once and every pick is made with the patient's own ``random.Random``, so the hot loop
never calls Faker's slow providers and the same seed gives the same person. Output
depends on Faker's bundled lists: pin ``faker>=40,<41`` where panels must match exactly.

Phones use the 555-0100..555-0199 range reserved for fiction; e-mails use the reserved
``example.com/.org/.net`` domains (RFC 2606). No real person is described.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from functools import cache
from itertools import accumulate

from faker import Faker
from faker.providers.person.en_US import Provider as EnUsPerson
from faker.providers.person.es_MX import Provider as EsMxPerson

from simulated_patients._rand import between
from workbench.records import Credential, Role, User
from workbench.rules.identifiers import demo_npi

#: Area codes per practice state (a few real area codes; the 555-01xx numbers are fictional).
AREA_CODES = {
    "NY": ("518", "585", "607", "716", "315", "914", "845"),
    "NJ": ("201", "609", "732", "856", "908", "973"),
    "CA": ("209", "559", "619", "707", "916", "951"),
    "PA": ("215", "412", "570", "610", "717", "814"),
    "TX": ("210", "254", "361", "512", "806", "915"),
    "FL": ("239", "352", "407", "561", "727", "850"),
}
DEFAULT_AREA_CODES = ("202", "303", "404", "503", "614", "919")
EMAIL_DOMAINS = ("example.com", "example.org", "example.net")


@dataclass(frozen=True)
class NamePool:
    names: tuple[str, ...]
    cum_weights: tuple[float, ...] | None = None  #: None: uniform

    def pick(self, rng: random.Random) -> str:
        if self.cum_weights is None:
            return self.names[int(rng.random() * len(self.names))]
        return rng.choices(self.names, cum_weights=self.cum_weights)[0]


def _weighted(mapping) -> NamePool:
    names = tuple(mapping.keys())
    return NamePool(names, tuple(accumulate(float(w) for w in mapping.values())))


@cache
def name_pools() -> dict[str, NamePool]:
    """First and last name lists: ``en_F``, ``en_M``, ``en_last``, ``es_F``, ``es_M``, ``es_last``."""
    return {
        "en_F": _weighted(EnUsPerson.first_names_female),
        "en_M": _weighted(EnUsPerson.first_names_male),
        "en_last": _weighted(EnUsPerson.last_names),
        "es_F": NamePool(tuple(EsMxPerson.first_names_female)),
        "es_M": NamePool(tuple(EsMxPerson.first_names_male)),
        "es_last": NamePool(tuple(EsMxPerson.last_names)),
    }


@dataclass(frozen=True)
class PlacePool:
    streets: tuple[str, ...]
    places: tuple[tuple[str, str], ...]  #: (city, zip)
    area_codes: tuple[str, ...]
    state: str


@cache
def place_pool(seed: int, state: str, size: int = 240) -> PlacePool:
    """Streets and (city, ZIP) pairs made by a Faker seeded with the panel seed, once."""
    fake = Faker("en_US")
    fake.seed_instance(seed)
    streets = tuple(fake.street_name() for _ in range(size))
    try:
        places = tuple((fake.city(), fake.zipcode_in_state(state)) for _ in range(max(20, size // 4)))
    except Exception:  # a state Faker has no ZIP range for
        places = tuple((fake.city(), fake.zipcode()) for _ in range(max(20, size // 4)))
    return PlacePool(streets, places, AREA_CODES.get(state, DEFAULT_AREA_CODES), state)


def person_name(rng: random.Random, sex: str, language: str, family_names: dict) -> tuple[str, str]:
    """A first and last name fitting the person's sex and language."""
    pools = name_pools()
    key_sex = "F" if sex == "F" else "M"
    if language == "Spanish":
        return pools[f"es_{key_sex}"].pick(rng), pools["es_last"].pick(rng)
    first = pools[f"en_{key_sex}"].pick(rng)
    if language in family_names:
        options = family_names[language]
        return first, options[int(rng.random() * len(options))]
    return first, pools["en_last"].pick(rng)


def phone(rng: random.Random, places: PlacePool) -> str:
    area = places.area_codes[int(rng.random() * len(places.area_codes))]
    return f"({area}) 555-01{int(rng.random() * 100):02d}"


def address(rng: random.Random, places: PlacePool) -> str:
    street = places.streets[int(rng.random() * len(places.streets))]
    city, zipcode = places.places[int(rng.random() * len(places.places))]
    return f"{between(rng, 1, 9999)} {street}, {city}, {places.state} {zipcode}"


def email(rng: random.Random, first: str, last: str) -> str:
    local = "".join(ch for ch in f"{first}.{last}".lower() if ch.isalnum() or ch == ".")
    return f"{local}{between(rng, 1, 99)}@{EMAIL_DOMAINS[int(rng.random() * 3)]}"


def make_staff(seed: int, size: int, state: str) -> list[User]:
    """A small practice staff scaled to the panel: practitioners (MD/NP), care managers
    (RN/LPN), care coordinators (CMA), one supervisor (RN) and one billing user.

    Ids ``S001``...; every member works in the practice ``state``.
    """
    rng = random.Random(f"{seed}:staff")
    pools = name_pools()
    n_practitioners = max(2, math.ceil(size / 1500))
    n_managers = max(2, math.ceil(size / 350))
    n_coordinators = max(1, math.ceil(size / 700))
    plan: list[tuple[Role, Credential | None]] = []
    plan += [(Role.PRACTITIONER, Credential.MD if i % 2 == 0 else Credential.NP) for i in range(n_practitioners)]
    plan += [(Role.CARE_MANAGER, Credential.RN if i % 2 == 0 else Credential.LPN) for i in range(n_managers)]
    plan += [(Role.CARE_COORDINATOR, Credential.CMA)] * n_coordinators
    plan += [(Role.SUPERVISOR, Credential.RN), (Role.BILLING, None)]
    staff = []
    for n, (role, credential) in enumerate(plan, start=1):
        sex = "F" if rng.random() < 0.7 else "M"
        name = f"{pools[f'en_{sex}'].pick(rng)} {pools['en_last'].pick(rng)}"
        npi = demo_npi(f"{seed}:S{n:03d}") if role == Role.PRACTITIONER else ""  # no draw: panels unchanged
        phone = f"(518) 555-01{n % 100:02d}"  # fictional 555-01xx numbers, no draw
        staff.append(User(id=f"S{n:03d}", name=name, role=role, credential=credential, state=state, npi=npi,
                          phone=phone))
    return staff
