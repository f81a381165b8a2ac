"""The decision memo's reads and the issuing writes, as prepared statements (issue 16).

A memo printed straight after the meeting used to build the child's whole case view (the
chronology, deadlines, strategy discussions: about 70 ORM statements, each compiled again by
every new desk) to print a tenth of it. These statements read only what the memo prints, one
statement per table (names of users and agencies joined in, not looked up one by one), and are
compiled once per process and dialect (:mod:`mash_desk.storage.prepared`), so a memo costs a
couple of dozen small reads whatever the child's history.
"""

from __future__ import annotations

from sqlalchemy import bindparam, func, insert, or_, select
from sqlalchemy.orm import aliased

from mash_desk.storage.models import (
    Agency,
    AgencyCheckRequest,
    AssessmentIndicator,
    Consent,
    Contact,
    ContactChild,
    Decision,
    DecisionAction,
    DecisionPathway,
    DocumentOutput,
    Escalation,
    Household,
    IssuedDocument,
    Meeting,
    Person,
    RagRating,
    Referral,
    ReferrerFeedback,
    Relationship,
    RiskIndicatorRow,
    Routing,
    RoutingInforming,
    ServiceEpisode,
    ThresholdAssessment,
    User,
)
from mash_desk.storage.prepared import Prepared

_Signer = aliased(User)
_Drafter = aliased(User)
_Worker = aliased(User)
_Asked = aliased(Decision)

DECISION_VERSIONS = Prepared(
    select(
        Decision.id,
        Decision.revision,
        Decision.status,
        Decision.outcome,
        Decision.level,
        Decision.signed_at,
        _Signer.display_name,
        Decision.amendment_reason,
        Decision.meeting_id,
        Decision.rationale,
        Decision.allocated_team,
        _Worker.display_name,
        Decision.s47_started_on,
        _Drafter.display_name,
        Decision.drafted_at,
        Decision.inform_family,
        Decision.inform_referrer,
        Decision.inform_professionals,
        Decision.assessment_id,
        Decision.document_id,
        Decision.document_version,
        Decision.outcome_level_reason,
        Decision.referral_id,
        Decision.person_id,
        Decision.signed_by,
    )
    .outerjoin(_Signer, _Signer.id == Decision.signed_by)
    .outerjoin(_Worker, _Worker.id == Decision.allocated_worker_id)
    .outerjoin(_Drafter, _Drafter.id == Decision.drafted_by)
    .where(
        Decision.referral_id
        == select(_Asked.referral_id).where(_Asked.id == bindparam("decision_id")).scalar_subquery()
    )
    .order_by(Decision.revision)
)
"""Every version of the decision's referral, first first, with its people's names."""

