"""Local printers through CUPS: list them, and send a PDF's exact bytes to one with ``lp``.

The PDF is handed to ``lp`` on its standard input exactly as issued: nothing here renders,
rasterises or rewrites it, so what the print server receives has the SHA-256 stored with the
document (issue 6, "Integrity"). What the printer then makes of it is the print server's
business: a real printer's driver converts it to the printer's language, and the cups-pdf
virtual printer re-renders it with Ghostscript (README, "Printing").

Only ``lp`` and ``lpstat`` (package cups-client, part of cups) are used, so a print server
named by ``CUPS_SERVER`` or ``~/.cups/client.conf`` is honoured as by every other program.
Both run with ``LC_ALL=C``: their answers are parsed, and a translated "request id is" would
not be. Every call is a subprocess; the GUI makes them through its task runner, never on the
GUI thread.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass

from mash_desk.domain.errors import MashDeskError

TIMEOUT_SECONDS = 30
"""How long ``lp`` or ``lpstat`` may take before the print server counts as not answering."""
MAX_COPIES = 99
TITLE_MAX = 120
_REQUEST = re.compile(r"request id is (?P<job>\S+-\d+)\b")
_PRINTER = re.compile(r"^printer (?P<name>\S+) (?P<rest>.*)$")
_DEFAULT = re.compile(r"^system default destination: (?P<name>\S+)")
# What lpstat and lp say when no print server answers (CUPS 2.x, in the C locale).
_NO_SCHEDULER = ("scheduler is not running", "unable to connect", "connection refused")
_NO_DESTINATIONS = "no destinations added"
_NO_CUPS = (
    "Printing needs CUPS (the lp and lpstat commands), which this computer does not have. "
    "Save the documents as PDF files instead, or ask your administrator to install CUPS "
    "(Debian/Ubuntu: apt-get install cups)."
)


class PrintError(MashDeskError):
    """A document could not be sent to a printer; the message says why and what to do."""


class PrintingUnavailable(PrintError):
    """There is no print system to talk to: no CUPS commands, or no print server answering."""


class PrinterNotFound(PrintError):
    """No printer is set up, or the one asked for does not exist."""


@dataclass(frozen=True)
class Printer:
    """A local print queue as CUPS lists it."""

    name: str
    description: str = ""
    location: str = ""
    is_default: bool = False
    enabled: bool = True
    status: str = "idle"
    """``idle``, ``printing`` or ``stopped``, plus the server's reason when it gives one."""

    @property
    def label(self) -> str:
        """How a user picks it: ``"Office (Eastmoor printer, Room 2) — default"``."""
        about = ", ".join(part for part in (self.description, self.location) if part)
        text = f"{self.name} ({about})" if about and about != self.name else self.name
        if self.is_default:
            text += " — default"
        if not self.enabled:
            text += f" — {self.status}"
        return text


@dataclass(frozen=True)
class PrintJob:
    """A document accepted by the print server."""

    printer: str
    job_id: str
    """CUPS's request id, ``PRINTER-NUMBER`` (what ``lpstat -o`` and ``cancel`` use)."""
    copies: int
    size: int

    @property
    def number(self) -> int:
        """The job's number on the print server."""
        return int(self.job_id.rsplit("-", 1)[1])

    @property
    def destination(self) -> str:
        """What is recorded as where the document went (one line)."""
        text = f"printer {self.printer}, job {self.job_id}"
        return text + (f", {self.copies} copies" if self.copies != 1 else "")


