"""Billing rule table for service months in 2026 (docs/reference.md, "Payment amounts").

Source: CY 2026 Physician Fee Schedule final rule, CMS-1832-F (Federal Register, 2025-11-05;
conversion factor $33.4009; care-management codes exempt from the 2026 efficiency adjustment).
The national non-facility amounts below were found quoted from the CMS PFS Look-Up Tool by
secondary sources; every one except 99490 (several agreeing sources) is **provisional** until
checked against the Look-Up Tool (https://www.cms.gov/medicare/physician-fee-schedule/search),
and a bill using one says so. All 2026 amounts live in the ONE table below: when a figure is
confirmed, set ``confidence="confirmed"`` (or ``"good"``) and it stops being flagged.

Codes with no 2026 figure found: 99491 keeps its 2025 amount (provisional), 99425, 99426 and
G0506 are unset (None: billed as $0.00 and flagged "amount not set").
"""

from __future__ import annotations

from decimal import Decimal

from workbench.rules.rule_table import AmountSource, RuleTable, standard_families, table_from_sources

#: +99437 has no unit cap that we found in CMS text; set a number here to cap it.
CAP_99437: int | None = None

SOURCES_2026: dict[str, AmountSource] = {
    "99490": AmountSource(Decimal("66.13"), "good", "2026 PFS, 1.98 RVU x $33.4009; several sources agree"),
    "99439": AmountSource(Decimal("48.00"), "unconfirmed", "about $48 (one unconfirmed source)"),
    "99491": AmountSource(Decimal("82.16"), "carried", "no 2026 figure found; 2025 amount carried"),
    "99437": AmountSource(Decimal("64.67"), "one source", "2026 PFS, 1.89 RVU (one source)"),
    "99487": AmountSource(Decimal("144.29"), "approximate", "about $144.29 (one source, approximate)"),
    "99489": AmountSource(Decimal("78.16"), "two sources", "2026 PFS, 2.34 RVU (two sources)"),
    "99424": AmountSource(Decimal("88.00"), "approximate",
                          "about $88-89 (approximate; the lower figure is used)"),
    "99425": AmountSource(None, "not found", "no 2026 figure found"),
    "99426": AmountSource(None, "not found", "no 2026 figure found"),
    "99427": AmountSource(Decimal("45.42"), "one source", "2026 PFS (one source)"),
    "G0506": AmountSource(None, "not found", "no 2026 figure found"),
}

TABLE: RuleTable = table_from_sources(
    year=2026,
    families=standard_families(cap_99439=2, cap_99437=CAP_99437),
    sources=SOURCES_2026,
    source="CY 2026 PFS final rule CMS-1832-F; national non-facility amounts (see docs/reference.md)",
)
