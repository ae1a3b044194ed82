"""The CCM rules as pure functions: no I/O, standard library and the record only.

Each rule cites its section of ``ccm-reference.md`` in its docstring.
"""

from workbench.rules.billing import MonthBill, bill_month, choose_codes, next_threshold
from workbench.rules.care_gaps import care_gaps, care_schedule
from workbench.rules.careplan import diff_plans, missing_elements
from workbench.rules.catalog import CATEGORIES, COMPLEX_CATEGORIES, chronic_category, is_complex
from workbench.rules.consent import ConsentStatus, consent_status
from workbench.rules.eligibility import assess_eligibility
from workbench.rules.phq import phq_due, score_phq2, score_phq9, severity_band
from workbench.rules.staffing import StaffingRule
from workbench.rules.tables import rule_table_for
from workbench.rules.time_summary import Excluded, MonthTime, ServiceTime, summarize_month, union_seconds

__all__ = ["MonthBill", "bill_month", "choose_codes", "next_threshold", "care_gaps", "care_schedule", "diff_plans",
           "missing_elements", "CATEGORIES", "COMPLEX_CATEGORIES", "chronic_category", "is_complex", "ConsentStatus",
           "consent_status", "assess_eligibility", "phq_due", "score_phq2", "score_phq9", "severity_band",
           "StaffingRule", "rule_table_for", "Excluded", "MonthTime", "ServiceTime", "summarize_month",
           "union_seconds"]
