"""The ``Workbench`` façade: one object the UI, the CLI and the training engine talk to.

Every public method validates its input first, then writes in ONE unit of work
(:mod:`workbench.store.uow`: one transaction, one author stamp, nothing half written), takes time
from the injectable clock, and raises the project's own exceptions (:mod:`workbench.errors`) with
a message a care manager understands. The methods live in mixins, one per seam of the record;
the full API is listed in ``docs/service-api.md``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import Connection, Engine

from .. import records as r
from ..clock import Clock, SystemClock
from ..store.uow import UnitOfWork, reading, unit_of_work
from .access import AccessMixin
from .approvals import ApprovalMixin
from . import changes
from .attestation import AttestationMixin
from .audit import AuditMixin
from .careplan import CarePlanMixin
from .consent import ConsentMixin
from .contacts import ContactsMixin
from .enrolment import EnrolmentMixin
from .core import SYSTEM_USER, _engine_for
from .escalation import EscalationMixin
from .identity import IdentityMixin
from .import_policy import ImportPolicyMixin
from .medications import MedicationsMixin
from .patients import PatientsMixin
from .screening import ScreeningMixin
from .time_entries import TimeEntriesMixin
from .timers import TimerMixin
from .visits import VisitsMixin


class Workbench(AccessMixin, IdentityMixin, PatientsMixin, TimerMixin, TimeEntriesMixin,
                ConsentMixin, CarePlanMixin, ContactsMixin, ScreeningMixin, EscalationMixin,
                AttestationMixin, VisitsMixin, MedicationsMixin, ImportPolicyMixin, AuditMixin,
                ApprovalMixin, EnrolmentMixin):
    """The CCM record for one signed-in user. Make one with :meth:`open`."""

    def __init__(self, engine: Engine, user: r.User, clock: Clock | None = None):
        self.engine = engine
        self.user = user
        self.clock = clock or SystemClock()
        self._settings: r.PracticeSettings | None = None

    # ------------------------------------------------------------------ opening

    @classmethod
    def open(cls, db=None, user: str | r.User | None = None, clock: Clock | None = None) -> Workbench:
        """Open an existing database and sign ``user`` in. Creates and migrates nothing.

        ``db`` is a path or a SQLAlchemy URL (default: ``WORKBENCH_DB`` or ./data/workbench.db).
        ``user`` is a staff id; ``None`` acts as the workbench system user (CLI, loaders).
        Raises :class:`~workbench.errors.DatabaseNotReady` (naming the place and the command that
        creates it) when there is no database there or its schema version is not this code's.
        """
        wb = cls(_engine_for(db), SYSTEM_USER, clock)
        if user is not None:
            wb = wb.as_user(user, clock)
        return wb

    @classmethod
    def create(cls, db=None, user: str | r.User | None = None, clock: Clock | None = None) -> Workbench:
        """Create (or migrate) the database, then :meth:`open` it: for ``workbench init``, the
        demo builder, deployment scripts and tests, never for a dashboard kernel."""
        from ..store import create_database

        create_database(db)
        return cls.open(db, user, clock)

    def as_user(self, user: str | r.User, clock: Clock | None = None) -> Workbench:
        """The same database, another signed-in user (and optionally another clock)."""
        uid = user.id if isinstance(user, r.User) else user
        return Workbench(self.engine, self.get_user(uid), clock or self.clock)

    # ------------------------------------------------------------------ the unit of work

    @contextmanager
    def write(self, shown: bool = True) -> Iterator[UnitOfWork]:
        """One unit of work stamped with the signed-in user and the clock's now: the one write
        path for the service and for the importer, loader, exports and training. ``shown=False``:
        nothing a screen shows was written (an access-log row), so no screen re-reads."""
        tz = self.tz  # read before the write lock is taken
        with unit_of_work(self.engine, self.user, self.now(),
                          lambda when: when.astimezone(tz).date()) as uow:
            yield uow
        if shown:
            changes.written(self.engine)  # committed: the screens of this kernel re-read what changed

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A connection for reading the record (no write lock)."""
        with reading(self.engine) as conn:
            yield conn
