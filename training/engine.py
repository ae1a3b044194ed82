"""Playing a scenario: an ``Attempt`` that writes real records through the workbench service.

    attempt = start_attempt(wb, scenario, trainee_id="T001", seed=7, repo=repo)
    attempt.options()                  # [Option(id, label), ...]  (no scoring information)
    attempt.choose("verify-identity", note="Confirmed name and DOB")
    attempt.finished, attempt.transcript

The scenario's patient is created in the store with ``scope = "training:<attempt id>"``; the
trainee acts through ``wb.as_user(trainee_id, clock=sim_clock)`` where ``sim_clock`` is a
``FixedClock`` that each action moves on by its simulated minutes. Events fire when their
time or condition comes (reference: scenario notes, "What a competent care manager does").
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from workbench.clock import FixedClock
from workbench.errors import InvalidInput, WorkbenchError
from workbench.records import Consent

from training.attempts import AttemptRecord, AttemptRepository, InMemoryAttempts, TranscriptLine
from training.effects import apply_effect, local_today, stop_call_at_end
from training.evidence import collect_facts
from training.patients import PresetLoader, build_bundle
from training.scenario import Scenario


@dataclass(frozen=True)
class Option:
    """One choice the trainee may make now: what the player shows, nothing more."""

    id: str
    label: str
    kind: str


class Attempt:
    """One trainee's play of one scenario. Use ``start_attempt`` or ``resume_attempt``."""

    def __init__(self, wb, scenario: Scenario, record: AttemptRecord, clock: FixedClock,
                 repo: AttemptRepository):
        self.scenario = scenario
        self.record = record
        self.clock = clock
        self.repo = repo
        self._wb = wb
        self._tw = wb.as_user(record.trainee_id, clock=clock)

    # ------------------------------------------------------------------ reading
    @property
    def id(self) -> str:
        return self.record.id

    @property
    def patient_id(self) -> str:
        return self.record.patient_id

    @property
    def finished(self) -> bool:
        return self.record.status == "finished"

    @property
    def transcript(self) -> list[TranscriptLine]:
        return list(self.record.transcript)

    @property
    def elapsed_minutes(self) -> float:
        return (self.clock.now() - self.record.sim_start).total_seconds() / 60

    def options(self) -> list[Option]:
        """The actions offered now (ids, labels and kinds only)."""
        if self.finished:
            return []
        chosen = set(self.record.chosen)
        node = self.scenario.nodes[self.record.node]
        return [Option(a.id, a.label, a.kind) for a in (self.scenario.actions[i] for i in node.actions)
                if not (a.once and a.id in chosen)]

    # ------------------------------------------------------------------ playing
    def choose(self, action_id: str, note: str | None = None) -> list[TranscriptLine]:
        """Take one action; return the transcript lines it added."""
        if self.finished:
            raise InvalidInput("This attempt has ended; start a new attempt to play again.")
        if action_id not in {o.id for o in self.options()}:
            raise InvalidInput("That choice is not available at this point of the conversation.",
                               field="action")
        action = self.scenario.actions[action_id]
        note = note.strip() if note and note.strip() else None
        first = len(self.record.transcript)
        self.clock.advance(minutes=action.minutes)
        ended = self._fire_events(at_end=False)  # what came due while this action took time
        writes, refused = self._apply(action.effects, note)
        self._say("trainee", action.label, action_id=action_id, note=note, writes=writes)
        for message in refused:
            self._say("narrator", f"The workbench did not save this: {message}")
        if action.reply:
            self._say("patient", self._pick(action.reply, f"reply:{action_id}"))
        if action.next and action.next != self.record.node:
            self._enter(action.next)
        ended = self._fire_events(at_end=False) or ended or action.ends or not self.options()
        if ended:
            self._finish()
        self.repo.save_attempt(self.record)
        return self.record.transcript[first:]

    def end(self) -> None:
        """End the attempt now (the trainee hangs up or leaves)."""
        if not self.finished:
            self._finish()
            self.repo.save_attempt(self.record)

    def answer_reflection(self, answers: dict[str, str]) -> None:
        """Keep the trainee's answers to the scenario's reflection questions."""
        if not self.finished:
            raise InvalidInput("Reflection questions come after the conversation has ended.")
        unknown = [q for q in answers if q not in self.scenario.reflection]
        if unknown:
            raise InvalidInput("That is not one of this scenario's reflection questions.",
                               field="reflection")
        self.record.reflection.update({q: a.strip() for q, a in answers.items()})
        self.repo.save_attempt(self.record)

    # ------------------------------------------------------------------ inside
    def _pick(self, lines: tuple[str, ...], key: str) -> str:
        return random.Random(f"{self.record.seed}:{key}").choice(lines)

    def _apply(self, effects, note: str | None) -> tuple[list, list[str]]:
        """Write the effects; a write the service refuses becomes a message, not a crash."""
        writes: list = []
        refused: list[str] = []
        for effect in effects:
            try:
                writes += apply_effect(self._tw, self.record, effect, note)
            except WorkbenchError as exc:
                refused.append(str(exc))
        return writes, refused

    def _say(self, speaker: str, text: str, action_id: str | None = None,
             note: str | None = None, writes: list | None = None) -> None:
        now = self.clock.now()
        for kind, rid in writes or []:
            self.record.record_times[f"{kind}:{rid}"] = now.isoformat()
        self.record.transcript.append(TranscriptLine(
            n=len(self.record.transcript) + 1, at=now, speaker=speaker, text=text,
            action_id=action_id, note=note, writes=list(writes or [])))

    def _enter(self, node_id: str) -> None:
        self.record.node = node_id
        node = self.scenario.nodes[node_id]
        if node.patient:
            self._say("patient", self._pick(node.patient, f"node:{node_id}"))

    def _fire_events(self, at_end: bool) -> bool:
        """Fire due events; return True if one ends the attempt."""
        chosen = set(self.record.chosen)
        ends = False
        for ev in self.scenario.events:
            if ev.id in self.record.fired_events or ev.at_end != at_end:
                continue
            if not at_end and self.elapsed_minutes < (ev.after_minutes or 0):
                continue
            if not set(ev.if_chosen) <= chosen or set(ev.unless_chosen) & chosen:
                continue
            self.record.fired_events.append(ev.id)
            writes, _ = self._apply(ev.effects, None)
            self._say("narrator", ev.line, writes=writes)
            if ev.goto and not at_end:
                self._enter(ev.goto)
            ends = ends or ev.ends
        return ends

    def _finish(self) -> None:
        self._fire_events(at_end=True)
        if self._tw.running_timer() is not None:
            stop_call_at_end(self._tw, self.record)
            self._say("narrator", "The call ended without documentation: its time was not recorded.")
        self.record.status = "finished"
        self.record.finished_at = datetime.now(UTC)


