"""Stage 1 of billing: which seconds of a patient-month count, and why the others do not.

Reference, "Monthly codes and time thresholds" (what counts, time never carries over,
minutes counted for one service only, overlap counted once) and "Consent (before any
billable time)" and "Who may do the work" (clinical staff; the state staffing flag).
The month report may build :class:`MonthTime` from SQL aggregates instead and go straight
to stage 2 (:func:`workbench.rules.billing.choose_codes`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from types import MappingProxyType

from workbench.errors import InvalidInput
from workbench.records import PRACTITIONER_CREDENTIALS, Consent, Service, TimeEntry, User
from workbench.rules._text import duration
from workbench.rules.months import month_of, parse_month
from workbench.rules.consent import ConsentStatus, consent_status
from workbench.rules.staffing import StaffingRule

BILLED_SERVICES = (Service.CCM, Service.PCM)


@dataclass(frozen=True)
class ServiceTime:
    """Countable seconds of one service in one month, as overlap-free unions."""

    staff_seconds: int = 0  #: clinical staff who are not physicians/QHPs
    practitioner_seconds: int = 0  #: physicians/QHPs (records.PRACTITIONER_CREDENTIALS)
    all_seconds: int = 0  #: union of both (physician/QHP time may count as staff time)

    def __post_init__(self) -> None:
        if min(self.staff_seconds, self.practitioner_seconds, self.all_seconds) < 0:
            raise InvalidInput("Time cannot be negative.")
        if self.all_seconds < max(self.staff_seconds, self.practitioner_seconds) or \
                self.all_seconds > self.staff_seconds + self.practitioner_seconds:
            raise InvalidInput("The month's time does not add up: the combined time must lie between "
                               "the larger part and the sum of staff and physician time.")

    @property
    def staff_only_seconds(self) -> int:
        """Seconds no physician/QHP was also working (not billable under 99491)."""
        return self.all_seconds - self.practitioner_seconds


@dataclass(frozen=True)
class Excluded:
    """Seconds not counted, with the reason phrase ("before consent on 2025-10-20")."""

    seconds: int
    phrase: str

    @property
    def text(self) -> str:
        return f"{duration(self.seconds)} {self.phrase}"


@dataclass(frozen=True)
class MonthTime:
    patient_id: str
    month: str  #: "YYYY-MM"
    ccm: ServiceTime = field(default_factory=ServiceTime)
    pcm: ServiceTime = field(default_factory=ServiceTime)
    excluded: tuple[Excluded, ...] = ()
    flags: tuple[str, ...] = ()
    seconds_by_staff: Mapping[str, int] = field(default_factory=dict)  #: countable, before overlap

    def __post_init__(self) -> None:
        parse_month(self.month)
        object.__setattr__(self, "seconds_by_staff", MappingProxyType(dict(self.seconds_by_staff)))

    @property
    def counted_seconds(self) -> int:
        return self.ccm.all_seconds + self.pcm.all_seconds

    @property
    def logged_seconds(self) -> int:
        """Every second handed in: counted plus excluded."""
        return self.counted_seconds + sum(e.seconds for e in self.excluded)

    @property
    def minutes_by_staff(self) -> dict[str, int]:
        """Whole minutes (rounded down) of countable time by staff id."""
        return {k: v // 60 for k, v in sorted(self.seconds_by_staff.items())}


def _utc_seconds(moment: datetime) -> int:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())


def union_seconds(intervals: Iterable[tuple[int, int]]) -> int:
    """Length of the union of half-open intervals ``[start, end)`` in seconds."""
    total, cur_start = 0, 0
    cur_end: int | None = None
    for start, end in sorted(intervals):
        if cur_end is None or start > cur_end:
            if cur_end is not None:
                total += cur_end - cur_start
            cur_start, cur_end = start, end
        else:
            cur_end = max(cur_end, end)
    if cur_end is not None:
        total += cur_end - cur_start
    return total


class _Pool:
    """Intervals of one service, split by performer; manual entries have no position."""

    def __init__(self) -> None:
        self.timed: dict[bool, list[tuple[int, int]]] = {True: [], False: []}
        self.manual: dict[bool, int] = {True: 0, False: 0}
        self.entered = 0

    def add(self, entry: TimeEntry, practitioner: bool) -> None:
        self.entered += entry.seconds
        if entry.started_at is None:
            self.manual[practitioner] += entry.seconds
        else:
            start = _utc_seconds(entry.started_at)
            self.timed[practitioner].append((start, start + entry.seconds))

    def time(self) -> ServiceTime:
        pract = union_seconds(self.timed[True]) + self.manual[True]
        staff = union_seconds(self.timed[False]) + self.manual[False]
        both = union_seconds(self.timed[True] + self.timed[False]) + self.manual[True] + self.manual[False]
        return ServiceTime(staff, pract, both)


def summarize_month(entries: Sequence[TimeEntry], *, patient_id: str, month: str,
                    consents: Sequence[Consent], staff: Mapping[str, User],
                    staffing: StaffingRule | None = None, today: date | None = None) -> MonthTime:
    """Sort every second of a patient's entries into counted CCM/PCM time or excluded-with-reason.

    ``entries`` are the patient's non-voided entries (a void is simply left out). Excluded,
    each with its reason (reference, "Monthly codes and time thresholds" and "Consent"):
    other months; other services; dates without valid consent; staff with no clinical
    credential; overlapping time (counted once). Unlicensed staff in a state on the
    staffing list are flagged, never excluded (reference, "Who may do the work").
    Seconds are kept exactly: 19 min 59 s stays 19 min 59 s.
    """
    parse_month(month)
    excluded: dict[str, int] = defaultdict(int)
    pools = {Service.CCM: _Pool(), Service.PCM: _Pool()}
    by_staff: dict[str, int] = defaultdict(int)
    flagged: dict[str, int] = defaultdict(int)
    consent_cache: dict[date, ConsentStatus] = {}

    for entry in entries:
        if entry.patient_id != patient_id:
            raise InvalidInput(f"A time entry for patient {entry.patient_id} was given with the month of "
                               f"patient {patient_id}.", field="patient_id")
        if entry.seconds < 0:
            raise InvalidInput("A time entry cannot have negative time.", field="seconds")
        if entry.seconds == 0:
            continue
        if month_of(entry.service_date) != month:
            excluded[f"logged in other months, not counted in {month}"] += entry.seconds
            continue
        if entry.service not in BILLED_SERVICES:
            excluded[f"counted for {entry.service}, not CCM"] += entry.seconds
            continue
        user = staff.get(entry.staff_id)
        credential = entry.staff_credential or (user.credential if user else None)
        if credential is None:
            excluded[f"by staff with no clinical credential ({entry.staff_id})"] += entry.seconds
            continue
        if entry.service_date not in consent_cache:
            consent_cache[entry.service_date] = consent_status(consents, entry.service_date, today)
        status = consent_cache[entry.service_date]
        if not status.valid:
            excluded[status.short] += entry.seconds
            continue
        pools[entry.service].add(entry, credential in PRACTITIONER_CREDENTIALS)
        by_staff[entry.staff_id] += entry.seconds
        if staffing is not None and user is not None:
            flag = staffing.flag(replace(user, credential=credential))
            if flag:
                flagged[f"{flag} ({entry.staff_id}"] += entry.seconds

    ccm, pcm = pools[Service.CCM].time(), pools[Service.PCM].time()
    for name, pool, time in (("CCM", pools[Service.CCM], ccm), ("PCM", pools[Service.PCM], pcm)):
        overlap = pool.entered - time.all_seconds
        if overlap:
            excluded[f"overlap counted once ({name})"] += overlap
    return MonthTime(
        patient_id=patient_id, month=month, ccm=ccm, pcm=pcm,
        excluded=tuple(Excluded(s, p) for p, s in sorted(excluded.items())),
        flags=tuple(f"{head}, {duration(s)})" for head, s in sorted(flagged.items())),
        seconds_by_staff=dict(sorted(by_staff.items())),
    )
