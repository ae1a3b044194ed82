"""Playing an attempt: a practice shift of one or more patients, played through the real
workbench.

    attempt = start_attempt(wb, scenario, trainee_id="TR01", seed=7)     # a shift of one
    attempt.options()                 # [Option(id, label)], shuffled for this attempt
    attempt.say("confirm-identity")   # what the trainee says: writes nothing
    tw = attempt.workbench            # the trainee's own Workbench, on the attempt's clock
    tw.start_timer(attempt.patient_id)   # what the trainee does: real records
    attempt.advance(5); attempt.hang_up(); attempt.end()

Each patient is a real patient row with ``scope = "training:<attempt id>"``. World events
fire when their time or condition comes, after what the trainee just did, and their
``goto`` wins over the option's ``next``; their records are written by the system user.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from pydantic import TypeAdapter

from workbench.errors import InvalidInput
from workbench.service import SYSTEM_USER

from training.actions import perform
from training.actions_model import ChartAction
from training.attempts import (AttemptRecord, AttemptRepository, CaseState, InMemoryAttempts,
                               TranscriptLine)
from training.clock import AttemptClock
from training.model import Event, Scenario

_ACTION = TypeAdapter(ChartAction)


@dataclass(frozen=True)
class Option:
    """One thing the trainee may say now: what the call pane shows, nothing more."""

    id: str
    label: str


def _needs_records(ev: Event) -> bool:
    return any(r.record is not None for r in ev.if_ + ev.unless)


class Attempt:
    """One trainee's attempt. Make one with ``start_attempt``, ``start_shift`` or ``resume``."""

    def __init__(self, wb, record: AttemptRecord, scenarios: dict[str, Scenario],
                 repo: AttemptRepository, shift=None, wall: bool = False):
        self.record = record
        self.scenarios = scenarios
        self.shift = shift
        self.repo = repo
        self.clock = AttemptClock(record.sim_start, wall=wall, state=record.clock or None, real=wb.clock)
        #: the trainee's own Workbench: everything they DO goes through it
        self.workbench = wb.as_user(record.trainee_id, clock=self.clock)
        self._system = wb.as_user(SYSTEM_USER.id, clock=self.clock)

    @property
    def id(self) -> str:
        return self.record.id

    @property
    def patient_id(self) -> str:
        """The (first) scenario patient."""
        return self.record.patient_id

    @property
    def patient_ids(self) -> list[str]:
        return [c.patient_id for c in self.record.cases]

    @property
    def scope(self) -> str:
        return f"training:{self.record.id}"

    @property
    def finished(self) -> bool:
        return self.record.status == "finished"

    @property
    def transcript(self) -> list[TranscriptLine]:
        return list(self.record.transcript)

    @property
    def scenario(self) -> Scenario | None:
        """The scenario of a single-scenario attempt (or of the patient on the call)."""
        case = self._active_case() or next((c for c in self.record.cases if c.scenario_id), None)
        return self.scenarios.get(case.scenario_id) if case and case.scenario_id else None

    def _active_case(self) -> CaseState | None:
        return self.record.case(self.record.active) if self.record.active else None

    def options(self) -> list[Option]:
        """What may be said now on the call, shuffled for this attempt (ids and labels only)."""
        case = self._active_case()
        if self.finished or case is None or case.scenario_id is None or case.status != "on_call":
            return []
        sc = self.scenarios[case.scenario_id]
        opts = [sc.option(i) for i in sc.node(case.node).options]
        opts = [o for o in opts if not (o.once and o.id in case.said)]
        random.Random(f"{self.record.id}:{self.record.seed}:{case.patient_id}:{case.node}"
                      ).shuffle(opts)
        return [Option(o.id, o.label) for o in opts]

    def call(self, patient_id: str) -> list[TranscriptLine]:
        """Phone a patient of the shift (a new call to someone already called is fine)."""
        self._open()
        if self.record.active is not None:
            raise InvalidInput("You are on a call already: hang up first.")
        case = self.record.case(patient_id)
        first = len(self.record.transcript)
        self.clock.run()
        now = self.clock.now()
        case.calls.append([now.isoformat(), None])
        self.record.active = patient_id
        case.status = "on_call"
        if case.scenario_id is None:
            self._say("narrator", "The patient answers: a routine monthly check-in; nothing new "
                      "since last month.", patient_id)
        elif not case.node:
            sc = self.scenarios[case.scenario_id]
            self._say("narrator", sc.situation, patient_id)
            self._enter(case, sc.conversation.start)
        else:
            self._say("narrator", "You call again.", patient_id)
            self._enter(case, case.node)
        return self._after(first)

    def say(self, option_id: str) -> list[TranscriptLine]:
        """Say one of the options offered now; return the transcript lines it added."""
        self._open()
        if option_id not in {o.id for o in self.options()}:
            raise InvalidInput("That is not something you can say at this point of the call.", field="option")
        case = self._active_case()
        sc = self.scenarios[case.scenario_id]
        opt = sc.option(option_id)
        first = len(self.record.transcript)
        self.clock.advance(opt.minutes)  # what is said takes its minutes, at wall speed too
        self._say("trainee", opt.label, case.patient_id, option_id=opt.id)
        case.said.append(opt.id)
        if opt.reply:
            self._say("patient", self._pick(opt.reply, f"reply:{opt.id}"), case.patient_id)
        if opt.next and opt.next != case.node:
            self._enter(case, opt.next)
        if opt.ends:
            self._end_call(case, "The call ends.")
        elif not self.options():
            self._end_call(case, "The patient has nothing more to say; the call ends.")
        return self._after(first)

    def say_text(self, text: str) -> list[TranscriptLine]:
        """The trainee's own words, kept in the transcript (they change nothing else)."""
        self._open()
        case = self._active_case()
        if case is None:
            raise InvalidInput("You are not on a call.")
        if not text or not text.strip():
            raise InvalidInput("Type what you say first.", field="text")
        first = len(self.record.transcript)
        self._say("trainee", text.strip()[:2000], case.patient_id, free=True)
        return self._after(first)

    def do(self, action, patient_id: str | None = None) -> list[tuple[str, int]]:
        """Do a chart action as the trainee (what a chart tab's Save does). ``action`` is a
        dict such as ``{"type": "start_timer"}`` or a ``training.actions_model`` object."""
        self._open()
        action = _ACTION.validate_python(action) if isinstance(action, dict) else action
        pid = patient_id or self.record.active or self.record.patient_id
        writes = perform(self.workbench, pid, self.record.case(pid), action)
        self._after(len(self.record.transcript))
        return writes

    def advance(self, minutes: float) -> list[TranscriptLine]:
        """Let simulated minutes pass (between calls, or waiting on the line)."""
        self._open()
        if minutes <= 0:
            raise InvalidInput("Give a number of minutes above 0.", field="minutes")
        first = len(self.record.transcript)
        self.clock.advance(minutes)
        return self._after(first)

    def tick(self) -> list[TranscriptLine]:
        """Let the world catch up (after the trainee saved something in a chart tab)."""
        self._open()
        return self._after(len(self.record.transcript))

    def hang_up(self) -> list[TranscriptLine]:
        self._open()
        case = self._active_case()
        if case is None:
            return []
        first = len(self.record.transcript)
        self._end_call(case, "You end the call.")
        return self._after(first)

    def end(self) -> None:
        """Finish the attempt: the shift is over. A timer still running is closed and its
        time is NOT recorded (undocumented time does not count)."""
        if self.finished:
            return
        case = self._active_case()
        if case is not None:
            self._end_call(case, "The call ends with the shift.")
        self._tick(at_end=True)
        timer = self.workbench.running_timer()
        if timer is not None:
            self.workbench.close_abandoned_timer(timer.id, "Training shift ended without "
                                                 "documentation")
            self._say("narrator", "A timer was left running: its time was not recorded.",
                      timer.patient_id)
        self.record.status = "finished"
        self.record.finished_at = self.clock.real.now()  # real time, the workbench's clock
        self._save()

    def answer_reflection(self, answers: dict[str, str]) -> None:
        if not self.finished:
            raise InvalidInput("Reflection questions come after the attempt has ended.")
        questions = {q for sc in self.scenarios.values() for q in sc.reflection}
        if any(q not in questions for q in answers):
            raise InvalidInput("That is not one of this attempt's reflection questions.", field="reflection")
        self.record.reflection.update({q: a.strip() for q, a in answers.items()})
        self._save()

    def grade(self):
        from training.grading import grade_attempt

        return grade_attempt(self.workbench, self.scenarios, self.record)

    def _open(self) -> None:
        if self.finished:
            raise InvalidInput("This attempt has ended; start a new attempt to play again.")

    def _save(self) -> None:
        self.record.clock = self.clock.state()
        self.repo.save_attempt(self.record)

    def _after(self, first: int) -> list[TranscriptLine]:
        self._tick(at_end=False)
        self._save()
        return self.record.transcript[first:]

    def _pick(self, lines: tuple[str, ...], key: str) -> str:
        return random.Random(f"{self.record.seed}:{key}").choice(lines)

    def _say(self, speaker: str, text: str, patient_id: str, **kw) -> None:
        self.record.transcript.append(TranscriptLine(
            n=len(self.record.transcript) + 1, at=self.clock.now(), speaker=speaker, text=text,
            patient_id=patient_id, **kw))

    def _enter(self, case: CaseState, node_id: str) -> None:
        case.node = node_id
        node = self.scenarios[case.scenario_id].node(node_id)
        if node.patient:
            self._say("patient", self._pick(node.patient, f"node:{node_id}"), case.patient_id,
                      node=node_id)

    def _end_call(self, case: CaseState, line: str) -> None:
        if case.status != "on_call":
            return
        self._say("narrator", line, case.patient_id)
        case.calls[-1][1] = self.clock.now().isoformat()
        case.status = "call_ended"
        self.record.active = None
        self.clock.pause()

    def _context(self, case: CaseState):
        from training.evidence import scope_facts
        from training.grading import case_context

        tw, scenario = self.workbench, self.scenarios.get(case.scenario_id or "")
        return case_context(self.record, case, scenario, scope_facts(tw, [case.patient_id]), tw.tz)

    def waiting_helps(self) -> bool:
        """Whether what the trainee did will move the call on by itself (a timed jump whose
        conditions are met, its minute not yet come): the pane then offers to wait."""
        case = self._active_case()
        if self.finished or case is None or case.scenario_id is None:
            return False
        return any(ev.goto and ev.if_ and self._due(ev, case, at_end=False, timed=False)
                   for ev in self.scenarios[case.scenario_id].events)

    def _due(self, ev: Event, case: CaseState, at_end: bool, timed: bool = True) -> bool:
        from training.checks import find_ref

        if ev.id in case.fired or ev.at_end != at_end or (not at_end and not case.calls):
            return False
        start = datetime.fromisoformat(case.calls[0][0]) if case.calls else None
        if not at_end and timed and (self.clock.peek() - start).total_seconds() / 60 < ev.after_minutes:
            return False
        if not ev.if_ and not ev.unless:
            return True
        ctx = self._context(case) if _needs_records(ev) else self._context_lines(case)
        return (all(find_ref(r, ctx).met for r in ev.if_)
                and not any(find_ref(r, ctx).met for r in ev.unless))

    def _context_lines(self, case: CaseState):
        from training.grading import case_context

        return case_context(self.record, case, None, [])

    def _tick(self, at_end: bool) -> None:
        for case in self.record.cases:
            if case.scenario_id is None:
                continue
            for ev in self.scenarios[case.scenario_id].events:
                if self._due(ev, case, at_end):
                    self._fire(ev, case)
        if self.shift is not None:
            from training.shifts import shift_events_due

            for ev, case in shift_events_due(self, at_end):
                self._fire(ev, case, shift=True)

    def _fire(self, ev: Event, case: CaseState, shift: bool = False) -> None:
        (self.record.fired if shift else case.fired).append(ev.id)
        self._say("narrator", ev.line, case.patient_id, event=ev.id)
        for effect in ev.effects:
            try:
                perform(self._system, case.patient_id, case, effect)
            except Exception as exc:  # noqa: BLE001 - a world event must not stop the call
                self._say("narrator", f"(The workbench did not record this: {exc})",
                          case.patient_id)
        if ev.goto and case.status == "on_call":
            self._enter(case, ev.goto)  # the event's jump wins over the option's next
        if ev.ends:
            self._end_call(case, "The call has ended.")