PATHWAYS = Prepared(
    select(DecisionPathway.pathway)
    .where(DecisionPathway.decision_id == bindparam("decision_id"))
    .order_by(DecisionPathway.id)
)
ACTIONS = Prepared(
    select(
        DecisionAction.description,
        DecisionAction.owner_agency_id,
        Agency.name,
        User.display_name,
        DecisionAction.due_on,
        DecisionAction.status,
        DecisionAction.owner_user_id,
    )
    .outerjoin(Agency, Agency.id == DecisionAction.owner_agency_id)
    .outerjoin(User, User.id == DecisionAction.owner_user_id)
    .where(DecisionAction.decision_id == bindparam("decision_id"))
    .order_by(DecisionAction.id)
)
REFERRAL_AND_CONTACT = Prepared(
    select(
        Referral.id,
        Referral.referral_at,
        Referral.primary_need,
        Referral.decision_due_at,
        Referral.rag,
        ContactChild.id,
        Contact.id,
        Contact.received_at,
        Contact.channel,
        Contact.referrer_name,
        Contact.referrer_role,
        Contact.referrer_agency,
        Contact.referral_source,
        Contact.concerns,
    )
    .join(ContactChild, ContactChild.id == Referral.contact_child_id)
    .join(Contact, Contact.id == ContactChild.contact_id)
    .where(Referral.id == bindparam("referral_id"))
)
RISK_INDICATORS = Prepared(
    select(RiskIndicatorRow.code)
    .where(RiskIndicatorRow.contact_id == bindparam("contact_id"))
    .order_by(RiskIndicatorRow.code)
)
RAG_RATINGS = Prepared(
    select(RagRating.rated_at, RagRating.value, RagRating.reason, User.display_name)
    .outerjoin(User, User.id == RagRating.rated_by)
    .where(RagRating.contact_child_id == bindparam("contact_child_id"))
    .order_by(RagRating.rated_at, RagRating.id)
)
AGENCY_CHECKS = Prepared(
    select(
        AgencyCheckRequest.agency_id,
        Agency.name,
        AgencyCheckRequest.question,
        AgencyCheckRequest.status,
        AgencyCheckRequest.nothing_known,
        AgencyCheckRequest.finding,
        AgencyCheckRequest.withdrawal_reason,
        AgencyCheckRequest.requested_at,
        AgencyCheckRequest.returned_at,
        User.display_name,
    )
    .outerjoin(Agency, Agency.id == AgencyCheckRequest.agency_id)
    .outerjoin(User, User.id == AgencyCheckRequest.requested_by)
    .where(AgencyCheckRequest.referral_id == bindparam("referral_id"))
    .order_by(AgencyCheckRequest.requested_at, AgencyCheckRequest.id)
)
ASSESSMENT = Prepared(
    select(
        ThresholdAssessment.document_id,
        ThresholdAssessment.document_version,
        ThresholdAssessment.suggested_level,
        ThresholdAssessment.chosen_level,
        ThresholdAssessment.override,
        ThresholdAssessment.rationale,
    ).where(ThresholdAssessment.id == bindparam("assessment_id"))
)
TICKED = Prepared(
    select(AssessmentIndicator.indicator_id).where(
        AssessmentIndicator.assessment_id == bindparam("assessment_id")
    )
)
ESCALATIONS = Prepared(
    select(
        Agency.name,
        Escalation.reason,
        Escalation.raised_at,
        Escalation.stage,
        Escalation.status,
        Escalation.due_at,
        Escalation.resolution,
    )
    .outerjoin(Agency, Agency.id == Escalation.agency_id)
    .where(Escalation.decision_id == bindparam("decision_id"))
    .order_by(Escalation.raised_at, Escalation.id)
)
MEETING = Prepared(
    select(Meeting.meeting_date, User.display_name, Meeting.chair_id)
    .outerjoin(User, User.id == Meeting.chair_id)
    .where(Meeting.id == bindparam("meeting_id"))
)
FEEDBACK = Prepared(
    select(ReferrerFeedback.sent_at, ReferrerFeedback.method, ReferrerFeedback.due_at)
    .where(ReferrerFeedback.decision_id == bindparam("decision_id"))
    .order_by(ReferrerFeedback.due_at, ReferrerFeedback.id)
)
ROUTINGS_INFORMED = Prepared(
    select(
        Routing.id,
        Agency.name,
        RoutingInforming.party,
        RoutingInforming.who,
        RoutingInforming.method,
        RoutingInforming.informed_at,
    )
    .join(RoutingInforming, RoutingInforming.routing_id == Routing.id)
    .outerjoin(Agency, Agency.id == Routing.to_agency_id)
    .where(Routing.decision_id == bindparam("decision_id"))
    .order_by(Routing.created_at, Routing.id, RoutingInforming.id)
)
"""Who was told of each routing that followed the decision, routings oldest first."""

# A person in PersonDTO's field order: the memo and the people service build the DTO from it.
PERSON_COLUMNS = (
    Person.id,
    Person.kind,
    Person.given_name,
    Person.family_name,
    Person.date_of_birth,
    Person.expected_delivery,
    Person.sex,
    Person.nhs_number,
    Person.upn,
    Person.local_id,
    Person.household_id,
    Household.postcode,
    Person.disability,
    Person.version,
)
"""A person as ``PersonDTO`` takes it, field for field."""

