"""Billing rule table for service months in 2026 (docs/reference.md, "Payment amounts").

Source: CY 2026 Physician Fee Schedule final rule, CMS-1832-F (Federal Register, 2025-11-05;
conversion factor $33.4009; care-management codes exempt from the 2026 efficiency adjustment).
Amount = total RVU (national non-facility) x $33.4009, rounded to the cent, wherever a source
gives the RVU; the table refuses an amount its own RVU contradicts (``AmountSource.check``), which
is how a locality average ($64.67 for 99437) cannot stand for the national figure. Every figure
except 99490 (several agreeing sources) is **provisional** until checked against the CMS PFS
Look-Up Tool (https://www.cms.gov/medicare/physician-fee-schedule/search), and a bill using one
says so. When a figure is confirmed, set ``confidence="confirmed"`` and it stops being flagged.

99491 has no 2026 figure (only its work RVU, 1.45, was found): it keeps its 2025 amount, flagged
"carried". 99426 and G0506 are unset (None: billed as $0.00, flagged "amount not set", claim held).

APCM (G0556-G0558) and its behavioural-health add-ons (G0568-G0570): G0557 and G0568 from their
RVU (one source each), G0556 approximate (vendor pages), G0558, G0569 and G0570 unset (no figure
found, or sources disagree); the rules are in workbench/rules/apcm.py.

Unit limits: +99439 at most 2 units (CMS: 60 minutes of staff time at most); +99437 at most
``UNIT_LIMIT_99437`` units (2 by default: not CMS text, but a Medicare unit limit (MUE) of 2 is
listed by billing sources, so a third unit is likely denied; set it to None to lift the limit).
"""

from __future__ import annotations

from decimal import Decimal

from workbench.rules.rule_table import AmountSource, RuleTable, standard_families, table_from_sources

#: The CY 2026 PFS conversion factor (CMS-1832-F); $33.5675 for qualifying APM participants.
CONVERSION_FACTOR_2026 = Decimal("33.4009")
#: +99437 units a month at most (a listed Medicare unit limit of 2; None lifts it).
UNIT_LIMIT_99437: int | None = 2

_RULE = "CY 2026 PFS final rule CMS-1832-F"
_ADDENDUM_B = f"{_RULE}, Addendum B RVU (quoted by a public rate file)"
_LOOKUP = f"{_RULE}, RVU as quoted from the PFS Look-Up Tool by billing sources"

SOURCES_2026: dict[str, AmountSource] = {
    "99490": AmountSource(Decimal("66.13"), "good", "1.98 RVU x $33.4009; several sources agree",
                          Decimal("1.98"), _LOOKUP),
    "99439": AmountSource(Decimal("50.44"), "one source",
                          "1.51 RVU x $33.4009 (one source; vendor pages say about $48)",
                          Decimal("1.51"), _ADDENDUM_B),
    "99491": AmountSource(Decimal("82.16"), "carried",
                          "no 2026 figure found (work RVU 1.45 only); the 2025 amount is carried",
                          None, "CY 2025 PFS final rule CMS-1807-F (carried)"),
    "99437": AmountSource(Decimal("63.13"), "one source",
                          "1.89 RVU x $33.4009 (one source; $64.67 elsewhere is a locality average)",
                          Decimal("1.89"), _LOOKUP),
    "99487": AmountSource(Decimal("144.29"), "approximate",
                          "about $144 (vendor pages; no RVU source found)", None, "billing vendors' pages"),
    "99489": AmountSource(Decimal("78.16"), "two sources", "2.34 RVU x $33.4009 (two sources)",
                          Decimal("2.34"), _LOOKUP),
    "99424": AmountSource(Decimal("87.51"), "two sources, differ",
                          "2.62 RVU x $33.4009 (another source gives 2.63, $87.84)",
                          Decimal("2.62"), _LOOKUP),
    "99425": AmountSource(Decimal("61.46"), "one source", "1.84 RVU x $33.4009 (one source)",
                          Decimal("1.84"), _LOOKUP),
    "99426": AmountSource(None, "not found", "no 2026 figure found", None, ""),
    "99427": AmountSource(Decimal("45.43"), "one source",
                          "1.36 RVU x $33.4009 (one source; pages print $45.42)", Decimal("1.36"), _LOOKUP),
    "G0506": AmountSource(None, "not found", "no 2026 figure found", None, ""),
    # APCM (monthly, not time-based) and its behavioural-health add-ons: see workbench/rules/apcm.py
    "G0556": AmountSource(Decimal("16.00"), "approximate",
                          "APCM level 1: about $16 (vendor pages; no RVU source found)", None,
                          "billing vendors' pages"),
    "G0557": AmountSource(Decimal("53.78"), "one source", "APCM level 2: 1.61 RVU x $33.4009 (one source)",
                          Decimal("1.61"), _ADDENDUM_B),
    "G0558": AmountSource(None, "unresolved",
                          "APCM level 3: unresolved ($67 and about $110 on the same site)", None, ""),
    "G0568": AmountSource(Decimal("149.30"), "one source",
                          "APCM behavioural-health add-on: 4.47 RVU x $33.4009 (one source)",
                          Decimal("4.47"), _LOOKUP),
    "G0569": AmountSource(None, "not found", "APCM behavioural-health add-on: no 2026 figure found", None, ""),
    "G0570": AmountSource(None, "not found", "APCM behavioural-health add-on: no 2026 figure found", None, ""),
}

TABLE: RuleTable = table_from_sources(
    year=2026,
    families=standard_families(cap_99439=2, cap_99437=UNIT_LIMIT_99437),
    sources=SOURCES_2026,
    source="CY 2026 PFS final rule CMS-1832-F; national non-facility amounts (see docs/reference.md)",
    conversion_factor=CONVERSION_FACTOR_2026,
)
