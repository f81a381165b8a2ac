"""Who refers and what they write: referrers, narrative openers, reasons, teams and places.

Everything here is invented (the concern themes themselves are in ``themes``). Proportions
follow the domain brief (§1, §7, §8, §9); no sentence comes from a real case.
"""

from __future__ import annotations

from mash_desk.synthetic.themes import Weights

# Threshold level → RAG. Level and RAG are separate judgements (domain brief §4) but urgent
# cases are mostly the serious ones; these give roughly red 10 %, amber 35 %, green 55 %.
RAG_BY_LEVEL: dict[int, Weights] = {
    1: (("amber", 8), ("green", 92)),
    2: (("red", 1), ("amber", 33), ("green", 66)),
    3: (("red", 15), ("amber", 57), ("green", 28)),
    4: (("red", 58), ("amber", 37), ("green", 5)),
}

# Outcome route by threshold level (domain brief §3 "typical route"): levels 3–4 are
# progressed to a MASH referral; level 2 goes to early help; level 1 to advice or NFA.
DISPOSITION_BY_LEVEL: dict[int, Weights] = {
    1: (("nfa", 58), ("advice", 42)),
    2: (("referral", 4), ("early_help", 48), ("advice", 30), ("nfa", 18)),
    3: (("referral", 42), ("early_help", 36), ("advice", 22)),
    4: (("referral", 95), ("advice", 5)),
}

# Channels by referral source (domain brief §1 lists the channels).
CHANNELS_BY_SOURCE: dict[str, Weights] = {
    "6": (("police_notification", 80), ("email", 10), ("phone", 10)),
    "2A": (("phone", 45), ("email", 25), ("referral_form", 30)),
    "2B": (("email", 50), ("referral_form", 50)),
    "1A": (("phone", 75), ("drop_in", 10), ("email", 15)),
    "1B": (("phone", 85), ("email", 15)),
    "1C": (("phone", 70), ("drop_in", 25), ("email", 5)),
    "1D": (("phone", 70), ("email", 30)),
    "9": (("phone", 90), ("email", 10)),
}
DEFAULT_CHANNELS: Weights = (("phone", 40), ("email", 30), ("referral_form", 30))

# Out of hours the Emergency Duty Team covers the front door (policy file); its handovers and
# overnight police notifications make up the out-of-hours contacts.
OUT_OF_HOURS_SOURCES: Weights = (("6", 70), ("3E", 12), ("1A", 8), ("1C", 5), ("8", 5))

REFERRER_ROLES: dict[str, tuple[tuple[str, str | None], ...]] = {
    "1A": (
        ("Maternal grandmother", None),
        ("Paternal aunt", None),
        ("Father (non-resident)", None),
        ("Maternal uncle", None),
    ),
    "1B": (("Neighbour", None), ("Childminder", None), ("Family friend", None)),
    "1C": (("Parent (self-referral)", None), ("Young person (self-referral)", None)),
    "1D": (("Member of the public", None), ("Faith leader", None)),
    "2A": (
        ("Designated safeguarding lead", "{school}"),
        ("Headteacher", "{school}"),
        ("Class teacher", "{school}"),
        ("Pastoral manager", "{school}"),
    ),
    "2B": (
        ("Education welfare officer", "Harrow Education Welfare Service"),
        ("SEN caseworker", "Harrow SEN Service"),
    ),
    "3A": (("GP", "{surgery}"), ("Practice nurse", "{surgery}")),
    "3B": (("Health visitor", "Harrow Health Visiting Service"),),
    "3C": (("School nurse", "School Nursing Service"),),
    "3D": (("Community paediatrician", "Child Development Centre"),),
    "3E": (
        ("A&E paediatric liaison nurse", "Harrow General Hospital (A&E)"),
        ("A&E doctor", "Harrow General Hospital (A&E)"),
    ),
    "3F": (
        ("Community midwife", "Maternity Service"),
        ("Adult mental health nurse", "Community Mental Health Team"),
        ("Substance misuse worker", "Drug and Alcohol Service"),
    ),
    "4": (("Housing officer", "Harrow Housing Needs"), ("Tenancy officer", "Housing association")),
    "5A": (("Social worker", "Adult Social Care"), ("Care coordinator", "Adult Social Care")),
    "5B": (("Youth worker", "Harrow Youth Service"), ("Benefits officer", "Council revenues")),
    "5C": (("Duty social worker", "Another local authority"),),
    "5D": (("Family support worker", "Early Support Hub"),),
    "6": (
        ("Police constable", "Police (emergency response)"),
        ("Detective constable", "Police (Public Protection Unit)"),
        ("Police sergeant", "Police (MASH police desk)"),
    ),
    "7": (
        ("Probation officer", "Probation Service"),
        ("Family court adviser", "CAFCASS"),
        ("YOT officer", "Youth Offending Team"),
    ),
    "8": (
        ("IDVA", "Domestic abuse advocacy service"),
        ("Charity worker", "Children's charity"),
        ("Border Force officer", "Border Force"),
    ),
    "9": (("Anonymous caller", None),),
    "10": (("Not recorded", None),),
}

