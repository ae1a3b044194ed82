"""Staff shown by name: ``staff_names(wb)`` maps every staff id to the person's name (ids never
show on screen where a name is known)."""

from __future__ import annotations


def staff_names(wb) -> dict[str, str]:
    return {u.id: u.name for u in wb.users()}


def staff_name(names: dict[str, str], uid: str | None) -> str:
    """The name for ``uid`` (the id itself only when the person is unknown)."""
    if not uid:
        return ""
    return names.get(uid, uid)
