"""Unsaved text: a view with typed text that is not saved asks before it is left.

:func:`watch` marks a widget (a tab, a form) with the CSS class ``ccm-dirty`` while any of its
free-text fields differs from what it held when last saved (empty, for a form cleared after its
write; the loaded value, for a field that shows a saved record). The ``ccm`` Voila template
asks before a view holding a ``ccm-dirty`` widget is left: by a link of the app (a confirm), by
the browser's Back button (a confirm; "stay" puts the page back), and by a reload or a closed
tab (the browser's own prompt). The care-plan editor compares whole plans and marks itself
(``ui/careplan_tab.py``); every other view with free text uses this.
"""

from __future__ import annotations

from collections.abc import Iterable

import ipywidgets as w

DIRTY = "ccm-dirty"


class Unsaved:
    """The free-text ``fields`` of ``owner``, compared with their last saved values."""

    def __init__(self, owner: w.DOMWidget, fields: Iterable[w.ValueWidget]):
        self.owner = owner
        self.fields: list[w.ValueWidget] = []
        self.baseline: dict[int, str] = {}
        self.add(*fields)

    def add(self, *fields: w.ValueWidget) -> None:
        """Watch more fields (their current values count as saved)."""
        for f in fields:
            self.fields.append(f)
            self.baseline[id(f)] = _text(f.value)
            f.observe(self._changed, "value")
        self._changed()

    def saved(self, *fields: w.ValueWidget) -> None:
        """What ``fields`` (default: all) hold now is saved, or freshly loaded from the record."""
        for f in fields or self.fields:
            self.baseline[id(f)] = _text(f.value)
        self._changed()

    @property
    def dirty(self) -> bool:
        return any(_text(f.value) != self.baseline[id(f)] for f in self.fields)

    def _changed(self, _change=None) -> None:
        (self.owner.add_class if self.dirty else self.owner.remove_class)(DIRTY)


def _text(value: object) -> str:
    return str(value or "").strip()


def watch(owner: w.DOMWidget, *fields: w.ValueWidget) -> Unsaved:
    """Mark ``owner`` ``ccm-dirty`` while any of ``fields`` holds text that is not saved."""
    return Unsaved(owner, fields)
