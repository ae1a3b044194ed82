"""Attempts and where they are kept.

An attempt is who played which scenario, when, with what seed, the transcript, the record
ids it wrote, reflection answers, supervisor overrides and whether feedback is released.
The clinical records an attempt writes live in the workbench store (scoped to the attempt's
patient); the attempt itself is kept by an ``AttemptRepository``: the store's
``training_attempts`` / ``training_events`` tables (:class:`StoreAttempts`, the default), or in
memory / one JSON file for tests and tools without a database.
"""

from __future__ import annotations

import json
import os
import pickle
import threading
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol

from workbench.errors import NotFound


@dataclass
class TranscriptLine:
    n: int  #: 1-based line number, cited as evidence
    at: datetime  #: attempt-clock time
    speaker: str  #: patient | trainee | narrator
    text: str
    patient_id: str = ""  #: whose call (or whose world event) this line belongs to
    option_id: str | None = None  #: a spoken choice
    free: bool = False  #: the trainee's own words typed into the call
    node: str | None = None  #: the patient's line on arriving at this node
    event: str | None = None  #: the world event this narrator line reports


@dataclass
class Override:
    criterion_id: str
    points: float
    met: bool
    comment: str
    by: str  #: supervisor user id
    at: datetime
    patient_id: str = ""  #: which case of a shift


@dataclass
class CaseState:
    """One patient of the attempt: a scenario patient (with a conversation) or a routine one."""

    patient_id: str
    scenario_id: str | None = None  #: None for a generated panel patient
    node: str = ""
    status: str = "waiting"  #: waiting | on_call | call_ended
    calls: list[list[str | None]] = field(default_factory=list)  #: [start, end] ISO times
    said: list[str] = field(default_factory=list)
    fired: list[str] = field(default_factory=list)
    refs: dict[str, int] = field(default_factory=dict)  #: escalation / barrier refs -> ids


@dataclass
class AttemptRecord:
    id: str
    scenario_id: str  #: a scenario id, or "shift:<shift id>"
    trainee_id: str
    patient_id: str  #: the first scenario patient (the store's attempt row points at it)
    seed: int
    started_at: datetime  #: real time the attempt began
    sim_start: datetime  #: the attempt clock's start
    status: str = "in_progress"  #: in_progress | finished
    finished_at: datetime | None = None
    cases: list[CaseState] = field(default_factory=list)
    active: str | None = None  #: the patient on the call now
    transcript: list[TranscriptLine] = field(default_factory=list)
    fired: list[str] = field(default_factory=list)  #: shift-level world events
    clock: dict = field(default_factory=dict)  #: AttemptClock.state()
    reflection: dict[str, str] = field(default_factory=dict)  #: question -> answer
    overrides: list[Override] = field(default_factory=list)
    released: bool = False
    released_by: str | None = None
    released_at: datetime | None = None
    scripted: bool = False  #: played by a scripted path (validator, tests, demo): its notes are the key

    @property
    def is_shift(self) -> bool:
        return self.scenario_id.startswith("shift:")

    def case(self, patient_id: str) -> CaseState:
        for c in self.cases:
            if c.patient_id == patient_id:
                return c
        raise NotFound("That patient is not part of this training attempt.")


class AttemptRepository(Protocol):
    """Where attempts are kept (the store's training tables will implement this)."""

    def add_attempt(self, attempt: AttemptRecord) -> None: ...
    def save_attempt(self, attempt: AttemptRecord) -> None: ...
    def get_attempt(self, attempt_id: str) -> AttemptRecord: ...
    def find_attempts(self, trainee_id: str | None = None,
                      scenario_id: str | None = None) -> list[AttemptRecord]: ...


class InMemoryAttempts:
    """Attempts in a dict: for tests and a single kernel."""

    def __init__(self) -> None:
        self._items: dict[str, AttemptRecord] = {}
        self._lock = threading.Lock()

    def add_attempt(self, attempt: AttemptRecord) -> None:
        with self._lock:
            if attempt.id in self._items:
                raise ValueError(f"attempt {attempt.id} exists")
            self._items[attempt.id] = _copy(attempt)

    def save_attempt(self, attempt: AttemptRecord) -> None:
        with self._lock:
            if attempt.id not in self._items:
                raise NotFound(f"There is no training attempt {attempt.id}.")
            self._items[attempt.id] = _copy(attempt)

    def get_attempt(self, attempt_id: str) -> AttemptRecord:
        with self._lock:
            if attempt_id not in self._items:
                raise NotFound(f"There is no training attempt {attempt_id}.")
            return _copy(self._items[attempt_id])

    def find_attempts(self, trainee_id: str | None = None,
                      scenario_id: str | None = None) -> list[AttemptRecord]:
        with self._lock:
            items = [_copy(a) for a in self._items.values()]
        return sorted((a for a in items
                       if (trainee_id is None or a.trainee_id == trainee_id)
                       and (scenario_id is None or a.scenario_id == scenario_id)),
                      key=lambda a: (a.started_at, a.id))