def new_record(trainee_id: str, scenario_id: str, seed: int, sim_start: datetime, started_at: datetime,
               attempt_id: str | None = None) -> AttemptRecord:
    attempt_id = attempt_id or secrets.token_hex(4).upper()
    return AttemptRecord(id=attempt_id, scenario_id=scenario_id, trainee_id=trainee_id,
                         patient_id="", seed=seed, started_at=started_at,
                         sim_start=sim_start.astimezone(UTC))


def start_attempt(wb, scenario: Scenario, trainee_id: str, seed: int = 0,
                  repo: AttemptRepository | None = None, attempt_id: str | None = None,
                  preset_loader=None, wall: bool = False) -> Attempt:
    """Begin a single-scenario attempt (a shift of one): its patient is created in the
    attempt's scope and the call begins at once."""
    from training.patients import seed_case

    wb.get_user(trainee_id)  # NotFound for someone who is not on the team
    repo = repo if repo is not None else InMemoryAttempts()
    record = new_record(trainee_id, scenario.id, seed, scenario.clock.start, wb.now(), attempt_id)
    case = seed_case(wb, record, scenario, f"T{record.id}", seed, preset_loader)
    record.cases.append(case)
    record.patient_id = case.patient_id
    repo.add_attempt(record)
    attempt = Attempt(wb, record, {scenario.id: scenario}, repo, wall=wall)
    attempt.call(case.patient_id)
    return attempt


