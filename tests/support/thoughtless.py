"""Thoughtless players: the strategies a scenario must defeat (competence, not clicking).

Each strategy picks what to say from the options on screen without reading them; for the
chart it does nothing, or the minimum (start the timer when the call begins, stop it with
"." when the call ends). ``play_thoughtless`` plays a whole attempt (every case of a shift).
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


STRATEGIES = {"first": pick_first, "last": pick_last, "author-order": pick_author_order,
              "random": pick_random}


def _talk(attempt, pid: str, pick, rng, chart: str) -> None:
    if attempt.record.active is None:
        attempt.call(pid)
    if chart == "minimum":
        try:
            attempt.do({"type": "start_timer"}, patient_id=pid)
        except WorkbenchError:
            pass
    sc = attempt.scenarios[attempt.record.case(pid).scenario_id]
    for _ in range(MAX_SAYS):
        options = attempt.options()
        if not options:
            break
        attempt.say(pick(options, sc, rng).id)
    attempt.hang_up()
    if chart == "minimum":
        try:
            attempt.do({"type": "stop_timer", "note": "."}, patient_id=pid)
        except WorkbenchError:
            pass


def play_thoughtless(attempt, strategy: str, seed: int = 0, chart: str = "minimum"):
    """Play every scenario case of the attempt with a strategy; end it; return the grade."""
    pick = STRATEGIES[strategy]
    rng = random.Random(seed)
    for case in attempt.record.cases:
        if case.scenario_id is not None and case.status != "call_ended":
            _talk(attempt, case.patient_id, pick, rng, chart)
    attempt.end()
    return attempt.grade()
