"""Who may do what: one table of role x action x scope, checked by the service.

Scopes are the ``patients.scope`` column: ``"live"`` (the practice's panel) and
``"training:<attempt id>"`` (a scenario's copy of a patient, made for one trainee's attempt;
``training_attempts.trainee_id`` says whose). In the table a role is given, per action, the
kinds of scope it may act on:

- ``LIVE``: live patients;
- ``OWN_TRAINING``: training patients of the signed-in user's own attempts;
- ``ANY_TRAINING``: every training patient (supervisors, who grade from the record).

Actions without a patient (adding staff, settings, pages) use the scope ``ANYWHERE``. The UI's
page table (``workbench.ui.session.VIEW_ROLES``) is derived from the ``page:`` actions here, so a
page and the service never disagree. Minimum necessary (45 CFR 164.502(b)): billing staff read
what billing needs (time and the month's codes), not charts.
"""

from __future__ import annotations

from enum import StrEnum

from ..errors import PermissionDenied
from ..records import Role

LIVE, OWN_TRAINING, ANY_TRAINING, ANYWHERE = "live", "own training", "any training", "anywhere"
TRAINING_PREFIX = "training:"


class Action(StrEnum):
    READ_CHART = "read_chart"  #: open a chart; list a patient's records; the worklist
    WRITE_RECORD = "write_record"  #: contacts, consent, care plan, screening, barriers, escalation, diagnoses
    LOG_TIME = "log_time"  #: timers, manual time, voids
    READ_BILLING = "read_billing"  #: time entries, the month's bill and report
    ADD_PATIENT = "add_patient"  #: add a patient or load a panel
    START_PRACTICE = "start_practice"  #: make a training patient for an attempt
    ATTEST = "attest"  #: the billing practitioner's month attestation
    CLOSE_OTHERS_TIMER = "close_others_timer"  #: close a timer someone else left running
    CORRECT_OTHERS = "correct_others"  #: void or amend a time entry someone else wrote
    GRADE = "grade"  #: override a trainee's score, release feedback
    ADD_USER = "add_user"
    SET_SETTINGS = "set_settings"
    IMPORT = "import"  #: ``workbench import``: files of staff, patients or time (rows checked one by one)
    READ_ACCESS_LOG = "read_access_log"  #: who read which chart (supervisors, privacy officers)
    APPROVE_TIME = "approve_time"  #: approve others' time entries before a claim (never one's own)
    SIGN_CLAIMS = "sign_claims"  #: the billing practitioner signs a month's claims
    ENROL = "enrol"  #: enrolment status, outreach attempts, QMB status, moving a patient to APCM
    PAGE_INDEX = "page:index"
    PAGE_WORKLIST = "page:worklist"
    PAGE_CHART = "page:chart"
    PAGE_MONTH = "page:month"
    PAGE_TRAINEE = "page:trainee"
    PAGE_SUPERVISOR = "page:supervisor"
    PAGE_ACCESS = "page:access"  #: the access log (supervisors, privacy officers)


A = Action
_CLINICAL = frozenset({LIVE, OWN_TRAINING})
_PRACTICE = frozenset({OWN_TRAINING})
_ALL = frozenset({LIVE, ANY_TRAINING})
_ANY = frozenset({ANYWHERE})

#: role -> action -> the scopes it may act on. Anything not listed is refused.
POLICY: dict[Role, dict[Action, frozenset[str]]] = {
    Role.TRAINEE: {
        A.READ_CHART: _PRACTICE, A.WRITE_RECORD: _PRACTICE, A.LOG_TIME: _PRACTICE,
        A.READ_BILLING: _PRACTICE, A.START_PRACTICE: _PRACTICE,
        A.PAGE_INDEX: _ANY, A.PAGE_CHART: _ANY, A.PAGE_TRAINEE: _ANY,
    },
    Role.CARE_COORDINATOR: {
        A.READ_CHART: _CLINICAL, A.WRITE_RECORD: _CLINICAL, A.LOG_TIME: _CLINICAL,
        A.READ_BILLING: _CLINICAL, A.START_PRACTICE: _PRACTICE,
        A.PAGE_INDEX: _ANY, A.PAGE_WORKLIST: _ANY, A.PAGE_CHART: _ANY, A.PAGE_TRAINEE: _ANY,
    },
    Role.CARE_MANAGER: {
        A.READ_CHART: _CLINICAL, A.WRITE_RECORD: _CLINICAL, A.LOG_TIME: _CLINICAL,
        A.READ_BILLING: _CLINICAL, A.ADD_PATIENT: frozenset({LIVE}), A.START_PRACTICE: _PRACTICE,
        A.PAGE_INDEX: _ANY, A.PAGE_WORKLIST: _ANY, A.PAGE_CHART: _ANY, A.PAGE_TRAINEE: _ANY,
    },
    Role.SUPERVISOR: {
        A.READ_CHART: _ALL, A.WRITE_RECORD: _ALL, A.LOG_TIME: _ALL, A.READ_BILLING: _ALL,
        A.ADD_PATIENT: _ALL, A.START_PRACTICE: _ALL, A.CLOSE_OTHERS_TIMER: _ALL, A.ATTEST: _ALL,
        A.CORRECT_OTHERS: _ALL, A.GRADE: _ANY, A.ADD_USER: _ANY, A.SET_SETTINGS: _ANY, A.READ_ACCESS_LOG: _ANY,
        A.APPROVE_TIME: frozenset({LIVE}),
        A.PAGE_INDEX: _ANY, A.PAGE_WORKLIST: _ANY, A.PAGE_CHART: _ANY, A.PAGE_MONTH: _ANY,
        A.PAGE_SUPERVISOR: _ANY, A.PAGE_ACCESS: _ANY,
    },
    Role.PRACTITIONER: {
        A.READ_CHART: frozenset({LIVE}), A.WRITE_RECORD: frozenset({LIVE}),
        A.LOG_TIME: frozenset({LIVE}), A.READ_BILLING: frozenset({LIVE}), A.ATTEST: frozenset({LIVE}),
        A.SIGN_CLAIMS: frozenset({LIVE}),
        A.PAGE_INDEX: _ANY, A.PAGE_WORKLIST: _ANY, A.PAGE_CHART: _ANY, A.PAGE_MONTH: _ANY,
    },
    Role.BILLING: {
        A.READ_BILLING: frozenset({LIVE}),
        A.PAGE_INDEX: _ANY, A.PAGE_MONTH: _ANY,
    },
}

