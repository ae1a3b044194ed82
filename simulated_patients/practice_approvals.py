"""The demo practice's approvals and signatures (docs/billing-approval.md), written after its
months of work: the practice requires approval; the supervisor approves each person's weekly
timesheet of the oldest complete month (the Monday after each week) and the billing practitioners
sign each month's claims on the third day of the next; the last complete month is approved only up
to its last week, so its claims with time in that week stay held (time not approved) while the
others are signed and ready. A supervisor's own time waits for a second
supervisor, as it would in a practice with one. Every write goes through the service, signed in as
the person who did it, at the time they did it (:class:`workbench.clock.FixedClock`)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from workbench import records as r
from workbench.clock import FixedClock
from workbench.errors import InvalidInput, PermissionDenied
from workbench.rules.approval import week_start
from workbench.rules.months import month_bounds


def _at(day: date, tz, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=tz)


def approve_and_sign(wb, now: datetime, signed_month: str, held_month: str) -> dict[str, int]:
    """Approve ``signed_month`` whole and ``held_month`` but its last week; sign both where the
    signing day has come (a claim with time not approved is not signed).
    Returns counts of what was written."""
    tz = wb.tz
    wb.set_approval_required(True)
    supervisors = [u for u in wb.users(r.Role.SUPERVISOR)]
    if not supervisors:
        return {}
    sup = supervisors[0]
    counts = {"approvals": 0, "claims_signed": 0}
    for month, whole in ((signed_month, True), (held_month, False)):
        mondays = sorted({week_start(e.service_date) for e in wb.time_entries(month=month, scope="live")})
        if not whole and mondays:
            mondays = mondays[:-1]
        staff = sorted({e.staff_id for e in wb.time_entries(month=month, scope="live")})
        for monday in mondays:
            when = _at(min(monday + timedelta(days=7), now.astimezone(tz).date()), tz)
            if when > now:
                continue
            approver = wb.as_user(sup.id, FixedClock(when))
            for sid in staff:
                if sid == sup.id:
                    continue
                try:
                    counts["approvals"] += approver.approve_week(sid, monday)
                except InvalidInput:  # nothing of theirs that week
                    continue
    for month, first_next in ((signed_month, month_bounds(held_month)[0]),
                              (held_month, month_bounds(held_month)[1] + timedelta(days=1))):
        when = _at(first_next + timedelta(days=2), tz, 16)
        if when > now:
            continue
        for doctor in wb.users(r.Role.PRACTITIONER):
            try:
                out = wb.as_user(doctor.id, FixedClock(when)).sign_claims(month)
            except PermissionDenied:
                continue
            counts["claims_signed"] += len(out["signed"])
    return counts
