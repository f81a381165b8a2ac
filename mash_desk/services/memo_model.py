"""The decision memo's model read from the database, one function per section (issue 6).

Everything is read inside the caller's unit with the prepared statements of
:mod:`mash_desk.storage.prepared_memo`: about twenty small reads, one per table, whatever the
child's history (issue 16: the memo used to build the whole case view to print a tenth of it).
The caller checks the permission and writes the access-log row.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from mash_desk.documents.models import (
    ActionEntry,
    AgencyReturn,
    AmendmentEntry,
    ContactSummary,
    DecisionMemo,
    DocumentKind,
    EscalationEntry,
    InformedEntry,
    RagEntry,
    ReferralSummary,
    SharingEntry,
    SignOff,
    Supersession,
    ThresholdIndicator,
    ThresholdSummary,
)
from mash_desk.domain.enums import PRIMARY_NEEDS, REFERRAL_SOURCES, RISK_INDICATORS
from mash_desk.domain.errors import NotFound
from mash_desk.domain.meetings import (
    PATHWAY_LABELS,
    ActionStatus,
    DecisionOutcome,
    DecisionStatus,
    Pathway,
)
from mash_desk.domain.thresholds import suggest
from mash_desk.services.context import ServiceContext, Unit
from mash_desk.services.document_parts import (
    UNKNOWN_AGENCY,
    UNKNOWN_USER,
    agency_recipient,
    document_meta,
)
from mash_desk.services.meetings import meeting_policy
from mash_desk.services.memo_child import child_details, consents, household, read_child
from mash_desk.storage import prepared_memo as q

MASH_CASE_FILE = "MASH case file"


class Version(NamedTuple):
    """One version of the referral's decision, as DECISION_VERSIONS reads it."""

    id: int
    revision: int
    status: str
    outcome: str
    level: int
    signed_at: datetime | None
    signed_by_name: str | None
    amendment_reason: str | None
    meeting_id: int | None
    rationale: str
    allocated_team: str | None
    allocated_worker: str | None
    s47_started_on: Any
    drafted_by_name: str | None
    drafted_at: datetime
    inform_family: str | None
    inform_referrer: str | None
    inform_professionals: str | None
    assessment_id: int
    document_id: str
    document_version: str
    outcome_level_reason: str | None
    referral_id: int
    person_id: int
    signed_by: int | None

    @property
    def reference(self) -> str:
        """The memo reference of this version (the case file's)."""
        return f"MASH/DM/{self.id}/{self.revision}"

    @property
    def signer(self) -> str | None:
        """Who signed it, by name (None: not signed)."""
        return None if self.signed_by is None else (self.signed_by_name or UNKNOWN_USER)


class Referral(NamedTuple):
    """The referral the decision is about and the contact it came from."""

    id: int
    referral_at: datetime
    primary_need: str
    decision_due_at: datetime
    rag: str | None
    contact_child_id: int
    contact_id: int
    received_at: datetime
    channel: str
    referrer_name: str | None
    referrer_role: str | None
    referrer_agency: str | None
    referral_source: str
    concerns: str


def read_versions(unit: Unit, decision_id: int) -> tuple[list[Version], Version]:
    """Every version of the decision's referral (first first) and the one asked for."""
    versions = [Version(*row) for row in q.DECISION_VERSIONS.all(unit.sql, decision_id=decision_id)]
    asked = next((v for v in versions if v.id == decision_id), None)
    if asked is None:
        raise NotFound(f"No decision {decision_id}")
    return versions, asked


def supersession(versions: list[Version], d: Version) -> Supersession | None:
    """The newest signed version after ``d``, if ``d`` has been amended."""
    later = [
        v for v in versions if v.revision > d.revision and v.status == DecisionStatus.SIGNED.value
    ]
    if not later:
        return None
    newest = later[-1]
    return Supersession(
        revision=newest.revision,
        decision_id=newest.id,
        reference=newest.reference,
        signed_at=newest.signed_at,
        signed_by=newest.signer,
        reason=newest.amendment_reason,
    )


