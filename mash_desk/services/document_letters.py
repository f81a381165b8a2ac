"""The referrer's outcome letter and the routing notices, built from the database (issue 6).

Each builder reads inside the caller's write unit and writes the access-log row of the child
the document shows; :class:`mash_desk.services.documents.DocumentService` checks who may.
"""

from __future__ import annotations

from sqlalchemy import select

from mash_desk.documents.models import (
    DocumentKind,
    InformedEntry,
    ReferrerLetter,
    RoutingNotice,
)
from mash_desk.documents.wording import (
    family_routing_sections,
    family_routing_title,
    professional_routing_sections,
    referrer_sections,
)
from mash_desk.domain.errors import NotFound
from mash_desk.domain.meetings import DecisionOutcome
from mash_desk.domain.routing import RoutingKind
from mash_desk.services.access import record_access
from mash_desk.services.context import ServiceContext, Unit
from mash_desk.services.document_parts import (
    ACCESS,
    Names,
    agencies,
    born,
    check_audience,
    decision_row,
    document_meta,
    require_signed,
)
from mash_desk.storage.models import (
    Contact,
    ContactChild,
    Person,
    Referral,
    Routing,
    RoutingInforming,
    User,
)


def build_letter(unit: Unit, ctx: ServiceContext, decision_id: int) -> ReferrerLetter:
    """The referrer's outcome letter of a signed decision version (the access row written)."""
    row = decision_row(unit, decision_id)
    require_signed(row.status)
    referral = unit.session.get(Referral, row.referral_id)
    assert referral is not None
    contact = unit.session.scalar(
        select(Contact)
        .join(ContactChild, ContactChild.contact_id == Contact.id)
        .where(ContactChild.id == referral.contact_child_id)
    )
    person = unit.session.get(Person, row.person_id)
    assert contact is not None and person is not None
    names = Names(unit)
    tz = ctx.tz
    outcome = DecisionOutcome(row.outcome)
    assert row.signed_at is not None
    decided = row.signed_at.astimezone(tz).date()
    signer = unit.session.get(User, row.signed_by)
    role = {"chair": "Daily meeting chair", "manager": "Team manager, MASH"}.get(
        signer.role_code if signer else "", "MASH"
    )
    letter = ReferrerLetter(
        meta=document_meta(
            unit,
            ctx,
            DocumentKind.REFERRER_LETTER,
            "Referral outcome",
            f"MASH/RL/{row.id}/{row.revision}",
            "The referrer",
        ),
        decision_id=row.id,
        revision=row.revision,
        to_name=contact.referrer_name or "Referrer",
        to_role=contact.referrer_role,
        to_agency=contact.referrer_agency,
        child_name=f"{person.given_name} {person.family_name.upper()}",
        child_born=born(person.date_of_birth, person.expected_delivery),
        contact_received_at=contact.received_at,
        decided_on=decided,
        outcome=outcome.label,
        sections=referrer_sections(
            outcome,
            outcome.label,
            f"{contact.received_at.astimezone(tz):%d %B %Y}",
            f"{decided:%d %B %Y}",
            row.allocated_team,
        ),
        signed_by=names(row.signed_by),
        signed_role=role,
    )
    record_access(unit, row.person_id, ACCESS[DocumentKind.REFERRER_LETTER], letter.meta.reference)
    return letter


def build_notice(unit: Unit, ctx: ServiceContext, routing_id: int, audience: str) -> RoutingNotice:
    """A routing's notice for professionals or the family (the access row written)."""
    check_audience(audience)
    row = unit.session.get(Routing, routing_id)
    if row is None:
        raise NotFound(f"No routing {routing_id}")
    person = unit.session.get(Person, row.person_id)
    assert person is not None
    agency_names = agencies(unit)
    kind = RoutingKind(row.kind)
    kind_label = {"step_up": "Step-up", "step_down": "Step-down", "transfer": "Transfer"}[
        kind.value
    ]
    to_service = agency_names.name(row.to_agency_id)
    family = audience == "family"
    child = f"{person.given_name} {person.family_name.upper()}"
    consent = {True: "Given", False: "Refused", None: "Not recorded"}[row.family_consent]
    if family:
        title = family_routing_title(kind.value)
        sections = family_routing_sections(
            kind.value,
            person.given_name,
            to_service,
            kind is RoutingKind.STEP_DOWN,
            row.childrens_centre_offer,
        )
    else:
        title = f"{kind_label} notification"
        sections = professional_routing_sections(kind.value, to_service)
    notice = RoutingNotice(
        meta=document_meta(
            unit,
            ctx,
            DocumentKind.ROUTING_NOTICE,
            title,
            f"MASH/RN/{row.id}/{'F' if family else 'P'}",
            "The child's parents or carers" if family else "Professionals involved",
        ),
        routing_id=row.id,
        audience=audience,
        kind_label=kind_label,
        child_name=child,
        child_born=born(person.date_of_birth, person.expected_delivery),
        from_service=agency_names.name(row.from_agency_id),
        to_service=to_service,
        to_team=row.to_team,
        level_before=None if family else row.level_before,
        level_after=row.level_after,
        # The family's letter never repeats the professional reasons: they may carry
        # agency information the family is not told.
        reason=None if family else row.reason,
        handover_summary=None if family else row.handover_summary,
        family_consent=consent,
        childrens_centre_offer=row.childrens_centre_offer,
        informed=()
        if family
        else tuple(
            InformedEntry(i.party.capitalize(), i.who, i.method.replace("_", " "), i.informed_at)
            for i in unit.session.scalars(
                select(RoutingInforming)
                .where(RoutingInforming.routing_id == row.id)
                .order_by(RoutingInforming.id)
            )
        ),
        sections=sections,
    )
    record_access(unit, row.person_id, ACCESS[DocumentKind.ROUTING_NOTICE], notice.meta.reference)
    return notice