def _run(args: list[str], data: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
    try:
        return subprocess.run(
            args,
            input=data,
            capture_output=True,
            env=env,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    except FileNotFoundError:
        raise PrintingUnavailable(_NO_CUPS) from None
    except subprocess.TimeoutExpired:
        raise PrintingUnavailable(
            f"The print server did not answer within {TIMEOUT_SECONDS} seconds; nothing was "
            "printed. Try again, or ask your administrator to check the CUPS service."
        ) from None


def _said(completed: subprocess.CompletedProcess[bytes]) -> str:
    """What a command wrote to standard error, as one line without its program name."""
    text = completed.stderr.decode("utf-8", "replace").strip().splitlines()
    line = text[0] if text else f"exit status {completed.returncode}"
    return re.sub(r"^(lp|lpstat): (Error - )?", "", line).strip()


def _no_scheduler(message: str) -> bool:
    return any(part in message.lower() for part in _NO_SCHEDULER)


def _unavailable(message: str) -> PrintingUnavailable:
    return PrintingUnavailable(
        f"No print server is answering ({message}); nothing was printed. Ask your "
        "administrator to start CUPS, or save the documents as PDF files instead."
    )


def list_printers() -> tuple[Printer, ...]:
    """The print queues of the print server, the default first.

    Returns an empty tuple when the server has no printers.

    Raises:
        PrintingUnavailable: when there is no CUPS, or no print server answers.
    """
    completed = _run(["lpstat", "-d", "-l", "-p"])
    said = _said(completed)
    if completed.returncode != 0 and _no_scheduler(said):
        raise _unavailable(said)
    if completed.returncode != 0 and _NO_DESTINATIONS not in said.lower():
        raise PrintingUnavailable(f"The print server could not list its printers: {said}")
    return _parse_lpstat(completed.stdout.decode("utf-8", "replace"))


def _parse_lpstat(text: str) -> tuple[Printer, ...]:
    """Printers from ``lpstat -d -l -p`` output (C locale)."""
    default = None
    found: list[dict[str, object]] = []
    for line in text.splitlines():
        if m := _DEFAULT.match(line):
            default = m["name"]
        elif m := _PRINTER.match(line):
            rest = m["rest"]
            enabled = not rest.startswith("disabled")
            status = "printing" if "now printing" in rest else "idle" if enabled else "stopped"
            found.append({"name": m["name"], "enabled": enabled, "status": status, "fresh": True})
        elif found and line.startswith(("\t", " ")):
            entry, body = found[-1], line.strip()
            fresh = entry.pop("fresh", False)
            if body.startswith("Description:"):
                entry["description"] = body.partition(":")[2].strip()
            elif body.startswith("Location:"):
                entry["location"] = body.partition(":")[2].strip()
            elif fresh and body and not body.startswith("Form mounted:"):
                # The line right under "printer X …" is the server's reason, e.g. "Paper out".
                entry["status"] = f"{entry['status']}: {body}"
    printers = [
        Printer(
            name=str(e["name"]),
            description=str(e.get("description", "")),
            location=str(e.get("location", "")),
            is_default=e["name"] == default,
            enabled=bool(e["enabled"]),
            status=str(e["status"]),
        )
        for e in found
    ]
    return tuple(sorted(printers, key=lambda p: (not p.is_default, p.name.lower())))


def find_printer(name: str | None = None) -> Printer:
    """The printer called ``name``, or else the default one (or the only one there is).

    Raises:
        PrinterNotFound: no printer is set up, ``name`` is not one of them, or none was named
            and there is no default to choose.
        PrintingUnavailable: when there is no CUPS, or no print server answers.
    """
    printers = list_printers()
    names = ", ".join(p.name for p in printers)
    if not printers:
        raise PrinterNotFound(
            "No printer is set up on this computer; nothing was printed. Ask your administrator "
            "to add one, or save the documents as PDF files instead."
        )
    if name:
        for printer in printers:
            if printer.name == name:
                return printer
        raise PrinterNotFound(f"There is no printer called {name!r}; the printers are: {names}.")
    if printers[0].is_default or len(printers) == 1:
        return printers[0]
    raise PrinterNotFound(f"No default printer is set: name one of these printers: {names}.")


def _title(title: str) -> str:
    """A job title that is one printable line (queues show it to every user of the server)."""
    cleaned = "".join(c if c.isprintable() else " " for c in title).strip()
    return cleaned[:TITLE_MAX] or "MASH Desk document"


def print_pdf(data: bytes, printer: str | None = None, *, title: str, copies: int = 1) -> PrintJob:
    """Send a PDF's exact bytes to ``printer`` (default: the default printer) as one job.

    ``title`` is the job's name in print queues, which every user of the print server can
    list: callers pass the document's file name, which never names a child.

    Raises:
        PrintError: the data is not a PDF, ``copies`` is out of range, or the server refused
            the job (subclasses say when there is no print system or no such printer).
    """
    if not data.startswith(b"%PDF-"):
        raise PrintError("Only PDF documents are sent to a printer; these bytes are not a PDF.")
    if not 1 <= copies <= MAX_COPIES:
        raise PrintError(f"Copies must be between 1 and {MAX_COPIES}, not {copies}.")
    target = find_printer(printer)
    # No file argument: lp reads the job from standard input, so no temporary copy of the
    # memo is left on disk and the bytes are exactly the ones given.
    completed = _run(
        ["lp", "-d", target.name, "-t", _title(title), "-n", str(copies)],
        data,
    )
    if completed.returncode != 0:
        said = _said(completed)
        if _no_scheduler(said):
            raise _unavailable(said)
        raise PrintError(f"Printer {target.name} refused the job: {said}. Nothing was printed.")
    found = _REQUEST.search(completed.stdout.decode("utf-8", "replace"))
    if found is None:
        raise PrintError(
            f"Printer {target.name} took the job but did not say its number "
            f"({completed.stdout.decode('utf-8', 'replace').strip()!r})."
        )
    return PrintJob(target.name, found["job"], copies, len(data))


def pending_jobs(printer: str | None = None) -> tuple[str, ...]:
    """Request ids not yet completed (on ``printer``, or on every queue)."""
    completed = _run(["lpstat", "-o", *([printer] if printer else [])])
    said = _said(completed)
    if completed.returncode != 0 and _no_scheduler(said):
        raise _unavailable(said)
    return tuple(
        line.split()[0] for line in completed.stdout.decode("utf-8", "replace").splitlines() if line
    )
