"""Patients and the chart: listing, adding, loading a panel, the chart screen's data, reports."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from .. import records as r
from .. import validate as v
from ..errors import InvalidInput
from .policy import Action
from ..store import queries as q
from ..store import schema as s
from ..store.corrections import corrected


@dataclass
class Chart:
    """Everything about one patient that the chart screen shows."""

    patient: r.Patient
    conditions: list[r.Condition]
    medications: list[r.Medication]
    allergies: list[r.Allergy]
    immunizations: list[r.Immunization]
    screenings: list[r.Screening]
    observations: list[r.Observation]
    barriers: list[r.Barrier]
    consents: list[r.Consent]
    consent: object  #: workbench.rules ConsentStatus today
    care_plan: r.CarePlanRevision | None
    contacts: list[r.Contact]
    escalations: list[r.Escalation]
    time_entries: list[r.TimeEntry]
    questionnaires: list[r.QuestionnaireResponse]
    eligibility: object  #: workbench.rules Eligibility
    care_team: dict[str, r.User] = field(default_factory=dict)
    #: every care-plan version, oldest first (``care_plan`` is the last one)
    care_plan_history: list[r.CarePlanRevision] = field(default_factory=list)


class PatientsMixin:
    """Patients, the chart, diagnoses and the panel-wide reports."""

    def get_patient(self, pid: str) -> r.Patient:
        with self.read() as conn:
            return corrected(conn, [q.to_patient(self._patient_row(conn, pid))])[0]

    def patients(self, scope: str | None = "live") -> list[r.Patient]:
        """The patients of ``scope`` (refused if the user may not read it); ``None``: every
        patient the signed-in user may read."""
        stmt = select(s.patients).order_by(s.patients.c.id)
        with self.read() as conn:
            if scope is not None:
                self._check(conn, Action.READ_CHART, scope)
                return corrected(conn, [q.to_patient(row) for row in conn.execute(stmt.where(s.patients.c.scope == scope))])
            return corrected(conn, [q.to_patient(row) for row in self._visible(conn, conn.execute(stmt))])

    def add_patient(self, bundle: r.PatientBundle | r.Patient) -> r.Patient:
        """Add one patient with everything known about them, in one transaction."""
        from ..intake.bundles import bundle_rows
        from ..store.bulk import insert_rows

        if isinstance(bundle, r.Patient):
            bundle = r.PatientBundle(patient=bundle)
        if not isinstance(bundle, r.PatientBundle) or not isinstance(bundle.patient, r.Patient):
            raise InvalidInput(f"add_patient needs a PatientBundle or a Patient, not {type(bundle).__name__}.")
        with self.read() as conn:
            staff = {u.id: u for u in (q.to_user(x) for x in conn.execute(select(s.users)))}
            scope = getattr(bundle.patient, "scope", "live")
            if not isinstance(scope, str) or not (scope == "live" or scope.startswith("training:")):
                scope = None  # not a scope at all: the checks below say so
            else:
                self._check(conn, Action.ADD_PATIENT if scope == "live" else Action.START_PRACTICE, scope)
        bundle = v.bundle(bundle, self.today(), staff)
        rows = bundle_rows([bundle], self.stamp(), today=self.today())
        with self.write() as conn:
            if conn.execute(select(s.patients.c.id).where(s.patients.c.id == bundle.patient.id)).first():
                raise InvalidInput(f"Patient id {bundle.patient.id} is already in use.", "patient_id")
            insert_rows(conn, rows)
        return bundle.patient

    def load_panel(self, panel: r.Panel, progress: bool = False, batch: int = 500) -> int:
        """Write a whole panel (staff, settings, patients). Returns the number of patients.

        Each batch of ``batch`` patients is one transaction; the panel is checked as a whole
        before anything is written, so bad input writes nothing.
        """
        from .panel_load import load_panel

        return load_panel(self, panel, progress=progress, batch=batch)

    def chart(self, pid: str) -> Chart:
        from ..rules import assess_eligibility, consent_status

        with self.read() as conn:
            patient = corrected(conn, [q.to_patient(self._patient_row(conn, pid))])[0]
            conds = [q.to_condition(x) for x in q.current_rows(conn, s.conditions, pid)]
            meds = [q.to_medication(x) for x in q.current_rows(conn, s.medications, pid)]
            allergies = [q.to_allergy(x) for x in q.current_rows(conn, s.allergies, pid)]
            imms = [q.to_immunization(x) for x in q.current_rows(conn, s.immunizations, pid,
                                                                  [s.immunizations.c.date])]
            scr = [q.to_screening(x) for x in q.current_rows(conn, s.screenings, pid, [s.screenings.c.date])]
            obs = [q.to_observation(x) for x in q.current_rows(conn, s.observations, pid,
                                                                [s.observations.c.effective])]
            barriers = [q.to_barrier(x) for x in q.current_rows(conn, s.barriers, pid)]
            consents = self._consents(conn, pid)
            contacts = [q.to_contact(x) for x in q.current_rows(conn, s.contacts, pid,
                                                                 [s.contacts.c.contacted_at])]
            esc = q.escalation_with_steps(conn, list(conn.execute(
                select(s.escalations).where(s.escalations.c.patient_id == pid)
                .order_by(s.escalations.c.opened_at))))
            qrs = [q.to_questionnaire(x) for x in q.current_rows(conn, s.questionnaire_responses, pid)]
            team_ids = {patient.billing_practitioner_id, patient.care_team_member_id} - {None}
            team = {row.id: q.to_user(row) for row in conn.execute(
                select(s.users).where(s.users.c.id.in_(team_ids)))} if team_ids else {}
        today = self.today()
        month = today.strftime("%Y-%m")
        plans = self.care_plan_history(pid)
        return Chart(patient=patient, conditions=conds, medications=meds, allergies=allergies,
                     immunizations=imms, screenings=scr, observations=obs, barriers=barriers,
                     consents=consents, consent=consent_status(consents, today, today=today),
                     care_plan=plans[-1] if plans else None, contacts=contacts, escalations=esc,
                     time_entries=self.time_entries(pid, month), questionnaires=qrs,
                     eligibility=assess_eligibility(conds), care_team=team, care_plan_history=plans)

    def default_activity(self, pid: str, chart: Chart | None = None) -> r.Activity:
        """The activity a timer on this patient's chart starts with (rules/default_activity.py):
        from their open escalations and the days since their last hospital contact. ``chart``:
        the patient's chart just read (by :meth:`chart`), so nothing is read again."""
        from ..reports.worklist import HOSPITAL
        from ..rules.default_activity import default_activity

        if chart is None or chart.patient.id != pid:
            contacts, open_escalations = self.contacts(pid), self.escalations(pid, open_only=True)
        else:
            contacts, open_escalations = chart.contacts, [e for e in chart.escalations if e.is_open]
        discharges = [c.contacted_at for c in contacts if c.with_whom == HOSPITAL]
        days = (self.today() - self.local_date(max(discharges))).days if discharges else None
        return default_activity(len(open_escalations), days)

    def correct_patient(self, pid: str, reason: str, **changes) -> r.Patient:
        """Correct the patient's name, phone, email, address or language. ``patients`` is
        append-only: the correction is a new row (store/corrections.py) that every read shows from
        now on; the earlier values stay in the record. Returns the patient as now shown."""
        from ..store.corrections import CORRECTED, write

        unknown = sorted(set(changes) - set(CORRECTED))
        if unknown:
            raise InvalidInput(f"A correction may change {', '.join(CORRECTED)}, not {', '.join(unknown)}.",
                               unknown[0])
        reason = v.text(reason, "A reason for this correction", field="reason")
        with self.write() as uow:
            current = corrected(uow, [q.to_patient(self._patient_row(uow, pid, Action.WRITE_RECORD))])[0]
            new = v.patient(dataclasses.replace(current, **changes), self.today())
            write(uow, pid, {k: getattr(new, k) for k in CORRECTED}, reason)
        return new

    def add_condition(self, pid: str, condition: r.Condition) -> r.Condition:
        """Add a diagnosis: a billable ICD-10-CM code, stored in its dotted form (``E119`` is
        ``E11.9``); a code already on the problem list is refused. A clinician may mark a
        condition chronic, with a reason."""
        today = self.today()
        v.condition(condition, today=today)  # every field checked before the write lock is taken
        with self.write() as conn:
            patient = self._patient_row(conn, pid, Action.WRITE_RECORD)
            cond = v.condition(condition, today=today, birth=patient.birth_date)
            if any(x.icd10 == cond.icd10 for x in q.current_rows(conn, s.conditions, pid)):
                raise InvalidInput(f"Condition code {cond.icd10} is already on this patient's problem list.",
                                   "icd10")
            rid = conn.add_row(s.conditions, patient_id=pid, icd10=cond.icd10, display=cond.display,
                              onset=cond.onset, chronic=cond.chronic, chronic_reason=cond.chronic_reason)
        return r.Condition(**{**cond.__dict__, "id": rid})

    # ------------------------------------------------------------------ reports

    def month_report(self, month: str, scope: str = "live"):
        """One row per patient with time that month: codes, amounts, reasons (pandas)."""
        from ..reports import month_report

        with self.read() as conn:
            self._check(conn, Action.READ_BILLING, scope)
        return month_report(self, v.month(month), scope=scope)

    def claims(self, month: str, date_of_service: str = "month-end", place_of_service: str = "11"):
        """The month's claim lines, each ``ready`` or ``hold`` with the reasons (pandas): the
        same frame as ``workbench report claims``."""
        from ..reports.claims import claims_report

        from .core import SYSTEM_USER

        with self.read() as conn:
            self._check(conn, Action.READ_BILLING, "live")
        # allowed to read billing: the report reads the consents and entries it needs as the
        # workbench (billing staff may not open charts, but a claim needs what they hold)
        reader = type(self)(self.engine, SYSTEM_USER, self.clock)
        return claims_report(reader, v.month(month), date_of_service=date_of_service,
                             place_of_service=place_of_service)

    def worklist(self, day: date | None = None, scope: str = "live", patient_ids=None):
        """The panel ordered by who most needs a call today (pandas); ``patient_ids`` limits it
        to those patients (the rows to refresh on a screen)."""
        from ..reports import worklist

        with self.read() as conn:
            self._check(conn, Action.READ_CHART, scope)
        return worklist(self, day or self.today(), scope=scope, patient_ids=patient_ids)

    def change_marks(self) -> dict[str, int]:
        """Change stamps of the tables the worklist reads (see :mod:`workbench.reports.changes`)."""
        from ..reports.changes import marks

        with self.read() as conn:
            return marks(conn)

    def changed_since(self, since: dict[str, int]) -> tuple[set[str], dict[str, int]]:
        """Patient ids with a row written after the ``since`` stamps, and the stamps now."""
        from ..reports.changes import changed_patients

        with self.read() as conn:
            return changed_patients(conn, since)

    def count(self, table: str) -> int:
        """Rows in a table (for tests and the status line)."""
        tbl = s.metadata.tables[table]
        with self.read() as conn:
            return conn.execute(select(func.count()).select_from(tbl)).scalar_one()