def resume_attempt(wb, scenarios, repo: AttemptRepository, attempt_id: str,
                   wall: bool = False) -> Attempt:
    """Pick an attempt up again (another kernel). ``scenarios``: a Scenario or the library."""
    record = repo.get_attempt(attempt_id)
    if isinstance(scenarios, Scenario):
        scenarios = {scenarios.id: scenarios}
    shift = None
    if record.is_shift:
        from training.shifts import get_shift

        shift = get_shift(record.scenario_id.removeprefix("shift:"))
    used = {c.scenario_id for c in record.cases if c.scenario_id}
    return Attempt(wb, record, {k: v for k, v in scenarios.items() if k in used}, repo,
                   shift=shift, wall=wall)


def play_path(attempt: Attempt, path, patient_id: str | None = None) -> Attempt:
    """Play a scripted path (``model_path`` or ``failing_path``) for one patient (the attempt is then
    ``scripted``: its notes are the key's). A refused step raises the service's error."""
    pid, attempt.record.scripted = patient_id or attempt.patient_id, True
    if attempt.record.active not in (None, pid):
        attempt.hang_up()
    if attempt.record.active is None and attempt.record.case(pid).status == "waiting":
        attempt.call(pid)
    for step in path:
        if attempt.finished:
            break
        if step.say is not None:
            attempt.say(step.say)
        elif step.text is not None:
            attempt.say_text(step.text)
        elif step.do is not None:
            attempt.do(step.do, patient_id=pid)
        elif step.advance is not None:
            attempt.advance(step.advance)
        elif step.hang_up:
            attempt.hang_up()
    if patient_id is None:
        attempt.end()
    return attempt
