"""The year tables by year, and the choice of table by service month (docs/reference.md,
"Monthly codes and time thresholds"): each year's rules are in their own module."""

from __future__ import annotations

from workbench.errors import InvalidInput
from workbench.rules import billing_2025, billing_2026
from workbench.rules.months import parse_month
from workbench.rules.rule_table import RuleTable

_TABLES: dict[int, RuleTable] = {2025: billing_2025.TABLE, 2026: billing_2026.TABLE}


def available_years() -> list[int]:
    return sorted(_TABLES)


def rule_table_for(month: str) -> RuleTable:
    """The rule table for a service month "YYYY-MM" (reference, "Monthly codes and time thresholds").

    A year with no table is refused: billing it with another year's rules would be a guess.
    """
    year, _ = parse_month(month)
    tables = _TABLES
    if year not in tables:
        years = ", ".join(str(y) for y in sorted(tables))
        raise InvalidInput(f"There is no billing rule table for {year} (tables exist for {years}). "
                           "Ask the billing lead to add one before billing this month.", field="month")
    return tables[year]
