"""Widgets made and let go (workbench/ui/lifecycle.py): a tree closed whole, shared layouts
and styles left open and made again if someone closed them."""

from __future__ import annotations

import ipywidgets as w
from ipywidgets.widgets.widget import _instances
from ipywidgets.widgets.widget_string import TextStyle

from workbench.ui.lifecycle import close_tree, layout, style


def test_close_tree_closes_children_layouts_and_styles_but_not_the_shared_ones():
    shared = layout(width="30%")
    box = w.VBox([w.HBox([w.Text(layout=shared, style=style(TextStyle)), w.Button()]),
                  w.Tab([w.HTML("a")])])
    made = [m for m in _instances.values()]
    closed = close_tree(box)
    assert closed >= 12  # 2 boxes, tab, text, button, html and their layouts and styles
    assert shared.comm is not None and shared.model_id in _instances
    assert style(TextStyle).comm is not None
    assert not any(x is box or x is box.children[0] for x in _instances.values())
    assert len(_instances) <= len(made) - closed


def test_a_shared_layout_is_one_model_per_kind_and_made_again_once_closed():
    a, b = layout(width="14%"), layout(width="14%")
    assert a is b and layout(width="12%") is not a
    assert layout(height="1px", width="2px") is layout(width="2px", height="1px")
    a.close()
    c = layout(width="14%")
    assert c is not a and c.comm is not None


def test_close_tree_of_a_widget_already_closed_closes_nothing():
    x = w.Text()
    x.close()
    assert close_tree(x) == 0