def start_attempt(wb, scenario: Scenario, trainee_id: str, seed: int = 0,
                  repo: AttemptRepository | None = None, attempt_id: str | None = None,
                  preset_loader: PresetLoader | None = None) -> Attempt:
    """Begin an attempt: create the scenario's patient for it and open the conversation.

    ``wb`` is any signed-in Workbench; the trainee must be a known user. The patient and
    anything they come with (consent on file, a care plan, barriers) are written the day
    before the simulated start, so only the trainee's own actions fall inside the call.
    """
    wb.get_user(trainee_id)  # NotFound for someone who is not on the team
    repo = repo if repo is not None else InMemoryAttempts()
    attempt_id = attempt_id or secrets.token_hex(4).upper()
    patient_id = f"T{attempt_id}"
    sim_start = scenario.clock_start
    today = local_today(wb, sim_start)
    bundle = build_bundle(scenario, patient_id, f"training:{attempt_id}", today, seed, preset_loader)
    seeder = wb.as_user(wb.user.id, clock=FixedClock(sim_start - timedelta(days=1)))
    if bundle.consent is not None and not bundle.consent.obtained_by:
        bundle.consent = Consent(**{**bundle.consent.__dict__, "obtained_by": wb.user.id})
    # The practice patient and whose attempt it is, written together: the store lets only
    # this trainee and supervisors open the patient (workbench.policy).
    seeder.add_training_patient(bundle, attempt_id, trainee_id, scenario.id, seed)
    record = AttemptRecord(id=attempt_id, scenario_id=scenario.id, trainee_id=trainee_id,
                           patient_id=patient_id, seed=seed, started_at=datetime.now(UTC),
                           sim_start=sim_start.astimezone(UTC))
    record.baseline = {}
    for fact in collect_facts(wb, record):
        record.baseline.setdefault(fact.type, []).append(fact.id)
    clock = FixedClock(sim_start)
    attempt = Attempt(wb, scenario, record, clock, repo)
    if scenario.call:
        apply_effect(attempt._tw, record, {"type": "start_call"}, None)
    attempt._say("narrator", scenario.situation)
    attempt._enter(scenario.start_node)
    repo.add_attempt(record)
    return attempt


def resume_attempt(wb, scenario: Scenario, repo: AttemptRepository, attempt_id: str) -> Attempt:
    """Pick an attempt up again (another kernel): the clock resumes at its last line."""
    record = repo.get_attempt(attempt_id)
    last = record.transcript[-1].at if record.transcript else record.sim_start
    return Attempt(wb, scenario, record, FixedClock(last), repo)


def play_path(attempt: Attempt, path) -> Attempt:
    """Play a scripted path (``scenario.model_path`` or ``failing_path``) to its end."""
    for step in path:
        if attempt.finished:
            break
        attempt.choose(step.action, note=step.note)
    attempt.end()
    return attempt
