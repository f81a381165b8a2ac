"""Printing and delivering issued documents, without Qt (the CLI and the GUI both use it).

:mod:`mash_desk.printing.cups` talks to the local print system (CUPS ``lp``/``lpstat``);
:mod:`mash_desk.printing.delivery` issues a document, delivers its exact bytes to a folder or a
printer and records the output. :mod:`mash_desk.printing.pages` turns PDF pages into images for
a preview (PDFium, in-process).
"""

from mash_desk.printing.cups import (
    Printer,
    PrinterNotFound,
    PrintError,
    PrintingUnavailable,
    PrintJob,
    find_printer,
    list_printers,
    print_pdf,
)

__all__ = [
    "PrintError",
    "PrintJob",
    "Printer",
    "PrinterNotFound",
    "PrintingUnavailable",
    "find_printer",
    "list_printers",
    "print_pdf",
]
