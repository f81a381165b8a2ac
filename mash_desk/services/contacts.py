"""Log a contact: one incoming concern about one or more children."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlalchemy import bindparam, insert, select

from mash_desk.domain.changes import Kind, Topic, change_keys, record_key
from mash_desk.domain.deadlines import UNRATED_CLOCK
from mash_desk.domain.enums import (
    REFERRAL_SOURCES,
    RISK_INDICATORS,
    Channel,
    ConsentPurpose,
    ConsentState,
    PersonKind,
    Rag,
    Role,
    WorkStatus,
)
from mash_desk.domain.errors import FieldError, NotFound, ValidationError
from mash_desk.domain.permissions import Permission, allows
from mash_desk.domain.text import clean_narrative, clean_short
from mash_desk.services.access import record_access
from mash_desk.services.contact_capture import (
    Capture,
    check_child_extras,
    check_contact_extras,
    store_attachments,
    store_child_extras,
)
from mash_desk.services.context import Service, Unit
from mash_desk.services.dto import (
    Actor,
    ContactChildDTO,
    ContactDTO,
    OpResult,
    PersonDTO,
    RagRatingDTO,
)
from mash_desk.services.inputs import ConsentInput, NewContact, NewPerson
from mash_desk.services.mapping import contact_dto
from mash_desk.services.people import (
    PERSON_DTO_COLUMNS,
    household_to_join,
    insert_person,
    prepare_person,
)
from mash_desk.storage.models import (
    Consent,
    Contact,
    ContactChild,
    Household,
    Person,
    RagRating,
    RiskIndicatorRow,
    User,
)
from mash_desk.storage.prepared import Prepared


def _insert(table, columns: tuple[str, ...], *, returning: bool = False, **fixed) -> Prepared:
    values = {**{c: bindparam(c) for c in columns}, **fixed}
    statement = insert(table.__table__).values(values)
    if returning:
        statement = statement.returning(table.__table__.c.id)
    return Prepared(statement)


_USER_ROLE = Prepared(select(User.role_code, User.active).where(User.id == bindparam("id")))
_PERSON = Prepared(
    select(*PERSON_DTO_COLUMNS)
    .outerjoin(Household, Household.id == Person.household_id)
    .where(Person.id == bindparam("id"))
)
_INSERT_CONTACT = _insert(
    Contact,
    (
        "received_at",
        "channel",
        "referral_source",
        "concerns",
        "created_by",
        "created_at",
        "referrer_name",
        "referrer_role",
        "referrer_agency",
        "referrer_phone",
        "referrer_email",
    ),
    returning=True,
    version=1,
)
_INSERT_INDICATOR = _insert(RiskIndicatorRow, ("contact_id", "code"))
_INSERT_CONTACT_CHILD = _insert(
    ContactChild, ("contact_id", "person_id", "status", "rag", "due_at"), returning=True, version=1
)
_INSERT_RATING = _insert(RagRating, ("contact_child_id", "value", "reason", "rated_by", "rated_at"))
_INSERT_CONSENT = _insert(
    Consent,
    (
        "person_id",
        "contact_id",
        "purpose",
        "state",
        "reason",
        "lawful_basis",
        "approved_by",
        "recorded_by",
        "recorded_at",
    ),
)

# Clocks on two PCs drift; a contact stamped a few minutes ahead is not a typing error.
CLOCK_SKEW = timedelta(minutes=5)
CONTACT_VIEW = "contact.view"
"""``access_log.what`` of :meth:`ContactService.get`, one row per child on the contact."""


def check_rag(
    value: Rag | str | None, reason: str | None, field: str
) -> tuple[Rag | None, str | None, list[FieldError]]:
    """Validate a RAG value and its reason; a rating without a reason is refused."""
    if value is None or value == "":
        return None, None, []
    try:
        rag = Rag(value)
    except ValueError:
        return (
            None,
            None,
            [FieldError(field, "choice", f"RAG rating {value!r} is not red, amber or green")],
        )
    text, problem = clean_narrative(reason, field + "_reason", "Reason for the RAG rating")
    if problem:
        return None, None, [problem]
    if not text:
        return (
            None,
            None,
            [
                FieldError(
                    field + "_reason",
                    "required",
                    "Give the reason for the RAG rating (it is kept in the rating history)",
                )
            ],
        )
    return rag, text, []


def check_consent(unit: Unit, consent: ConsentInput, field: str) -> list[FieldError]:
    """Validate one consent entry (domain brief §6 rules)."""
    errors: list[FieldError] = []
    try:
        ConsentPurpose(consent.purpose)
    except ValueError:
        errors.append(
            FieldError(field + ".purpose", "choice", f"Unknown consent purpose {consent.purpose!r}")
        )
    try:
        state = ConsentState(consent.state)
    except ValueError:
        errors.append(
            FieldError(field + ".state", "choice", f"Unknown consent state {consent.state!r}")
        )
        return errors
    if state is ConsentState.NOT_SOUGHT and not (consent.reason or "").strip():
        errors.append(
            FieldError(
                field + ".reason",
                "required",
                "Say why consent was not sought (record every decision whether or not to share)",
            )
        )
    if state is ConsentState.OVERRIDDEN:
        # Sharing without consent is lawful only where seeking it would put the child at risk
        # of significant harm, and the reason must be recorded (000 L258, L273).
        if not (consent.lawful_basis or "").strip():
            errors.append(
                FieldError(
                    field + ".lawful_basis", "required", "Overriding consent needs the lawful basis"
                )
            )
        approver = _USER_ROLE.first(unit.sql, id=consent.approved_by or 0)
        if (
            approver is None
            or not approver[1]
            or not allows(Role(approver[0]), Permission.AUTHORISE)
        ):
            errors.append(
                FieldError(
                    field + ".approved_by",
                    "approver",
                    "Overriding consent needs a manager's approval: choose the approving manager",
                )
            )
    for name in ("reason", "lawful_basis"):
        _, problem = clean_narrative(
            getattr(consent, name), f"{field}.{name}", "Consent " + name.replace("_", " ")
        )
        if problem:
            errors.append(problem)
    return errors


def add_consent(unit: Unit, person_id: int, contact_id: int | None, consent: ConsentInput) -> None:
    """Insert a validated consent row."""
    _INSERT_CONSENT.run(
        unit.sql,
        person_id=person_id,
        contact_id=contact_id,
        purpose=ConsentPurpose(consent.purpose).value,
        state=ConsentState(consent.state).value,
        reason=(consent.reason or "").strip() or None,
        lawful_basis=(consent.lawful_basis or "").strip() or None,
        approved_by=consent.approved_by,
        recorded_by=unit.user_id,
        recorded_at=unit.now,
    )


def _match_choices(capture: Capture, child_ids: list[int]) -> dict[str, list[dict]]:
    """Return, for the audit row, each new child saved despite a strong match, and why."""
    chosen = [
        {"person": pid, "matched": list(plan.strong_matches), "reason": plan.new_child_reason}
        for plan, pid in zip(capture.children, child_ids, strict=True)
        if plan.strong_matches
    ]
    return {"new_despite_match": chosen} if chosen else {}


@dataclass
class _Checked:
    """A contact's typed values once checked, and every problem found (none written yet)."""

    received_at: datetime
    concerns: str | None
    referrer: dict[str, str | None]
    capture: Capture
    errors: list[FieldError] = field(default_factory=list)
    existing: dict[int, PersonDTO] = field(default_factory=dict)  # by child's place
    prepared: dict[int, dict] = field(default_factory=dict)  # new children's values
    ratings: list[tuple[Rag | None, str | None]] = field(default_factory=list)


