"""Playing a practice shift: its patients seeded in the attempt's scope, its cases played in turn.

The shift file itself (its model and parsing) is :mod:`training.shifts`; an attempt's turns are
:mod:`training.engine`.
"""

from __future__ import annotations

import dataclasses
import random

from training.attempts import AttemptRepository, CaseState, InMemoryAttempts
from training.engine import Attempt, new_record, play_path
from training.patients import default_preset_loader, seed_case, seed_patient
from training.shifts import Shift


def start_shift(wb, shift: Shift, trainee_id: str, library: dict, seed: int = 0,
                repo: AttemptRepository | None = None, attempt_id: str | None = None,
                preset_loader=None, wall: bool = False):
    """Begin a practice shift: every patient is created in the attempt's scope; no call yet."""
    wb.get_user(trainee_id)
    repo = repo if repo is not None else InMemoryAttempts()
    record = new_record(trainee_id, f"shift:{shift.id}", seed, shift.clock.start, wb.now(), attempt_id)
    scenarios = {c.scenario: library[c.scenario] for c in shift.cases}
    # one numbering for scripted and routine patients, shuffled: an id says nothing of which is which
    numbers = list(range(1, len(shift.cases) + shift.panel.count + 1))
    random.Random(f"{record.id}:{seed}:ids").shuffle(numbers)
    for n, c in enumerate(shift.cases):
        record.cases.append(seed_case(wb, record, scenarios[c.scenario], f"T{record.id}-{numbers[n]}",
                                      seed, preset_loader))
    loader = preset_loader or default_preset_loader
    for n in range(shift.panel.count):
        bundle = loader(shift.panel.preset, shift.panel.first_index + n, seed)
        pid = f"T{record.id}-{numbers[len(shift.cases) + n]}"
        bundle.patient = dataclasses.replace(bundle.patient, id=pid, scope=f"training:{record.id}")
        bundle.barriers = []
        if bundle.consent is not None:
            bundle.consent = dataclasses.replace(bundle.consent, patient_id=pid)
        seed_patient(wb, bundle, record.sim_start, record)
        record.cases.append(CaseState(patient_id=pid))
    record.patient_id = record.cases[0].patient_id
    repo.add_attempt(record)
    attempt = Attempt(wb, record, scenarios, repo, shift=shift, wall=wall)
    attempt._save()
    attempt.tick()  # what arrives at the start of the shift (after_minutes: 0) is there already
    return attempt


def play_shift_path(attempt, library: dict, path_name: str = "model_path",
                    only: str | None = None):
    """Play each case's scripted path in turn (``only``: the scenario that plays
    ``path_name``; the others play their model path), then end the shift."""
    for case in attempt.record.cases:
        if case.scenario_id is None:
            continue
        sc = library[case.scenario_id]
        name = path_name if only in (None, sc.id) else "model_path"
        play_path(attempt, getattr(sc, name), patient_id=case.patient_id)
        attempt.hang_up()
    attempt.end()
    return attempt
