"""Time in the rubric: when a call began, and how long the trainee worked on a patient.

Time worked on a patient is what the attempt's clock saw: each call to the patient, plus the
after-call work in that chart (from the end of the call to the last record the trainee
wrote for the patient before calling anyone else). A simulated clock does not move while a
chart tab is saved, so each record written outside a call also counts for the minimum a
care manager needs to do it (``ACTION_MINUTES``); the after-call work of a call is the larger
of the two. Logged minutes are compared with that, never with the call alone.
"""

from __future__ import annotations

from datetime import datetime

#: Minutes a record written outside a call stands for, at least (the simulated clock does not
#: move while a chart tab is saved). Contacts depend on channel and outcome.
ACTION_MINUTES = {
    "care_plan_revision": 3, "barrier": 2, "escalation": 1, "escalation_step": 1,
    "follow_up": 1, "phq": 2, "medication_change": 2, "consent": 1, "consent_revoked": 1,
}
CONTACT_MINUTES = {("phone", "reached"): 3, ("video", "reached"): 3, ("in_person", "reached"): 3}


def minutes(a: datetime, b: datetime) -> float:
    return (b - a).total_seconds() / 60


def action_minutes(fact) -> float:
    if fact.type == "contact":
        key = (str(fact.fields.get("channel")), str(fact.fields.get("outcome")))
        if key in CONTACT_MINUTES:
            return CONTACT_MINUTES[key]
        return 1 if key[0] == "phone" else 2
    return ACTION_MINUTES.get(fact.type, 0)


def call_start(ctx, at: datetime | None, since: str) -> datetime | None:
    """The start of the first call, or of the latest call begun by ``at`` (a call-back)."""
    if not ctx.calls:
        return None
    if since == "latest_call" and at is not None:
        begun = [a for a, _ in ctx.calls if a <= at]
        return begun[-1] if begun else ctx.calls[0][0]
    return ctx.calls[0][0]


def worked_minutes(ctx) -> tuple[float, float, float]:
    """(total, on calls, after-call work) minutes the trainee worked on this patient."""
    calls = [(a, b or a) for a, b in ctx.calls]
    on_call = sum(minutes(a, b) for a, b in calls)
    starts = sorted(ctx.call_starts or [a for a, _ in calls])
    span: dict[int, datetime] = {}
    nominal: dict[int, float] = {}
    loose = 0.0
    for f in ctx.own:
        if f.type in ("timer", "goal") or any(a <= f.at <= b for a, b in calls):
            continue
        before = [i for i, (_, b) in enumerate(calls) if b <= f.at]
        if before:
            i = before[-1]
            nxt = next((s for s in starts if s > calls[i][1]), None)
            if nxt is None or f.at < nxt:
                span[i] = max(span.get(i, calls[i][1]), f.at)
                nominal[i] = nominal.get(i, 0.0) + action_minutes(f)
                continue
        loose += action_minutes(f)
    after = sum(max(minutes(calls[i][1], span[i]), nominal[i]) for i in span) + loose
    return on_call + after, on_call, after


def time_honest(chk, ctx, Hit):
    entries = [f for f in ctx.own if f.type == "time_entry"]
    if not entries:
        return Hit(False, "no time was recorded for this patient")
    logged = sum(f.fields["minutes"] for f in entries)
    spent, on_call, after = worked_minutes(ctx)
    slack = max(chk.minutes, spent * chk.percent / 100)
    keys = tuple(f.key for f in entries)
    what = (f"{logged:.1f} minutes logged for {spent:.1f} minutes worked ({on_call:.1f} on the "
            f"call, {after:.1f} after it)")
    if abs(logged - spent) > slack:
        return Hit(False, f"{what}, allowed ±{slack:.1f}", keys)
    return Hit(True, what, keys)
