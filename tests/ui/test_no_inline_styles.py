"""The pages' looks live in their stylesheets (``workbench/ui/html.py`` STYLE, training's
TRAINING_STYLE), not in inline ``style=`` attributes of the HTML the widgets build. The one kind
allowed is a value computed per row (a progress bar's width, a threshold mark's position)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
INLINE = re.compile(r"""(?<![\w-])style=["']([^"']*)""")  # not button_style=
COMPUTED = re.compile(r"^(left|width):\{[^}]+\}%$")  # a number from the data, nothing else


def inline_styles(source: str) -> list[str]:
    return [m.group(1) for m in INLINE.finditer(source) if not COMPUTED.match(m.group(1))]


def test_no_inline_style_in_the_pages_html():
    found = {}
    for folder in ("workbench/ui", "training/ui"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            styles = inline_styles(path.read_text())
            if styles:
                found[path.relative_to(ROOT).as_posix()] = styles
    assert found == {}


def test_the_check_sees_an_inline_style():
    assert inline_styles("""f'<span style="color:#52606d">{x}</span>'""") == ["color:#52606d"]
    assert inline_styles("""f'<span class="ccm-bar-fill" style="width:{width:.1f}%"></span>'""") == []
    assert inline_styles("""w.Button(description="Save", button_style="primary")""") == []
