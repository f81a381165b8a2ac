"""A private CUPS print server for the printing tests, with two real print queues.

Started once per test session (platform.md, "Printing"), on its own Unix socket with its own
configuration, spool and logs in a temporary folder, so it neither needs nor touches the
machine's print server; ``CUPS_SERVER`` points ``lp``/``lpstat`` at it while it runs.

Queues:

* ``MASH_PDF`` — cups-pdf, the virtual PDF printer. Like a real printer it runs the job through
  CUPS's filters (pdftopdf → pdftops → Ghostscript), so the PDF it writes is *re-rendered*:
  the same pages and words, different bytes.
* ``MASH_CLOSED`` — a queue not accepting jobs, as a printer taken out of service.
* ``MASH_EXACT`` — what a print server received, byte for byte: a queue whose only filter is
  CUPS's pass-through ``gziptoany`` and whose device is a file (``FileDevice Yes``, allowed in
  this server's own cups-files.conf). A raw queue would be simpler, but CUPS 2.4 completes a
  raw job to a ``file:`` device without writing anything.

cups-pdf reads its settings only from ``/etc/cups`` (compiled in); its output folder is set
with a per-instance file ``/etc/cups/cups-pdf-<instance>.conf`` named for this process and
removed when the server stops. The cups-pdf backend runs only as root, so the server does
too (CI runs as root); elsewhere the tests skip saying so, or fail under
``MASH_DESK_REQUIRE_CUPS=1``.
"""

from __future__ import annotations

import atexit
import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from mash_desk.printing.cups import PrintJob

REQUIRE_CUPS = os.environ.get("MASH_DESK_REQUIRE_CUPS") == "1"
PDF_QUEUE = "MASH_PDF"
EXACT_QUEUE = "MASH_EXACT"
CLOSED_QUEUE = "MASH_CLOSED"
CUPSD = "/usr/sbin/cupsd"
CUPS_PDF_BACKEND = "/usr/lib/cups/backend/cups-pdf"
CUPS_PDF_CONF_DIR = Path("/etc/cups")
_INSTANCE_PREFIX = "mashdesk-test-"

# A PPD whose one filter passes the PDF through untouched (gziptoany copies input that is not
# gzip-compressed as it is), so the file device receives the job's bytes.
EXACT_PPD = """*PPD-Adobe: "4.3"
*FormatVersion: "4.3"
*FileVersion: "1.0"
*LanguageVersion: English
*LanguageEncoding: ISOLatin1
*PCFileName: "MASHEXCT.PPD"
*Manufacturer: "MASH Desk tests"
*Product: "(MASH Desk exact-bytes test printer)"
*ModelName: "MASH Desk exact-bytes test printer"
*ShortNickName: "MASH Desk exact bytes"
*NickName: "MASH Desk exact-bytes test printer"
*PSVersion: "(3010.000) 0"
*LanguageLevel: "3"
*ColorDevice: True
*DefaultColorSpace: RGB
*FileSystem: False
*Throughput: "1"
*LandscapeOrientation: Plus90
*TTRasterizer: Type42
*cupsFilter2: "application/pdf application/vnd.cups-raw 0 gziptoany"
*OpenUI *PageSize/Page Size: PickOne
*OrderDependency: 10 AnySetup *PageSize
*DefaultPageSize: A4
*PageSize A4/A4: "<</PageSize[595 842]>>setpagedevice"
*CloseUI: *PageSize
*OpenUI *PageRegion: PickOne
*OrderDependency: 10 AnySetup *PageRegion
*DefaultPageRegion: A4
*PageRegion A4/A4: "<</PageSize[595 842]>>setpagedevice"
*CloseUI: *PageRegion
*DefaultImageableArea: A4
*ImageableArea A4/A4: "0 0 595 842"
*DefaultPaperDimension: A4
*PaperDimension A4/A4: "595 842"
"""


