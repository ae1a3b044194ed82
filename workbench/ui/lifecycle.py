"""Widgets made and let go: a view leaving the screen closes its whole tree, and layouts and
styles that never change are made once per kernel and shared.

ipywidgets keeps every widget it makes (``Widget.widgets``: model id -> widget) until it is
closed, and ``Widget.close()`` closes that one widget only: a chart of a few hundred widgets
closed by its top box left the rest in the kernel, and a care manager opening fifty charts a
day held fifty charts. ``close_tree`` closes a widget, its children and their layouts and
styles (not the shared ones).

Every control also gets its own ``Layout`` and style model unless one is given: half of a
chart's widgets were those. A fixed size (a goal row's column widths, the care plan's text
boxes) is the same model for every row of every chart: ``layout(width="30%")`` is made once
in the kernel and shared. Only layouts nobody changes later may be shared (a layout whose
``display`` is switched is not).
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w

_LAYOUTS: dict[tuple, w.Layout] = {}
_STYLES: dict[tuple, w.Widget] = {}
#: model ids of the shared layouts and styles: ``close_tree`` leaves them open
_SHARED: set[str] = set()


def layout(**traits: str) -> w.Layout:
    """A Layout with these traits, made once per kernel and shared (never change it)."""
    key = tuple(sorted(traits.items()))
    made = _LAYOUTS.get(key)
    if made is None or made.comm is None:  # closed by someone: make it again
        made = _LAYOUTS[key] = w.Layout(**traits)
        _SHARED.add(made.model_id)
    return made


def style(kind: type[w.Widget], **traits: Any) -> w.Widget:
    """A style model (``w.TextStyle``, ``w.HTMLStyle``...) made once per kernel and shared."""
    key = (kind.__name__, *sorted(traits.items()))
    made = _STYLES.get(key)
    if made is None or made.comm is None:
        made = _STYLES[key] = kind(**traits)
        _SHARED.add(made.model_id)
    return made


def freeze(widget: w.Widget) -> w.Widget:
    """Disable every control inside ``widget`` (a read-only chart: nothing can be typed, chosen
    or pressed). Tab switching still works: ``w.Tab`` has no ``disabled`` trait."""
    if widget.has_trait("disabled") and not isinstance(widget, w.Tab):
        widget.disabled = True
    for child in getattr(widget, "children", ()) or ():
        if isinstance(child, w.Widget):
            freeze(child)
    return widget


def _parts(widget: w.Widget):
    """The widgets a widget holds in its synced traits (children, layout, style, ...)."""
    for name in widget.keys:
        value = getattr(widget, name, None)
        if isinstance(value, w.Widget):
            yield value
        elif isinstance(value, (list, tuple)):
            yield from (x for x in value if isinstance(x, w.Widget))


def close_tree(root: w.Widget) -> int:
    """Close ``root`` and every widget below it (children, layouts, styles), except the shared
    layouts and styles; returns how many were closed."""
    closed, stack, seen = 0, [root], set()
    while stack:
        x = stack.pop()
        if id(x) in seen or x.comm is None or x.model_id in _SHARED:
            continue
        seen.add(id(x))
        stack.extend(_parts(x))
        x.close()
        closed += 1
    return closed
