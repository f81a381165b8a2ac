"""`mash-desk --database postgresql://login@host/db`: the desk opens signed in as that login.

How the shared-server demo (scripts/run-server-demo.sh) opens its two desks: the server has
checked the login's password, so the person it belongs to is signed straight in; the password
comes from ``MASH_DESK_SERVER_PASSWORD``, never the command line, and is not passed on.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta

import pytest
from sqlalchemy.engine import make_url

from mash_desk import cli
from mash_desk.domain.enums import Rag, Role
from mash_desk.services.inputs import ChildOnContact, NewContact, NewPerson
from tests.cli.test_cli import run
from tests.support.server import PASSWORD, ServerDb


def _log_contact(server_db: ServerDb) -> None:
    practitioner = server_db.actors[Role.PRACTITIONER]
    server_db.owner.contacts.log(
        practitioner,
        NewContact(
            received_at=server_db.clock.now() - timedelta(minutes=5),
            channel="phone",
            referral_source="2A",
            concerns="Class teacher reports the child arrived hungry on three days this week.",
            referrer_name="Test Referrer",
            risk_indicators=("neglect",),
            children=(
                ChildOnContact(
                    new=NewPerson("Ada", "Queue", date_of_birth=date(2016, 3, 1)),
                    rag=Rag.AMBER,
                    rag_reason="School concern",
                ),
            ),
        ),
    )


def _desk(server_db: ServerDb, role: Role, password: str = PASSWORD):
    url = server_db.login_url(server_db.logins[role])
    return run(
        "--database",
        url,
        "--smoke-test",
        "--window-side",
        "left",
        env={"QT_QPA_PLATFORM": "offscreen", cli.SERVER_PASSWORD_ENV: password},
    )


def test_a_persons_login_opens_their_desk_at_the_queue(server_db: ServerDb):
    _log_contact(server_db)
    opened = _desk(server_db, Role.PRACTITIONER)
    assert opened.returncode == 0, opened.stderr
    # "ready": the window showed the queue with the contact on it, no sign-in dialog between.
    assert opened.stdout.strip().splitlines()[-1] == "ready"
    assert PASSWORD not in opened.stdout + opened.stderr


# The console script's start, watching what is loaded when the first page is on screen.
EARLY_FIRST_PAGE = """
import json, sys

import mash_desk.cli
from mash_desk.gui.start import start_desk

seen = {}

def first_page(window):
    seen["rows"] = window.queue.model.rowCount()
    seen["title"] = window.windowTitle()
    seen["sqlalchemy"] = "sqlalchemy" in sys.modules

url = mash_desk.cli._with_server_password(sys.argv[1])
status = start_desk(url, smoke_test=True, on_first_page=first_page)
print(json.dumps({**seen, "status": status}))
"""


def test_a_persons_login_shows_the_first_page_before_the_database_layer_loads(
    server_db: ServerDb,
):
    _log_contact(server_db)
    url = server_db.login_url(server_db.logins[Role.PRACTITIONER])
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", cli.SERVER_PASSWORD_ENV: PASSWORD}
    started = subprocess.run(
        [sys.executable, "-c", EARLY_FIRST_PAGE, url],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert started.returncode == 0, started.stderr
    *said, last = started.stdout.strip().splitlines()
    shown = json.loads(last)
    assert shown["rows"] == 1 and not shown["sqlalchemy"], shown
    person = server_db.actors[Role.PRACTITIONER].display_name
    assert shown["title"].startswith(f"MASH Desk — {person} (")
    # Then the desk loaded and its window showed the queue (the smoke test's "ready").
    assert shown["status"] == 0 and "ready" in said
    assert PASSWORD not in started.stdout + started.stderr


def test_a_deactivated_persons_login_is_refused_in_one_line(server_db: ServerDb):
    server_db.owner.users.deactivate(
        server_db.owner.users.system_actor(), server_db.logins[Role.PRACTITIONER]
    )
    refused = _desk(server_db, Role.PRACTITIONER)
    assert refused.returncode == 1
    assert "ready" not in refused.stdout
    # The last line says why, in the server's words (the login was disabled with the account).
    last = refused.stderr.strip().splitlines()[-1]
    assert last.startswith("mash-desk: Cannot open the database:")
    assert "not permitted to log in" in last
    assert PASSWORD not in refused.stderr


def test_the_server_password_goes_into_the_url_and_out_of_the_environment(
    monkeypatch: pytest.MonkeyPatch,
):
    monkeypatch.setenv(cli.SERVER_PASSWORD_ENV, "s3cret pass")
    url = make_url(cli._with_server_password("postgresql://sam@127.0.0.1:5432/mash"))
    assert (url.username, url.password, url.database) == ("sam", "s3cret pass", "mash")
    # Gone, so nothing the desk starts (a PDF viewer, a printer filter) inherits it.
    assert cli.SERVER_PASSWORD_ENV not in os.environ
    monkeypatch.setenv(cli.SERVER_PASSWORD_ENV, "s3cret pass")
    assert cli._with_server_password("sqlite:///x.sqlite3") == "sqlite:///x.sqlite3"
    assert cli.SERVER_PASSWORD_ENV not in os.environ
