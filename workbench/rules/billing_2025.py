"""Billing rule table for service months in 2025 (docs/reference.md, "Payment amounts").

Amounts: national non-facility payment, CY 2025 Physician Fee Schedule (final rule CMS-1807-F).
PCM (99424-99427) and G0506 2025 amounts were not looked up: they are unset (None = billed as
$0.00, and the bill says "amount not set").
"""

from __future__ import annotations

from decimal import Decimal

from workbench.rules.rule_table import AmountSource, RuleTable, standard_families, table_from_sources

#: +99437 has no unit cap that we found in CMS text; set a number here to cap it.
CAP_99437: int | None = None

_PFS_2025 = "CY 2025 PFS national non-facility amount"

SOURCES_2025: dict[str, AmountSource] = {
    "99490": AmountSource(Decimal("60.49"), "good", _PFS_2025),
    "99439": AmountSource(Decimal("45.93"), "good", _PFS_2025),
    "99491": AmountSource(Decimal("82.16"), "good", _PFS_2025),
    "99437": AmountSource(Decimal("57.58"), "good", _PFS_2025),
    "99487": AmountSource(Decimal("131.65"), "good", _PFS_2025),
    "99489": AmountSource(Decimal("70.52"), "good", _PFS_2025),
    "99424": AmountSource(None, "not found", "not looked up"),
    "99425": AmountSource(None, "not found", "not looked up"),
    "99426": AmountSource(None, "not found", "not looked up"),
    "99427": AmountSource(None, "not found", "not looked up"),
    "G0506": AmountSource(None, "not found", "not looked up"),
}

TABLE: RuleTable = table_from_sources(
    year=2025,
    families=standard_families(cap_99439=2, cap_99437=CAP_99437),
    sources=SOURCES_2025,
    source="CY 2025 PFS national non-facility amounts (see docs/reference.md)",
)
