"""The one way the workbench lays out a PDF of text (fpdf2, with the DejaVu Sans font matplotlib
ships, so nothing is fetched at run time): a US Letter document, paragraphs and ruled headings.
Used by the patient's copy and the audit packet."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any


def _font() -> tuple[str, str]:
    import matplotlib

    base = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    return str(base / "DejaVuSans.ttf"), str(base / "DejaVuSans-Bold.ttf")


def letter_pdf(title: str, *, body: float, heading: float, leading: float,
               space: tuple[float, float]) -> tuple[Any, Callable[..., None], Callable[[str], None]]:
    """A new US Letter PDF with its first page, and its ``para(text, size=body, style="", indent=0)``
    and ``heading(text)`` writers; ``leading`` is the line height per point of type, ``space`` the
    gap above a heading and below its rule."""
    from fpdf import FPDF

    regular, bold = _font()
    pdf = FPDF(format="Letter")
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_font("DejaVu", "", regular)
    pdf.add_font("DejaVu", "B", bold)
    pdf.set_title(title)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def para(text: str, size: float = body, style: str = "", indent: float = 0) -> None:
        pdf.set_font("DejaVu", style, size)
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(width - indent, size * leading, text, new_x="LMARGIN", new_y="NEXT")

    def head(text: str) -> None:
        pdf.ln(space[0])
        para(text, heading, "B")
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + width, pdf.get_y())
        pdf.ln(space[1])

    return pdf, para, head
