"""Small helpers shared by the service tests."""

from __future__ import annotations

import weakref
from datetime import date

from sqlalchemy import Engine, create_engine, func, select
from sqlalchemy.pool import NullPool

from mash_desk.domain.enums import Role
from mash_desk.services.desk import Desk
from mash_desk.services.dto import Actor, ContactDTO
from mash_desk.services.inputs import ChildOnContact, NewContact, NewPerson
from mash_desk.storage.base import Base

VALID_NHS = "9434765919"  # NHS England's published example number (valid check digit)


def row_counts(desk: Desk) -> dict[str, int]:
    """Return the number of rows in every table: the proof that a refusal wrote nothing."""
    with desk.db.reading() as session:
        return {
            name: session.scalar(select(func.count()).select_from(table)) or 0
            for name, table in Base.metadata.tables.items()
        }


def child(given: str = "Amira", family: str = "Hassan", **kw) -> ChildOnContact:
    """Return a new child for a contact (born 2019 unless told)."""
    rag = kw.pop("rag", None)
    reason = kw.pop("rag_reason", None)
    consents = kw.pop("consents", ())
    # Tests log the same synthetic child again and again as separate records; a real form
    # has to say why a strongly matching child is new (issue 12), so the helper does too.
    new_reason = kw.pop("new_child_reason", "Synthetic test child, separate record on purpose")
    kw.setdefault("date_of_birth", date(2019, 6, 1))
    return ChildOnContact(
        new=NewPerson(given, family, **kw),
        rag=rag,
        rag_reason=reason,
        consents=consents,
        new_child_reason=new_reason,
    )


def contact(*children: ChildOnContact, **kw) -> NewContact:
    """Return a phone contact from a school about ``children``."""
    kw.setdefault("received_at", None)
    kw.setdefault("channel", "phone")
    kw.setdefault("referral_source", "2A")
    kw.setdefault(
        "concerns", "Class teacher reports the child arrived hungry three days this week."
    )
    kw.setdefault("referrer_name", "Jo Teacher")
    return NewContact(children=tuple(children), **kw)


def log_one(desk: Desk, actor: Actor, **child_kw) -> ContactDTO:
    """Log a one-child contact and return it."""
    return desk.contacts.log(actor, contact(child(**child_kw))).value


def make_actors(desk: Desk) -> dict[str, Actor]:
    """Create one user per role (and a second practitioner) through the user service."""
    system = desk.users.system_actor()
    made = {}
    specs = [
        ("admin", Role.ADMIN, "social_care"),
        ("practitioner", Role.PRACTITIONER, "social_care"),
        ("practitioner2", Role.PRACTITIONER, "social_care"),
        ("manager", Role.MANAGER, "social_care"),
        ("chair", Role.CHAIR, "social_care"),
        ("police", Role.PARTNER, "police"),
        ("performance", Role.PERFORMANCE, "social_care"),
    ]
    for name, role, agency in specs:
        made[name] = desk.users.create(
            system,
            username=f"test.{name}",
            display_name=f"Test {name.title()}",
            role=role,
            agency_code=agency,
            password=None,
            team="MASH team A",
        ).value
    return made


_SIDE_ENGINES: weakref.WeakKeyDictionary[Desk, Engine] = weakref.WeakKeyDictionary()


def side_engine(desk: Desk) -> Engine:
    """An engine of its own on ``desk``'s database, for a test acting beside the desk.

    On a shared server a desk's own pool holds only its reading and writing connections
    (storage/database.py), so a test that tampers or verifies as the owner connects apart.
    """
    engine = _SIDE_ENGINES.get(desk)
    if engine is None:
        url = desk.db.engine.url
        if url.get_backend_name() == "sqlite":
            # An encrypted file: the engine must give the key (storage/encryption.py).
            from mash_desk.storage.database import make_engine

            engine = make_engine(url.render_as_string(hide_password=False))
        else:
            engine = create_engine(url, poolclass=NullPool)
        _SIDE_ENGINES[desk] = engine
    return engine
