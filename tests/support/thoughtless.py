"""Thoughtless players: the strategies a scenario must defeat (competence, not clicking).

Each strategy picks what to say from the options on screen without reading them (or by
their length alone); for the chart it does nothing, the minimum (start the timer when the call
begins, stop it with "." when the call ends), or a scenario-blind routine a gamer learns
(``BLIND_ROUTINE``: consent, a generic goal, PHQ-9 all zeros, a generic escalation with every
step, a contact, a barrier, a follow-up in 24 h and a 12-word note, whatever the call is
about). ``play_thoughtless`` plays a whole attempt (every case of a shift).
"""

from __future__ import annotations

import random

from workbench.errors import WorkbenchError

MAX_SAYS = 60


def pick_first(options, sc, rng):
    return options[0]


def pick_last(options, sc, rng):
    return options[-1]


def pick_author_order(options, sc, rng):
    """Every option, in the order the author wrote them (where the answer used to be first)."""
    order = {o.id: i for i, o in enumerate(sc.options)}
    return min(options, key=lambda o: order[o.id])


def pick_random(options, sc, rng):
    return rng.choice(options)


def pick_longest(options, sc, rng):
    """The longest label on screen (the test-wise guess), whatever the shuffle."""
    return max(options, key=lambda o: (len(o.label), o.id))


STRATEGIES = {"first": pick_first, "last": pick_last, "author-order": pick_author_order,
              "random": pick_random, "longest": pick_longest}
#: strategies whose choices do not depend on the shuffle or the seed: one run tells all
DETERMINISTIC = ("author-order", "longest")

_STEP_NOTE = "Step done as per the protocol today"
BLIND_ROUTINE = (
    {"type": "record_consent", "method": "verbal",
     "disclosures": {k: True for k in ("service_explained", "cost_sharing", "one_practitioner",
                                       "stop_any_time")}},
    {"type": "revise_care_plan", "reason": "Care plan reviewed on the call",
     "add_goals": [{"description": "Improve health and manage conditions", "measure": "progress",
                    "target": "better by next month", "due_in_days": 30}]},
    {"type": "record_phq", "instrument": "PHQ-9", "answers": [0] * 9},
    {"type": "open_escalation", "ref": "blind", "severity": "urgent",
     "reason": "Concern raised on the call"},
    *({"type": "escalation_step", "ref": "blind", "step": step, "note": _STEP_NOTE,
       **({"patient_consent": True} if step in ("ems_called", "emergency_contact_called")
          else {})}
      for step in ("rn_triage", "provider_notified", "behavioral_health", "crisis_line_given",
                   "poison_control", "ems_called", "emergency_contact_called", "stayed_on_line",
                   "paramedics_arrived", "safety_plan", "lethal_means", "follow_up_scheduled")),
    {"type": "log_contact", "channel": "phone", "outcome": "reached", "with_whom": "patient",
     "note": "Spoke with the patient about the plan"},
    {"type": "add_barrier", "ref": "blind-barrier", "domain": "other", "description": "Barrier found",
     "action": "Support arranged"},
    {"type": "schedule_follow_up", "due_in_hours": 24, "reason": "Check in again"},
)
BLIND_NOTE = "Called the patient today, reviewed the care plan and agreed the next steps together."


def _talk(attempt, pid: str, pick, rng, chart: str) -> None:
    if attempt.record.active is None:
        attempt.call(pid)
    if chart in ("minimum", "blind"):
        _try(attempt, {"type": "start_timer"}, pid)
    if chart == "blind":
        for action in BLIND_ROUTINE:
            _try(attempt, action, pid)
    sc = attempt.scenarios[attempt.record.case(pid).scenario_id]
    for _ in range(MAX_SAYS):
        options = attempt.options()
        if not options:
            break
        attempt.say(pick(options, sc, rng).id)
    attempt.hang_up()
    if chart in ("minimum", "blind"):
        _try(attempt, {"type": "stop_timer", "note": BLIND_NOTE if chart == "blind" else "."}, pid)


def _try(attempt, action, pid) -> None:
    try:
        attempt.do(action, patient_id=pid)
    except WorkbenchError:
        pass  # refused by the service: a gamer's click that wrote nothing


def play_thoughtless(attempt, strategy: str, seed: int = 0, chart: str = "minimum"):
    """Play every scenario case of the attempt with a strategy; end it; return the grade."""
    pick = STRATEGIES[strategy]
    rng = random.Random(seed)
    for case in attempt.record.cases:
        if case.scenario_id is not None and case.status != "call_ended":
            _talk(attempt, case.patient_id, pick, rng, chart)
    attempt.end()
    return attempt.grade()