@dataclass
class CupsServer:
    """A running private cupsd and where its queues put their output."""

    root: Path
    process: subprocess.Popen
    instance_conf: Path
    env_before: str | None
    pdf_out: Path = field(init=False)
    exact_file: Path = field(init=False)

    def __post_init__(self) -> None:
        self.pdf_out = self.root / "cups-pdf-out"
        self.exact_file = self.root / "exact-out" / "job.pdf"

    @property
    def socket(self) -> str:
        """The Unix socket clients reach it on (the value of ``CUPS_SERVER``)."""
        return str(self.root / "cups.sock")

    def wait_done(self, job: PrintJob, timeout: float = 20) -> None:
        """Wait until the server has finished ``job`` (it is no longer pending)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            listed = _lp(["lpstat", "-o", job.printer], self.socket).stdout
            if job.job_id not in listed.split():
                return
            time.sleep(0.05)
        raise AssertionError(f"job {job.job_id} still pending after {timeout} s:\n{self.log()}")

    def pdf_output(self, job: PrintJob, timeout: float = 20) -> Path:
        """The PDF cups-pdf wrote for ``job`` (its file name ends ``-job_<number>.pdf``)."""
        deadline = time.monotonic() + timeout
        pattern = str(self.pdf_out / f"*job_{job.number}.pdf")
        while time.monotonic() < deadline:
            found = glob.glob(pattern)
            if found:
                # cups-pdf writes in place: wait for the job to finish before reading.
                self.wait_done(job, max(deadline - time.monotonic(), 1))
                return Path(found[0])
            time.sleep(0.05)
        raise AssertionError(f"no cups-pdf output for {job.job_id}:\n{self.log()}")

    def exact_output(self, job: PrintJob, timeout: float = 20) -> bytes:
        """The bytes the exact-bytes queue received for ``job`` (its latest job)."""
        assert job.printer == EXACT_QUEUE
        self.wait_done(job, timeout)
        return self.exact_file.read_bytes()

    def log(self) -> str:
        """The end of the server's error log (for failure messages)."""
        path = self.root / "log" / "error_log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else "(no log)"

    def stop(self) -> None:
        """Stop cupsd, remove the cups-pdf instance file and every file of the server."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.instance_conf.unlink(missing_ok=True)
        if self.env_before is None:
            os.environ.pop("CUPS_SERVER", None)
        else:
            os.environ["CUPS_SERVER"] = self.env_before
        shutil.rmtree(self.root, ignore_errors=True)


def _lp(args: list[str], server: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CUPS_SERVER": server, "LC_ALL": "C"}
    return subprocess.run(args, capture_output=True, text=True, env=env, timeout=30, check=False)


def _why_not() -> str | None:
    """Why this machine cannot run the test server, or None."""
    missing = [p for p in (CUPSD, CUPS_PDF_BACKEND) if not os.path.exists(p)]
    missing += [c for c in ("lp", "lpstat", "lpadmin") if shutil.which(c) is None]
    if missing:
        return (
            f"CUPS is not installed ({', '.join(missing)} missing; apt-get install cups "
            "printer-driver-cups-pdf)"
        )
    if os.geteuid() != 0:
        return (
            "the cups-pdf backend runs only under a root cupsd (run the tests as root, as CI does)"
        )
    if not os.access(CUPS_PDF_CONF_DIR, os.W_OK):
        return f"cannot write cups-pdf's instance settings into {CUPS_PDF_CONF_DIR}"
    return None


def _remove_stale_instances() -> None:
    """Instance files left by a test run that was killed (its process is gone)."""
    for path in CUPS_PDF_CONF_DIR.glob(f"cups-pdf-{_INSTANCE_PREFIX}*.conf"):
        pid = path.stem.rsplit("-", 1)[-1]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            path.unlink(missing_ok=True)


def start() -> CupsServer:
    """Start the server and add both queues; raise RuntimeError saying why it cannot."""
    reason = _why_not()
    if reason:
        raise RuntimeError(reason)
    _remove_stale_instances()
    root = Path(tempfile.mkdtemp(prefix="mash-cups-"))
    # Filters run as the unprivileged user lp and must reach the spool inside this folder.
    root.chmod(0o755)
    for sub in ("etc/ppd", "etc/ssl", "spool/tmp", "cache", "state", "log", "exact-out"):
        (root / sub).mkdir(parents=True)
    (root / "cups-pdf-out").mkdir()
    (root / "cups-pdf-spool").mkdir()
    files = root / "etc" / "cups-files.conf"
    files.write_text(
        f"ServerRoot {root}/etc\nRequestRoot {root}/spool\nTempDir {root}/spool/tmp\n"
        f"CacheDir {root}/cache\nStateDir {root}/state\nAccessLog {root}/log/access_log\n"
        f"ErrorLog {root}/log/error_log\nPageLog {root}/log/page_log\n"
        "FileDevice Yes\nSystemGroup root\n"
    )
    conf = root / "etc" / "cupsd.conf"
    conf.write_text(
        f"Listen {root}/cups.sock\nLogLevel info\nWebInterface No\nBrowsing No\n"
        "DefaultAuthType None\nMaxJobTime 60\n"
        "<Location />\n  Order allow,deny\n  Allow all\n</Location>\n"
        "<Policy default>\n  <Limit All>\n    Order deny,allow\n  </Limit>\n</Policy>\n"
    )
    instance = f"{_INSTANCE_PREFIX}{os.getpid()}"
    instance_conf = CUPS_PDF_CONF_DIR / f"cups-pdf-{instance}.conf"
    instance_conf.write_text(
        f"Out {root}/cups-pdf-out\nAnonDirName {root}/cups-pdf-out\n"
        f"Spool {root}/cups-pdf-spool\nLog {root}/log\nGrp root\n"
    )
    process = subprocess.Popen(
        [CUPSD, "-f", "-c", str(conf), "-s", str(files)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    server = CupsServer(root, process, instance_conf, os.environ.get("CUPS_SERVER"))
    try:
        _wait_listening(server)
        ppd = root / "exact.ppd"
        ppd.write_text(EXACT_PPD)
        commands = [
            ["lpadmin", "-p", PDF_QUEUE, "-v", f"cups-pdf:/{instance}", "-P", _cups_pdf_ppd()],
            ["lpadmin", "-p", PDF_QUEUE, "-D", "Virtual PDF printer (tests)", "-E"],
            ["lpadmin", "-p", EXACT_QUEUE, "-v", f"file://{server.exact_file}", "-P", str(ppd)],
            ["lpadmin", "-p", EXACT_QUEUE, "-D", "Exact bytes (tests)", "-E"],
            # A queue that refuses jobs, as a printer taken out of service does.
            ["lpadmin", "-p", CLOSED_QUEUE, "-v", "file:///dev/null", "-E"],
            ["cupsreject", "-r", "taken out of service", CLOSED_QUEUE],
            ["lpadmin", "-d", PDF_QUEUE],
        ]
        for command in commands:
            done = _lp(command, server.socket)
            if done.returncode != 0:
                raise RuntimeError(f"{' '.join(command)} failed: {done.stderr.strip()}")
    except BaseException:
        server.stop()
        raise
    os.environ["CUPS_SERVER"] = server.socket
    return server


def _cups_pdf_ppd() -> str:
    for candidate in (
        "/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd",
        "/usr/share/ppd/cups-pdf/CUPS-PDF_noopt.ppd",
        *glob.glob("/usr/share/ppd/**/CUPS-PDF*.ppd", recursive=True),
    ):
        if os.path.exists(candidate):
            return candidate
    raise RuntimeError("the cups-pdf PPD is missing (apt-get install printer-driver-cups-pdf)")


def _wait_listening(server: CupsServer, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            said = (
                server.process.stderr.read().decode(errors="replace")
                if server.process.stderr
                else ""
            )
            raise RuntimeError(f"cupsd exited at once: {said.strip()} {server.log()}")
        with socket.socket(socket.AF_UNIX) as probe:
            try:
                probe.connect(server.socket)
                return
            except OSError:
                time.sleep(0.05)
    raise RuntimeError(f"cupsd did not start listening within {timeout} s: {server.log()}")


# One server for the whole session, however many test modules ask for it.
_lock = threading.Lock()
_shared: CupsServer | None = None
_users = 0
_failure: str | None = None


def acquire() -> CupsServer:
    """The session's server, started on first use."""
    global _shared, _users, _failure
    with _lock:
        if _failure is not None:
            raise RuntimeError(_failure)
        if _shared is None:
            try:
                _shared = start()
            except RuntimeError as exc:
                _failure = str(exc)
                raise
            atexit.register(_stop_shared)
        _users += 1
        return _shared


def release() -> None:
    """Stop the server once the last user of it is done."""
    global _users
    with _lock:
        _users -= 1
        if _users <= 0:
            _stop_locked()


def _stop_locked() -> None:
    global _shared
    if _shared is not None:
        _shared.stop()
        _shared = None


def _stop_shared() -> None:
    with _lock:
        _stop_locked()


def serve() -> Iterator[CupsServer]:
    """Yield the shared server for a fixture; skip (or fail, when required) if it cannot run."""
    try:
        server = acquire()
    except RuntimeError as exc:
        if REQUIRE_CUPS:
            pytest.fail(f"CUPS is required (MASH_DESK_REQUIRE_CUPS=1) but {exc}")
        pytest.skip(f"CUPS printing tests skipped: {exc}")
    try:
        yield server
    finally:
        release()


@pytest.fixture(scope="session")
def cups_server() -> Iterator[CupsServer]:
    """The private CUPS server with queues MASH_PDF (default, cups-pdf) and MASH_EXACT.

    A conftest imports this fixture; a test module elsewhere wraps :func:`serve` instead.
    """
    yield from serve()
