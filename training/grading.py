"""Grade an attempt from the trainee's own records and what they said.

Each criterion is a check (``training.checks``) over the records the trainee wrote in the
attempt's scope and did not void, and the transcript. Kinds:

- required / critical: the thing was done. A critical one missing fails the attempt
  whatever the points, and the released feedback says so.
- forbidden: the thing was NOT done (out of scope or unsafe); with ``fails_attempt`` doing
  it fails the attempt.
- order, timing, documentation: how it was done (before what, how soon, in whose words).

A shift is graded case by case (one scenario patient each); it passes when every case passes.
Every result carries the points, whether it was met, the reason and the evidence (record
keys such as ``time_entry:12`` or transcript lines such as ``line 7``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, tzinfo, UTC

from training.attempts import AttemptRecord, AttemptRepository, CaseState, Override
from training.checks import Context, evaluate
from training.checks_text import copied_from, key_texts, says, shown_texts
from training.evidence import Fact, scope_facts, trainee_facts
from training.model import Scenario
from workbench.clock import SystemClock
from workbench.errors import InvalidInput, NotFound, PermissionDenied
from workbench.records import User
from workbench.service import policy
from workbench.service.policy import Action


@dataclass(frozen=True)
class CriterionResult:
    criterion_id: str
    objective: str
    kind: str
    possible: float
    points: float
    met: bool
    reason: str
    evidence: tuple[str, ...]
    feedback: str  #: the scenario's feedback text for met / not met
    critical: bool
    title: str = ""
    patient_id: str = ""  #: which case of the attempt
    overridden: bool = False
    override_comment: str = ""


@dataclass(frozen=True)
class Grade:
    attempt_id: str
    scenario_id: str
    results: tuple[CriterionResult, ...]
    points: float
    possible: float
    percent: float
    failed_critical: tuple[str, ...]
    passed: bool
    cases: tuple[tuple[str, str, bool], ...] = ()  #: (patient id, scenario id, passed)
    flags: tuple[str, ...] = ()  #: typed speech read as an option, notes copied from the model
    #: path: for the supervisor to check

    @property
    def decided_by(self) -> str:
        """A sentence for the feedback when a critical criterion decided the result."""
        if not self.failed_critical:
            return ""
        titles = [r.title or r.criterion_id for r in self.results
                  if r.critical and not r.met]
        return ("Not passed, whatever the points: " + "; ".join(f"'{t}'" for t in titles)
                + (" is a critical criterion and was not met." if len(titles) == 1
                   else " are critical criteria and were not met."))

    def result(self, criterion_id: str) -> CriterionResult:
        return next(r for r in self.results if r.criterion_id == criterion_id)

    def by_objective(self) -> dict[str, tuple[float, float]]:
        """objective id -> (points, possible): progress per learning objective."""
        out: dict[str, tuple[float, float]] = {}
        for r in self.results:
            p, q = out.get(r.objective, (0.0, 0.0))
            out[r.objective] = (p + r.points, q + r.possible)
        return out


def case_context(record: AttemptRecord, case: CaseState, scenario: Scenario | None,
                 facts: list[Fact], tz: tzinfo | None = None) -> Context:
    """What the checks see for one patient of the attempt (``tz``: the practice's zone, which
    says on which day a call was; UTC when not given)."""
    own = trainee_facts(facts, record.trainee_id)
    calls = [(datetime.fromisoformat(a), datetime.fromisoformat(b) if b else None)
             for a, b in case.calls]
    labels = {" ".join(o.label.lower().split()) for o in scenario.options} if scenario else set()
    answers = scenario.answers.model_dump(exclude_none=True) if scenario else {}
    phrases = {o.id: o.phrases for o in scenario.options if o.phrases} if scenario else {}
    starts = sorted(datetime.fromisoformat(a) for c in record.cases for a, _ in c.calls)
    return Context(
        patient_id=case.patient_id, trainee_id=record.trainee_id,
        own=[f for f in own if f.patient_id == case.patient_id],
        all=[f for f in facts if f.patient_id == case.patient_id],
        lines=[ln for ln in record.transcript if ln.patient_id == case.patient_id],
        calls=calls, labels=labels, answers=answers,
        every_entry=[f for f in own if f.type == "time_entry"],
        shown=_shown(scenario), phrases=phrases, call_starts=starts,
        key=() if record.scripted else _shown(scenario, key_texts), tz=tz or UTC)


_SHOWN: dict[tuple[int, object], tuple[Scenario, tuple[str, ...]]] = {}


def _shown(scenario: Scenario | None, texts=shown_texts) -> tuple[str, ...]:
    """The texts a scenario shows the trainee, or (``texts=key_texts``) its model notes (cached:
    scenarios are frozen; the cache keeps the scenario itself, so a reused ``id`` never returns
    another scenario's texts)."""
    if scenario is None:
        return ()
    hit = _SHOWN.get((id(scenario), texts))
    if hit is None or hit[0] is not scenario:
        if len(_SHOWN) > 256:
            _SHOWN.clear()
        hit = _SHOWN[(id(scenario), texts)] = (scenario, texts(scenario))
    return hit[1]


def copied_flags(scenario: Scenario, record: AttemptRecord, case: CaseState,
                 facts: list[Fact]) -> list[str]:
    """The trainee's notes that copy the scenario's model notes (the supervisor sees them)."""
    if record.scripted:
        return []
    key = _shown(scenario, key_texts)
    return [f"{case.patient_id} {f.label}: the note copies the scenario's model note"
            for f in trainee_facts(facts, record.trainee_id)
            if f.patient_id == case.patient_id and f.text.strip()
            and copied_from(f.text, key, 0.8) is not None]


def typed_flags(scenario: Scenario, record: AttemptRecord, case: CaseState) -> list[str]:
    """Typed lines that read as one of the scenario's options (the supervisor checks them)."""
    out = []
    for ln in record.transcript:
        if ln.free and ln.patient_id == case.patient_id:
            for o in scenario.options:
                if o.phrases and (p := says(ln.text, o.phrases)) is not None:
                    out.append(f"{case.patient_id} line {ln.n}: typed '{p}', read as '{o.id}'")
    return out


def grade_case(scenario: Scenario, record: AttemptRecord, case: CaseState,
               facts: list[Fact], tz: tzinfo | None = None) -> list[CriterionResult]:
    ctx = case_context(record, case, scenario, facts, tz)
    overrides = {o.criterion_id: o for o in record.overrides
                 if o.patient_id in ("", case.patient_id)}  # the latest one wins
    results = []
    for crit in scenario.criteria:
        hit = evaluate(crit.check, ctx)
        met = (not hit.met) if crit.kind == "forbidden" else hit.met
        reason = hit.reason
        if crit.kind == "forbidden":
            reason = f"avoided: {hit.reason}" if met else f"done although forbidden: {hit.reason}"
        res = CriterionResult(
            criterion_id=crit.id, objective=crit.objective, kind=crit.kind, possible=crit.points,
            points=crit.points if met else 0.0, met=met, reason=reason, evidence=hit.evidence,
            feedback=crit.feedback.met if met else crit.feedback.not_met, critical=crit.is_critical,
            title=crit.title or crit.id, patient_id=case.patient_id)
        if (o := overrides.get(crit.id)) is not None:
            res = replace(res, points=o.points, met=o.met, overridden=True, override_comment=o.comment,
                          feedback=crit.feedback.met if o.met else crit.feedback.not_met)
        results.append(res)
    return results


def grade_facts(scenarios, record: AttemptRecord, facts: list[Fact], tz: tzinfo | None = None) -> Grade:
    """Grade from facts already read (pure: no service call). Overrides are applied.
    ``scenarios`` is the attempt's scenario, or a dict of scenarios by id (for a shift); ``tz``
    the practice's zone (a call's day)."""
    if isinstance(scenarios, Scenario):
        scenarios = {scenarios.id: scenarios}
    results: list[CriterionResult] = []
    cases, flags = [], []
    for case in record.cases:
        if case.scenario_id is None:
            continue
        sc = scenarios[case.scenario_id]
        rs = grade_case(sc, record, case, facts, tz)
        flags += typed_flags(sc, record, case) + copied_flags(sc, record, case, facts)
        got, possible = sum(r.points for r in rs), sum(r.possible for r in rs)
        ok = not any(r.critical and not r.met for r in rs) and possible > 0 and \
            100 * got / possible >= sc.pass_percent
        cases.append((case.patient_id, sc.id, ok))
        results += rs
    from training.grading_shift import shift_results

    if record.scripted:  # the key's own notes were not checked against the key
        flags[:0] = ["played by a scripted path, not by a trainee: model notes not checked"]
    extra = shift_results(record, CriterionResult)
    results += extra
    points = sum(r.points for r in results)
    possible = sum(r.possible for r in results)
    percent = round(100 * points / possible, 1) if possible else 0.0
    failed = tuple(r.criterion_id for r in results if r.critical and not r.met)
    return Grade(record.id, record.scenario_id, tuple(results), points, possible, percent, failed,
                 passed=bool(cases) and all(ok for _, _, ok in cases) and all(r.met for r in extra),
                 cases=tuple(cases),
                 flags=tuple(flags))


def grade_attempt(wb, scenarios, record: AttemptRecord) -> Grade:
    """Read the attempt's records from the store and grade them."""
    return grade_facts(scenarios, record, scope_facts(wb, [c.patient_id for c in record.cases]), wb.tz)


def _grader(repo: AttemptRepository, supervisor: User | None) -> User:
    """Who grades: the repository's signed-in user where it has one (the store's attempts: the
    person signed in to the workbench), never someone named by the caller; checked against the
    policy's ``Action.GRADE``."""
    signed_in = getattr(repo, "signed_in", None)
    if signed_in is not None:
        if supervisor is not None and supervisor.id != signed_in.id:
            raise PermissionDenied("Scores are changed and feedback released as the signed-in "
                                   "supervisor, not on someone else's behalf.")
        supervisor = signed_in
    if supervisor is None:
        raise InvalidInput("Say which supervisor is grading.", field="supervisor")
    if not policy.allowed(supervisor.role, Action.GRADE, policy.ANYWHERE):
        raise PermissionDenied("Only a supervisor can change scores or release feedback.")
    return supervisor


def _now(repo: AttemptRepository, at: datetime | None) -> datetime:
    """``at``, else the repository's injectable clock (the workbench's), else the system clock."""
    if at is not None:
        return at
    now = getattr(repo, "now", None)
    return now() if callable(now) else SystemClock().now()


def override_criterion(repo: AttemptRepository, scenario: Scenario, attempt_id: str,
                       criterion_id: str, points: float, met: bool, comment: str,
                       supervisor: User | None = None, at: datetime | None = None,
                       patient_id: str | None = None) -> AttemptRecord:
    """A supervisor's score for one criterion, with a required comment (kept, never replaced)."""
    supervisor = _grader(repo, supervisor)
    crit = next((c for c in scenario.criteria if c.id == criterion_id), None)
    if crit is None:
        raise NotFound(f"This scenario has no criterion '{criterion_id}'.")
    record = repo.get_attempt(attempt_id)
    case = next((c for c in record.cases if c.scenario_id == scenario.id
                 and patient_id in (None, c.patient_id)), None)
    if not comment or not comment.strip():
        raise InvalidInput("Please write a comment saying why the score is changed.", field="comment")
    if not 0 <= points <= crit.points:
        raise InvalidInput(f"The points must be between 0 and {crit.points:g}.", field="points")
    record.overrides.append(Override(criterion_id, float(points), bool(met), comment.strip(),
                                     supervisor.id, _now(repo, at),
                                     case.patient_id if case else ""))
    repo.save_attempt(record)
    return record


def release_feedback(repo: AttemptRepository, attempt_id: str, supervisor: User | None = None,
                     at: datetime | None = None) -> AttemptRecord:
    """Let the trainee see their feedback for a finished attempt."""
    supervisor = _grader(repo, supervisor)
    record = repo.get_attempt(attempt_id)
    if record.status != "finished":
        raise InvalidInput("Feedback can be released once the attempt has ended.")
    record.released, record.released_by, record.released_at = True, supervisor.id, _now(repo, at)
    repo.save_attempt(record)
    return record
