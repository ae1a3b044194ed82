"""Who may correct whose record: a time entry is voided by the person whose time it is (or who
wrote it down), or by a supervisor; never by a colleague of the same standing. On both databases.
Table-driven: (whose entry, who voids it, allowed?)."""

import pytest

from workbench.errors import PermissionDenied

# S001, S002: care managers; S003: care coordinator; S004: supervisor; S005: practitioner
CASES = [
    ("S001", "S001", True),   # one's own minutes
    ("S002", "S002", True),
    ("S001", "S004", True),   # a supervisor corrects anyone's
    ("S002", "S004", True),
    ("S001", "S002", False),  # a colleague may not
    ("S002", "S001", False),
    ("S001", "S003", False),
    ("S001", "S005", False),  # nor the practitioner
]


@pytest.mark.parametrize(("owner", "who", "ok"), CASES)
def test_void_only_by_the_author_or_a_supervisor(wb, owner, who, ok):
    entry = wb.as_user(owner).log_time("P00001", 12, "patient_call", "monthly call")
    actor = wb.as_user(who)
    if ok:
        actor.void_time(entry.id, "entered on the wrong patient")
        assert entry.id not in {e.id for e in wb.as_user("S004").time_entries("P00001")}
    else:
        with pytest.raises(PermissionDenied) as err:
            actor.void_time(entry.id, "entered on the wrong patient")
        msg = err.value.args[0]
        assert f"recorded by {owner}" in msg and "supervisor" in msg
        assert "Ada" not in msg and "Lovelace" not in msg  # ids, never names
        # nothing written: the entry is still current, and it can still be voided by its author
        assert entry.id in {e.id for e in wb.as_user("S004").time_entries("P00001")}
        wb.as_user(owner).void_time(entry.id, "entered on the wrong patient")

