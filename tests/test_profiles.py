"""Connection profiles: validation, the JSON file, URL quoting and passwords in the keyring."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backend
import keyring.errors
import pytest
from hypothesis import given
from hypothesis import strategies as st
from keyring.backends import chainer, fail, null
from sqlalchemy.engine import make_url

from mash_desk.domain.errors import MashDeskError, ValidationError
from mash_desk.profiles import (
    KEYRING_SERVICE,
    NO_KEYRING_MESSAGE,
    KeyringUnavailable,
    Profile,
    ProfileFileError,
    ProfileStore,
    default_profiles_path,
    keyring_available,
)

SECRET = "Synthetic-Pa55word!"


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A keyring that lives in a dict: the tests' stand-in for the OS keyring."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        try:
            del self.entries[(service, username)]
        except KeyError:
            raise keyring.errors.PasswordDeleteError("not found") from None


class LockedKeyring(MemoryKeyring):
    """A keyring whose user has not unlocked it."""

    def get_password(self, service: str, username: str, *_password: str) -> str | None:
        raise keyring.errors.KeyringLocked("Failed to unlock the collection!")

    set_password = delete_password = get_password  # type: ignore[assignment]


def use_keyring(
    backend: keyring.backend.KeyringBackend,
) -> Iterator[keyring.backend.KeyringBackend]:
    """Install ``backend`` as the process keyring and put the previous one back after."""
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    yield from use_keyring(MemoryKeyring())  # type: ignore[misc]


@pytest.fixture
def no_keyring() -> Iterator[keyring.backend.KeyringBackend]:
    yield from use_keyring(fail.Keyring())


@pytest.fixture
def store(tmp_path: Path) -> ProfileStore:
    return ProfileStore(tmp_path / "config" / "profiles.json")


def server(**overrides) -> Profile:
    fields = dict(
        name="Council MASH server",
        host="mash-db.example.org",
        port=5432,
        database="mash",
        user="mash_front_door",
    )
    fields.update(overrides)
    return Profile.checked(**fields)


# -- the profiles file ----------------------------------------------------------------------


def test_default_path_is_in_the_user_config_folder():
    path = default_profiles_path()
    assert path.parts[-2:] == ("mash-desk", "profiles.json")
    assert ProfileStore().path == path


def test_no_file_means_no_profiles(store):
    assert store.load() == []
    assert store.get("anything") is None


def test_profiles_round_trip_sorted_by_name(store):
    b = server(name="b server", sslmode="require")
    a = server(name="A server", host="10.0.0.5", port=6543)
    store.save(b)
    store.save(a)
    assert store.load() == [a, b]
    assert ProfileStore(store.path).get("b server") == b
    assert json.loads(store.path.read_text())["version"] == 1


def test_edit_and_rename_replace_the_old_entry(store):
    store.save(server())
    renamed = server(name="Renamed", port=6000)
    store.save(renamed, replacing="Council MASH server")
    assert store.load() == [renamed]
    store.remove("Renamed")
    assert store.load() == []


def test_a_second_profile_with_the_same_name_is_refused(store):
    store.save(server())
    with pytest.raises(ValidationError) as caught:
        store.save(server(host="other.example.org"))
    assert caught.value.for_field("name")[0].rule == "unique"
    assert store.load() == [server()]


def test_an_unreadable_file_says_which_file(store):
    store.path.parent.mkdir(parents=True)
    store.path.write_text("{not json")
    with pytest.raises(ProfileFileError, match="profiles.json"):
        store.load()
    store.path.write_text(json.dumps({"profiles": [{"name": "x", "host": "h", "port": 0}]}))
    with pytest.raises(ProfileFileError):
        store.load()


# -- validation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "rule"),
    [
        ("name", "  ", "required"),
        ("name", "x" * 61, "too_long"),
        ("name", "tab\there", "control_characters"),
        ("host", "", "required"),
        ("host", "bad host!", "characters"),
        ("host", "-leading.example", "characters"),
        ("host", "db.example.org/evil", "characters"),
        ("port", "", "required"),
        ("port", "abc", "number"),
        ("port", "-1", "number"),
        ("port", "0", "range"),
        ("port", "65536", "range"),
        ("database", " ", "required"),
        ("database", "d" * 64, "too_long"),
        ("database", "mash\x00", "control_characters"),
        ("user", "", "required"),
        ("user", "é" * 32, "too_long"),  # 64 bytes in UTF-8
        ("sslmode", "sometimes", "choice"),
    ],
)
def test_each_rule_names_its_field(field, value, rule):
    with pytest.raises(ValidationError) as caught:
        server(**{field: value})
    errors = caught.value.for_field(field)
    assert [e.rule for e in errors] == [rule]
    assert errors[0].message
    assert caught.value.errors == tuple(errors)


@pytest.mark.parametrize("field", ["name", "host", "port", "database", "user", "sslmode"])
@given(typed=st.text(st.characters(codec=None, exclude_categories=()), max_size=80))
def test_any_typed_text_gives_a_profile_or_a_refusal_naming_its_field(field, typed):
    # Lone surrogates and controls included (issue 14 item 7): a damaged paste into the
    # connection dialog is refused at its field, never a UnicodeEncodeError from the URL.
    try:
        profile = server(**{field: typed})
    except ValidationError as refused:
        assert {e.field for e in refused.errors} == {field}
        return
    profile.url("secret").encode("utf-8")


def test_every_broken_rule_is_reported_at_once():
    with pytest.raises(ValidationError) as caught:
        Profile.checked(name="", host="", port="x", database="", user="")
    assert {e.field for e in caught.value.errors} == {"name", "host", "port", "database", "user"}


@pytest.mark.parametrize(
    "host", ["localhost", "10.1.2.3", "db-01.mash.example.org", "::1", "[fe80::1]"]
)
def test_host_names_and_addresses_are_accepted(host):
    assert server(host=host).host == host.strip("[]")


def test_values_are_trimmed_and_port_text_becomes_a_number():
    profile = Profile.checked(
        name=" Test ", host=" db.example.org ", port=" 6543 ", database=" mash ", user=" u "
    )
    assert profile == Profile("Test", "db.example.org", 6543, "mash", "u", None)


# -- URLs -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password", ["p@ss:w/rd", "100% sure?#&=", "spaces and 'quotes\"", "ünïcødé £€", "a+b%2Fc"]
)
def test_awkward_passwords_survive_the_url(password):
    profile = server(user="mash@front:door", database="mash/live db")
    url = make_url(profile.url(password))
    assert url.drivername == "postgresql+psycopg"
    assert url.password == password
    assert url.username == "mash@front:door"
    assert url.database == "mash/live db"
    assert (url.host, url.port) == ("mash-db.example.org", 5432)


@given(st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40))
def test_any_password_survives_the_url(password):
    assert make_url(server().url(password)).password == password


def test_url_options():
    url = make_url(server(host="::1", sslmode="verify-full").url(None))
    assert url.host == "::1"
    assert url.password is None
    assert url.query["sslmode"] == "verify-full"
    assert int(url.query["connect_timeout"]) > 0
    assert "sslmode" not in make_url(server().url("x")).query


# -- passwords in the keyring ---------------------------------------------------------------


def test_password_round_trip(store, memory_keyring):
    profile = store.save(server())
    assert keyring_available()
    assert store.password(profile) is None
    store.save_password(profile, SECRET)
    assert store.password(profile) == SECRET
    assert memory_keyring.entries == {
        (KEYRING_SERVICE, "mash_front_door@mash-db.example.org:5432/mash"): SECRET
    }
    # Another server of the same user keeps its own entry.
    assert store.password(server(port=6543)) is None
    store.forget_password(profile)
    assert store.password(profile) is None
    store.forget_password(profile)  # forgetting twice is not an error


def test_the_file_never_holds_the_password(store, memory_keyring):
    profile = store.save(server())
    store.save_password(profile, SECRET)
    store.save(server(name="Second"))
    raw = store.path.read_bytes()
    assert SECRET.encode() not in raw
    assert b"password" not in raw.lower()


def test_no_keyring_is_unavailable_never_a_file(store, no_keyring, tmp_path):
    profile = store.save(server())
    assert not keyring_available()
    for call in (
        lambda: store.save_password(profile, SECRET),
        lambda: store.password(profile),
        lambda: store.forget_password(profile),
    ):
        with pytest.raises(KeyringUnavailable) as caught:
            call()
        assert isinstance(caught.value, MashDeskError)
        assert str(caught.value) == NO_KEYRING_MESSAGE
    assert not any(SECRET.encode() in p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())


def test_an_empty_chain_and_the_null_keyring_are_unavailable(monkeypatch):
    monkeypatch.setattr(keyring.backend, "_limit", lambda _backend: False)
    chain = chainer.ChainerBackend()
    assert chain.backends == []
    for backend in (chain, null.Keyring()):
        for _ in use_keyring(backend):
            assert not keyring_available()


def test_a_chain_is_as_good_as_its_first_backend(monkeypatch):
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [MemoryKeyring()])
    for _ in use_keyring(chainer.ChainerBackend()):
        assert keyring_available()


def test_a_locked_keyring_says_so(store):
    for _ in use_keyring(LockedKeyring()):
        with pytest.raises(KeyringUnavailable, match="locked"):
            store.password(server())


def test_passwords_never_reach_the_log(store, caplog):
    caplog.set_level(logging.DEBUG)
    profile = store.save(server())
    for backend in (MemoryKeyring(), LockedKeyring(), fail.Keyring()):
        for _ in use_keyring(backend):
            for call in (
                lambda: store.save_password(profile, SECRET),
                lambda: store.password(profile),
                lambda: store.forget_password(profile),
            ):
                try:
                    call()
                except KeyringUnavailable as exc:
                    assert SECRET not in str(exc)
    profile.url(SECRET)
    assert caplog.records, "the calls above log what they do"
    assert SECRET not in caplog.text
    assert SECRET not in repr(profile)


def test_profiles_module_needs_no_qt():
    script = (
        "import sys\n"
        "sys.modules['PySide6'] = None\n"
        "import mash_desk.profiles\n"
        "assert not [m for m in sys.modules if m.startswith('PySide6') and sys.modules[m]]\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


# -- CA certificate and several hosts (issue 13: TLS, failover) -------------------------------

PEM = "-----BEGIN CERTIFICATE-----\nMIIB (synthetic)\n-----END CERTIFICATE-----\n"


@pytest.fixture
def ca_file(tmp_path: Path) -> Path:
    path = tmp_path / "council-ca.crt"
    path.write_text(PEM)
    return path


def test_a_ca_certificate_makes_the_profile_verify_the_server_fully(ca_file, store):
    profile = store.save(server(sslrootcert=f"  {ca_file} "))
    assert (profile.sslrootcert, profile.sslmode) == (str(ca_file), "verify-full")
    query = make_url(profile.url(SECRET)).query
    assert (query["sslmode"], query["sslrootcert"]) == ("verify-full", str(ca_file))
    assert store.load() == [profile]
    # A mode the profile chose stays; libpq then uses the CA as that mode allows.
    assert server(sslrootcert=str(ca_file), sslmode="verify-ca").sslmode == "verify-ca"


@pytest.mark.parametrize(
    ("make", "rule", "words"),
    [
        (lambda folder: folder / "missing.crt", "missing", "does not exist"),
        (lambda folder: folder, "missing", "does not exist"),
        (lambda folder: Path("relative/ca.crt"), "absolute", "full path"),
        (lambda folder: _write(folder / "server.key", "-----BEGIN PRIVATE KEY-----\n"),
         "not_certificate", "not a PEM certificate"),
    ],
)  # fmt: skip
def test_a_ca_file_that_cannot_serve_is_refused_naming_the_field(tmp_path, make, rule, words):
    with pytest.raises(ValidationError) as caught:
        server(sslrootcert=str(make(tmp_path)))
    (error,) = caught.value.errors
    assert (error.field, error.rule) == ("sslrootcert", rule)
    assert error.message.startswith("CA certificate") and words in error.message


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_an_unreadable_ca_file_is_refused(ca_file):
    ca_file.chmod(0)
    if os.access(ca_file, os.R_OK):
        pytest.skip("this user reads any file (root): there is nothing to refuse")
    with pytest.raises(ValidationError) as caught:
        server(sslrootcert=str(ca_file))
    assert caught.value.for_field("sslrootcert")[0].rule == "unreadable"


def test_a_moved_ca_file_does_not_make_the_profiles_file_unreadable(ca_file, store):
    profile = store.save(server(sslrootcert=str(ca_file)))
    ca_file.unlink()
    assert store.load() == [profile]
    # Saving it again is where the missing file is reported.
    with pytest.raises(ValidationError):
        store.save(profile, replacing=profile.name)


def test_a_profiles_file_from_before_tls_and_failover_still_loads(store):
    store.path.parent.mkdir(parents=True)
    old = {
        "version": 1,
        "profiles": [
            {"name": "Old", "host": "db.example.org", "port": 5432, "database": "mash",
             "user": "u", "sslmode": None},
        ],
    }  # fmt: skip
    store.path.write_text(json.dumps(old))
    (profile,) = store.load()
    assert profile == Profile("Old", "db.example.org", 5432, "mash", "u", None, None)
    assert "sslrootcert" not in make_url(profile.url(None)).query


def test_several_hosts_connect_only_to_a_writable_one(store):
    profile = store.save(server(host="db-a.example.org, db-b.example.org", port="5432"))
    assert profile.hosts == ("db-a.example.org", "db-b.example.org")
    assert profile.ports == (5432, 5432)
    assert store.load() == [profile]
    url = make_url(profile.url(SECRET))
    assert url.host is None and url.password == SECRET
    assert url.query["host"] == "db-a.example.org,db-b.example.org"
    assert url.query["port"] == "5432,5432"
    assert url.query["target_session_attrs"] == "read-write"
    # One host: no session attribute, so a lone server is used whatever it is.
    assert "target_session_attrs" not in make_url(server().url(SECRET)).query


def test_one_port_per_host(store):
    profile = store.save(server(host="10.0.0.5,::1", port=" 5433 , 6543"))
    assert profile.port == "5433,6543" and profile.ports == (5433, 6543)
    assert profile.address == "mash_front_door@10.0.0.5:5433,[::1]:6543/mash"
    assert profile.where == "10.0.0.5, port 5433; ::1, port 6543"
    assert store.load() == [profile]


@pytest.mark.parametrize(
    ("host", "port", "field", "rule"),
    [
        ("db-a,,db-b", "5432", "host", "empty_entry"),
        ("db-a, bad host!", "5432", "host", "characters"),
        ("db-a,db-a", "5432", "host", "repeated"),
        ("db-a,db-b", "5432,5433,5434", "port", "count"),
        ("db-a", "5432,5433", "port", "count"),
        ("db-a,db-b", "5432,x", "port", "number"),
        ("db-a,db-b", "5432,70000", "port", "range"),
    ],
)
def test_host_and_port_lists_are_checked(host, port, field, rule):
    with pytest.raises(ValidationError) as caught:
        server(host=host, port=port)
    assert [(e.field, e.rule) for e in caught.value.errors] == [(field, rule)]


def test_one_host_on_two_ports_is_two_servers():
    assert server(host="localhost,localhost", port="5432,5433").ports == (5432, 5433)


def test_the_systems_trusted_cas_may_stand_for_a_file():
    profile = server(sslrootcert="system")
    assert (profile.sslrootcert, profile.sslmode) == ("system", "verify-full")
    assert make_url(profile.url(None)).query["sslrootcert"] == "system"