CHILD = Prepared(
    select(*PERSON_COLUMNS, Person.merged_into, Household.address)
    .outerjoin(Household, Household.id == Person.household_id)
    .where(Person.id == bindparam("person_id"))
)
OPEN_SERVICES = Prepared(
    select(ServiceEpisode.service, ServiceEpisode.team, ServiceEpisode.started_on)
    .where(
        ServiceEpisode.person_id == bindparam("person_id"),
        ServiceEpisode.started_on <= bindparam("today"),
    )
    .where(ServiceEpisode.ended_on.is_(None) | (ServiceEpisode.ended_on > bindparam("today")))
    .order_by(ServiceEpisode.started_on)
)
REFERRAL_TIMES = Prepared(
    select(Referral.id, Referral.referral_at).where(Referral.person_id == bindparam("person_id"))
)
RELATIONSHIPS = Prepared(
    select(Relationship.person_id, Relationship.related_id, Relationship.kind)
    .where(
        or_(
            Relationship.person_id == bindparam("person_id"),
            Relationship.related_id == bindparam("person_id"),
        )
    )
    .order_by(Relationship.id)
)
_related = (
    select(Relationship.related_id)
    .where(Relationship.person_id == bindparam("person_id"))
    .union(select(Relationship.person_id).where(Relationship.related_id == bindparam("person_id")))
)
HOUSEHOLD = Prepared(
    select(*PERSON_COLUMNS)
    .outerjoin(Household, Household.id == Person.household_id)
    .where(
        or_(Person.id.in_(_related), Person.household_id == bindparam("household_id")),
        Person.id != bindparam("person_id"),
    )
)
"""Everyone linked to the child or at the child's address (the child left out)."""

_Approver = aliased(User)
CONSENTS = Prepared(
    select(
        Consent.purpose,
        Consent.state,
        Consent.reason,
        Consent.lawful_basis,
        Consent.approved_by,
        _Approver.display_name,
        User.display_name,
        Consent.recorded_at,
    )
    .outerjoin(_Approver, _Approver.id == Consent.approved_by)
    .outerjoin(User, User.id == Consent.recorded_by)
    .where(Consent.person_id == bindparam("person_id"))
    .order_by(Consent.recorded_at.desc(), Consent.id.desc())
)
ACTIVE_AGENCY = Prepared(
    select(Agency.id, Agency.name).where(Agency.code == bindparam("code"), Agency.active)
)
DISPLAY_NAME = Prepared(select(User.display_name).where(User.id == bindparam("user_id")))

# ---- issuing -----------------------------------------------------------------------------

_Copy = aliased(IssuedDocument)
ORIGINAL = Prepared(
    select(
        IssuedDocument.id,
        IssuedDocument.model,
        select(func.max(_Copy.copy_number))
        .where(_Copy.copy_of_id == IssuedDocument.id)
        .scalar_subquery(),
    ).where(
        IssuedDocument.kind == bindparam("kind"),
        IssuedDocument.subject == bindparam("subject"),
        IssuedDocument.recipient == bindparam("recipient"),
        IssuedDocument.copy_of_id.is_(None),
    )
)
"""The original issue of a document for a recipient, and the highest copy number so far."""

_ISSUED_COLUMNS = (
    "kind",
    "subject",
    "recipient",
    "decision_id",
    "revision",
    "meeting_id",
    "routing_id",
    "person_id",
    "reference",
    "copy_of_id",
    "copy_number",
    "sha256",
    "size",
    "model",
    "issued_by",
    "issued_at",
)
INSERT_ISSUED = Prepared(
    insert(IssuedDocument)
    .values({c: bindparam(c) for c in _ISSUED_COLUMNS})
    .returning(IssuedDocument.id)
)
ISSUED_FOR_OUTPUT = Prepared(
    select(
        IssuedDocument.kind,
        IssuedDocument.sha256,
        IssuedDocument.reference,
        IssuedDocument.person_id,
    ).where(IssuedDocument.id == bindparam("document_id"))
)
INSERT_OUTPUT = Prepared(
    insert(DocumentOutput)
    .values(
        {
            c: bindparam(c)
            for c in ("document_id", "action", "destination", "sha256", "output_by", "output_at")
        }
    )
    .returning(DocumentOutput.id)
)
