"""PDF pages as PNG images for an on-screen print preview, with poppler's ``pdftoppm``.

Qt's own PDF module is not in PySide6-Essentials (and its separate wheel needs a newer
PySide6 than the one pinned), so the preview asks ``pdftoppm`` (package poppler-utils), which
the test set-up installs anyway. The images are for the screen only: what is printed is
always the PDF's own bytes (:mod:`mash_desk.printing.cups`).
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from mash_desk.domain.errors import MashDeskError

DPI = 96
"""Screen resolution: an A4 page is about 794 × 1123 pixels."""
TIMEOUT_SECONDS = 60


class PreviewUnavailable(MashDeskError):
    """The pages could not be drawn; printing itself does not need them."""


def render_pages(pdf: bytes, dpi: int = DPI) -> tuple[bytes, ...]:
    """Every page of ``pdf`` as PNG bytes, first page first.

    Raises:
        PreviewUnavailable: when ``pdftoppm`` is missing or cannot read the PDF.
    """
    # A private folder, removed at once: the images show a child's details.
    with tempfile.TemporaryDirectory(prefix="mash-preview-") as folder:
        try:
            completed = subprocess.run(
                ["pdftoppm", "-png", "-r", str(dpi), "-", str(Path(folder) / "page")],
                input=pdf,
                capture_output=True,
                timeout=TIMEOUT_SECONDS,
                check=False,
            )
        except FileNotFoundError:
            raise PreviewUnavailable(
                "The preview needs poppler's pdftoppm (Debian/Ubuntu: apt-get install "
                "poppler-utils). Printing and saving work without it."
            ) from None
        except subprocess.TimeoutExpired:
            raise PreviewUnavailable(
                "Drawing the preview took too long; print or save it."
            ) from None
        if completed.returncode != 0:
            said = completed.stderr.decode("utf-8", "replace").strip().splitlines()
            raise PreviewUnavailable(
                f"The preview could not be drawn ({said[0] if said else 'pdftoppm failed'})."
            )
        # pdftoppm numbers pages page-1.png … page-10.png (zero-padded when there are many).
        files = sorted(Path(folder).glob("page-*.png"), key=lambda p: int(p.stem.split("-")[-1]))
        return tuple(p.read_bytes() for p in files)
