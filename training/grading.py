"""Grade an attempt from the records it produced and its transcript.

Each rubric criterion is a small pure check over facts (records read back through the
service, ``training.evidence``) and the transcript. Kinds (scenario notes, "What a competent
care manager does"):

- required / critical: the thing was done. A critical one missing fails the attempt
  whatever the points.
- forbidden: the thing was NOT done (out of scope or unsafe); with ``fails_attempt`` doing
  it fails the attempt.
- order: one thing before another (consent before the care plan: reference, "Consent").
- timing: within N simulated minutes of the call start.
- documentation: time entries with activity and note; measurable goals; barriers with
  what was arranged (reference, "What a time entry records").

Every result carries the points, whether it was met, the reason and the evidence (record
keys such as ``time_entry:12`` or transcript lines such as ``line 7``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime

from workbench.errors import InvalidInput, NotFound, PermissionDenied
from workbench.records import Role, User

from training.attempts import AttemptRecord, AttemptRepository, Override, TranscriptLine
from training.evidence import Fact, attempt_facts
from training.scenario import Criterion, Scenario


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

    def result(self, criterion_id: str) -> CriterionResult:
        return next(r for r in self.results if r.criterion_id == criterion_id)

    def by_objective(self) -> dict[str, tuple[float, float]]:
        """objective id -> (points, possible): progress per learning objective."""
        out: dict[str, tuple[float, float]] = {}
        for r in self.results:
            p, q = out.get(r.objective, (0.0, 0.0))
            out[r.objective] = (p + r.points, q + r.possible)
        return out


# ------------------------------------------------------------------ checking one thing

@dataclass(frozen=True)
class _Hit:
    met: bool
    reason: str
    evidence: tuple[str, ...] = ()
    at: datetime | None = None
    line: int = 0  #: transcript line, to order two choices made at the same simulated time


def _match(fact: Fact, flt: dict) -> bool:
    if fact.type != flt["type"]:
        return False
    for key, want in flt.items():
        if key in ("type", "require"):
            continue
        if key.endswith("_contains"):
            have = fact.fields.get(key.removesuffix("_contains"), "")
            if str(want).lower() not in str(have).lower():
                return False
        elif isinstance(want, bool) or fact.fields.get(key) is None:
            if fact.fields.get(key) != want:
                return False
        elif str(fact.fields.get(key)) != str(want):
            return False
    return True


def _describe(flt: dict) -> str:
    extras = ", ".join(f"{k} {v}" for k, v in flt.items() if k not in ("type", "require"))
    return flt["type"].replace("_", " ") + (f" ({extras})" if extras else "")


def _find_ref(ref: dict, facts: list[Fact], transcript: list[TranscriptLine]) -> _Hit:
    if "chosen" in ref:
        for ln in transcript:
            if ln.action_id == ref["chosen"]:
                return _Hit(True, f"chose '{ln.text}'", (f"line {ln.n}",), ln.at, ln.n)
        return _Hit(False, f"never chose '{ref['chosen']}'")
    flt = ref["record"]
    found = sorted((f for f in facts if _match(f, flt)),
                   key=lambda f: f.at or datetime.max.replace(tzinfo=UTC))
    if found:
        return _Hit(True, f"recorded {found[0].label}", tuple(f.key for f in found), found[0].at)
    return _Hit(False, f"no {_describe(flt)} in the record")


def _check(crit: Criterion, facts: list[Fact], record: AttemptRecord) -> _Hit:
    chk = crit.check
    transcript = record.transcript
    if "chosen" in chk or "record" in chk:
        return _find_ref(chk, facts, transcript)
    if "chosen_any" in chk:
        for aid in chk["chosen_any"]:
            hit = _find_ref({"chosen": aid}, facts, transcript)
            if hit.met:
                return hit
        return _Hit(False, "none of the expected choices was made")
    if "all_records" in chk:
        flt = chk["all_records"]
        found = [f for f in facts if _match(f, flt)]
        bad = [f for f in found if not _match(f, {"type": f.type, **flt["require"]})]
        want = ", ".join(f"{k} {v}" for k, v in flt["require"].items())
        if bad:
            return _Hit(False, f"{bad[0].label} was recorded without {want}",
                        tuple(f.key for f in bad))
        return _Hit(True, f"every {_describe(flt)} has {want}" if found
                    else f"no {_describe(flt)} was recorded", tuple(f.key for f in found))
    if "order" in chk:
        first = _find_ref(chk["order"]["first"], facts, transcript)
        then = _find_ref(chk["order"]["then"], facts, transcript)
        evidence = first.evidence[:1] + then.evidence[:1]
        if not then.met:
            return _Hit(False, f"the second step is missing: {then.reason}", evidence)
        if not first.met:
            return _Hit(False, f"{then.reason}, but {first.reason}", evidence)
        if first.at is None or then.at is None or (first.at, first.line) > (then.at, then.line):
            return _Hit(False, f"{then.reason} came before: {first.reason}", evidence)
        return _Hit(True, f"{first.reason}, then {then.reason}", evidence)
    if "within_minutes" in chk:
        hit = _find_ref(chk["of"], facts, transcript)
        if not hit.met:
            return hit
        minutes = (hit.at - record.sim_start).total_seconds() / 60 if hit.at else float("inf")
        limit = float(chk["within_minutes"])
        return _Hit(minutes <= limit, f"{hit.reason} {minutes:g} simulated minutes after the call "
                    f"started (limit {limit:g})", hit.evidence, hit.at)
    if "documentation" in chk:
        return _documentation(chk["documentation"], facts)
    raise InvalidInput(f"The rubric criterion '{crit.id}' has a check this workbench cannot read.")


def _documentation(what: str, facts: list[Fact]) -> _Hit:
    if what == "time_entries_complete":
        items = [f for f in facts if f.type == "time_entry"]
        bad = [f for f in items if not f.fields.get("activity") or not f.fields.get("note", "").strip()]
        noun = "time entry"
    elif what == "goals_measurable":
        items = [f for f in facts if f.type == "care_plan_revision"]
        bad = [f for f in items if not f.fields.get("goals_measurable")]
        noun = "care-plan revision"
    elif what == "barriers_have_action":
        items = [f for f in facts if f.type == "barrier"]
        bad = [f for f in items if not f.fields.get("action", "").strip()]
        noun = "barrier"
    else:  # escalation_steps_noted
        items = [f for f in facts if f.type == "escalation_step"]
        bad = [f for f in items if not f.fields.get("note", "").strip()]
        noun = "escalation step"
    if not items:
        return _Hit(False, f"no {noun} was recorded")
    if bad:
        problem = {"time entry": "lacks an activity or a note",
                   "care-plan revision": "has a goal without a target and a date",
                   "barrier": "does not say what was arranged",
                   "escalation step": "has no note"}[noun]
        return _Hit(False, f"{bad[0].label} {problem}", tuple(f.key for f in bad))
    return _Hit(True, f"every {noun} ({len(items)}) is complete", tuple(f.key for f in items))


# ------------------------------------------------------------------ grading

def grade_facts(scenario: Scenario, record: AttemptRecord, facts: list[Fact]) -> Grade:
    """Grade from facts already read (pure: no service call). Overrides are applied."""
    overrides = {o.criterion_id: o for o in record.overrides}  # the latest one wins
    results = []
    for crit in scenario.criteria:
        hit = _check(crit, facts, record)
        met = (not hit.met) if crit.kind == "forbidden" else hit.met
        reason = hit.reason
        if crit.kind == "forbidden":
            reason = f"avoided: {hit.reason}" if met else f"done although forbidden: {hit.reason}"
        res = CriterionResult(
            criterion_id=crit.id, objective=crit.objective, kind=crit.kind, possible=crit.points,
            points=crit.points if met else 0.0, met=met, reason=reason, evidence=hit.evidence,
            feedback=crit.feedback_met if met else crit.feedback_not_met, critical=crit.is_critical)
        if (o := overrides.get(crit.id)) is not None:
            res = replace(res, points=o.points, met=o.met, overridden=True, override_comment=o.comment,
                          feedback=crit.feedback_met if o.met else crit.feedback_not_met)
        results.append(res)
    points = sum(r.points for r in results)
    possible = sum(r.possible for r in results)
    percent = round(100 * points / possible, 1) if possible else 0.0
    failed = tuple(r.criterion_id for r in results if r.critical and not r.met)
    return Grade(record.id, scenario.id, tuple(results), points, possible, percent, failed,
                 passed=not failed and percent >= scenario.pass_percent)


def grade_attempt(wb, scenario: Scenario, record: AttemptRecord) -> Grade:
    """Read the attempt's records through the service and grade them."""
    return grade_facts(scenario, record, attempt_facts(wb, record))