def build_memo(
    unit: Unit,
    ctx: ServiceContext,
    versions: list[Version],
    d: Version,
    recipient_code: str | None,
) -> DecisionMemo:
    """The memo of version ``d``, for the case file or (``recipient_code``) one agency."""
    recipient = agency_recipient(unit, recipient_code)
    found = q.REFERRAL_AND_CONTACT.first(unit.sql, referral_id=d.referral_id)
    assert found is not None  # a decision's referral is a foreign key
    referral = Referral(*found)
    child, address = read_child(unit, d.person_id)
    returns, sharing = _agency_information(unit, d.referral_id, recipient)
    return DecisionMemo(
        meta=document_meta(
            unit,
            ctx,
            DocumentKind.DECISION_MEMO,
            "MASH decision memo",
            d.reference + (f"/{recipient_code.upper()}" if recipient_code else ""),
            recipient[1] if recipient else MASH_CASE_FILE,
            draft=d.status != DecisionStatus.SIGNED.value,
        ),
        decision_id=d.id,
        referral_id=d.referral_id,
        revision=d.revision,
        status=d.status,
        child=child_details(unit, child, address, referral.id, referral.referral_at),
        household=household(unit, child),
        contact=_contact(unit, referral),
        referral=_referral(referral),
        agency_scope=_scope(recipient),
        agency_returns=returns,
        rag_history=_rag_history(unit, referral.contact_child_id),
        threshold=_threshold(unit, ctx, d),
        outcome=DecisionOutcome(d.outcome).label,
        rationale=d.rationale,
        pathways=tuple(
            PATHWAY_LABELS[Pathway(p)] for (p,) in q.PATHWAYS.all(unit.sql, decision_id=d.id)
        ),
        allocated_team=d.allocated_team,
        allocated_worker=d.allocated_worker,
        s47_started_on=d.s47_started_on,
        consents=consents(unit, child.id),
        sharing=sharing,
        actions=_actions(unit, d.id),
        informed=_informed(unit, d),
        escalations=_escalations(unit, ctx, d.id),
        sign_off=_sign_off(unit, d),
        amendments=tuple(_amendment(v) for v in versions if v.revision <= d.revision),
        superseded_by=supersession(versions, d),
    )


def _contact(unit: Unit, r: Referral) -> ContactSummary:
    referrer = (r.referrer_name, r.referrer_role, r.referrer_agency)
    return ContactSummary(
        contact_id=r.contact_id,
        received_at=r.received_at,
        channel=r.channel.replace("_", " ").capitalize(),
        referrer=", ".join(x for x in referrer if x) or "Not named",
        source=REFERRAL_SOURCES.get(r.referral_source, r.referral_source),
        concerns=r.concerns,
        risk_indicators=tuple(
            RISK_INDICATORS.get(code, code)
            for (code,) in q.RISK_INDICATORS.all(unit.sql, contact_id=r.contact_id)
        ),
    )


def _referral(r: Referral) -> ReferralSummary:
    return ReferralSummary(
        referral_id=r.id,
        referral_at=r.referral_at,
        primary_need=f"{r.primary_need} " + PRIMARY_NEEDS.get(r.primary_need, ""),
        decision_due_at=r.decision_due_at,
        rag=r.rag,
    )


def _scope(recipient: tuple[int, str] | None) -> str:
    if recipient is None:
        return "MASH case file: every agency's checks and returns are shown."
    return (
        f"Prepared for {recipient[1]}: only that agency's own checks and returns are shown. "
        "Other agencies' information is held by the MASH."
    )


def _agency_information(
    unit: Unit, referral_id: int, recipient: tuple[int, str] | None
) -> tuple[tuple[AgencyReturn, ...], tuple[SharingEntry, ...]]:
    """What each agency returned, and what was shared with it; for an agency, its own only."""
    checks = q.AGENCY_CHECKS.all(unit.sql, referral_id=referral_id)
    if recipient is not None:
        checks = [c for c in checks if c[0] == recipient[0]]
    returns = []
    sharing = []
    for _, agency, question, status, nothing, finding, withdrawn, asked, returned, by in checks:
        agency = agency or UNKNOWN_AGENCY
        if status == "returned":
            answer = "Nothing known" if nothing else (finding or "")
        elif status == "withdrawn":
            answer = f"Withdrawn: {withdrawn or ''}".strip()
        else:
            answer = ""
        returns.append(AgencyReturn(agency, question, status, answer, asked, returned))
        sharing.append(SharingEntry(agency, asked, question, by or UNKNOWN_USER))
    return tuple(returns), tuple(sharing)


def _rag_history(unit: Unit, contact_child_id: int) -> tuple[RagEntry, ...]:
    return tuple(
        RagEntry(at, value, reason, by or UNKNOWN_USER)
        for at, value, reason, by in q.RAG_RATINGS.all(unit.sql, contact_child_id=contact_child_id)
    )


