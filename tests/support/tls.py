"""A throwaway certificate authority and a server certificate for ``localhost``, made by openssl.

The test clusters run with TLS on, as a council's shared server must (issue 13, item 6), and
every client connects with ``sslmode=verify-full``: libpq then checks both that the server's
certificate chains to the CA it was given and that it names the host it dialled. So the
server certificate says ``CN=localhost`` and lists ``DNS:localhost`` and ``IP:127.0.0.1`` as
subject alternative names (platform.md, "PostgreSQL as a shared server").

The openssl command line is used rather than the ``cryptography`` package: it is there
wherever the PostgreSQL server is, and ``cryptography`` reaches this project only through
SecretStorage, which is not ours to rely on. Elliptic-curve keys keep the making quick.
"""

from __future__ import annotations

import secrets
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

# Every test URL dials this name, the one the server certificate carries.
SERVER_NAME = "localhost"
# A test session lasts minutes; two days covers a clock a little ahead or behind.
VALID_DAYS = "2"
_CURVE = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]
# A CA needs basicConstraints CA:TRUE and keyCertSign, or OpenSSL refuses to chain to it.
# The config is written out rather than taken from the system's openssl.cnf, whose
# defaults differ between distributions.
_CA_CONFIG = """\
[req]
distinguished_name = dn
x509_extensions = ca
prompt = no
[dn]
CN = {name}
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
"""
_SERVER_EXTENSIONS = f"""\
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:{SERVER_NAME}, IP:127.0.0.1
authorityKeyIdentifier = keyid
"""


@dataclass(frozen=True)
class Certificates:
    """A CA and the server certificate it signed, in one folder.

    Attributes:
        folder: where the files are (delete it to forget them).
        ca_file: the CA certificate a client passes as ``sslrootcert``.
        cert_file: the server certificate (``ssl_cert_file``).
        key_file: the server's private key (``ssl_key_file``), readable only by its owner.
    """

    folder: Path
    ca_file: Path
    cert_file: Path
    key_file: Path


def _openssl(folder: Path, *args: str) -> None:
    openssl = shutil.which("openssl")
    if openssl is None:
        raise RuntimeError(
            "no openssl command to make the test certificates (apt-get install openssl)"
        )
    try:
        subprocess.run([openssl, *args], cwd=folder, check=True, capture_output=True, timeout=60)
    except subprocess.CalledProcessError as exc:
        detail = exc.stderr.decode(errors="replace")[-400:]
        raise RuntimeError(f"openssl {args[0]} failed: {detail}") from exc


def make_ca(folder: Path, name: str = "MASH Desk test CA") -> tuple[Path, Path]:
    """Make a self-signed CA in ``folder``; return its certificate and key files.

    A second CA made this way is the "wrong CA" a client must refuse.
    """
    stem = name.lower().replace(" ", "-")
    config = folder / f"{stem}.cnf"
    config.write_text(_CA_CONFIG.format(name=name), encoding="utf-8")
    cert, key = folder / f"{stem}.crt", folder / f"{stem}.key"
    _openssl(
        folder,
        "req", "-x509", *_CURVE, "-nodes", "-days", VALID_DAYS, "-config", str(config),
        "-keyout", str(key), "-out", str(cert),
    )  # fmt: skip
    return cert, key


def make_certificates(folder: Path, owner: str | None = None) -> Certificates:
    """Make a CA and a ``localhost`` server certificate signed by it, in ``folder``.

    Args:
        folder: an empty folder to hold the files.
        owner: the user the server runs as (``postgres`` when the tests run as root): the
            folder and files become theirs, and the key is mode 0600, because PostgreSQL
            refuses a key file that others can read.
    """
    ca_file, ca_key = make_ca(folder)
    key_file, request = folder / "server.key", folder / "server.csr"
    extensions = folder / "server.ext"
    extensions.write_text(_SERVER_EXTENSIONS, encoding="utf-8")
    _openssl(
        folder,
        "req", "-new", *_CURVE, "-nodes", "-subj", f"/CN={SERVER_NAME}",
        "-keyout", str(key_file), "-out", str(request),
    )  # fmt: skip
    cert_file = folder / "server.crt"
    _openssl(
        folder,
        "x509", "-req", "-in", str(request), "-CA", str(ca_file), "-CAkey", str(ca_key),
        "-set_serial", str(secrets.randbits(63)), "-days", VALID_DAYS,
        "-extfile", str(extensions), "-out", str(cert_file),
    )  # fmt: skip
    # Nobody needs the CA's key again: with it gone no further certificate can be signed.
    for used in (ca_key, request, extensions):
        used.unlink()
    key_file.chmod(0o600)
    if owner:
        for path in (folder, ca_file, cert_file, key_file):
            shutil.chown(path, owner)
    return Certificates(folder, ca_file, cert_file, key_file)
