"""Log a contact: one incoming concern about one or more children."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

from sqlalchemy import select

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
from mash_desk.services.context import Service, Unit
from mash_desk.services.dto import Actor, ContactDTO, OpResult
from mash_desk.services.inputs import ConsentInput, NewContact
from mash_desk.services.mapping import contact_dto
from mash_desk.services.people import create_person, validate_person
from mash_desk.storage.models import (
    Consent,
    Contact,
    ContactChild,
    Person,
    RagRating,
    RiskIndicatorRow,
    User,
)

# Clocks on two PCs drift; a contact stamped a few minutes ahead is not a typing error.
CLOCK_SKEW = timedelta(minutes=5)
# Until a practitioner rates it, a contact runs on the amber clock: not alarmist, but
# due within a working day, which is the national decision timescale anyway.
UNRATED_CLOCK = Rag.AMBER


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
        approver = unit.session.get(User, consent.approved_by) if consent.approved_by else None
        if approver is None or not allows(Role(approver.role_code), Permission.AUTHORISE):
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


def add_consent(
    unit: Unit, person_id: int, contact_id: int | None, consent: ConsentInput
) -> Consent:
    """Insert a validated consent row."""
    row = Consent(
        person_id=person_id,
        contact_id=contact_id,
        purpose=ConsentPurpose(consent.purpose).value,
        state=ConsentState(consent.state).value,
        reason=(consent.reason or "").strip() or None,
        lawful_basis=(consent.lawful_basis or "").strip() or None,
        approved_by=consent.approved_by,
        recorded_by=unit.user.id,
        recorded_at=unit.now,
    )
    unit.session.add(row)
    return row


class ContactService(Service):
    """Log contacts and read them back."""

    def log(self, actor: Actor, new: NewContact) -> OpResult[ContactDTO]:
        """Log a contact with its children, ratings and consents in one transaction.

        Every rule is checked before anything is written, and all problems are reported
        together so the practitioner can fix the form in one pass.
        """
        with self.writing(actor, Permission.LOG_CONTACT) as unit:
            errors: list[FieldError] = []
            received_at = new.received_at or unit.now
            if received_at.tzinfo is None:
                errors.append(
                    FieldError("received_at", "timezone", "Received-at time has no time zone")
                )
            elif received_at > unit.now + CLOCK_SKEW:
                errors.append(
                    FieldError(
                        "received_at", "not_future", "A contact cannot be received in the future"
                    )
                )
            if new.channel not in {c.value for c in Channel}:
                errors.append(FieldError("channel", "choice", f"Unknown channel {new.channel!r}"))
            if new.referral_source not in REFERRAL_SOURCES:
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
            unknown = sorted(set(new.risk_indicators) - set(RISK_INDICATORS))
            if unknown:
                errors.append(
                    FieldError(
                        "risk_indicators",
                        "choice",
                        f"Unknown risk indicator(s): {', '.join(unknown)}",
                    )
                )
            if not new.children:
                errors.append(
                    FieldError("children", "required", "A contact must be about at least one child")
                )
            seen: set[int] = set()
            ratings = []
            for i, child in enumerate(new.children):
                prefix = f"children[{i}]."
                if (child.person_id is None) == (child.new is None):
                    errors.append(
                        FieldError(
                            prefix + "person",
                            "required",
                            "Choose an existing child or enter a new one",
                        )
                    )
                elif child.person_id is not None:
                    person = unit.session.get(Person, child.person_id)
                    if person is None or person.kind != PersonKind.CHILD:
                        errors.append(
                            FieldError(
                                prefix + "person", "exists", f"No child with id {child.person_id}"
                            )
                        )
                    elif child.person_id in seen:
                        errors.append(
                            FieldError(
                                prefix + "person",
                                "unique",
                                "The same child is on this contact twice",
                            )
                        )
                    seen.add(child.person_id)
                elif child.new is not None:
                    _, person_errors = validate_person(
                        replace(child.new, kind=PersonKind.CHILD.value), unit.today, prefix
                    )
                    errors += person_errors
                rag, reason, rag_errors = check_rag(child.rag, child.rag_reason, prefix + "rag")
                errors += rag_errors
                ratings.append((rag, reason))
                for j, consent in enumerate(child.consents):
                    errors += check_consent(unit, consent, f"{prefix}consents[{j}]")
            if errors:
                raise ValidationError(errors)

            contact = Contact(
                received_at=received_at,
                channel=new.channel,
                referral_source=new.referral_source,
                concerns=concerns,
                created_by=unit.user.id,
                created_at=unit.now,
                **referrer,
            )
            unit.session.add(contact)
            unit.session.flush()
            for code in sorted(set(new.risk_indicators)):
                unit.session.add(RiskIndicatorRow(contact_id=contact.id, code=code))
            child_ids = []
            # New children typed with the same address are one household (siblings on one
            # call), so "group by household" in the queue keeps them together.
            households: dict[tuple[str, str], int] = {}
            for i, (child, (rag, reason)) in enumerate(zip(new.children, ratings, strict=True)):
                if child.new is not None:
                    spec = replace(child.new, kind=PersonKind.CHILD.value)
                    where = (
                        (spec.address or "").strip().lower(),
                        re.sub(r"\s", "", (spec.postcode or "").upper()),
                    )
                    if spec.household_id is None and any(where) and where in households:
                        spec = replace(spec, household_id=households[where])
                    created = create_person(unit, spec, f"children[{i}].")
                    if created.household_id is not None and any(where):
                        households.setdefault(where, created.household_id)
                    person_id = created.id
                else:
                    assert child.person_id is not None
                    person_id = child.person_id
                cc = ContactChild(
                    contact_id=contact.id,
                    person_id=person_id,
                    status=WorkStatus.OPEN.value,
                    rag=rag.value if rag else None,
                    due_at=self.ctx.deadlines.decision_due(rag or UNRATED_CLOCK, received_at),
                )
                unit.session.add(cc)
                unit.session.flush()
                child_ids.append(person_id)
                if rag:
                    unit.session.add(
                        RagRating(
                            contact_child_id=cc.id,
                            value=rag.value,
                            reason=reason,
                            rated_by=unit.user.id,
                            rated_at=unit.now,
                        )
                    )
                for consent in child.consents:
                    add_consent(unit, person_id, contact.id, consent)
            unit.session.flush()
            unit.audit(
                "contact.logged",
                "contact",
                contact.id,
                person_id=child_ids[0],
                children=child_ids,
                channel=new.channel,
                source=new.referral_source,
                ratings=[r.value if r else None for r, _ in ratings],
                risk_indicators=sorted(set(new.risk_indicators)),
            )
            return OpResult(
                contact_dto(unit.session, contact),
                frozenset({"queue", f"contact:{contact.id}", *(f"person:{p}" for p in child_ids)}),
            )

    def get(self, actor: Actor, contact_id: int) -> ContactDTO:
        """Return one contact with its children."""
        with self.reading(actor, Permission.VIEW_CASE) as unit:
            contact = unit.session.get(Contact, contact_id)
            if contact is None:
                raise NotFound(f"No contact with id {contact_id}")
            return contact_dto(unit.session, contact)

    def contact_children_of(self, actor: Actor, person_id: int) -> list[int]:
        """Return ids of the child-on-contact records of a person, newest first."""
        with self.reading(actor, Permission.VIEW_CASE) as unit:
            return list(
                unit.session.scalars(
                    select(ContactChild.id)
                    .where(ContactChild.person_id == person_id)
                    .order_by(ContactChild.id.desc())
                )
            )
