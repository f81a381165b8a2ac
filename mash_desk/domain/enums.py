"""Code lists of the front door.

Values are the strings stored in the database and in national returns, so they never change
once shipped; labels are what a practitioner reads.
"""

from __future__ import annotations

from enum import StrEnum


class Rag(StrEnum):
    """Urgency rating, local practice separate from the threshold level (domain brief §4)."""

    RED = "red"
    AMBER = "amber"
    GREEN = "green"

    @property
    def rank(self) -> int:
        """Higher is more urgent; used to order queues and agendas."""
        return {"red": 3, "amber": 2, "green": 1}[self.value]


class Role(StrEnum):
    """What a user does at the front door (domain brief §2)."""

    PRACTITIONER = "practitioner"
    MANAGER = "manager"
    CHAIR = "chair"
    PARTNER = "partner"
    PERFORMANCE = "performance"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        """Human-readable role name."""
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.PRACTITIONER: "MASH practitioner",
    Role.MANAGER: "Team / service manager",
    Role.CHAIR: "Daily meeting chair",
    Role.PARTNER: "Partner-agency representative",
    Role.PERFORMANCE: "Performance / QA officer",
    Role.ADMIN: "Administrator",
}


class Channel(StrEnum):
    """How a contact reached the MASH (domain brief §1)."""

    PHONE = "phone"
    EMAIL = "email"
    REFERRAL_FORM = "referral_form"
    POLICE_NOTIFICATION = "police_notification"
    DROP_IN = "drop_in"
    OUT_OF_HOURS = "out_of_hours_handover"
    PRIVATE_FOSTERING = "private_fostering_notification"


class PersonKind(StrEnum):
    """Children (born or unborn) and adults are both people; the rules differ."""

    CHILD = "child"
    ADULT = "adult"


class Sex(StrEnum):
    """Recorded sex as the CIN census codes it (unknown for most unborn children)."""

    MALE = "male"
    FEMALE = "female"
    UNKNOWN = "unknown"
    INDETERMINATE = "indeterminate"


class RelationshipKind(StrEnum):
    """How two people are connected. ``person`` is the adult / first party of the pair."""

    SIBLING = "sibling"
    PARENT = "parent"
    CARER = "carer"
    PARENTAL_RESPONSIBILITY = "parental_responsibility"
    ADULT_OF_CONCERN = "adult_of_concern"


class ConsentPurpose(StrEnum):
    """What consent is asked for (domain brief §6 Decision)."""

    SHARE_INFORMATION = "share_information"
    EARLY_HELP = "early_help"
    ASSESSMENT = "assessment"


class ConsentState(StrEnum):
    """Where consent stands for one person and purpose."""

    SOUGHT = "sought"
    GIVEN = "given"
    REFUSED = "refused"
    NOT_SOUGHT = "not_sought"
    OVERRIDDEN = "overridden"


class ContactOutcome(StrEnum):
    """Per-child contact outcomes (domain brief §5). NFA excludes every other outcome."""

    NFA = "nfa"
    ADVICE = "information_advice_signpost"
    EARLY_HELP = "early_help"
    CHILDRENS_CENTRE = "childrens_centre"
    FORWARD_TO_WORKER = "forward_to_allocated_worker"
    REFERRAL = "mash_referral"

    @property
    def label(self) -> str:
        """Human-readable outcome."""
        return OUTCOME_LABELS[self]


OUTCOME_LABELS = {
    ContactOutcome.NFA: "No further action",
    ContactOutcome.ADVICE: "Information, advice or signposting",
    ContactOutcome.EARLY_HELP: "Early help (Early Support)",
    ContactOutcome.CHILDRENS_CENTRE: "Children's-centre early-help offer",
    ContactOutcome.FORWARD_TO_WORKER: "Forward to allocated worker",
    ContactOutcome.REFERRAL: "Progress to MASH referral",
}


class WorkStatus(StrEnum):
    """Where a piece of front-door work stands in the queue."""

    OPEN = "open"
    CLOSED = "closed"
    REFERRED = "referred"
    AWAITING_DECISION = "awaiting_decision"
    DECIDED = "decided"


class ServiceKind(StrEnum):
    """Services a child can already be open to (history check)."""

    EARLY_HELP = "early_help"
    CHILD_IN_NEED = "child_in_need"
    CHILD_PROTECTION = "child_protection_plan"
    LOOKED_AFTER = "looked_after"
    S47 = "s47_enquiry"
    DISABILITIES = "children_with_disabilities"


# CIN census referral source codes (domain brief §8).
REFERRAL_SOURCES: dict[str, str] = {
    "1A": "Individual: family member / relative / carer",
    "1B": "Individual: acquaintance (including neighbours and child minders)",
    "1C": "Individual: self",
    "1D": "Individual: other",
    "2A": "Schools",
    "2B": "Education services",
    "3A": "Health services: GP",
    "3B": "Health services: health visitor",
    "3C": "Health services: school nurse",
    "3D": "Health services: other primary health services",
    "3E": "Health services: A&E",
    "3F": "Health services: other (e.g. hospice)",
    "4": "Housing (LA housing or housing association)",
    "5A": "LA services: social care (e.g. adult social care)",
    "5B": "LA services: other internal department",
    "5C": "LA services: external (e.g. from another LA)",
    "5D": "Early help",
    "6": "Police",
    "7": "Other legal agency (courts, probation, immigration, CAFCASS, prison)",
    "8": "Other",
    "9": "Anonymous",
    "10": "Unknown",
}

# CIN census primary need codes (domain brief §8).
PRIMARY_NEEDS: dict[str, str] = {
    "N0": "Not stated",
    "N1": "Abuse or neglect",
    "N2": "Child's disability",
    "N3": "Parental disability or illness",
    "N4": "Family in acute stress",
    "N5": "Family dysfunction",
    "N6": "Socially unacceptable behaviour",
    "N7": "Low income",
    "N8": "Absent parenting",
    "N9": "Cases other than children in need",
}

# Risk indicators a practitioner flags on the contact (domain brief §7).
RISK_INDICATORS: dict[str, str] = {
    "domestic_abuse": "Domestic abuse",
    "parental_mental_health": "Parental mental health",
    "parental_substance_misuse": "Parental substance misuse",
    "parental_disability": "Parental learning disability / disability",
    "neglect": "Neglect",
    "missing": "Missing from home, care or education",
    "sexual_exploitation": "Child sexual exploitation",
    "criminal_exploitation": "Child criminal exploitation",
    "private_fostering": "Private fostering",
    "allegation_professional": "Allegation against someone who works with children",
    "self_harm": "Self-harm",
    "homeless_16_17": "Homeless 16–17-year-old",
    "pre_birth": "Pre-birth concern",
    "physical_abuse": "Physical abuse",
    "sexual_abuse": "Sexual abuse",
    "fgm": "Female genital mutilation",
    "trafficking": "Trafficking / modern slavery",
    "uasc": "Unaccompanied asylum-seeking child",
    "young_carer": "Young carer",
}
