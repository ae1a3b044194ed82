"""The project's own exceptions. Messages are written for a care manager, not a programmer."""

from __future__ import annotations


class WorkbenchError(Exception):
    """Base of every error the workbench raises on purpose."""


class InvalidInput(WorkbenchError, ValueError):
    """Input that cannot be recorded as given (nothing was written)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class NotFound(WorkbenchError, LookupError):
    """A patient, staff member or record that does not exist."""


class PermissionDenied(WorkbenchError, PermissionError):
    """The signed-in user's role may not do this."""


class StaleRevision(WorkbenchError):
    """A care-plan revision was based on a version that is no longer current."""

    def __init__(self, message: str, current_version: int, changed_by: str, changed_at):
        super().__init__(message)
        self.current_version = current_version
        self.changed_by = changed_by
        self.changed_at = changed_at


class TimerConflict(WorkbenchError):
    """A second timer was started while one is running, or a timer is not running."""


class ImportRefused(WorkbenchError):
    """A CSV file with bad rows: nothing was imported. ``problems`` lists (line, message)."""

    def __init__(self, path: str, problems: list[tuple[int, str]]):
        self.path = path
        self.problems = problems
        lines = "\n".join(f"  line {n}: {msg}" for n, msg in problems)
        bad_lines = len({n for n, _ in problems})
        super().__init__(f"{path}: {len(problems)} problem(s) on {bad_lines} line(s); nothing was "
                         f"imported.\n{lines}")


class DatabaseNotReady(WorkbenchError):
    """No database at that place, or one at another schema version: nothing was created or changed.

    ``where`` is the path or the URL (without password) the message names.
    """

    def __init__(self, message: str, where: str):
        super().__init__(message)
        self.where = where


class DatabaseFault(WorkbenchError):
    """The database could not do what was asked (read-only, full, locked, unreachable, not a
    workbench database): nothing was written. The message says what to do."""
