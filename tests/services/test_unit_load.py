"""``Unit.load``: the load / not found / version / status checks at the top of every write."""

from __future__ import annotations

import pytest

from mash_desk.domain.enums import WorkStatus
from mash_desk.domain.errors import ConflictError, FieldError, NotFound, ValidationError
from mash_desk.domain.permissions import Permission
from mash_desk.storage.models import ContactChild
from tests.support.helpers import log_one

WRONG = FieldError("status", "open", "Already done")


def test_load_returns_the_record_or_says_what_is_missing(desk, actors):
    p = actors["practitioner"]
    cc = log_one(desk, p).children[0]
    with desk.people.writing(p, Permission.VIEW_CASE) as unit:
        found = unit.load(ContactChild, cc.id, what="contact", expected_version=1)
        assert (found.id, found.person_id) == (cc.id, cc.person.id)
        with pytest.raises(NotFound, match="No contact 999999"):
            unit.load(ContactChild, 999_999, what="contact")
        with pytest.raises(NotFound, match="^No child-on-contact record 7$"):
            unit.load(ContactChild, 7, what="contact", missing="No child-on-contact record 7")


def test_load_refuses_a_stale_version_before_a_wrong_status(desk, actors):
    p = actors["practitioner"]
    cc = log_one(desk, p).children[0]
    with desk.people.writing(p, Permission.VIEW_CASE) as unit:
        stale = "this contact .*yours: version 0, saved: version 1"
        with pytest.raises(ConflictError, match=stale):
            unit.load(
                ContactChild,
                cc.id,
                what="contact",
                expected_version=0,
                status=WorkStatus.CLOSED.value,
                wrong_status=WRONG,
            )
        with pytest.raises(ValidationError) as refused:
            closed = WorkStatus.CLOSED.value
            unit.load(ContactChild, cc.id, what="contact", status=closed, wrong_status=WRONG)
        assert list(refused.value.errors) == [WRONG]
        allowed = (WorkStatus.OPEN.value, WorkStatus.CLOSED.value)
        assert unit.load(ContactChild, cc.id, what="contact", status=allowed).id == cc.id
