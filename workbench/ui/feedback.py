"""One place for messages: each form's result next to its button, announced, then cleared.

- :class:`Feedback` is a message slot placed right after the button whose result it shows. The
  message is an ARIA live region (``role="status"``, or ``role="alert"`` for an error), so a
  screen reader announces it, and it is never far above the button (under the pinned bar).
- :class:`FormMessages` groups the slots of one screen; ``msg.value = message(...)`` writes to
  the slot of the form being handled (:meth:`FormMessages.using`) and clears the others.
- :func:`on_click` wires a button: every message of the kernel is cleared first (the next action
  clears the last result) and the button is disabled while its write runs (the browser greys it
  at once). A double click's second half may still arrive after the first finished: each form is
  cleared after a successful write, so the second click finds nothing new to write and keeps the
  first result on screen (``keep_on_empty``), and the service refuses a repeat anyway.
- :func:`clear_all` is called on every view change.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable

import ipywidgets as w

_SLOTS: weakref.WeakSet = weakref.WeakSet()
#: Returned by a click handler that had nothing to do (the form was emptied by its last success).
KEEP = object()


def announced(html: str) -> str:
    """``html`` (a :func:`workbench.ui.html.message`) inside an ARIA live region."""
    if not html:
        return ""
    role = 'role="alert" aria-live="assertive"' if "ccm-msg-error" in html[:60] else 'role="status" aria-live="polite"'
    return f'<div class="ccm-live" {role}>{html}</div>'


class Feedback(w.HTML):
    """A message slot next to one button."""

    def __init__(self, css: str = ""):
        super().__init__()
        self.add_class("ccm-feedback")
        for c in css.split():
            self.add_class(c)
        _SLOTS.add(self)

    def show(self, html: str) -> None:
        self.value = announced(html)

    def clear(self) -> None:
        if self.value:
            self.value = ""


def clear_all() -> None:
    """Clear every message slot of this kernel (a new action, or another view)."""
    for slot in list(_SLOTS):
        slot.clear()


class FormMessages:
    """The message slots of one screen, one per form: ``slot(name)`` is placed next to the form's
    button; ``value`` reads and writes the slot of the form being handled."""

    def __init__(self, css: str, *names: str):
        self.css = css
        self.slots = {n: Feedback(f"{css} {css}-{n}") for n in names}
        self.current = names[0]

    def slot(self, name: str) -> Feedback:
        return self.slots[name]

    def using(self, name: str) -> FormMessages:
        self.current = name
        return self

    @property
    def value(self) -> str:
        return self.slots[self.current].value

    @value.setter
    def value(self, html: str) -> None:
        for name, slot in self.slots.items():
            if name != self.current:
                slot.clear()
        self.slots[self.current].show(html)


def on_click(button: w.Button, fn: Callable[[], object], messages: FormMessages | None = None,
             slot: str | None = None, enabled: Callable[[], bool] | None = None) -> None:
    """Run ``fn`` when ``button`` is clicked: messages cleared, the button disabled while it
    runs, the result shown in ``messages``' ``slot``. ``fn`` may return :data:`KEEP` to say the
    click had nothing to do (an emptied form clicked again): the last result then stays.
    ``enabled`` says whether the button is enabled afterwards (default: yes)."""

    def handler(_button) -> None:
        if button.disabled:
            return
        shown = {s: s.value for s in list(_SLOTS)}
        clear_all()
        if messages is not None and slot is not None:
            messages.using(slot)
        button.disabled = True
        try:
            if fn() is KEEP:
                for s, value in shown.items():
                    s.value = value
        finally:
            button.disabled = not (enabled() if enabled is not None else True)

    button.on_click(handler)
