"""PDF pages as PNG images for an on-screen print preview, drawn in-process by PDFium.

PDFium (``pypdfium2``, Chrome's PDF engine in a wheel) replaces the ``pdftoppm`` subprocess
the preview used to need: a system package the desk could not install for itself (issue 17).
QtPdf would do too, but it is not in PySide6-Essentials. The images are for the screen only:
what is printed is always the PDF's own bytes (:mod:`mash_desk.printing.cups`), and they are
made in memory, never written to a file (they show a child's details).
"""

from __future__ import annotations

import io

from mash_desk.domain.errors import MashDeskError

DPI = 96
"""Screen resolution: an A4 page is about 794 × 1123 pixels."""
_POINTS_PER_INCH = 72


class PreviewUnavailable(MashDeskError):
    """The pages could not be drawn; printing itself does not need them."""


def render_pages(pdf: bytes, dpi: int = DPI) -> tuple[bytes, ...]:
    """Every page of ``pdf`` as PNG bytes, first page first.

    Raises:
        PreviewUnavailable: when the PDF cannot be read.
    """
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(pdf)
    except pdfium.PdfiumError as exc:
        raise PreviewUnavailable(f"The preview could not be drawn ({exc}).") from None
    try:
        return tuple(_png(document[i], dpi) for i in range(len(document)))
    finally:
        document.close()


def _png(page, dpi: int) -> bytes:
    try:
        image = page.render(scale=dpi / _POINTS_PER_INCH).to_pil()
    finally:
        page.close()
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