#: How a refusal names the action (completing "may not ...").
DOING = {
    A.READ_CHART: "open patients' charts", A.WRITE_RECORD: "change a patient's record",
    A.LOG_TIME: "log time", A.READ_BILLING: "see time and billing",
    A.ADD_PATIENT: "add patients", A.START_PRACTICE: "start a practice attempt",
    A.ATTEST: "attest complex CCM", A.CLOSE_OTHERS_TIMER: "close another person's timer",
    A.CORRECT_OTHERS: "void or amend time another person recorded",
    A.GRADE: "change a trainee's score or release feedback",
    A.ADD_USER: "add staff", A.SET_SETTINGS: "change the practice settings",
    A.READ_ACCESS_LOG: "read the access log",
    A.APPROVE_TIME: "approve time entries", A.SIGN_CLAIMS: "sign claims",
}


#: Files imported on the command line (``workbench import``): the people who manage the panel. Each
#: row is then checked as the service checks it (adding staff, adding patients, logging time).
IMPORT = Action.IMPORT
for _role in (Role.SUPERVISOR, Role.CARE_MANAGER):
    POLICY[_role][IMPORT] = _ANY
DOING[IMPORT] = "import files"

#: Enrolment (status, outreach, QMB, the move to APCM): the care team on their patients, and the
#: billing office on live patients (it learns of "enrolled elsewhere" from a claim's denial).
for _role, _scopes in ((Role.TRAINEE, _PRACTICE), (Role.CARE_COORDINATOR, _CLINICAL),
                       (Role.CARE_MANAGER, _CLINICAL), (Role.SUPERVISOR, _ALL),
                       (Role.PRACTITIONER, frozenset({LIVE})), (Role.BILLING, frozenset({LIVE}))):
    POLICY[_role][Action.ENROL] = _scopes
DOING[Action.ENROL] = "change a patient's enrolment"


def _label(role: Role) -> str:
    return role.value.replace("_", " ")


def view_roles() -> dict[str, frozenset[Role]]:
    """page name -> the roles that may open it (the UI's ``VIEW_ROLES``)."""
    pages = [a for a in Action if a.value.startswith("page:")]
    return {a.value.split(":", 1)[1]: frozenset(role for role, acts in POLICY.items() if a in acts)
            for a in pages}


def scope_kind(scope: str | None, user_id: str, attempt_trainee: str | None) -> str:
    """``LIVE``, ``OWN_TRAINING``, ``ANY_TRAINING`` or ``ANYWHERE`` for a patient's scope."""
    if scope is None:
        return ANYWHERE
    if scope == "live":
        return LIVE
    return OWN_TRAINING if attempt_trainee is not None and attempt_trainee == user_id else ANY_TRAINING


def allowed(role: Role, action: Action, kind: str) -> bool:
    scopes = POLICY.get(role, {}).get(action, frozenset())
    if kind in scopes:
        return True
    return kind == OWN_TRAINING and ANY_TRAINING in scopes


def check(user, action: Action, scope: str | None = None, attempt_trainee: str | None = None) -> None:
    """Raise :class:`PermissionDenied`, in a sentence, unless ``user`` may do ``action`` on a
    patient of ``scope`` (``None`` for actions without a patient)."""
    kind = scope_kind(scope, user.id, attempt_trainee)
    if allowed(user.role, action, kind):
        return
    doing, who = DOING.get(action, action.value), _label(user.role)
    if kind == LIVE and POLICY.get(user.role, {}).get(action) == _PRACTICE:
        raise PermissionDenied(f"A {who} works only on practice patients of their own training "
                               f"attempts; this is a live patient, so you may not {doing} here.")
    if kind == ANY_TRAINING and allowed(user.role, action, OWN_TRAINING):
        raise PermissionDenied("This practice patient belongs to another person's training attempt: "
                               "only that trainee and the supervisors may open it.")
    if kind in (OWN_TRAINING, ANY_TRAINING):
        raise PermissionDenied(f"Practice patients are for trainees and supervisors; a {who} "
                               f"may not {doing} on them.")
    raise PermissionDenied(f"A {who} may not {doing}. Ask a supervisor if you need this.")
