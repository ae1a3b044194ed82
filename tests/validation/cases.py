"""The shape of a bad-input case and the one runner every table uses.

A case is refused (the project's own exception, the message names the field and the value, no
patient name in it, every table's row count unchanged) or accepted (and then stored as its
check states). Anything else, a traceback included, fails the test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from workbench.errors import ImportRefused, WorkbenchError

NOW = datetime(2026, 11, 10, 15, 0, tzinfo=UTC)
TIME_HEADER = "entry_id,patient_id,staff_id,started_at,ended_at,minutes,activity,note,voids_entry_id"
PATIENT_HEADER = "patient_id,first_name,last_name,birth_date,sex,state,conditions,consent_date,consent_method"
STAFF_HEADER = "staff_id,name,role,credential,state"
NEVER_IN_MESSAGES = ("Quintessa", "Lovelace", "Franklin", "Monthly check-in", "Called about BP")  # names, notes


@dataclass(frozen=True)
class Refused:
    exc: type = WorkbenchError
    words: tuple[str, ...] = ()
    lines: tuple[int, ...] = ()  #: for imports: the lines the refusal must name


@dataclass(frozen=True)
class Accepted:
    check: Callable  #: check(wb, result) asserts what was stored


@dataclass(frozen=True)
class Case:
    id: str
    run: Callable  #: run(wb, csv_file) -> result
    expect: Refused | Accepted
    setup: Callable | None = field(default=None)  #: setup(wb), before the counts are taken


def refused(*words: str, exc: type = WorkbenchError, lines: tuple[int, ...] = ()) -> Refused:
    return Refused(exc, words, lines)


def time_file(*rows: str, header: str = TIME_HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def time_row(eid: str, *, minutes: str = "20", note: str = "Monthly check-in", started: str = "2026-11-03T09:30:00-05:00",
             ended: str = "", pid: str = "P00001", sid: str = "S001", activity: str = "patient_call") -> str:
    return ",".join([eid, pid, sid, started, ended, minutes, activity, note, ""])


def patient_file(*rows: str, header: str = PATIENT_HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def run_case(wb, csv_file, case: Case) -> None:
    if case.setup is not None:
        case.setup(wb)
    before = counts(wb)
    if isinstance(case.expect, Accepted):
        result = case.run(wb, csv_file)
        case.expect.check(wb, result)
        return
    with pytest.raises(WorkbenchError) as info:
        case.run(wb, csv_file)
    err = info.value
    assert isinstance(err, case.expect.exc), f"{type(err).__name__}: {err}"
    message = str(err)
    for word in case.expect.words:
        assert word in message, f"{word!r} not in {message!r}"
    for name in NEVER_IN_MESSAGES:
        assert name not in message, f"patient name {name!r} in {message!r}"
    if case.expect.lines:
        assert isinstance(err, ImportRefused)
        assert {n for n, _ in err.problems} == set(case.expect.lines), err.problems
    assert counts(wb) == before, "a refused input wrote something"


def counts(wb) -> dict[str, int]:
    """Rows in every table of the record (reference and clinical)."""
    from workbench.store import schema as s

    with wb.read() as conn:
        return {name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                for name, t in s.metadata.tables.items()}
