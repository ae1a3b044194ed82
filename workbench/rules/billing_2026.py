"""Billing rule table for service months in 2026 (reference, "Monthly codes and time thresholds").

Only 99490 ($66.13) is known from the reference for 2026. Every other amount is carried
from 2025 and listed in :data:`PROVISIONAL_2026`, so a bill can say "provisional amount".
All 2026 amounts live in the ONE dict below: edit it when the final figures are looked up
(and remove the code from ``PROVISIONAL_2026``). PCM amounts: None = not set.
"""

from __future__ import annotations

from decimal import Decimal

from workbench.rules.tables import RuleTable, standard_families

#: +99437 has no unit cap that we found in CMS text; set a number here to cap it.
CAP_99437: int | None = None

AMOUNTS_2026: dict[str, Decimal | None] = {
    "99490": Decimal("66.13"),  # 2026 PFS (reference)
    "99439": Decimal("45.93"),  # provisional: 2025 amount carried
    "99491": Decimal("82.16"),  # provisional: 2025 amount carried
    "99437": Decimal("57.58"),  # provisional: 2025 amount carried
    "99487": Decimal("131.65"),  # provisional: 2025 amount carried
    "99489": Decimal("70.52"),  # provisional: 2025 amount carried
    "99424": None,  # PCM amounts: not in the reference; set when known
    "99425": None,
    "99426": None,
    "99427": None,
}

#: Codes whose 2026 amount is carried from 2025 until the 2026 figure is looked up.
PROVISIONAL_2026: frozenset[str] = frozenset({"99439", "99491", "99437", "99487", "99489"})

TABLE = RuleTable(
    year=2026,
    families=standard_families(cap_99439=2, cap_99437=CAP_99437),
    amounts=AMOUNTS_2026,
    provisional=PROVISIONAL_2026,
    source="2026 PFS: 99490 from the reference; other amounts carried from 2025 (provisional)",
)