def _threshold(unit: Unit, ctx: ServiceContext, d: Version) -> ThresholdSummary:
    """The level as decided, the indicators ticked, in the words of the version used."""
    library = ctx.thresholds.library(unit.conn)
    row = q.ASSESSMENT.first(unit.sql, assessment_id=d.assessment_id)
    assert row is not None  # a decision's assessment is a foreign key
    document_id, version, suggested, chosen, override, rationale = row
    # The assessment is described against its own document version (services.thresholds).
    assessed = library.get((document_id, version))
    ticked = [i for (i,) in q.TICKED.all(unit.sql, assessment_id=d.assessment_id)]
    shown = suggest(assessed, [i for i in ticked if assessed.has_indicator(i)])
    return ThresholdSummary(
        level=d.level,
        level_label=assessed.level(chosen).label,
        document_title=assessed.title,
        document_id=d.document_id,
        document_version=d.document_version,
        suggested_level=suggested,
        override=override,
        level_rationale=rationale,
        indicators=tuple(ThresholdIndicator(i.level, i.domain.name, i.text) for i in shown.ticked),
        consent_rule=library.get((d.document_id, d.document_version)).level(d.level).consent.text,
        pathways_raised=tuple(p.pathway.name for p in shown.pathways),
        outcome_level_reason=d.outcome_level_reason,
    )


def _actions(unit: Unit, decision_id: int) -> tuple[ActionEntry, ...]:
    found = []
    for text, agency_id, agency, user, due, status, user_id in q.ACTIONS.all(
        unit.sql, decision_id=decision_id
    ):
        # The owning agency, or else the owning worker.
        if agency_id is not None:
            owner = agency or ""
        else:
            owner = "" if user_id is None else (user or UNKNOWN_USER)
        found.append(ActionEntry(text, owner, due, ActionStatus(status)))
    return tuple(found)


def _informed(unit: Unit, d: Version) -> tuple[InformedEntry, ...]:
    """Who was told of the decision: as recorded on it, the referrer's feedback, routings."""
    found = [
        InformedEntry(party, text, "as recorded on the decision", None)
        for party, text in (
            ("Family", d.inform_family),
            ("Referrer", d.inform_referrer),
            ("Professionals", d.inform_professionals),
        )
        if text
    ]
    for sent_at, method, due_at in q.FEEDBACK.all(unit.sql, decision_id=d.id):
        if sent_at is not None:
            how = method.replace("_", " ") if method else ""
            found.append(InformedEntry("Referrer", "Outcome feedback sent", how, sent_at))
        else:
            waiting = f"Outcome feedback not sent yet (due {due_at:%d %b %Y %H:%M} UTC)"
            found.append(InformedEntry("Referrer", waiting, "", None))
    for routing_id, to, party, who, method, at in q.ROUTINGS_INFORMED.all(
        unit.sql, decision_id=d.id
    ):
        where = f"{who} (routing {routing_id} to {to or ''})"
        found.append(InformedEntry(party.capitalize(), where, method.replace("_", " "), at))
    return tuple(found)


def _escalations(unit: Unit, ctx: ServiceContext, decision_id: int) -> tuple[EscalationEntry, ...]:
    policy = meeting_policy(ctx)
    return tuple(
        EscalationEntry(
            agency=agency or UNKNOWN_AGENCY,
            reason=reason,
            raised_at=raised_at,
            stage=stage,
            stage_name=policy.stage(stage).name,
            status=status,
            due_at=due_at,
            resolution=resolution,
        )
        for agency, reason, raised_at, stage, status, due_at, resolution in q.ESCALATIONS.all(
            unit.sql, decision_id=decision_id
        )
    )


def _sign_off(unit: Unit, d: Version) -> SignOff:
    meeting = q.MEETING.first(unit.sql, meeting_id=d.meeting_id) if d.meeting_id else None
    if meeting is not None:
        meeting_date, chair, chair_id = meeting
        chair = "" if chair_id is None else (chair or UNKNOWN_USER)
        where = f"Daily MASH meeting {meeting_date:%a %d %b %Y}, chair {chair}"
    else:
        where = "Between meetings (red referral), signed by a manager"
    return SignOff(
        drafted_by=d.drafted_by_name or UNKNOWN_USER,
        drafted_at=d.drafted_at,
        signed_by=d.signer,
        signed_at=d.signed_at,
        where=where,
    )


def _amendment(v: Version) -> AmendmentEntry:
    return AmendmentEntry(
        revision=v.revision,
        decision_id=v.id,
        status=v.status,
        signed_at=v.signed_at,
        signed_by=v.signer,
        outcome=DecisionOutcome(v.outcome).label,
        level=v.level,
        reason=v.amendment_reason,
    )