class JsonFileAttempts(InMemoryAttempts):
    """Attempts in one JSON file, rewritten atomically on every save (one machine only)."""

    def __init__(self, path: str | Path):
        super().__init__()
        self.path = Path(path)
        if self.path.exists():
            for item in json.loads(self.path.read_text(encoding="utf-8")):
                a = attempt_from_dict(item)
                self._items[a.id] = a

    def _flush(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        data = [attempt_to_dict(a) for a in self._items.values()]
        tmp.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, self.path)

    def add_attempt(self, attempt: AttemptRecord) -> None:
        super().add_attempt(attempt)
        with self._lock:
            self._flush()

    def save_attempt(self, attempt: AttemptRecord) -> None:
        super().save_attempt(attempt)
        with self._lock:
            self._flush()


#: The attempt's fields a supervisor writes (a score override, the release of feedback); every
#: other field is the trainee's play (transcript, cases, clock, reflection, status).
GRADING_FIELDS = ("overrides", "released", "released_by", "released_at")
#: The service's own user (tools and tests acting for the practice, never a signed-in person).
SYSTEM_ID = "system"


def changed_fields(old: AttemptRecord | None, new: AttemptRecord) -> set[str]:
    """Which fields of the attempt ``new`` changes from ``old`` (all of them when new)."""
    a, b = (attempt_to_dict(old) if old is not None else {}), attempt_to_dict(new)
    return {k for k in b if a.get(k) != b[k]}


def check_attempt_write(user, trainee_id: str, changed: set[str]) -> None:
    """Refuse a save of an attempt unless the signed-in ``user`` may write what it changes: the
    trainee writes their own play, a supervisor (``Action.GRADE``) writes scores and releases, and
    nobody writes another person's play (the service's own user aside: tools and tests)."""
    from workbench.service import policy
    from workbench.errors import PermissionDenied
    from workbench.service.policy import Action

    grading, play = changed & set(GRADING_FIELDS), changed - set(GRADING_FIELDS)
    if grading and not policy.allowed(user.role, Action.GRADE, policy.ANYWHERE):
        raise PermissionDenied("Only a supervisor can change scores or release feedback.")
    if play and user.id not in (trainee_id, SYSTEM_ID):
        raise PermissionDenied(f"Training attempt belongs to {trainee_id}: only that trainee plays it.")


