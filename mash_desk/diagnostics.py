"""The desk's log: a private rotating file, crash dumps, and reference numbers for errors.

Issue 14 item 5. The log lives in the user's log folder (:func:`mash_desk.paths.user_log_dir`),
made 0700, and every file in it is 0600 whatever the umask (a umask only takes permissions
away, so each file is chmod-ed after it is opened). The rule is that the code never logs a
personal value (it logs ids, counts and the names of steps); :func:`redact` is the last line
of defence for what the code does not write itself: database driver errors echo the row they
refused (``DETAIL:  Key (nhs_number)=(9434765919) already exists``) and SQLAlchemy appends a
failing statement's ``[parameters: ...]``, so those parts are removed before a line is written.

An error gets a short reference (``MD-7F3K2Q``) written with its traceback; the desk shows the
same reference to the user, who gives it to the administrator, who finds it in the log.
Python's ``faulthandler`` writes a hard crash's stack (a segfault in Qt, a deadlock killed by a
signal) to ``crash-dumps.log`` next to the log, also 0600.
"""

from __future__ import annotations

import contextlib
import faulthandler
import io
import logging
import os
import re
import secrets
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType
from typing import IO

from mash_desk.paths import user_log_dir

LOG_FILE = "mash-desk.log"
FAULT_FILE = "crash-dumps.log"
FILE_MODE = 0o600
FOLDER_MODE = 0o700
MAX_BYTES = 1024 * 1024  # five backups of 1 MiB: weeks of a desk's INFO lines, little disk
BACKUPS = 5
LEVEL_ENV = "MASH_DESK_LOG_LEVEL"
FORMAT = "%(asctime)s %(levelname)s %(name)s [%(reference)s] %(message)s"
NO_REFERENCE = "-"
# No 0/O or 1/I: the reference is read out over the phone to the administrator.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
REFERENCE_LENGTH = 6
WITHHELD = "withheld"

# At INFO SQLAlchemy logs every statement with its parameters (the values typed about a
# child), and fontTools logs each font subset at DEBUG; neither belongs in the desk's log.
_QUIET_LOGGERS = ("sqlalchemy", "fontTools", "alembic.runtime.plugins")

log = logging.getLogger(__name__)


def new_reference() -> str:
    """Return a fresh error reference such as ``MD-7F3K2Q`` (random, so it names nobody)."""
    letters = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
    return f"MD-{letters}"


# ---- redaction ------------------------------------------------------------------------------

# SQLAlchemy's "[parameters: (...)]" on a StatementError: one line, as values are repr()-ed.
_PARAMETERS = re.compile(r"\[parameters: [^\n]*")
# SQLAlchemy's statement log lines ("[generated in 0.0001s] ('Amira', ...)").
_PARAMETER_LOG = re.compile(
    r"^(\[(?:generated|cached|raw sql|dialect|no key)[^\]\n]*\]) [^\n]*", re.M
)
# PostgreSQL's DETAIL and CONTEXT lines quote the refused row ("Failing row contains (...)").
_SERVER_DETAIL = re.compile(r"^([ \t]*(?:DETAIL|CONTEXT|Failing row contains))\b[^\n]*", re.M)
_KEY_VALUES = re.compile(r"(Key \([^)\n]*\))=\((?:[^()\n]|\([^()\n]*\))*\)")
# A DataError quotes the value it could not read ('invalid input syntax for type date: "…"').
_INVALID_INPUT = re.compile(r'(invalid input (?:syntax|value) for [^:\n]*: )"[^"\n]*"')


def redact(text: str) -> str:
    """Remove the values database errors echo from ``text`` (a message or a traceback)."""
    text = _PARAMETERS.sub(f"[parameters: {WITHHELD}]", text)
    text = _PARAMETER_LOG.sub(rf"\1 {WITHHELD}", text)
    text = _SERVER_DETAIL.sub(rf"\1: {WITHHELD}", text)
    text = _KEY_VALUES.sub(rf"\1=({WITHHELD})", text)
    return _INVALID_INPUT.sub(rf'\1"{WITHHELD}"', text)


