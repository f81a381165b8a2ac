"""Another desk, in another process: the second desk of the live-refresh tests.

Run as ``python -m tests.support.remote_desk <database URL>``; it opens its own desk over that
URL (its own login), signs in and then obeys one command a line on stdin, answering one
line on stdout after each commit:

* ``contact <given> <family>``: log a one-child contact; answers ``committed <person id>``.
* ``referral <given> <family> <agency>``: log a contact, make it a referral and ask
  ``agency`` a check; answers ``committed <referral id>``.
* ``again <person id> <concerns…>``: log a new contact about a child already known;
  answers ``committed <contact id>``.
* ``quit``.

:class:`RemoteDesk` starts it and talks to it from a test.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main(url: str) -> None:
    """Open the desk at ``url`` and obey commands until ``quit`` or the end of stdin."""
    from mash_desk.domain.clock import FixedClock
    from mash_desk.services.desk import Desk
    from mash_desk.services.inputs import ChildOnContact
    from tests.conftest import NOW
    from tests.services.test_checks import ask, make_referral
    from tests.support.helpers import contact, log_one

    desk = Desk.open(url, FixedClock(NOW))
    actor = desk.users.sign_in_server()
    print("ready", flush=True)
    for line in sys.stdin:
        words = line.split()
        if not words or words[0] == "quit":
            break
        if words[0] == "contact":
            saved = log_one(desk, actor, given=words[1], family=words[2])
            print(f"committed {saved.children[0].person.id}", flush=True)
        elif words[0] == "referral":
            referral = make_referral(desk, actor, "amber", given=words[1], family=words[2])
            ask(desk, actor, referral, words[3])
            print(f"committed {referral.id}", flush=True)
        elif words[0] == "again":
            about = ChildOnContact(person_id=int(words[1]))
            saved = desk.contacts.log(actor, contact(about, concerns=" ".join(words[2:]))).value
            print(f"committed {saved.id}", flush=True)
        else:
            print(f"unknown {words[0]}", flush=True)
    desk.close()


class RemoteDesk:
    """A second desk process; ``send`` waits for its answer (the commit has happened)."""

    def __init__(self, url: str):
        """Start the process over ``url`` and wait until it has signed in."""
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.support.remote_desk", url],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.read() == "ready"

    def read(self) -> str:
        """The next answer line (empty if the process ended)."""
        assert self.process.stdout is not None
        return self.process.stdout.readline().strip()

    def send(self, command: str) -> str:
        """Send one command; return its answer once the process reports it."""
        assert self.process.stdin is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        answer = self.read()
        assert answer.startswith("committed "), answer
        return answer.split(" ", 1)[1]

    def close(self) -> None:
        """Ask the process to quit and wait for it."""
        if self.process.poll() is None and self.process.stdin is not None:
            self.process.stdin.write("quit\n")
            self.process.stdin.flush()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()


if __name__ == "__main__":
    main(sys.argv[1])
