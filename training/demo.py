"""The demo practice's training cohort: two trainees with finished attempts, some released.

Played through the training package's public API exactly as the trainee page plays them
(:func:`training.engine.start_attempt`, :func:`training.engine.play_path`, reflection answers),
kept in the store (:class:`training.attempts.StoreAttempts`), and released by the supervisor
(:func:`training.grading.release_feedback`). The supervisor page then has a gradebook with
passes, a fail and one attempt still waiting for review; each trainee has feedback to read.
"""

from __future__ import annotations

from datetime import datetime

from workbench import records as r

TRAINEES = (
    r.User("S901", "Jordan Lee", r.Role.TRAINEE, r.Credential.RN, None),
    r.User("S902", "Priya Shah", r.Role.TRAINEE, r.Credential.LPN, None),
)
#: (trainee index, scenario id, path to play, released by the supervisor)
PLAYS = (
    (0, "checkin-hypertension-arthritis", "model_path", True),
    (0, "heart-failure-weight-gain", "failing_path", True),
    (1, "checkin-hypertension-arthritis", "failing_path", True),
    (1, "consent-conversation", "model_path", False),
)
REFLECTION_ANSWER = "I checked what the patient understood and wrote down what we agreed."


def add_training_cohort(wb, now: datetime) -> dict[str, int]:
    """Add the trainees (when missing) and their attempts; returns counts. ``wb`` is any
    Workbench on the demo database; the practice's supervisor releases the feedback."""
    from training.attempts import StoreAttempts
    from training.engine import play_path, start_attempt
    from training.grading import release_feedback
    from training.library import load_library

    state = {u.id: u for u in wb.users()}
    supervisors = [u for u in state.values() if u.role == r.Role.SUPERVISOR]
    if not supervisors:
        return {}
    for u in TRAINEES:
        if u.id not in state:
            wb.add_user(r.User(u.id, u.name, u.role, u.credential, wb.settings.state))
    library = load_library()
    supervisor = wb.as_user(supervisors[0].id)
    counts = {"attempts": 0, "released": 0}
    for n, (who, scenario_id, path, release) in enumerate(PLAYS, start=1):
        scenario = library.get(scenario_id)
        if scenario is None:
            continue
        trainee = wb.as_user(TRAINEES[who].id)
        attempt = start_attempt(trainee, scenario, trainee.user.id, seed=n, repo=StoreAttempts(trainee),
                                attempt_id=f"DEMO{n:02d}")
        play_path(attempt, getattr(scenario, path))
        if scenario.reflection:
            attempt.answer_reflection({q: REFLECTION_ANSWER for q in scenario.reflection})
        counts["attempts"] += 1
        if release:
            release_feedback(StoreAttempts(supervisor), attempt.id, supervisor.user, at=now)
            counts["released"] += 1
    return counts