def _require_supervisor(user: User) -> None:
    if user.role != Role.SUPERVISOR:
        raise PermissionDenied("Only a supervisor can change scores or release feedback.")


def override_criterion(repo: AttemptRepository, scenario: Scenario, attempt_id: str,
                       criterion_id: str, points: float, met: bool, comment: str,
                       supervisor: User, at: datetime | None = None) -> AttemptRecord:
    """A supervisor's score for one criterion, with a required comment (kept, never replaced)."""
    _require_supervisor(supervisor)
    crit = next((c for c in scenario.criteria if c.id == criterion_id), None)
    if crit is None:
        raise NotFound(f"This scenario has no criterion '{criterion_id}'.")
    if not comment or not comment.strip():
        raise InvalidInput("Please write a comment saying why the score is changed.", field="comment")
    if not 0 <= points <= crit.points:
        raise InvalidInput(f"The points must be between 0 and {crit.points:g}.", field="points")
    record = repo.get_attempt(attempt_id)
    record.overrides.append(Override(criterion_id, float(points), bool(met), comment.strip(),
                                     supervisor.id, at or datetime.now(UTC)))
    repo.save_attempt(record)
    return record


def release_feedback(repo: AttemptRepository, attempt_id: str, supervisor: User,
                     at: datetime | None = None) -> AttemptRecord:
    """Let the trainee see their feedback for a finished attempt."""
    _require_supervisor(supervisor)
    record = repo.get_attempt(attempt_id)
    if record.status != "finished":
        raise InvalidInput("Feedback can be released once the attempt has ended.")
    record.released, record.released_by, record.released_at = True, supervisor.id, at or datetime.now(UTC)
    repo.save_attempt(record)
    return record