def _check_contact_fields(unit: Unit, new: NewContact) -> _Checked:
    """Check the contact's own fields: when, how, who referred and what the concern is."""
    errors: list[FieldError] = []
    received_at = new.received_at or unit.now
    if received_at.tzinfo is None:
        errors.append(FieldError("received_at", "timezone", "Received-at time has no time zone"))
    elif received_at > unit.now + CLOCK_SKEW:
        errors.append(
            FieldError("received_at", "not_future", "A contact cannot be received in the future")
        )
    if new.channel not in {c.value for c in Channel}:
        errors.append(FieldError("channel", "choice", f"Unknown channel {new.channel!r}"))
    if new.referral_source not in REFERRAL_SOURCES:
        # The CIN census codes the source of every referral (DfE CIN census guide, N00152).
        errors.append(
            FieldError(
                "referral_source",
                "cin_code",
                f"Referral source {new.referral_source!r} is not a CIN census code "
                "(1A–1D, 2A–2B, 3A–3F, 4, 5A–5D, 6, 7, 8, 9, 10)",
            )
        )
    concerns, problem = clean_narrative(
        new.concerns, "concerns", "Concerns narrative", required=True
    )
    errors += [problem] if problem else []
    referrer: dict[str, str | None] = {}
    for name, label in (
        ("referrer_name", "Referrer's name"),
        ("referrer_role", "Referrer's role"),
        ("referrer_agency", "Referrer's agency"),
    ):
        referrer[name], problem = clean_short(getattr(new, name), name, label)
        errors += [problem] if problem else []
    capture = check_contact_extras(new)
    errors += capture.errors
    unknown = sorted(set(new.risk_indicators) - set(RISK_INDICATORS))
    if unknown:
        errors.append(
            FieldError(
                "risk_indicators", "choice", f"Unknown risk indicator(s): {', '.join(unknown)}"
            )
        )
    if not new.children:
        errors.append(
            FieldError("children", "required", "A contact must be about at least one child")
        )
    return _Checked(received_at, concerns, referrer, capture, errors)


