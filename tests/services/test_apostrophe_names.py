"""A name with an apostrophe is found however it is typed (revision 0021).

"O'Brien" keyed as "O" (the apostrophe split the name, and the first word was kept): typed
as "OBrien" on a later call, the stored child was neither suggested as a duplicate nor found,
and a second record could split her history. These tests type the name the ways a phone call
gets it typed, on both engines, and check a database from before the revision is mended.
"""

from __future__ import annotations

from datetime import date

from alembic import command
from sqlalchemy import select

from mash_desk.domain.matching import name_key
from mash_desk.services.desk import Desk
from mash_desk.services.inputs import NewPerson
from mash_desk.services.search import ChildQuery
from mash_desk.storage.migrations import alembic_config, upgrade
from mash_desk.storage.models import Person
from tests.support.helpers import log_one, side_engine

BORN = date(2018, 3, 14)


def _found(desk: Desk, actor, text: str) -> list[str]:
    return [
        f"{c.person.given_name} {c.person.family_name}"
        for c in desk.search.find(actor, ChildQuery(text=text)).children
    ]


def test_the_apostrophe_typed_or_not_keys_the_name_alike():
    assert name_key("O'Brien") == name_key("OBrien") == name_key("O’Brien") == name_key("O`Brien")
    assert name_key("O'Brien") != name_key("O'Connor")
    assert name_key("D'Souza") == name_key("DSouza")
    assert name_key("Smith-Jones") == name_key("Smith"), "a hyphen still separates"


def test_a_child_stored_with_an_apostrophe_is_found_and_suggested_typed_without(desk, actors):
    practitioner = actors["practitioner"]
    log_one(desk, practitioner, given="Siobhan", family="O'Brien", date_of_birth=BORN)
    log_one(desk, practitioner, given="Siobhan", family="O'Connor", date_of_birth=BORN)

    assert _found(desk, practitioner, "Siobhan OBrien") == ["Siobhan O'Brien"]
    assert _found(desk, practitioner, "Siobhan O’Brien") == ["Siobhan O'Brien"]
    suggested = desk.people.find_duplicates(
        practitioner, NewPerson("Siobhan", "OBrien", date_of_birth=BORN)
    )
    assert [m.person.family_name for m in suggested][:1] == ["O'Brien"]


def test_the_revision_keys_again_the_names_stored_before_it(desk, actors):
    practitioner = actors["practitioner"]
    child = log_one(desk, practitioner, given="Siobhan", family="O'Brien", date_of_birth=BORN)
    person_id = child.children[0].person.id
    cfg = alembic_config()
    with side_engine(desk).begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0020")
    with side_engine(desk).connect() as conn:
        before = conn.execute(
            select(Person.family_key, Person.version).where(Person.id == person_id)
        ).one()
    assert before.family_key == "O", "a database from before 0021 keyed the name by its 'O'"
    assert _found(desk, practitioner, "Siobhan OBrien") == []

    upgrade(side_engine(desk))

    with side_engine(desk).connect() as conn:
        after = conn.execute(
            select(Person.family_key, Person.version).where(Person.id == person_id)
        ).one()
    assert after.family_key == name_key("OBrien")
    assert after.version == before.version, "a key is an index: a form open on her still saves"
    assert _found(desk, practitioner, "Siobhan OBrien") == ["Siobhan O'Brien"]
