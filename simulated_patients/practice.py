"""A lived-in demo practice: a generated panel plus three months of work, all through the service.

``build_practice(wb, panel, now)`` writes, for the two calendar months before ``now`` (complete)
and the current month up to ``now``:

- timed work by each patient's designated care manager or coordinator (a timer started and
  stopped at the real time of the work), with a contact and its outcome for every call, and
  unanswered attempts for patients who are hard to reach;
- months that bill (20 minutes and more, some 40 and more) and months that do not (under 20
  minutes, no consent, no eligibility), so the month report has both;
- consent obtained on a call for some patients who had none, one consent revoked;
- a time entry voided as entered in error (wrong patient), with the reason;
- PHQ-2 screens (a positive one followed by a PHQ-9), one PHQ-9 item 9 answered above 0, which
  opens an escalation that is followed and closed; a heart-failure weight gain escalated, followed
  and closed; one escalation still open in the current month;
- care plans written for patients without one, and revisions of existing plans;
- for each consent obtained on a call, the billing practitioner's office visit that morning at
  which CCM was discussed (the panel's own consents come with theirs from the generator).

Every write goes through :class:`workbench.service.Workbench` signed in as the staff member who
did the work, with a :class:`workbench.clock.FixedClock` set to when it happened, so authors,
``recorded_at`` and contact times are what a real month would leave behind. Work is laid out
per staff member and day from 08:30, one task after another, so no one's time overlaps. Nothing
is dated after ``now``. The same seed, panel and ``now`` give the same record.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from simulated_patients.practice_followups import FollowUps
from workbench import records as r
from workbench.clock import FixedClock

CALL_NOTES = (
    "Monthly check-in call: reviewed symptoms, medicines and goals",
    "Check-in call: went over home readings and the next appointment",
    "Call: reviewed medicines taken as prescribed and any side effects",
)
OTHER_WORK = {
    r.Activity.MEDICATION_RECONCILIATION: "Reconciled the medication list with pharmacy fill history",
    r.Activity.RECORD_REVIEW: "Reviewed recent labs and specialist notes",
    r.Activity.PROVIDER_COORDINATION: "Coordinated a refill and follow-up with the provider",
    r.Activity.CARE_PLAN: "Updated care-plan goals after the call",
}
DAY_START = time(8, 30)
DAY_END = time(17, 0)


@dataclass
class Task:
    """One piece of timed or untimed work for one patient by one staff member."""

    day: date
    pid: str
    staff_id: str
    minutes: float  #: 0: untimed (a call attempt that did not reach anyone)
    activity: r.Activity = r.Activity.PATIENT_CALL
    note: str = ""
    outcome: r.ContactOutcome | None = None  #: a contact is logged at the start when set
    then: list = field(default_factory=list)  #: callables(worker, clock, task) run after the work
    entry: r.TimeEntry | None = None  #: the entry written, once it is


def month_start(day: date, back: int = 0) -> date:
    m = day.year * 12 + day.month - 1 - back
    return date(m // 12, m % 12 + 1, 1)


def workdays(first: date, last: date) -> list[date]:
    out, d = [], first
    while d <= last:
        if d.weekday() < 5:
            out.append(d)
        d += timedelta(days=1)
    return out


class Practice(FollowUps):
    """Plans the months and writes them (see the module docstring); the follow-ups a task
    carries come from :class:`~simulated_patients.practice_followups.FollowUps`."""

    def __init__(self, wb, panel: r.Panel, now: datetime, seed: int = 11):
        self.wb, self.now, self.rng = wb, now, random.Random(f"practice:{seed}")
        self.tz = wb.tz
        self.today = now.astimezone(self.tz).date()
        self.bundles = {b.patient.id: b for b in panel.patients}
        self.staff = {u.id: u for u in panel.staff}
        self.managers = [u for u in panel.staff if u.role == r.Role.CARE_MANAGER]
        self.practitioners = [u for u in panel.staff if u.role == r.Role.PRACTITIONER]
        self.consented = {pid for pid, b in self.bundles.items() if b.consent is not None}
        self.has_plan = {pid for pid, b in self.bundles.items() if b.care_plan is not None}
        self.revoked: set[str] = set()  #: planned to stop CCM
        self.stopped: dict[str, datetime] = {}  #: stopped, and when
        self.seed = seed
        self.tasks: list[Task] = []
        self.summary: dict[str, int] = {}

    # ------------------------------------------------------------------ planning

    def member(self, pid: str) -> str:
        return self.bundles[pid].patient.care_team_member_id or self.managers[0].id

    def reach(self, pid: str) -> str:
        return self.bundles[pid].patient.persona.get("reachability", "answers")

    def plan_month(self, first: date, last: date, current: bool) -> None:
        """Every consented patient's work for the month: calls, attempts, other timed work.

        The current month is planned whole and only what falls before ``now`` is written."""
        days = workdays(first, last)
        if current and self.today not in days:
            days = sorted(days + [self.today])  # the demo is watched today: today's work shows
        rng = self.rng
        patients = sorted(self.consented - self.revoked)
        unreached = {pid for pid in patients if self.reach(pid) == "never"
                     or (self.reach(pid) == "rarely" and rng.random() < 0.5)}
        reached = [pid for pid in patients if pid not in unreached]
        # the month's mix over those who answer, shuffled: a few only attempted, some short of
        # 20 minutes, some 40+
        n = len(reached)
        mix = (["attempts"] * round(0.06 * n) + ["short"] * max(1, round(0.12 * n))
               + ["long"] * max(2, round(0.2 * n)))
        mix = (mix + ["normal"] * n)[:n]
        rng.shuffle(mix)
        kinds = dict(zip(reached, mix, strict=True)) | dict.fromkeys(unreached, "attempts")
        # the current month: a few calls today (on the 1st, the morning's work), the rest spread
        todays = set(rng.sample(reached, min(n, max(4, round(0.12 * n))))) if current else set()
        for pid in patients:
            kind = kinds[pid]
            who = self.member(pid)
            reach = self.reach(pid)
            if kind == "attempts":
                for d in sorted(rng.sample(days, min(2, len(days)))):
                    self.tasks.append(Task(d, pid, who, 0, outcome=rng.choice(
                        [r.ContactOutcome.NO_ANSWER, r.ContactOutcome.LEFT_MESSAGE])))
                continue
            total = {"short": rng.uniform(6, 15), "long": rng.uniform(42, 55)}.get(kind) or rng.uniform(21, 34)
            call_day = self.today if pid in todays else rng.choice(days)
            if reach == "sometimes" and rng.random() < 0.5:
                earlier = [d for d in days if d < call_day]
                if earlier:
                    self.tasks.append(Task(rng.choice(earlier), pid, who, 0,
                                           outcome=r.ContactOutcome.LEFT_MESSAGE))
            call = min(total, rng.uniform(9, 18))
            self.tasks.append(Task(call_day, pid, who, call, r.Activity.PATIENT_CALL,
                                   rng.choice(CALL_NOTES), r.ContactOutcome.REACHED))
            left = total - call
            while left > 1:
                part = min(left, rng.uniform(4, 12))
                act = rng.choice(list(OTHER_WORK))
                day = rng.choice([d for d in days if d >= call_day] or [call_day])
                self.tasks.append(Task(day, pid, who, part, act, OTHER_WORK[act]))
                left -= part

    def new_consents(self, first: date, n: int = 3) -> None:
        """Consent obtained on a call early in ``first``'s month for eligible patients without one."""
        eligible = [pid for pid, b in sorted(self.bundles.items())
                    if b.consent is None and len({c.icd10[:3] for c in b.conditions}) >= 2]
        days = workdays(first, first + timedelta(days=9))
        for i, pid in enumerate(eligible[:n]):
            day = days[i % len(days)]
            self.tasks.append(Task(day, pid, self.managers[0].id, self.rng.uniform(6, 10),
                                   r.Activity.PATIENT_CALL, "Consent call: explained CCM, cost "
                                   "sharing and how to stop", r.ContactOutcome.REACHED,
                                   then=[self._visit(pid, day), self._consent(pid, day)]))
            self.consented.add(pid)

    def specials(self, m2: date, m1: date) -> None:
        """The events a newcomer should find in the two complete months (``m2``, ``m1``: firsts)."""
        rng = self.rng
        calls = {(t.pid, t.day.month): t for t in self.tasks
                 if t.outcome == r.ContactOutcome.REACHED and not t.then}
        consented = sorted(self.consented)

        # PHQ-2 at the call in one of the two months (a positive one is followed by a PHQ-9)
        for i, pid in enumerate(consented):
            t = calls.get((pid, (m2 if i % 2 else m1).month))
            if t is None or rng.random() > 0.85:
                continue
            positive = rng.random() < 0.15
            answers = (rng.choice([[2, 1], [1, 2], [2, 2]]) if positive
                       else rng.choice([[0, 0], [0, 0], [1, 0], [0, 1]]))
            t.then.append(self._phq("PHQ-2", answers))
            if positive:
                t.then.append(self._phq("PHQ-9", answers + [rng.randint(0, 2) for _ in range(6)] + [0]))

        last_month = [t for (_pid, m), t in sorted(calls.items()) if m == m1.month]
        used: set[int] = set()
        # PHQ-9 item 9 above 0: the service opens the escalation; it is followed and closed
        if last_month:
            t = last_month[len(last_month) // 3]
            t.then = [self._phq("PHQ-2", [2, 2]),
                      self._phq("PHQ-9", [2, 2, 1, 2, 1, 1, 1, 0, 1], follow=True)]
            used.add(id(t))
        # a heart-failure weight gain escalated on a call and closed the next day
        hf = [t for t in last_month if id(t) not in used
              and any(c.icd10.startswith("I50") for c in self.bundles[t.pid].conditions)]
        if hf:
            hf[0].then.append(self._weight_gain_escalation(closed=True))
            used.add(id(hf[0]))
        # a time entry on the wrong patient, voided the same day by its author
        wrong = [t for t in self.tasks if t.day.month == m1.month and t.minutes > 0
                 and t.activity == r.Activity.RECORD_REVIEW]
        if wrong:
            t = wrong[0]
            other = next(p for p in consented if p != t.pid)
            self.tasks.append(Task(t.day, other, t.staff_id, rng.uniform(5, 9), t.activity,
                                   "Reviewed a specialist letter", then=[self._void(
                                       "Entered on the wrong patient: the letter was for another patient")]))
        # a patient asks to stop CCM on a call late in the previous month
        stop = [t for t in last_month if id(t) not in used and t.pid in self.bundles
                and self.bundles[t.pid].consent is not None]
        if stop:
            t = max(stop, key=lambda x: (x.day, x.pid))
            t.then.append(self._revoke(t.pid, t.day))
            self.revoked.add(t.pid)
            used.add(id(t))
        # care plans: a first plan for some who had none, revisions of existing ones
        for pid in consented:
            t = calls.get((pid, m2.month)) or calls.get((pid, m1.month))
            if t is None or pid in self.revoked:
                continue
            if pid not in self.has_plan and rng.random() < 0.6:
                t.then.append(self._first_plan(pid, t.day))
                self.has_plan.add(pid)
            elif pid in self.has_plan and rng.random() < 0.5:
                t.then.append(self._revise_plan(pid))

    def current_escalation(self, first: date) -> None:
        """One escalation still open in the current month, on its latest call before now."""
        done = [(start, t) for start, t in self.schedule()
                if t.day >= first and t.outcome == r.ContactOutcome.REACHED and not t.then]
        if done:
            done[-1][1].then.append(self._weight_gain_escalation(closed=False))

    # ------------------------------------------------------------------ writing

    def schedule(self) -> list[tuple[datetime, Task]]:
        """Each staff member's day, task after task from 08:30 with short gaps; none after now."""
        rng = random.Random(f"schedule:{self.seed}")
        by_day: dict[tuple[date, str], list[Task]] = {}
        for t in self.tasks:
            by_day.setdefault((t.day, t.staff_id), []).append(t)
        out = []
        for (day, _staff), tasks in sorted(by_day.items()):
            cursor = datetime.combine(day, DAY_START, tzinfo=self.tz)
            for t in tasks:
                end = cursor + timedelta(minutes=max(t.minutes, 2))
                if end.time() > DAY_END or end + timedelta(minutes=25) > self.now:
                    break  # the rest of this day's work is not done yet (or not today)
                out.append((cursor, t))
                cursor = end + timedelta(minutes=rng.randint(4, 25))
        return sorted(out, key=lambda x: (x[0], x[1].staff_id))

    def write(self, progress: bool = False) -> dict[str, int]:
        from tqdm.auto import tqdm

        for start, t in tqdm(self.schedule(), desc="Writing three months of work", unit="task",
                             disable=not progress):
            if t.pid in self.stopped and start > self.stopped[t.pid]:
                continue  # the patient asked to stop: no more CCM work
            clock = FixedClock(start)
            worker = self.wb.as_user(t.staff_id, clock=clock)
            if t.outcome is not None:
                worker.log_contact(t.pid, r.Channel.PHONE, t.outcome, t.note or "Call attempt",
                                   contacted_at=start)
                self._count("contacts")
            if t.minutes > 0:
                worker.start_timer(t.pid, t.activity, note=t.note)
                clock.advance(seconds=int(t.minutes * 60))
                t.entry = worker.stop_timer()
                self._count("time_entries")
            for follow in t.then:
                follow(worker, clock, t)
        return self.summary


def build_practice(wb, panel: r.Panel, now: datetime, seed: int = 11, progress: bool = False,
                   loaded_at: datetime | None = None) -> dict[str, int]:
    """Write two complete months and the current one up to ``now`` (see the module docstring).

    ``wb`` is a Workbench on the database ``panel`` was loaded into (loaded before the first of
    the month two months back). Returns counts of what was written.
    """
    p = Practice(wb, panel, now, seed)
    m2, m1, m0 = month_start(p.today, 2), month_start(p.today, 1), month_start(p.today)
    p.plan_month(m2, m1 - timedelta(days=1), current=False)
    p.new_consents(m2)
    p.plan_month(m1, m0 - timedelta(days=1), current=False)
    p.specials(m2, m1)
    p.plan_month(m0, month_start(m0, -1) - timedelta(days=1), current=True)
    p.current_escalation(m0)
    summary = p.write(progress)
    from simulated_patients.practice_enrolment import write_enrolment

    return summary | write_enrolment(wb, panel, now, m2, m1, m0, stopped=p.revoked | set(p.stopped),
                                     consented_now=p.consented)


def build_demo_database(url: str, size: int, seed: int, now: datetime, progress: bool = False):
    """Create the database at ``url`` (it must be new), load a ``size``-patient panel as it stood
    on the first of the month two months before ``now``, and write the months since.

    Returns ``(wb, summary)``: a Workbench signed in as the system user, and the counts."""
    from simulated_patients import generate_panel
    from workbench.service import Workbench
    from workbench.store import create_database

    create_database(url)  # the one place the demo's schema is created
    from zoneinfo import ZoneInfo

    panel = generate_panel(size, seed, progress=progress, start=month_start(
        now.astimezone(ZoneInfo(r.PracticeSettings().timezone)).date(), 2))
    tz = ZoneInfo(panel.settings.timezone)
    loaded_at = datetime.combine(month_start(now.astimezone(tz).date(), 2), time(7, 30), tzinfo=tz)
    wb = Workbench.open(url, clock=FixedClock(min(loaded_at, now)))
    wb.load_panel(panel, progress=progress)
    summary = build_practice(wb, panel, now, seed=seed, progress=progress, loaded_at=min(loaded_at, now))
    from simulated_patients.practice_approvals import approve_and_sign

    today = now.astimezone(tz).date()
    summary.update(approve_and_sign(Workbench.open(url, clock=FixedClock(now)), now,
                                    month_start(today, 2).strftime("%Y-%m"), month_start(today, 1).strftime("%Y-%m")))
    return Workbench.open(url, clock=FixedClock(now)), summary
