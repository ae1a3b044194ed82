"""The follow-ups a demo practice's task can carry: the record events written right after the
work (a visit, a consent, a PHQ screen, an escalation and its steps, a void, a revocation, a care
plan or its revision), each as a callable ``run(worker, clock, task)``.

:class:`FollowUps` is mixed into :class:`simulated_patients.practice.Practice`, which holds the
state they read (``bundles``, ``practitioners``, ``now``, ``tz``) and write (``stopped``,
``summary``).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from workbench import records as r
from workbench.clock import FixedClock


class FollowUps:
    """Builders of follow-ups; every one counts what it wrote in ``self.summary``."""

    def _count(self, key: str) -> None:
        self.summary[key] = self.summary.get(key, 0) + 1

    def _visit(self, pid: str, day: date):
        """The billing practitioner's office visit that morning, at which CCM was discussed."""
        def run(worker, clock, task):
            doctor = self.bundles[pid].patient.billing_practitioner_id or self.practitioners[0].id
            worker.as_user(doctor).record_visit(pid, day, r.VisitKind.OFFICE_VISIT, ccm_discussed=True)
            self._count("visits")
        return run

    def _consent(self, pid: str, day: date):
        def run(worker, clock, task):
            worker.record_consent(pid, r.ConsentMethod.VERBAL, day, dict.fromkeys(r.CONSENT_DISCLOSURES, True))
            self._count("consents_obtained")
        return run

    def _phq(self, instrument: str, answers: list[int], follow: bool = False):
        def run(worker, clock, task):
            _qr, esc = worker.record_phq(task.pid, instrument, answers)
            self._count("phq_results")
            if follow and esc is not None:
                self._steps(worker, clock, esc.id, [
                    (r.EscalationStep.BEHAVIORAL_HEALTH, "Warm hand-off to the behavioral health clinician", 4),
                    (r.EscalationStep.CRISIS_LINE_GIVEN, "Gave 988 and agreed a safety plan", 6),
                    (r.EscalationStep.FOLLOW_UP_SCHEDULED, "Behavioral health visit tomorrow 10:00", 10),
                    (r.EscalationStep.CLOSED, "Seen by behavioral health; safety plan in place", 24 * 60)])
        return run

    def _weight_gain_escalation(self, closed: bool):
        def run(worker, clock, task):
            esc = worker.open_escalation(task.pid, "Reports 4 lb weight gain in two days and ankle "
                                         "swelling", r.Severity.URGENT)
            steps = [(r.EscalationStep.RN_TRIAGE, "Warm transfer to the RN on duty", 3),
                     (r.EscalationStep.PROVIDER_NOTIFIED, "Provider increased the diuretic for three days", 20)]
            if closed:
                steps += [(r.EscalationStep.FOLLOW_UP_SCHEDULED, "Weight check call tomorrow morning", 25),
                          (r.EscalationStep.CLOSED, "Weight down 3 lb, swelling better", 24 * 60)]
            self._steps(worker, clock, esc.id, steps)
        return run

    def _steps(self, worker, clock, esc_id: int, steps) -> None:
        base = clock.now()
        for step, note, minutes in steps:
            at = base + timedelta(minutes=minutes)
            if at > self.now:
                self._count("escalations_open")
                return
            worker.as_user(worker.user.id, clock=FixedClock(at)).record_escalation_step(esc_id, step, note)
        self._count("escalations_closed" if steps[-1][0] == r.EscalationStep.CLOSED else "escalations_open")

    def _void(self, reason: str):
        def run(worker, clock, task):
            worker.as_user(worker.user.id, clock=FixedClock(clock.now() + timedelta(minutes=20))) \
                .void_time(task.entry.id, reason)
            self._count("voids")
        return run

    def _revoke(self, pid: str, day: date):
        def run(worker, clock, task):
            worker.revoke_consent(pid, day, "Patient asked to stop CCM: says the monthly calls are "
                                  "not needed now")
            self.stopped[pid] = clock.now()
            self._count("consents_revoked")
        return run

    def _first_plan(self, pid: str, day: date):
        def run(worker, clock, task):
            from simulated_patients.care_plan import build_care_plan
            from simulated_patients.catalog import load_catalog

            plan = build_care_plan(self.bundles[pid], load_catalog(), day)
            worker.revise_care_plan(pid, plan, 0, "First comprehensive care plan, agreed on the call")
            self._count("care_plans_written")
        return run

    def _revise_plan(self, pid: str):
        def run(worker, clock, task):
            current = worker.care_plan(pid)
            if current is None:
                return
            plan = current.plan
            goals = tuple(replace(g, status="completed") if i == 0 and len(plan.goals) > 1 else g
                          for i, g in enumerate(plan.goals))
            when = clock.now().astimezone(self.tz).date().isoformat()
            notes = (plan.revision_notes + "; " if plan.revision_notes else "") + \
                f"{when}: reviewed on the monthly call; first goal met, the others continue"
            worker.revise_care_plan(pid, replace(plan, goals=goals, revision_notes=notes),
                                    current.version, "Monthly review: goal progress")
            self._count("care_plan_revisions")
        return run
