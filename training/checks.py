"""Evaluate rubric checks (``training.checks_model``) for one patient of an attempt.

Pure functions over a ``Context``: the trainee's own facts for that patient, every fact of
the patient (for "consent on file before"), the patient's part of the transcript and the
calls. The engine uses ``find_ref`` for its events' ``if``/``unless`` too, so an event and a
criterion read "it happened" the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo, UTC

from training import checks_text as txt
from training.attempts import TranscriptLine
from training.checks_model import Check, RecordFilter, Ref
from training.checks_time import call_start, time_honest
from training.checks_time import minutes as _minutes
from training.evidence import Fact, as_date


@dataclass
class Context:
    patient_id: str
    trainee_id: str
    own: list[Fact]  #: what the trainee wrote for this patient
    all: list[Fact]  #: every current record of this patient (history, world, supervisor)
    lines: list[TranscriptLine]  #: this patient's lines
    calls: list[tuple[datetime, datetime | None]]
    labels: set[str] = field(default_factory=set)  #: every option label (normalised)
    answers: dict = field(default_factory=dict)  #: what the patient answers (phq9: [...])
    every_entry: list[Fact] = field(default_factory=list)  #: the trainee's entries, all patients
    shown: tuple[str, ...] = ()  #: every text the trainee was shown (normalised)
    phrases: dict = field(default_factory=dict)  #: option id -> typed phrases that say it
    call_starts: list[datetime] = field(default_factory=list)  #: every call of the attempt
    key: tuple[str, ...] = ()  #: the model path's notes (normalised): copying them earns nothing
    tz: tzinfo = UTC  #: the practice's zone: a call's day is the practice's day

    @property
    def call_start(self) -> datetime | None:
        return self.calls[0][0] if self.calls else None


@dataclass(frozen=True)
class Hit:
    met: bool
    reason: str
    evidence: tuple[str, ...] = ()
    at: datetime | None = None


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def _contains(text: str, words) -> bool:
    low = text.lower()
    return any(w.lower() in low for w in words)


def matches(f: Fact, flt: RecordFilter) -> bool:
    if f.type != flt.type:
        return False
    for key, want in flt.given().items():
        if key == "note_contains":
            if not _contains(f.text, want):
                return False
        elif key == "name_contains":
            if want.lower() not in str(f.fields.get("name", "")).lower():
                return False
        elif key == "with_whom":
            if want.lower() not in str(f.fields.get("with_whom", "")).lower():
                return False
        elif key in ("severity", "kind", "given_by"):
            if str(f.fields.get(key)) not in {str(w) for w in want}:
                return False
        elif f.fields.get(key) != (want.value if hasattr(want, "value") else want):
            return False
    return True


def describe(flt: RecordFilter) -> str:
    given = ", ".join(f"{k} {v if not isinstance(v, tuple) else '/'.join(v)}"
                      for k, v in flt.given().items())
    return flt.type.replace("_", " ") + (f" ({given})" if given else "")


def find_ref(ref: Ref, ctx: Context) -> Hit:
    if ref.said is not None:
        phrases = ctx.phrases.get(ref.said, ())
        for ln in ctx.lines:
            if ln.option_id == ref.said:
                return Hit(True, f"said '{ln.text}'", (f"line {ln.n}",), ln.at)
            if ln.free and phrases and (p := txt.says(ln.text, phrases)) is not None:
                return Hit(True, f"typed in own words: '{p}' (flagged for the supervisor)",
                           (f"line {ln.n} (typed)",), ln.at)
        return Hit(False, f"never said '{ref.said}'")
    if ref.event is not None:
        for ln in ctx.lines:
            if ln.event == ref.event:
                return Hit(True, f"the event '{ref.event}' happened", (f"line {ln.n}",), ln.at)
        return Hit(False, f"the event '{ref.event}' did not happen")
    if ref.line is not None:
        for ln in ctx.lines:
            if ln.node == ref.line:
                return Hit(True, f"the patient said: {ln.text}", (f"line {ln.n}",), ln.at)
        return Hit(False, f"the conversation never reached '{ref.line}'")
    found = [f for f in ctx.own if matches(f, ref.record)]
    if found:
        return Hit(True, f"recorded {found[0].label}", tuple(f.key for f in found), found[0].at)
    return Hit(False, f"no {describe(ref.record)} recorded by the trainee")


def _within(chk: Check, ctx: Context) -> Hit:
    hit = find_ref(chk.of, ctx)
    if not hit.met:
        return hit
    if chk.after is not None:
        base = find_ref(chk.after, ctx)
        if not base.met:
            return Hit(False, f"{hit.reason}, but {base.reason}", hit.evidence)
        start, what = base.at, "after that"
    else:
        since = chk.since or "first_call"
        start = call_start(ctx, hit.at, since)
        what = "after the call began" if since == "first_call" else "after the latest call began"
    mins = _minutes(start, hit.at) if start else float("inf")
    return Hit(0 <= mins <= chk.within_minutes, f"{hit.reason} {mins:.1f} minutes {what} "
               f"(limit {chk.within_minutes:g})", hit.evidence, hit.at)


def _steps(chk, ctx: Context) -> Hit:
    steps = [f for f in ctx.own if f.type == "escalation_step"
             and (chk.severity is None or str(f.fields.get("severity")) in chk.severity)
             and (chk.kind is None or str(f.fields.get("kind")) in chk.kind)]
    which = ""
    if chk.severity or chk.kind:
        which = " on a " + " or ".join(map(str, (chk.severity or ()) + (chk.kind or ()))) + \
            " escalation"
    got, idx = [], 0
    for i, want in enumerate(chk.names):
        pool = steps[idx:] if chk.in_order else steps
        match = next((j for j, f in enumerate(pool) if f.fields["step"] == want), None)
        if match is None:
            done = ", ".join(str(s.fields["step"]) for s in steps) or "none"
            return Hit(False, f"the step {want} is missing{which} "
                       f"{'in that order ' if chk.in_order else ''}(recorded: {done})",
                       tuple(f.key for f in got))
        f = pool[match]
        limit = chk.limit(i)
        if limit is not None and got and _minutes(got[-1].at, f.at) > limit:
            return Hit(False, f"{want} came {_minutes(got[-1].at, f.at):.1f} minutes after "
                       f"{got[-1].fields['step']} (limit {limit:g})",
                       tuple(x.key for x in got + [f]), f.at)
        got.append(f)
        if chk.in_order:
            idx += match + 1
    at0 = got[0].at
    first_limit = chk.within_minutes if chk.within_minutes is not None else chk.limit(0)
    if first_limit is not None:
        if chk.of is not None:
            base = find_ref(chk.of, ctx)
        else:
            base = Hit(True, "", (), call_start(ctx, at0, chk.since))
        if not base.met or base.at is None:
            return Hit(False, f"the steps were recorded, but {base.reason}")
        mins = _minutes(base.at, at0)
        if mins > first_limit:
            return Hit(False, f"the first step came {mins:.1f} minutes later (limit "
                       f"{first_limit:g})", tuple(f.key for f in got), at0)
    names = " then ".join(chk.names)
    return Hit(True, f"recorded {names}{which}", tuple(f.key for f in got), at0)


def _notes(chk, ctx: Context) -> Hit:
    items = [f for f in ctx.own if f.type in chk.of]
    if not items:
        return Hit(False, f"no {' or '.join(chk.of)} was recorded")
    shown = ctx.shown or tuple(ctx.labels)
    for f in items:
        text = f.text.strip()
        words = len([w for w in text.split() if any(ch.isalnum() for ch in w)])
        if not text or text.strip(" .-") == "":
            return Hit(False, f"{f.label} has no real note", (f.key,))
        if _norm(text) in ctx.labels or txt.copied_from(text, shown, chk.similar) is not None:
            return Hit(False, f"{f.label}: the note copies wording the trainee was shown",
                       (f.key,))
        if ctx.key and txt.copied_from(text, ctx.key, chk.similar) is not None:
            return Hit(False, f"{f.label}: the note copies the scenario's model note", (f.key,))
        if words < chk.min_words:
            return Hit(False, f"{f.label}: the note has {words} word(s) (at least "
                       f"{chk.min_words})", (f.key,))
        content = len(txt.content_words(text))
        if content < chk.min_content:
            return Hit(False, f"{f.label}: the note has {content} content word(s) (at least "
                       f"{chk.min_content})", (f.key,))
    notes = [f.text for f in ctx.own if f.type in ("time_entry", "contact", "escalation_step",
                                                   "barrier") and f.text.strip()]
    if (same := txt.repeated_sentence(notes)) is not None:
        return Hit(False, f"the same sentence is in more than one note ({len(same.split())} "
                   "words)", tuple(f.key for f in items))
    if chk.any_of and not any(_contains(f.text, chk.any_of) for f in items):
        return Hit(False, f"no note mentions any of: {', '.join(chk.any_of)}",
                   tuple(f.key for f in items))
    return Hit(True, f"{len(items)} note(s) in the trainee's own words",
               tuple(f.key for f in items))


def _consent(chk, ctx: Context) -> Hit:
    found = [f for f in ctx.own if f.type == "consent"]
    if not found:
        return Hit(False, "no consent was recorded by the trainee")
    c = found[-1]
    ticked = c.fields.get("disclosures") or {}
    unticked = [k for k in chk.disclosed_by if not ticked.get(k)]
    if unticked:
        return Hit(False, f"{c.label} was recorded without the disclosure(s): "
                   f"{', '.join(unticked)}", (c.key,), c.at)
    for key, options in chk.disclosed_by.items():
        said = [h for h in (find_ref(Ref(said=o), ctx) for o in options) if h.met and h.at <= c.at]
        if not said:
            return Hit(False, f"{c.label} says '{key}' was explained, but it was not said "
                       "in the call before consent was recorded", (c.key,), c.at)
    return Hit(True, f"{c.label}: every disclosure ticked was said first", (c.key,), c.at)


def _overlaps(ctx: Context) -> Hit:
    entries = sorted((f for f in ctx.every_entry if f.fields.get("started_at")),
                     key=lambda f: f.fields["started_at"])
    if not ctx.every_entry:
        return Hit(False, "no time was recorded")
    for a, b in zip(entries, entries[1:]):
        if b.fields["started_at"] < a.fields["ended_at"]:
            return Hit(False, f"{a.label} and {b.label} overlap", (a.key, b.key))
    return Hit(True, "no two time entries overlap", tuple(f.key for f in ctx.every_entry))


def evaluate(chk: Check, ctx: Context) -> Hit:
    form = chk.form
    if form in ("said", "event", "record"):
        return find_ref(Ref(**{form: getattr(chk, form)}), ctx)
    if form == "said_any":
        for oid in chk.said_any:
            hit = find_ref(Ref(said=oid), ctx)
            if hit.met:
                return hit
        return Hit(False, "none of those things was said")
    if form == "all_records":
        found = [f for f in ctx.own if matches(f, chk.all_records)]
        want = RecordFilter(type=chk.all_records.type, **chk.require)
        bad = [f for f in found if not matches(f, want)]
        if not found:
            return Hit(False, f"no {describe(chk.all_records)} was recorded")
        if bad:
            return Hit(False, f"{bad[0].label} was recorded without {describe(want)}",
                       tuple(f.key for f in bad))
        return Hit(True, f"every {describe(chk.all_records)} has {describe(want)}",
                   tuple(f.key for f in found))
    if form == "order":
        first, then = find_ref(chk.order.first, ctx), find_ref(chk.order.then, ctx)
        ev = first.evidence[:1] + then.evidence[:1]
        if not then.met:
            return Hit(False, f"the second step is missing: {then.reason}", ev)
        if not first.met:
            return Hit(False, f"{then.reason}, but {first.reason}", ev)
        if first.at > then.at:
            return Hit(False, f"{then.reason} came before: {first.reason}", ev)
        return Hit(True, f"{first.reason}, then {then.reason}", ev)
    if form == "within_minutes":
        return _within(chk, ctx)
    if form == "goal":
        g = chk.goal
        goals = [f for f in ctx.own if f.type == "goal" and _contains(f.text, g.any_of)
                 and f.fields.get("status", "active") in g.status]
        if not goals:
            about = f"care-plan goal about {' / '.join(g.any_of)}"
            if set(g.status) <= {"completed", "cancelled"}:
                return Hit(False, f"no {about} was marked {' or '.join(g.status)}")
            return Hit(False, f"no {about} was written")
        if g.measurable:
            day = ctx.call_start.astimezone(ctx.tz).date() if ctx.call_start else None
            goals = [f for f in goals if f.fields["measurable"] and (
                g.due_within_days is None or day is None
                or as_date(f.fields["due_date"]) <= day + timedelta(days=g.due_within_days))]
            if not goals:
                return Hit(False, "the goal has no measurable target with a due date"
                           + (f" within {g.due_within_days} days" if g.due_within_days else ""))
        done = "wrote" if goals[0].fields.get("status", "active") in ("proposed", "active") else \
            f"marked {goals[0].fields['status']}"
        return Hit(True, f"{done} a goal ({goals[0].label})", tuple(f.key for f in goals),
                   goals[0].at)
    if form == "medication":
        m = chk.medication
        found = [f for f in ctx.own if f.type == "medication_change"
                 and m.name_contains.lower() in f.fields["name"].lower()
                 and (m.change == "any" or f.fields["change"] == m.change)]
        if not found:
            return Hit(False, f"the medication list shows no change to {m.name_contains}")
        return Hit(True, f"changed the list: {found[0].label}", tuple(f.key for f in found),
                   found[0].at)
    if form == "phq":
        found = [f for f in ctx.own if f.type == "phq" and f.fields["instrument"] == chk.phq.instrument]
        if not found:
            return Hit(False, f"no {chk.phq.instrument} was recorded")
        want = ctx.answers.get(chk.phq.instrument.lower().replace("-", ""))
        if chk.phq.matches_patient and want is not None:
            good = [f for f in found if list(f.fields["answers"]) == list(want)]
            if not good:
                return Hit(False, f"the {chk.phq.instrument} recorded does not match the answers "
                           "the patient gave", tuple(f.key for f in found))
            found = good
        return Hit(True, f"recorded the {chk.phq.instrument} as answered",
                   tuple(f.key for f in found), found[0].at)
    if form == "consent_before_care_plan":
        plans = [f for f in ctx.own if f.type == "care_plan_revision"]
        if not plans:
            return Hit(False, "no care-plan work was recorded")
        consents = [f for f in ctx.all if f.type == "consent" and f.at < plans[0].at]
        if not consents:
            return Hit(False, "the care plan was changed before consent was on file",
                       (plans[0].key,))
        return Hit(True, "consent was on file before the care-plan change",
                   (consents[0].key, plans[0].key))
    if form == "escalation_steps":
        return _steps(chk.escalation_steps, ctx)
    if form == "follow_up":
        found = [f for f in ctx.own if f.type == "follow_up"
                 and _minutes(f.at, f.fields["due_at"]) <= chk.follow_up.within_hours * 60]
        if not found:
            return Hit(False, f"no follow-up due within {chk.follow_up.within_hours:g} hours")
        return Hit(True, f"scheduled {found[0].label}", tuple(f.key for f in found), found[0].at)
    if form == "time_honest":
        return time_honest(chk.time_honest, ctx, Hit)
    if form == "consent":
        return _consent(chk.consent, ctx)
    if form == "typed_any":
        for ln in ctx.lines:
            if ln.free and (p := txt.says(ln.text, chk.typed_any)) is not None:
                return Hit(True, f"typed '{p}' (flagged for the supervisor)",
                           (f"line {ln.n} (typed)",), ln.at)
        return Hit(False, "none of those words was typed")
    if form == "no_overlapping_entries":
        return _overlaps(ctx)
    return _notes(chk.note, ctx)