class RedactingFormatter(logging.Formatter):
    """Formats a record with :data:`FORMAT`, then removes what :func:`redact` removes."""

    def __init__(self) -> None:
        """Use the desk's line format."""
        super().__init__(FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        """Return the redacted line (message and traceback alike)."""
        return redact(super().format(record))


class ReferenceFilter(logging.Filter):
    """Gives each error record a reference unless the code that logged it chose one."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Set ``record.reference``; never drops a record."""
        if not getattr(record, "reference", None):
            record.reference = new_reference() if record.levelno >= logging.ERROR else NO_REFERENCE
        return True


# ---- private files --------------------------------------------------------------------------


def make_private_folder(folder: Path) -> Path:
    """Create ``folder`` for its owner only (and any missing parent), and make it so if not.

    Parents that already existed (the user's home, ``~/.local/state``) keep their mode.
    """
    missing = []
    walker = folder
    while not walker.exists() and walker != walker.parent:
        missing.append(walker)
        walker = walker.parent
    for path in reversed(missing):
        path.mkdir(mode=FOLDER_MODE, exist_ok=True)
        os.chmod(path, FOLDER_MODE)
    os.chmod(folder, FOLDER_MODE)
    return folder


def open_private(path: Path, mode: str = "a") -> IO[str]:
    """Open ``path`` for appending text, 0600 whatever the umask (an old file is made so)."""
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags, FILE_MODE)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, FILE_MODE)
        return os.fdopen(fd, mode, encoding="utf-8", errors="backslashreplace")
    except BaseException:
        os.close(fd)
        raise


class PrivateRotatingFileHandler(RotatingFileHandler):
    """A rotating log whose every file is 0600 (rotation renames, so backups stay 0600)."""

    def _open(self) -> io.TextIOWrapper:
        stream = open_private(Path(self.baseFilename))
        assert isinstance(stream, io.TextIOWrapper)  # os.fdopen in text mode makes one
        return stream


# ---- set-up ---------------------------------------------------------------------------------


@dataclass
class LogSetup:
    """The log in use: where it is, and how to put things back as they were."""

    folder: Path
    handler: PrivateRotatingFileHandler
    fault_file: IO[str]
    _root_level: int
    _fault_was_on: bool

    @property
    def log_file(self) -> Path:
        """The current log file."""
        return Path(self.handler.baseFilename)

    def close(self) -> None:
        """Stop writing to the log and to the crash-dump file."""
        root = logging.getLogger()
        root.removeHandler(self.handler)
        root.setLevel(self._root_level)
        self.handler.close()
        faulthandler.disable()
        # sys.__stderr__ is None under pythonw (no console): nothing to give back to then.
        if self._fault_was_on and sys.__stderr__ is not None:
            # pytest (and python -X faulthandler) had it on, writing to stderr: give it back.
            with contextlib.suppress(ValueError, OSError, AttributeError):
                faulthandler.enable(file=sys.__stderr__)
        self.fault_file.close()


_current: LogSetup | None = None


def current() -> LogSetup | None:
    """The log set up by :func:`start_logging`, if any."""
    return _current


def log_folder() -> Path:
    """The folder the log is (or would be) in, for messages to the user."""
    return _current.folder if _current is not None else user_log_dir()


def _level(level: int | None) -> int:
    if level is not None:
        return level
    named = os.environ.get(LEVEL_ENV, "").upper()
    return logging.getLevelName(named) if named in ("DEBUG", "INFO", "WARNING") else logging.INFO


