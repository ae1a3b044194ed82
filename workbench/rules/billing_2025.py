"""Billing rule table for service months in 2025 (reference, "Monthly codes and time thresholds").

Amounts: national non-facility payment, 2025 Physician Fee Schedule, as quoted in the
reference. PCM amounts (99424-99427) are not in the reference: set them here when known
(None = not set; the bill says so).
"""

from __future__ import annotations

from decimal import Decimal

from workbench.rules.tables import RuleTable, standard_families

#: +99437 has no unit cap that we found in CMS text; set a number here to cap it.
CAP_99437: int | None = None

AMOUNTS_2025: dict[str, Decimal | None] = {
    "99490": Decimal("60.49"),
    "99439": Decimal("45.93"),
    "99491": Decimal("82.16"),
    "99437": Decimal("57.58"),
    "99487": Decimal("131.65"),
    "99489": Decimal("70.52"),
    "99424": None,  # PCM amounts: not in the reference; set when known
    "99425": None,
    "99426": None,
    "99427": None,
}

TABLE = RuleTable(
    year=2025,
    families=standard_families(cap_99439=2, cap_99437=CAP_99437),
    amounts=AMOUNTS_2025,
    provisional=frozenset(),
    source="2025 PFS national non-facility amounts (reference)",
)