# Opening sentence of a narrative by the first character(s) of the referral source.
OPENERS: dict[str, tuple[str, ...]] = {
    "6": (
        "Police notification (CAD {ref}) following a call to the home address on {day}.",
        "Police attended the family home on {day} evening.",
        "Merlin report received from police after an incident on {day}.",
    ),
    "2": (
        "The {role} at {agency} called the MASH on {day}.",
        "Referral form received from {agency} on {day}.",
    ),
    "3": (
        "The {role} ({agency}) contacted the MASH on {day}.",
        "Health referral received from the {role} on {day}.",
    ),
    "1": (
        "A {role} phoned the MASH on {day}.",
        "{referrer} ({role}) contacted the MASH on {day}.",
    ),
    "9": ("An anonymous caller phoned the MASH on {day} and would not give a name.",),
    "9_email": ("An anonymous email reached the MASH inbox on {day}.",),
    "drop_in": (
        "{referrer} ({role}) came to the council's front desk on {day} to report concerns.",
        "A {role} called in at the council's front desk on {day}.",
    ),
    "email": (
        "Email received on {day} from {referrer} ({role}).",
        "A {role} emailed the MASH on {day}.",
    ),
    "other": (
        "The {role} from {agency} contacted the MASH on {day}.",
        "Contact received from {agency} on {day}.",
    ),
}

CLOSINGS: tuple[str, ...] = (
    "Parents are aware of the contact and agree to information being shared.",
    "The referrer has not told the family, as this may place the child at greater risk.",
    "{mother} is aware and agrees to checks with partner agencies.",
    "The referrer asks for feedback on the outcome.",
    "No other agencies are known to be involved.",
    "The referrer is not aware of any previous concerns.",
    "The family are known to the Early Support service.",
)

OUT_OF_HOURS_OPENER = "Emergency Duty Team handover: contact received out of hours on {day}."

RAG_REASONS: dict[str, tuple[str, ...]] = {
    "red": (
        "Possible significant harm: needs a same-day decision.",
        "Child may not be safe tonight; immediate safety planning needed.",
        "Disclosure of harm; police and health involvement needed today.",
    ),
    "amber": (
        "Concern about the child's welfare; partner-agency checks needed within a day.",
        "Risk not immediate but escalating; needs a decision today or tomorrow.",
        "Previous concerns and new incident; checks needed before deciding.",
    ),
    "green": (
        "No immediate risk identified; needs appear to be met at present.",
        "Low-level concern; information and advice likely.",
        "Needs support rather than protection; no risk of immediate harm.",
    ),
}

RERATE_UP: tuple[str, ...] = (
    "Police check shows two previous domestic abuse call-outs to the address this year.",
    "Police check shows the mother's partner has a conviction for violence.",
    "Health check shows the child has missed the last three health appointments.",
    "School reports the child has not been seen since the incident.",
    "Referrer called back: the child has disclosed further injuries.",
)
RERATE_DOWN: tuple[str, ...] = (
    "Police check shows no previous incidents at the address; child seen safe at school.",
    "Health visitor saw the baby this morning: well cared for, no marks.",
    "School confirms the child is attending and presents as settled.",
    "Referrer called back: the family are now staying with relatives and the child is safe.",
)

LEVEL_RATIONALES: dict[int, tuple[str, ...]] = {
    1: (
        "Level 1: needs met by universal services; no additional needs identified.",
        "Level 1: information request only; no concerns about the child's care.",
    ),
    2: (
        "Level 2: additional needs that a multi-agency early-help plan can meet with consent.",
        "Level 2: early signs of difficulty; family willing to accept support.",
    ),
    3: (
        "Level 3: needs at risk of not being met without a statutory assessment (s17).",
        "Level 3: parental difficulties are affecting the care of the child.",
    ),
    4: (
        "Level 4: reasonable cause to suspect significant harm; s47 threshold met.",
        "Level 4: disclosure of harm; strategy discussion needed.",
    ),
}

