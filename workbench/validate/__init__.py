"""One set of checks for every way into the record: the service API, the CSV importer, panel
loading and training all call these, so SQLite and PostgreSQL receive exactly the same values.

A bad value raises :class:`~workbench.errors.InvalidInput` (nothing is written) whose message
names the field and the value, in words a care manager understands, and never repeats free
text such as a patient's name or a note. Modules:

- :mod:`.basic`: text, identifiers, choices, whole and real numbers, JSON values;
- :mod:`.when`: dates, times with offsets and time zones, minutes;
- :mod:`.codes`: ICD-10-CM codes, sex, state, telephone numbers, PHQ answers, the billing
  practitioner, consent;
- :mod:`.record`: whole records (a patient bundle, a condition, a care plan, the practice settings).
"""

from __future__ import annotations

from .basic import boolean, choice, identifier, limit_of, row_id, short, show, text, whole
from .codes import billing_practitioner, consent_disclosures, icd10, phq_answers, sex, state
from .record import Problems, bundle, care_plan, condition, patient, practice_settings, user
from .when import (EARLIEST_SERVICE, MAX_ENTRY_MINUTES, a_date, a_datetime, birth_date, care_date, minutes,
                   minutes_text, month, seconds_of)

__all__ = ["boolean", "choice", "identifier", "limit_of", "row_id", "short", "show", "text", "whole",
           "billing_practitioner", "consent_disclosures", "icd10", "phq_answers", "sex", "state", "Problems",
           "bundle", "care_plan", "condition", "patient", "practice_settings", "user", "EARLIEST_SERVICE",
           "MAX_ENTRY_MINUTES", "a_date", "a_datetime", "birth_date", "care_date", "minutes", "minutes_text", "month",
           "seconds_of"]