def _check_stored_child(
    unit: Unit, person_id: int, prefix: str, seen: set[int]
) -> PersonDTO | FieldError:
    """A stored child chosen on the form: a PersonDTO, or the FieldError refusing it."""
    row = _PERSON.first(unit.sql, id=person_id)
    if row is None or row[1] != PersonKind.CHILD:
        return FieldError(prefix + "person", "exists", f"No child with id {person_id}")
    if person_id in seen:
        return FieldError(prefix + "person", "unique", "The same child is on this contact twice")
    return PersonDTO(*row)


def _check_new_child(
    unit: Unit, typed: NewPerson, prefix: str, typed_ids: dict[str, set[str]]
) -> tuple[dict, list[FieldError]]:
    """A child typed in: its prepared values, and problems (an NHS or local id typed twice)."""
    values, errors = prepare_person(unit, replace(typed, kind=PersonKind.CHILD.value), prefix)
    for key in ("nhs_number", "local_id"):
        if values.get(key) and values[key] in typed_ids[key]:
            errors.append(
                FieldError(
                    prefix + key,
                    "unique",
                    "Two children on this contact have the same "
                    + key.replace("_", " ").replace("nhs", "NHS"),
                )
            )
        elif values.get(key):
            typed_ids[key].add(values[key])
    return values, errors


def _check_children(unit: Unit, new: NewContact, checked: _Checked) -> None:
    """Check each child on the contact: who, their rating and consents, into ``checked``."""
    seen: set[int] = set()
    typed_ids: dict[str, set[str]] = {"nhs_number": set(), "local_id": set()}
    errors = checked.errors
    for i, child in enumerate(new.children):
        prefix = f"children[{i}]."
        if (child.person_id is None) == (child.new is None):
            errors.append(
                FieldError(
                    prefix + "person", "required", "Choose an existing child or enter a new one"
                )
            )
        elif child.person_id is not None:
            found = _check_stored_child(unit, child.person_id, prefix, seen)
            if isinstance(found, FieldError):
                errors.append(found)
            else:
                checked.existing[i] = found
            seen.add(child.person_id)
        elif child.new is not None:
            checked.prepared[i], person_errors = _check_new_child(
                unit, child.new, prefix, typed_ids
            )
            errors += person_errors
        plan, plan_errors = check_child_extras(unit, child, checked.prepared.get(i), prefix)
        checked.capture.children.append(plan)
        errors += plan_errors
        rag, reason, rag_errors = check_rag(child.rag, child.rag_reason, prefix + "rag")
        errors += rag_errors
        checked.ratings.append((rag, reason))
        for j, consent in enumerate(child.consents):
            errors += check_consent(unit, consent, f"{prefix}consents[{j}]")


def _write_contact(unit: Unit, new: NewContact, checked: _Checked) -> int:
    """Insert the contact and its risk indicators; return its id."""
    contact_id = _INSERT_CONTACT.insert_id(
        unit.sql,
        received_at=checked.received_at,
        channel=new.channel,
        referral_source=new.referral_source,
        concerns=checked.concerns,
        created_by=unit.user_id,
        created_at=unit.now,
        **checked.referrer,
        **checked.capture.referrer,
    )
    for code in sorted(set(new.risk_indicators)):
        _INSERT_INDICATOR.run(unit.sql, contact_id=contact_id, code=code)
    return contact_id


def _write_rating(
    unit: Unit, actor: Actor, contact_child_id: int, rag: Rag | None, reason: str | None
) -> tuple[RagRatingDTO, ...]:
    """Store a child's first RAG rating, if given; return its rating history."""
    if not rag:
        return ()
    _INSERT_RATING.run(
        unit.sql,
        contact_child_id=contact_child_id,
        value=rag.value,
        reason=reason,
        rated_by=unit.user_id,
        rated_at=unit.now,
    )
    return (RagRatingDTO(rag, reason or "", actor.display_name, unit.now),)


def _open_child(
    cc_id: int,
    contact_id: int,
    person: PersonDTO,
    rag: Rag | None,
    due_at: datetime,
    history: tuple[RagRatingDTO, ...],
) -> ContactChildDTO:
    """A child just put on a contact: open, unassessed, at version 1."""
    return ContactChildDTO(
        id=cc_id,
        contact_id=contact_id,
        person=person,
        status=WorkStatus.OPEN.value,
        rag=rag,
        due_at=due_at,
        provisional_level=None,
        level_rationale=None,
        threshold_document=None,
        threshold_version=None,
        outcomes=(),
        rag_history=history,
        version=1,
    )