# A practitioner choosing a level one above the document's suggestion (an override, §3), and
# one below it: the written rationale an override needs.
LEVEL_RAISED: tuple[str, ...] = (
    "Override: the indicators ticked understate the cumulative concern across several "
    "contacts this year; raised one level.",
    "Override: a sibling is already subject to a plan and the same risks apply to this child; "
    "raised one level.",
    "Override: the information is second-hand and partner checks are incomplete; raised one "
    "level until they come back.",
    "Override: the child's age and vulnerability increase the impact of these concerns; "
    "raised one level.",
)
LEVEL_LOWERED: tuple[str, ...] = (
    "Override: the concern is historic and the family already works with early help; "
    "protective factors reduce the level by one.",
    "Override: the non-abusing parent has acted protectively and the alleged perpetrator has "
    "left the household; lowered one level.",
    "Override: checks show the school and GP have already resolved the worry; lowered one "
    "level, with advice to the referrer.",
    "Override: the family has engaged with support and consented to a plan; the needs can be "
    "met one level lower.",
)

# Blind consistency-QA re-ratings (000 L374) that came out one level away from the original.
QA_HIGHER: tuple[str, ...] = (
    "Read blind, the contact describes repeated incidents; the cumulative concern points "
    "one level higher than a single incident would.",
    "Read blind: the child's age and the lack of a protective adult put this a level higher.",
    "Read blind: the referrer's account suggests needs that early help alone would not meet.",
)
QA_LOWER: tuple[str, ...] = (
    "Read blind, the contact describes a single incident with protective factors in place; "
    "one level lower seems enough.",
    "Read blind: the family is already engaged with support, so the needs can be met a level "
    "lower.",
    "Read blind: the concern is about the adults' circumstances rather than harm to the child "
    "so far.",
)

# Threshold indicators (ids in the shipped model document) that fit a theme where no
# indicator's risk flags match the contact's codes (at some level), or that suit an unborn
# baby ("pre_birth"). The generator ticks these, or ones whose flags match, before general
# ones (see ``thresholds.IndicatorPicker``). Ids missing from the document in use are ignored.
THEME_THRESHOLD_INDICATORS: dict[str, tuple[str, ...]] = {
    "physical_abuse": (
        "l2-boundaries-inconsistent",
        "l2-parental-conflict",
        "l2-strained-relationship",
    ),
    "sexual_abuse": (
        "l2-online-safety",
        "l2-low-mood-anxiety",
        "l3-sexualised-behaviour",
        "l3-risky-relative",
    ),
    "missing": (
        "l2-persistent-absence",
        "l2-supervision-inconsistent",
        "l2-boundaries-inconsistent",
    ),
    "sexual_exploitation": (
        "l2-online-safety",
        "l2-experimenting-substances",
        "l2-low-mood-anxiety",
    ),
    "criminal_exploitation": (
        "l2-early-offending",
        "l2-experimenting-substances",
        "l2-exclusion-risk",
    ),
    "homeless_16_17": (
        "l2-temporary-accommodation",
        "l2-strained-relationship",
        "l2-neet",
        "l4-abandoned-refused-home",
    ),
    "private_fostering": ("l2-new-to-area", "l2-frequent-changes"),
    "allegation_professional": ("l2-low-mood-anxiety",),
    "fgm": ("l2-identity-discrimination", "l2-new-to-area"),
    "school_concerns": (
        "l1-good-attendance",
        "l1-progress-in-learning",
        "l1-sen-met-in-school",
        "l2-persistent-absence",
        "l2-exclusion-risk",
        "l2-bullying",
        "l2-low-mood-anxiety",
        "l3-chronic-non-attendance",
        "l3-missing-education",
        "l4-not-seen-at-school",
    ),
    "family_stress": (
        "l1-secure-housing",
        "l1-adequate-income",
        "l1-wider-family-support",
        "l2-poor-housing",
        "l2-temporary-accommodation",
        "l2-low-income",
        "l2-little-family-support",
        "l2-new-to-area",
        "l3-destitute-nrpf",
        "l3-family-breakdown",
        "l4-dangerous-home",
    ),
    "family_conflict": (
        "l1-clear-boundaries",
        "l1-supportive-family",
        "l2-parental-conflict",
        "l2-boundaries-inconsistent",
        "l2-strained-relationship",
        "l3-beyond-parental-control",
        "l3-family-breakdown",
        "l3-parent-asks-accommodation",
        "l4-emotional-abuse",
    ),
    "disability": (
        "l1-health-needs-met",
        "l1-sen-met-in-school",
        "l2-disabled-needs-met-with-support",
        "l2-development-delay",
        "l3-disabled-needs-not-met",
        "l3-complex-health-parents-struggling",
        "l4-disabled-child-harmed",
    ),
    "information_request": (
        "l1-basic-needs-met",
        "l1-health-needs-met",
        "l1-supportive-family",
        "l1-uses-local-services",
        "l2-not-using-services",
        "l2-new-to-area",
    ),
    "pre_birth": (
        "l1-registered-gp-dentist",
        "l1-health-needs-met",
        "l1-supportive-family",
        "l1-secure-housing",
        "l2-missed-health-checks",
        "l2-little-family-support",
        "l2-temporary-accommodation",
        "l2-not-using-services",
    ),
}

