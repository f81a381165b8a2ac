"""Who may close a contact, and the consent a threshold level needs (domain brief §4–§6).

Kept apart from :mod:`mash_desk.domain.outcomes` because the threshold engine imports that
module (for the under-5 test), and these rules need the engine's consent rules.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from mash_desk.domain.enums import ConsentPurpose, ConsentState, ContactOutcome
from mash_desk.domain.errors import FieldError
from mash_desk.domain.outcomes import SOCIAL_CARE_OUTCOMES
from mash_desk.domain.thresholds import ConsentRule


def check_red_nfa(
    outcomes: Collection[ContactOutcome], rag: str | None, may_authorise: bool
) -> FieldError | None:
    """Refuse NFA on a red contact unless the person recording it may authorise decisions.

    A red rating says the child may be at risk of significant harm now; closing that with no
    further action is a manager's decision (domain brief §4, §5), so a practitioner asks the
    team manager, who records it. Design choice: the manager records the NFA themselves
    rather than a practitioner's NFA waiting in a second "authorise" step, which needs no new
    state and leaves one audit row naming the manager.
    """
    if rag != "red" or ContactOutcome.NFA not in outcomes or may_authorise:
        return None
    return FieldError(
        "outcomes",
        "manager_authorises_red_nfa",
        "This contact is rated red: a manager must authorise no further action, so ask your "
        "team manager to record it (or re-rate the contact with a reason first)",
    )


def check_consent(
    outcomes: Collection[ContactOutcome],
    level_label: str | None,
    rule: ConsentRule | None,
    recorded: Mapping[str, str],
    reason: str | None,
) -> list[FieldError]:
    """Check the consent the child's threshold level needs for the outcomes chosen (§6).

    ``rule`` is the consent rule of the child's provisional level (None when the child has
    not been screened: nothing is known to check against). ``recorded`` maps consent purposes
    to their latest recorded states on this contact. Level 2 early help is consent-based: no
    family consent, no early help. At Level 3 a referral needs consent to assessment at least
    sought (a refusal is recorded and the referral goes on, so the meeting re-checks for
    significant harm). At Level 4 a referral may proceed without consent, with the reason.
    """
    if rule is None:
        return []
    label = level_label or "This level"
    early_help_consent = recorded.get(ConsentPurpose.EARLY_HELP.value)
    if (
        rule is ConsentRule.REQUIRED
        and ContactOutcome.EARLY_HELP in outcomes
        and early_help_consent != ConsentState.GIVEN.value
    ):
        return [
            FieldError(
                "consent",
                "early_help_needs_consent",
                f"{label}: early help needs the family's consent, and consent to early help "
                "is not recorded as given on this contact: record it on the contact first, "
                "or choose another outcome",
            )
        ]
    if rule is ConsentRule.SOUGHT and ContactOutcome.REFERRAL in outcomes:
        state = recorded.get(ConsentPurpose.ASSESSMENT.value)
        if state not in _SOUGHT_STATES:
            return [
                FieldError(
                    "consent",
                    "assessment_consent_sought",
                    f"{label}: consent to an assessment must be sought before a referral; it is "
                    "not recorded as sought, given or refused on this contact",
                )
            ]
    if rule is ConsentRule.MAY_PROCEED_WITHOUT and outcomes_need_action(outcomes):
        state = recorded.get(ConsentPurpose.SHARE_INFORMATION.value)
        if state != ConsentState.GIVEN.value and not reason:
            return [
                FieldError(
                    "consent_reason",
                    "reason_without_consent",
                    f"{label}: you may proceed without consent to share information, but the "
                    "reason must be recorded",
                )
            ]
    return []


# A referral at Level 3 goes on once consent has been asked for, whatever the answer.
_SOUGHT_STATES = frozenset(
    {ConsentState.SOUGHT.value, ConsentState.GIVEN.value, ConsentState.REFUSED.value}
)


def outcomes_need_action(outcomes: Collection[ContactOutcome]) -> bool:
    """Whether the outcomes take the child on (a referral or the allocated worker)."""
    return bool(set(outcomes) & SOCIAL_CARE_OUTCOMES)


# The level at which the continuum says significant harm (domain brief §3): at this level a
# child is expected to be rated red, so amber or green needs a reason.
SIGNIFICANT_HARM_LEVEL = 4


def check_level_four_rag(
    suggested: int | None, chosen: int, rag: str | None, not_red_reason: str | None
) -> FieldError | None:
    """Refuse a Level 4 (suggested or confirmed) left amber or green without a reason.

    ``rag`` is the rating the child will have after this save. Level 4 means the child may
    be suffering significant harm, while amber and green say it can wait; the two disagree,
    so the practitioner re-rates red or records why not (issue 12 §6).
    """
    level_four = SIGNIFICANT_HARM_LEVEL in (suggested, chosen)
    if not level_four or rag not in ("amber", "green") or not_red_reason:
        return None
    which = "confirmed" if chosen == SIGNIFICANT_HARM_LEVEL else "suggested"
    return FieldError(
        "not_red_reason",
        "level_four_not_red",
        f"Level 4 is {which} but this child is rated {rag}: re-rate red, or record why the "
        f"child stays {rag}",
    )


def check_forward(
    outcomes: Collection[ContactOutcome], worker_name: str | None
) -> FieldError | None:
    """Refuse "forward to the allocated worker" when the child has no open case with one.

    ``worker_name`` is the worker the child's open case is allocated to (None: no open case,
    or one with nobody allocated). Forwarding to nobody would close the contact with the
    child's new concern read by no one, so the practitioner chooses another outcome (a
    referral, usually) instead.
    """
    if ContactOutcome.FORWARD_TO_WORKER not in outcomes or worker_name:
        return None
    return FieldError(
        "outcomes",
        "forward_needs_open_case",
        "Forward to the allocated worker needs an open case with an allocated worker, and "
        "this child has none (no open service with a worker, no referral held by a worker): "
        "choose another outcome, such as a MASH referral",
    )
