"""Record per-child contact outcomes, including progress to a MASH referral."""

from __future__ import annotations

from dataclasses import dataclass

from mash_desk.domain.enums import PRIMARY_NEEDS, REFERRAL_SOURCES, ContactOutcome, WorkStatus
from mash_desk.domain.errors import FieldError, ValidationError
from mash_desk.domain.outcomes import apply_under_five_rule, check_outcomes, is_under_five
from mash_desk.domain.permissions import Permission
from mash_desk.domain.text import clean_narrative
from mash_desk.services.context import Service
from mash_desk.services.dto import Actor, ContactChildDTO, OpResult, ReferralDTO
from mash_desk.services.inputs import OutcomeInput
from mash_desk.services.mapping import contact_child_dto, referral_dto
from mash_desk.storage.models import Contact, ContactChild, ContactOutcomeRow, Person, Referral


@dataclass(frozen=True)
class OutcomeResult:
    """The child's record after the outcome, and the referral if one was made."""

    contact_child: ContactChildDTO
    referral: ReferralDTO | None


class OutcomeService(Service):
    """Close a child's contact with outcomes, or progress it to a referral."""

    def record(
        self, actor: Actor, contact_child_id: int, expected_version: int, given: OutcomeInput
    ) -> OpResult[OutcomeResult]:
        """Record outcomes for one child; applies the NFA and under-5 rules."""
        errors: list[FieldError] = []
        outcomes: set[ContactOutcome] = set()
        for value in given.outcomes:
            try:
                outcomes.add(ContactOutcome(value))
            except ValueError:
                errors.append(FieldError("outcomes", "choice", f"Unknown outcome {value!r}"))
        errors += check_outcomes(outcomes) if not errors else []
        reason, problem = clean_narrative(
            given.no_offer_reason, "no_offer_reason", "Reason no children's-centre offer is made"
        )
        errors += [problem] if problem else []
        referral_in = given.referral
        if ContactOutcome.REFERRAL in outcomes:
            if referral_in is None or referral_in.primary_need not in PRIMARY_NEEDS:
                errors.append(
                    FieldError(
                        "primary_need",
                        "cin_code",
                        "A referral needs its primary need (CIN code N0–N9)",
                    )
                )
            if referral_in and referral_in.source and referral_in.source not in REFERRAL_SOURCES:
                errors.append(
                    FieldError(
                        "referral_source",
                        "cin_code",
                        f"Referral source {referral_in.source!r} is not a CIN census code",
                    )
                )
        if errors:
            raise ValidationError(errors)

        with self.writing(actor, Permission.RECORD_OUTCOME) as unit:
            cc = unit.load(
                ContactChild,
                contact_child_id,
                what="contact",
                expected_version=expected_version,
                missing=f"No child-on-contact record {contact_child_id}",
                status=WorkStatus.OPEN.value,
                wrong_status=FieldError(
                    "outcomes",
                    "open",
                    "Outcomes were already recorded for this child on this contact",
                ),
            )
            person = unit.session.get(Person, cc.person_id)
            contact = unit.session.get(Contact, cc.contact_id)
            assert person is not None and contact is not None
            under_five = is_under_five(person.date_of_birth, person.expected_delivery, unit.today)
            final, notices, problems = apply_under_five_rule(outcomes, under_five, reason)
            if problems:
                raise ValidationError(problems)
            for outcome in sorted(final):
                unit.session.add(
                    ContactOutcomeRow(
                        contact_child_id=cc.id,
                        outcome=outcome.value,
                        recorded_by=unit.user_id,
                        recorded_at=unit.now,
                    )
                )
            cc.no_offer_reason = reason
            referral = None
            if ContactOutcome.REFERRAL in final:
                assert referral_in is not None
                cc.status = WorkStatus.REFERRED.value
                referral = Referral(
                    contact_child_id=cc.id,
                    person_id=cc.person_id,
                    referral_at=unit.now,
                    source=referral_in.source or contact.referral_source,
                    primary_need=referral_in.primary_need,
                    status=WorkStatus.AWAITING_DECISION.value,
                    rag=cc.rag,
                    # National rule: decide within one working day of the referral (Working
                    # Together 2023); single assessment within 45 working days.
                    decision_due_at=self.ctx.deadlines.referral_decision_due(unit.now),
                    assessment_due_at=self.ctx.deadlines.assessment_due(unit.now),
                    created_by=unit.user_id,
                )
                unit.session.add(referral)
            else:
                cc.status = WorkStatus.CLOSED.value
            cc.closed_at = unit.now
            unit.session.flush()
            unit.audit(
                "contact.outcome_recorded",
                "contact_child",
                cc.id,
                person_id=cc.person_id,
                outcomes=sorted(o.value for o in final),
                under_five_rule_applied=bool(notices),
                no_offer_reason=reason,
            )
            if referral is not None:
                unit.audit(
                    "referral.created",
                    "referral",
                    referral.id,
                    person_id=cc.person_id,
                    source=referral.source,
                    primary_need=referral.primary_need,
                    decision_due_at=referral.decision_due_at.isoformat(),
                )
            result = OutcomeResult(
                contact_child_dto(unit.session, cc), referral_dto(referral) if referral else None
            )
            return OpResult(
                result,
                frozenset({"queue", f"contact:{cc.contact_id}", f"person:{cc.person_id}"}),
                tuple(notices),
            )