NO_OFFER_REASONS: tuple[str, ...] = (
    "Family already attends the local children's centre every week.",
    "Family is moving out of the borough at the end of the month.",
    "Child attends nursery full time and the parents declined a children's-centre offer.",
    "Information request only; no needs identified for the child.",
)

NOT_SOUGHT_REASONS: tuple[str, ...] = (
    "Police notification: parents not yet contacted; consent to be sought at screening.",
    "Anonymous referral: no way to contact the family before checks.",
    "Referrer unable to reach the parents before making the referral.",
)
OVERRIDE_BASIS: tuple[str, ...] = (
    "Seeking consent may place the child at risk of significant harm (Children Act 1989 s47; "
    "Data Protection Act 2018 Sch 8 para 4).",
    "Seeking consent may prejudice a police investigation into harm to the child.",
    "Seeking consent would alert the alleged perpetrator and increase the risk to the child "
    "and the non-abusing parent.",
)
REFUSED_REASONS: tuple[str, ...] = (
    "Father refused consent to share information with partner agencies.",
    "Mother does not want any involvement from children's services.",
    "Family say they do not need any help.",
)

AREAS: tuple[tuple[str, str, float], ...] = (
    # (area, outward code, weight). HA1, HA2, HA3, HA5, HA7 and HA8 cover the borough; the
    # other HA districts are neighbouring boroughs where some families live.
    ("Harrow on the Hill", "HA1", 12),
    ("Greenhill", "HA1", 6),
    ("South Harrow", "HA2", 10),
    ("West Harrow", "HA2", 6),
    ("Rayners Lane", "HA2", 6),
    ("Wealdstone", "HA3", 12),
    ("Kenton", "HA3", 10),
    ("Harrow Weald", "HA3", 7),
    ("Pinner", "HA5", 8),
    ("Hatch End", "HA5", 4),
    ("Stanmore", "HA7", 7),
    ("Edgware", "HA8", 6),
    ("Burnt Oak", "HA8", 3),
    ("Wembley", "HA0", 3),
    ("Ruislip", "HA4", 2),
    ("Northwood", "HA6", 2),
    ("Wembley Park", "HA9", 2),
)

SCHOOL_KINDS: tuple[str, ...] = (
    "{name} Primary School",
    "{name} Junior School",
    "{name} High School",
    "{name} Academy",
    "St {saint}'s RC Primary School",
    "{name} Park Primary School",
)
SAINTS: tuple[str, ...] = ("Anne", "Bernadette", "John Fisher", "Teresa", "Joseph", "Dominic")
SURGERY_KINDS: tuple[str, ...] = (
    "{name} Medical Centre",
    "The {name} Surgery",
    "{name} Road Health Centre",
)

EARLY_HELP_TEAMS: tuple[str, ...] = (
    "Early Support Hub (Wealdstone)",
    "Early Support Hub (Pinner)",
    "Early Support Hub (Rayners Lane)",
)
SOCIAL_CARE_TEAMS: dict[str, str] = {
    "child_in_need": "Children in Need Team",
    "child_protection_plan": "Child Protection and Court Team",
    "looked_after": "Looked After Children Team",
    "s47_enquiry": "First Response Team",
    "children_with_disabilities": "Children with Disabilities Service",
    "early_help": "Early Support Hub (Wealdstone)",
}
