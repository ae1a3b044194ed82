"""The service's policy (:mod:`workbench.service.policy`), row by row, for imported files.

An import is done by one person (``workbench import --as STAFF_ID``). The file as a whole needs
the ``import`` permission; then every row is checked as the service would check the same write:
adding staff (``add_user``), adding a patient (``add_patient`` for a live patient,
``start_practice`` for a practice patient), logging time (``log_time``, for the importing person
AND for the staff member the row credits). A row that fails is a bad row, named with ids only,
so the file is refused whole.

The importers (:mod:`workbench.intake`) reach these checks through the workbench they are given
(:meth:`ImportPolicyMixin.import_scopes`, ...), so the policy stays in the service.
"""

from __future__ import annotations

from sqlalchemy import select

from .. import records as r
from ..errors import PermissionDenied
from ..store import schema as s
from . import policy

Action = policy.Action


def check_importer(user: r.User) -> None:
    """Refuse, in a sentence, a person whose role may not import files."""
    policy.check(user, policy.IMPORT)


class Scopes:
    """Who each training attempt belongs to, for the scope checks of a file's rows."""

    def __init__(self, conn) -> None:
        at = s.training_attempts
        self.trainee = {x.id: x.trainee_id for x in conn.execute(select(at.c.id, at.c.trainee_id))}

    def owner(self, scope: str) -> str | None:
        if not scope.startswith(policy.TRAINING_PREFIX):
            return None
        return self.trainee.get(scope[len(policy.TRAINING_PREFIX):])

    def allowed(self, user: r.User, action: Action, scope: str) -> bool:
        return policy.allowed(user.role, action, policy.scope_kind(scope, user.id, self.owner(scope)))

    def may_log_time(self, user: r.User, scope: str) -> bool:
        return self.allowed(user, Action.LOG_TIME, scope)

    def practice_words(self, scope: str) -> str:
        owner = self.owner(scope)
        attempt = scope[len(policy.TRAINING_PREFIX):]
        return f"a practice patient of training attempt {attempt}" + (f" (trainee {owner})" if owner else "")

    def time_problems(self, importer: r.User, staff: r.User, pid: str, scope: str) -> list[str]:
        """Why ``importer`` may not write time of ``staff`` on patient ``pid`` (ids only)."""
        out = []
        live = scope == "live"
        if not self.allowed(staff, Action.LOG_TIME, scope):
            if live:
                out.append(f"staff {staff.id} is a {staff.role.value.replace('_', ' ')}, who may not have time "
                           f"on live patient {pid} (trainees work only on their own practice patients)")
            else:
                out.append(f"patient {pid} is {self.practice_words(scope)}: staff {staff.id} may not have "
                           "time on it")
        if not self.allowed(importer, Action.LOG_TIME, scope):
            where = f"live patient {pid}" if live else f"patient {pid}, {self.practice_words(scope)}"
            out.append(f"you (--as {importer.id}, {importer.role.value.replace('_', ' ')}) may not log time "
                       f"on {where}")
        return out

    def patient_problem(self, importer: r.User, pid: str, scope: str) -> str | None:
        action = Action.ADD_PATIENT if scope == "live" else Action.START_PRACTICE
        if self.allowed(importer, action, scope):
            return None
        what = "live patients" if scope == "live" else self.practice_words(scope)
        return (f"you (--as {importer.id}, {importer.role.value.replace('_', ' ')}) may not add patient "
                f"{pid}: {what}")


def staff_problem(importer: r.User) -> PermissionDenied | None:
    """Adding staff is a supervisor's (the installer's first staff file runs as the system user)."""
    try:
        policy.check(importer, Action.ADD_USER)
    except PermissionDenied as err:
        return err
    return None


class ImportPolicyMixin:
    """What the importers ask the service: may the signed-in user import, add staff, and which
    rows of a file the policy refuses."""

    def check_import(self) -> None:
        check_importer(self.user)

    def staff_import_problem(self) -> PermissionDenied | None:
        return staff_problem(self.user)

    def import_scopes(self, conn) -> Scopes:
        return Scopes(conn)