def start_logging(folder: Path | None = None, level: int | None = None) -> LogSetup:
    """Write the log (``level``, default INFO or ``MASH_DESK_LOG_LEVEL``) into ``folder``.

    Also turns ``faulthandler`` on into the crash-dump file. Calling it again with the same
    folder keeps the log in use; with another folder, the first is closed.

    Raises:
        OSError: the folder or the files cannot be made (callers carry on without a log).
    """
    global _current
    folder = Path(folder) if folder is not None else user_log_dir()
    if _current is not None:
        if _current.folder == folder:
            logging.getLogger().setLevel(_level(level))
            return _current
        stop_logging()
    make_private_folder(folder)
    handler = PrivateRotatingFileHandler(
        folder / LOG_FILE, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
    )
    handler.setFormatter(RedactingFormatter())
    handler.addFilter(ReferenceFilter())
    fault_file = open_private(folder / FAULT_FILE)
    root = logging.getLogger()
    setup = LogSetup(folder, handler, fault_file, root.level, faulthandler.is_enabled())
    root.addHandler(handler)
    root.setLevel(_level(level))
    for name in _QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    faulthandler.enable(file=fault_file, all_threads=True)
    _current = setup
    from mash_desk import __version__

    log.info("MASH Desk %s started, process %d", __version__, os.getpid())
    return setup


def stop_logging() -> None:
    """Close the log started by :func:`start_logging` (nothing happens when there is none)."""
    global _current
    if _current is not None:
        _current.close()
        _current = None


@contextlib.contextmanager
def logging_to_file(folder: Path | None = None) -> Iterator[LogSetup | None]:
    """Keep the log open for a ``with`` block; yields None when it cannot be made.

    A desk that cannot write its log still starts (a full disk must not stop a practitioner
    recording a contact); the reason is said once on stderr.
    """
    if _current is not None:
        yield _current
        return
    try:
        setup = start_logging(folder)
    except OSError as exc:
        print(f"mash-desk: warning: no log file ({exc.strerror or exc})", file=sys.stderr)
        yield None
        return
    try:
        yield setup
    finally:
        if _current is setup:
            stop_logging()


# ---- unexpected errors ----------------------------------------------------------------------

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]
crash_log = logging.getLogger("mash_desk.crash")


def log_unexpected(exc: BaseException, where: str, reference: str | None = None) -> str:
    """Write ``exc`` and its traceback to the log under a reference; return the reference.

    ``where`` names the step in words the code chose ("in the window", "in thread X"),
    never a value.
    """
    reference = reference or new_reference()
    crash_log.error(
        "Unexpected %s %s",
        type(exc).__name__,
        where,
        exc_info=(type(exc), exc, exc.__traceback__),
        extra={"reference": reference},
    )
    return reference


def install_exception_hooks(report: Callable[[str], None]) -> Callable[[], None]:
    """Log every uncaught exception with a reference and pass the reference to ``report``.

    ``sys.excepthook`` (which PySide6 calls for an exception raised in a slot) and
    ``threading.excepthook`` are replaced; ``report`` may be called on any thread. Returns
    a function that puts the previous hooks back.
    """
    previous_sys, previous_thread = sys.excepthook, threading.excepthook

    def sys_hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None):
        if issubclass(kind, KeyboardInterrupt):
            previous_sys(kind, exc, tb)
            return
        if exc.__traceback__ is None:
            exc = exc.with_traceback(tb)
        report(log_unexpected(exc, "in the desk"))

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit or args.exc_value is None:
            return
        name = args.thread.name if args.thread is not None else "unknown"
        report(log_unexpected(args.exc_value, f"in thread {name}"))

    sys.excepthook = sys_hook
    threading.excepthook = thread_hook

    def restore() -> None:
        sys.excepthook, threading.excepthook = previous_sys, previous_thread

    return restore


__all__ = [
    "FAULT_FILE",
    "LOG_FILE",
    "LogSetup",
    "RedactingFormatter",
    "ReferenceFilter",
    "current",
    "install_exception_hooks",
    "log_folder",
    "log_unexpected",
    "logging_to_file",
    "new_reference",
    "redact",
    "start_logging",
    "stop_logging",
]
