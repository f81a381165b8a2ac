"""The standard wording of letters and notices: what each outcome or routing means to the reader.

Pure functions of codes and names, kept out of the renderer (which lays out, never words) and
out of the services (which only gather facts). The family notice is in plain language: short
sentences, no acronyms, nothing a family would need a professional to explain (domain brief
§1: "Families and professionals involved are informed of cases which are stepped up/down",
000 L343). It never repeats the professional reason, which may carry agency information the
family is not told.
"""

from __future__ import annotations

from mash_desk.documents.models import Paragraphs
from mash_desk.domain.meetings import DecisionOutcome

# What happens next after each outcome, as a referrer reads it.
_OUTCOME_NEXT: dict[DecisionOutcome, tuple[str, ...]] = {
    DecisionOutcome.NFA: (
        "Children's social care will take no further action on this referral.",
        "Please continue to support the child and family within your own service, and contact "
        "the MASH again if anything changes or you have new concerns.",
    ),
    DecisionOutcome.STEP_DOWN: (
        "The family will be offered early help from Early Support, with a lead professional. "
        "Early help depends on the family's agreement.",
        "You may be asked to join a Team Around the Family meeting and to contribute to the "
        "early-help plan.",
    ),
    DecisionOutcome.SINGLE_ASSESSMENT: (
        "A social worker will carry out a child and family assessment under section 17 of the "
        "Children Act 1989, completed within 45 working days.",
        "The allocated social worker may contact you for information; please share what you "
        "know promptly.",
    ),
    DecisionOutcome.S47: (
        "A strategy discussion is being held and enquiries are being made under section 47 of "
        "the Children Act 1989.",
        "Do not discuss the concerns with the family unless the social worker or police ask "
        "you to; you may be contacted for information today.",
    ),
    DecisionOutcome.CWDS: (
        "The referral has been passed to the Children with Disabilities Service, who will "
        "contact the family.",
    ),
    DecisionOutcome.FORWARD_OPEN_CASE: (
        "The child is already open to a social care team; your information has been passed to "
        "the allocated worker, who may contact you.",
    ),
    DecisionOutcome.TRANSFER_COUNCIL: (
        "The child lives in another council's area; the referral has been transferred to that "
        "council's children's services, who will contact you if they need more information.",
    ),
}


def referrer_sections(
    outcome: DecisionOutcome, outcome_label: str, received: str, decided: str, team: str | None
) -> tuple[Paragraphs, ...]:
    """The body of the referrer's acknowledgement and outcome letter."""
    next_steps = list(_OUTCOME_NEXT.get(outcome, ()))
    if team:
        next_steps.append(f"The team now responsible is: {team}.")
    return (
        Paragraphs(
            "",
            (
                f"Thank you for your contact with the Multi-Agency Safeguarding Hub on "
                f"{received}. This letter acknowledges it and tells you the outcome.",
            ),
        ),
        Paragraphs("Decision", (f"On {decided} the MASH decided: {outcome_label}.",)),
        Paragraphs("What happens next", tuple(next_steps)),
        Paragraphs(
            "If you disagree or have new concerns",
            (
                "If you do not agree with this decision, please discuss it with the MASH "
                "manager first; the professional disagreement (escalation) procedure applies.",
                "If you have new concerns about the child, contact the MASH again. If a child "
                "is in immediate danger, call 999.",
            ),
        ),
    )


def professional_routing_sections(kind: str, to_service: str) -> tuple[Paragraphs, ...]:
    """What the receiving service is asked to do, after the facts of a routing."""
    asks: tuple[str, ...]
    if kind == "step_down":
        asks = (
            f"{to_service} is asked to contact the family within five working days, agree an "
            "early-help plan with them and name a lead professional.",
            "The handover carries the assessment so that the family does not have to tell "
            "their story again. If needs rise again, contact the MASH to step the child up.",
        )
    elif kind == "step_up":
        asks = (
            "Children's social care will allocate a social worker. The early-help lead "
            "professional should stay involved until the social worker has met the family.",
        )
    else:
        asks = (
            f"{to_service} is asked to accept the transfer and confirm the allocated worker "
            "to the MASH.",
        )
    return (Paragraphs("What the receiving service is asked to do", asks),)


def family_routing_title(kind: str) -> str:
    """The title of the family's letter about a routing."""
    return {
        "step_down": "Your family's support is changing",
        "step_up": "Your family's support is changing",
        "transfer": "Your family's support is moving to another team",
    }.get(kind, "Your family's support")


def family_routing_sections(
    kind: str, child_name: str, to_service: str, consent_needed: bool, childrens_centre: bool
) -> tuple[Paragraphs, ...]:
    """The plain-language letter to the family about a step up, step down or transfer."""
    if kind == "step_down":
        what = (
            f"We have looked again at the help {child_name} and your family need. We think "
            f"the right help now comes from {to_service}, not from children's social care.",
            f"Someone from {to_service} will contact you to talk about what would help and to "
            "agree a plan with you.",
        )
    elif kind == "step_up":
        what = (
            f"We are worried that {child_name} and your family need more help than you have "
            "been getting. A social worker from children's social care will now work with you.",
            "The social worker will contact you soon to meet you and to talk about what is "
            "happening.",
        )
    else:
        what = (
            f"The help for {child_name} is moving to {to_service}.",
            f"Someone from {to_service} will contact you to introduce themselves.",
        )
    sections = [Paragraphs("What is changing", what)]
    if consent_needed:
        sections.append(
            Paragraphs(
                "Your agreement",
                (
                    "This help is only given if you agree to it. You can say no, and you can "
                    "change your mind later. If you say no, tell the person who contacts you.",
                ),
            )
        )
    if childrens_centre:
        sections.append(
            Paragraphs(
                "Children's centre",
                (
                    "Because your child is under five, your local children's centre will also "
                    "offer you support, such as play sessions and advice for parents.",
                ),
            )
        )
    sections.append(
        Paragraphs(
            "What we share",
            (
                "We share information about your family only with the people who are helping "
                "you, and only what they need to know to help.",
            ),
        )
    )
    sections.append(
        Paragraphs(
            "If you are unhappy",
            (
                "If you do not agree with this, or you want to ask us anything, please call us. "
                "You can also make a complaint, and we will tell you how.",
            ),
        )
    )
    return tuple(sections)
