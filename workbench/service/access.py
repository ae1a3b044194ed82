"""Authorisation behind every chart read and every write (the table is :mod:`workbench.service.policy`).

Each patient-level method finds the patient with :meth:`AccessMixin._patient_row`, which refuses
(:class:`~workbench.errors.PermissionDenied`, in a sentence) unless the signed-in user's role may
do that action on that patient's scope: live, or the practice patient of a training attempt
(``training_attempts`` says whose attempt it is).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import Connection

from . import policy
from .. import records as r
from .. import validate as v
from ..errors import InvalidInput, NotFound, PermissionDenied
from .policy import Action
from ..store import schema as s


class AccessMixin:
    """Finding a patient for an action, and checking the action."""

    def _attempt_trainee(self, conn: Connection, scope: str | None) -> str | None:
        if not scope or not scope.startswith(policy.TRAINING_PREFIX):
            return None
        at = s.training_attempts
        return conn.execute(select(at.c.trainee_id).where(
            at.c.id == scope[len(policy.TRAINING_PREFIX):])).scalar()

    def _check(self, conn: Connection, action: Action, scope: str | None = None) -> None:
        """Refuse ``action`` on patients of ``scope`` (None: an action without a patient). The
        chart of a practice attempt that has ended is read-only: nothing more is recorded."""
        policy.check(self.user, action, scope, self._attempt_trainee(conn, scope))
        if action in (Action.WRITE_RECORD, Action.LOG_TIME) and scope and scope.startswith(policy.TRAINING_PREFIX):
            ev = s.training_events
            if conn.execute(select(ev.c.id).where(ev.c.attempt_id == scope[len(policy.TRAINING_PREFIX):],
                                                  ev.c.kind == "finished").limit(1)).first():
                raise PermissionDenied("This practice attempt has ended: its chart is read-only.")

    def check(self, action: Action | str, scope: str | None = None) -> None:
        """Refuse (PermissionDenied, in a sentence) unless the signed-in user may do ``action``
        (on patients of ``scope``): for writers outside the service (loader, importers)."""
        with self.read() as conn:
            self._check(conn, Action(action), scope)

    def may(self, action: Action | str, scope: str | None = None) -> bool:
        """Whether the signed-in user may do ``action`` (on patients of ``scope``)."""
        with self.read() as conn:
            kind = policy.scope_kind(scope, self.user.id, self._attempt_trainee(conn, scope))
        return policy.allowed(self.user.role, Action(action), kind)

    def _patient_row(self, conn: Connection, pid, action: Action = Action.READ_CHART) -> object:
        """The patient's row, if the signed-in user may do ``action`` on this patient."""
        pid = v.identifier(pid, "Patient id", v.limit_of(s.patients.c.id), field="patient_id")
        row = conn.execute(select(s.patients).where(s.patients.c.id == pid)).first()
        if row is None:
            raise NotFound(f"No patient with id '{pid}'.")
        self._check(conn, action, row.scope)
        return row

    def _patient_of(self, conn: Connection, table, row_id: int, action: Action, what: str):
        """The patient of row ``row_id`` of ``table`` (checked for ``action``), and the row."""
        row = conn.execute(select(table).where(table.c.id == row_id)).first()
        if row is None:
            raise NotFound(f"No {what} {row_id}.")
        return self._patient_row(conn, row.patient_id, action), row

    def _check_author(self, conn: Connection, row, patient, what: str) -> None:
        """Refuse to correct ``row`` unless the signed-in user wrote it (or it is their time),
        or may correct other people's entries (``Action.CORRECT_OTHERS``: supervisors)."""
        authors = {getattr(row, "staff_id", None), getattr(row, "recorded_by", None)} - {None}
        if self.user.id in authors:
            return
        kind = policy.scope_kind(patient.scope, self.user.id, self._attempt_trainee(conn, patient.scope))
        if policy.allowed(self.user.role, Action.CORRECT_OTHERS, kind):
            return
        owner = getattr(row, "staff_id", None) or row.recorded_by
        raise PermissionDenied(f"{what.capitalize()} {row.id} was recorded by {owner}: only they or a "
                               f"supervisor may void or amend it.")

    def _visible(self, conn: Connection, rows, action: Action = Action.READ_CHART) -> list:
        """The rows (with a ``scope``) whose patients the signed-in user may see."""
        trainees: dict[str, str | None] = {}
        out = []
        for row in rows:
            if row.scope not in trainees:
                trainees[row.scope] = self._attempt_trainee(conn, row.scope)
            kind = policy.scope_kind(row.scope, self.user.id, trainees[row.scope])
            if policy.allowed(self.user.role, action, kind):
                out.append(row)
        return out

    def _staff_exists(self, uid: str) -> bool:
        with self.read() as conn:
            return conn.execute(select(s.users.c.id).where(s.users.c.id == uid)).first() is not None

    def add_training_patient(self, bundle: r.PatientBundle, attempt_id: str, trainee_id: str,
                             scenario_id: str, seed: int = 0) -> r.Patient:
        """Make a scenario's practice patient and register whose attempt it is, in one unit of
        work. A trainee may start only their own attempts; supervisors may start anyone's. A
        shift's further patients join the same trainee's attempt."""
        from ..intake.bundles import bundle_rows
        from ..store.bulk import insert_rows

        scope = f"{policy.TRAINING_PREFIX}{attempt_id}"
        if not isinstance(bundle, r.PatientBundle):
            raise InvalidInput(f"A practice patient must be a PatientBundle, not {type(bundle).__name__}.")
        for col in ("billing_practitioner_id", "care_team_member_id"):
            uid = getattr(bundle.patient, col)
            if uid is not None and not isinstance(uid, str):
                raise InvalidInput(f"{col} must be a staff id, not {type(uid).__name__}.", col)
            if uid is not None and not self._staff_exists(uid):
                raise InvalidInput(f"{col} {v.show(uid)} is not a staff member (add them as staff first).", col)
        if bundle.patient.scope != scope:
            raise InvalidInput(f"A practice patient for attempt {attempt_id} has the scope {scope}.")
        trainee = self.get_user(trainee_id)
        policy.check(self.user, Action.START_PRACTICE, scope, trainee.id)
        rows = bundle_rows([bundle], self.stamp(), today=self.today())
        with self.write() as conn:
            if conn.execute(select(s.patients.c.id).where(s.patients.c.id == bundle.patient.id)).first():
                raise InvalidInput(f"Patient id {bundle.patient.id} is already in use.", "patient_id")
            held = conn.execute(select(s.training_attempts.c.trainee_id).where(
                s.training_attempts.c.id == attempt_id)).first()
            if held is not None and held.trainee_id != trainee.id:
                raise InvalidInput(f"There is already a training attempt {attempt_id}.")
            insert_rows(conn, rows)
            if held is None:  # the attempt's first patient registers the attempt; a shift's others join it
                conn.add_row(s.training_attempts, id=attempt_id, scenario_id=scenario_id, scenario_version="",
                            trainee_id=trainee.id, patient_id=bundle.patient.id, seed=seed,
                            started_at=conn.now)
        return bundle.patient
