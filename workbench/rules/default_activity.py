"""The activity a timer on a patient's chart starts with: the patient's default.

Pure. The default follows the patient's most urgent kind of work, in the worklist's "why now"
order (:mod:`workbench.rules.why_now`), so a timer started on a chart is filed as what the call
most likely is, never as what was chosen on the previous patient's chart:

- an open escalation: ``escalation`` (reference, "Screening instruments": item 9 needs
  same-day follow-up; an escalation is open until closed with its protocol's steps);
- a hospital contact (a discharge) in the last :data:`~workbench.rules.why_now.DISCHARGE_WINDOW_DAYS`
  days: ``care_transition`` (reference, "What counts": care transitions);
- otherwise: ``patient_call``, the ordinary monthly check-in.

The person can still pick another activity before starting, or before stopping.
"""

from __future__ import annotations

from ..records import Activity
from .why_now import DISCHARGE_WINDOW_DAYS


def default_activity(open_escalations: int = 0, days_since_discharge: int | None = None) -> Activity:
    """The patient's default timer activity from their open escalations and the days since
    their last hospital contact (None: none on record; a negative day is a contact dated after
    today, which does not count)."""
    if open_escalations > 0:
        return Activity.ESCALATION
    if days_since_discharge is not None and 0 <= days_since_discharge < DISCHARGE_WINDOW_DAYS:
        return Activity.CARE_TRANSITION
    return Activity.PATIENT_CALL