class StoreAttempts:
    """Attempts in the workbench store, the default: one ``training_attempts`` row per attempt
    and append-only ``training_events``: every save appends a ``state`` event holding the whole
    attempt, and the latest one is its current state. Nothing is overwritten, so the history
    of an attempt (each choice, an override, a release) stays in the record, and trainee and
    supervisor kernels on the same database see the same attempts.

    Saves are checked against the signed-in user of ``wb`` (:func:`check_attempt_write`): a
    trainee saves only their own attempt's play, a supervisor only scores and releases."""

    def __init__(self, wb):
        self.wb = wb

    @property
    def signed_in(self):
        """The person every save is checked against (and whom a grade is written as)."""
        return self.wb.user

    def now(self) -> datetime:
        """The workbench's injectable clock (never the machine's own ``datetime.now``)."""
        return self.wb.now()

    def _state_event(self, conn, a: AttemptRecord, kind: str = "state", payload: dict | None = None) -> None:
        from workbench.store import schema as s

        conn.add_row(s.training_events, attempt_id=a.id, kind=kind,
                    payload=attempt_to_dict(a) if payload is None else payload, at=self.wb.now())

    def add_attempt(self, attempt: AttemptRecord) -> None:
        from sqlalchemy import select

        from workbench.service import policy
        from workbench.service.policy import Action
        from workbench.store import schema as s

        policy.check(self.signed_in, Action.START_PRACTICE, policy.TRAINING_PREFIX + attempt.id,
                     attempt.trainee_id)
        check_attempt_write(self.signed_in, attempt.trainee_id, changed_fields(None, attempt)
                            - {k for k in GRADING_FIELDS if not getattr(attempt, k)})
        with self.wb.write() as conn:
            held = conn.execute(select(s.training_attempts.c.trainee_id, s.training_attempts.c.patient_id)
                                .where(s.training_attempts.c.id == attempt.id)).first()
            if held is not None:  # registered with its practice patient (Workbench.add_training_patient)
                if (held.trainee_id, held.patient_id) != (attempt.trainee_id, attempt.patient_id):
                    raise ValueError(f"attempt {attempt.id} exists")
                self._state_event(conn, attempt)
                return
            conn.add_row(s.training_attempts, id=attempt.id, scenario_id=attempt.scenario_id,
                        scenario_version="", trainee_id=attempt.trainee_id,
                        patient_id=attempt.patient_id, seed=attempt.seed,
                        started_at=attempt.started_at)
            self._state_event(conn, attempt)

    def save_attempt(self, attempt: AttemptRecord) -> None:
        from sqlalchemy import select

        from workbench.store import schema as s

        with self.wb.write() as conn:
            held = conn.execute(select(s.training_attempts.c.trainee_id)
                                .where(s.training_attempts.c.id == attempt.id)).first()
            if held is None:
                raise NotFound(f"There is no training attempt {attempt.id}.")
            if attempt.trainee_id != held.trainee_id:
                raise ValueError(f"attempt {attempt.id} belongs to another trainee")
            before = self._latest_in(conn, [s.training_attempts.c.id == attempt.id])
            check_attempt_write(self.signed_in, held.trainee_id,
                                changed_fields(before[0] if before else None, attempt))
            self._state_event(conn, attempt)
            ev = s.training_events
            if attempt.status == "finished" and not conn.execute(select(ev.c.id).where(
                    ev.c.attempt_id == attempt.id, ev.c.kind == "finished").limit(1)).first():
                # the service reads this: an ended attempt's chart is read-only
                self._state_event(conn, attempt, "finished", {"finished_at": str(attempt.finished_at)})

    def _latest(self, where) -> list[AttemptRecord]:
        with self.wb.read() as conn:
            return self._latest_in(conn, where)

    @staticmethod
    def _latest_in(conn, where) -> list[AttemptRecord]:
        from sqlalchemy import func, select

        from workbench.store import schema as s

        ev, at = s.training_events, s.training_attempts
        latest = (select(func.max(ev.c.id)).where(ev.c.kind == "state")
                  .group_by(ev.c.attempt_id).scalar_subquery())
        stmt = (select(ev.c.payload).join(at, at.c.id == ev.c.attempt_id)
                .where(ev.c.id.in_(latest), *where).order_by(at.c.started_at, at.c.id))
        return [attempt_from_dict(row.payload) for row in conn.execute(stmt)]

    def get_attempt(self, attempt_id: str) -> AttemptRecord:
        from workbench.store import schema as s

        found = self._latest([s.training_attempts.c.id == attempt_id])
        if not found:
            raise NotFound(f"There is no training attempt {attempt_id}.")
        return found[0]

    def find_attempts(self, trainee_id: str | None = None,
                      scenario_id: str | None = None) -> list[AttemptRecord]:
        from workbench.store import schema as s

        at = s.training_attempts
        where = []
        if trainee_id is not None:
            where.append(at.c.trainee_id == trainee_id)
        if scenario_id is not None:
            where.append(at.c.scenario_id == scenario_id)
        return self._latest(where)


def default_repository(wb=None) -> AttemptRepository:
    """The store's training tables for ``wb``; without a workbench, the JSON file
    ``WORKBENCH_TRAINING_ATTEMPTS`` (or ./data/training_attempts.json)."""
    if wb is not None:
        return StoreAttempts(wb)
    return JsonFileAttempts(os.environ.get("WORKBENCH_TRAINING_ATTEMPTS",
                                           "data/training_attempts.json"))


# ----------------------------------------------------------------------- (de)serialising

def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def attempt_to_dict(a: AttemptRecord) -> dict:
    """A JSON-ready dict of an attempt (datetimes as ISO text)."""
    def conv(v):
        if isinstance(v, datetime):
            return v.isoformat()
        if isinstance(v, dict):
            return {k: conv(x) for k, x in v.items()}
        if isinstance(v, list | tuple):
            return [conv(x) for x in v]
        return v
    return conv(asdict(a))


def attempt_from_dict(d: dict) -> AttemptRecord:
    d = dict(d)
    d["started_at"] = _dt(d["started_at"])
    d["sim_start"] = _dt(d["sim_start"])
    d["finished_at"] = _dt(d.get("finished_at"))
    d["released_at"] = _dt(d.get("released_at"))
    d["transcript"] = [TranscriptLine(**{**t, "at": _dt(t["at"])}) for t in d.get("transcript", [])]
    d["cases"] = [CaseState(**c) for c in d.get("cases", [])]
    d["overrides"] = [Override(**{**o, "at": _dt(o["at"])}) for o in d.get("overrides", [])]
    return AttemptRecord(**d)


def _copy(a: AttemptRecord) -> AttemptRecord:
    return pickle.loads(pickle.dumps(a))