def _logged(
    new: NewContact, checked: _Checked, contact_id: int, children: tuple[ContactChildDTO, ...]
) -> ContactDTO:
    """The contact as logged, for the form to show."""
    return ContactDTO(
        id=contact_id,
        received_at=checked.received_at,
        channel=new.channel,
        referrer_name=checked.referrer["referrer_name"],
        referrer_role=checked.referrer["referrer_role"],
        referrer_agency=checked.referrer["referrer_agency"],
        referral_source=new.referral_source,
        concerns=checked.concerns or "",
        risk_indicators=tuple(sorted(set(new.risk_indicators))),
        children=children,
        version=1,
        **checked.capture.referrer,
    )


class ContactService(Service):
    """Log contacts and read them back."""

    def log(self, actor: Actor, new: NewContact) -> OpResult[ContactDTO]:
        """Log a contact with its children, ratings and consents in one transaction.

        Every rule is checked before anything is written, and all problems are reported
        together so the practitioner can fix the form in one pass.
        """
        with self.writing(actor, Permission.LOG_CONTACT) as unit:
            checked = _check_contact_fields(unit, new)
            _check_children(unit, new, checked)
            if checked.errors:
                raise ValidationError(checked.errors)
            contact_id = _write_contact(unit, new, checked)
            children = self._write_children(unit, actor, new, checked, contact_id)
            child_ids = [c.person.id for c in children]
            attachments = store_attachments(unit, contact_id, checked.capture)
            unit.audit(
                "contact.logged",
                "contact",
                contact_id,
                person_id=child_ids[0],
                children=child_ids,
                channel=new.channel,
                source=new.referral_source,
                ratings=[r.value if r else None for r, _ in checked.ratings],
                risk_indicators=sorted(set(new.risk_indicators)),
                **_match_choices(checked.capture, child_ids),
                attachments=attachments,
            )
            logged = _logged(new, checked, contact_id, tuple(children))
            return OpResult(
                logged,
                change_keys(
                    Topic.QUEUE,
                    record_key(Kind.CONTACT, contact_id),
                    *(record_key(Kind.PERSON, p) for p in child_ids),
                ),
            )

    def _write_children(
        self, unit: Unit, actor: Actor, new: NewContact, checked: _Checked, contact_id: int
    ) -> list[ContactChildDTO]:
        """Store each child (new ones first as people) with its clock, rating and consents."""
        children: list[ContactChildDTO] = []
        # Children on one contact are usually siblings: a new child joins the household of
        # a child already on it at the same address (or any stored one there), so "group
        # by household" keeps them together and a sibling's history is seen.
        alongside = [checked.existing[i].household_id for i in sorted(checked.existing)]
        for i, (child, (rag, reason)) in enumerate(zip(new.children, checked.ratings, strict=True)):
            if child.new is not None:
                values = checked.prepared[i]
                joined = household_to_join(unit, values, alongside)
                person = insert_person(unit, {**values, "household_id": joined})
                alongside.append(person.household_id)
            else:
                person = checked.existing[i]
            store_child_extras(unit, checked.capture.children[i], person)
            due_at = self.ctx.deadlines.decision_due(rag or UNRATED_CLOCK, checked.received_at)
            cc_id = _INSERT_CONTACT_CHILD.insert_id(
                unit.sql,
                contact_id=contact_id,
                person_id=person.id,
                status=WorkStatus.OPEN.value,
                rag=rag.value if rag else None,
                due_at=due_at,
            )
            history = _write_rating(unit, actor, cc_id, rag, reason)
            for consent in child.consents:
                add_consent(unit, person.id, contact_id, consent)
            children.append(_open_child(cc_id, contact_id, person, rag, due_at, history))
        return children

    def get(self, actor: Actor, contact_id: int) -> ContactDTO:
        """Return one contact with its children; each child's view goes into the access log.

        A contact shows every child on it, so each gets a ``contact.view`` row (issue 5:
        every view of a child's record is logged), written in the same unit before the
        contact is returned. There is no unlogged way in (issue 12).
        """
        with self.writing(actor, Permission.VIEW_CASE) as unit:
            contact = unit.session.get(Contact, contact_id)
            if contact is None:
                raise NotFound(f"No contact with id {contact_id}")
            found = contact_dto(unit.session, contact)
            for person_id in dict.fromkeys(c.person.id for c in found.children):
                record_access(unit, person_id, CONTACT_VIEW, f"Contact {contact_id}")
            return found
