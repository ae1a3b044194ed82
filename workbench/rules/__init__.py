"""The CCM rules as pure functions: no I/O, standard library and the record only.

Each rule cites its section of ``ccm-reference.md`` in its docstring.
"""

from workbench.rules.billing import (BillLine, MonthBill, Option, Unbilled, bill_month, choose_codes,
                                     codes_text, next_threshold)
from workbench.rules.care_gaps import CareGap, care_gaps, care_schedule
from workbench.rules.careplan import FieldChange, diff_plans, missing_elements
from workbench.rules.catalog import CATEGORIES, COMPLEX_CATEGORIES, chronic_category, is_complex
from workbench.rules.consent import ConsentStatus, consent_status, missing_disclosures
from workbench.rules.eligibility import Eligibility, QualifyingCondition, assess_eligibility
from workbench.rules.phq import PhqResult, phq_due, phq_due_date, score_phq2, score_phq9, severity_band
from workbench.rules.staffing import StaffingRule
from workbench.rules.rule_table import CodeFamily, RuleTable
from workbench.rules.tables import available_years, rule_table_for
from workbench.rules.time_summary import Excluded, MonthTime, ServiceTime, summarize_month, union_seconds

__all__ = [
    "BillLine", "MonthBill", "Option", "Unbilled", "bill_month", "choose_codes", "codes_text",
    "next_threshold", "CareGap", "care_gaps", "care_schedule", "FieldChange", "diff_plans",
    "missing_elements", "CATEGORIES", "COMPLEX_CATEGORIES", "chronic_category", "is_complex",
    "ConsentStatus", "consent_status", "missing_disclosures", "Eligibility", "QualifyingCondition",
    "assess_eligibility", "PhqResult", "phq_due", "phq_due_date", "score_phq2", "score_phq9",
    "severity_band", "StaffingRule", "CodeFamily", "RuleTable", "available_years", "rule_table_for",
    "Excluded", "MonthTime", "ServiceTime", "summarize_month", "union_seconds",
]
