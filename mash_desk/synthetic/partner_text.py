"""What invented meetings, decisions, agency checks and routings say (all wording invented).

The daily MASH meeting's history (domain brief §4, §5): the questions asked of partner
agencies and what they return, deferral and quorum reasons, decision rationales, who is told,
actions by owner, dissent and escalation wording, amendment reasons, routing handovers and
strategy-discussion rationales. No sentence comes from a real case; nothing names a real
person (the generator adds invented names where a field needs one).
"""

from __future__ import annotations

from mash_desk.domain.meetings import DecisionOutcome, Pathway

Weights = tuple[tuple[str, float], ...]

# --- agency checks (issue 5 item 1) ---------------------------------------------------------

# Which partners the MASH asks about a referred child, with the share of referrals each is
# asked for (police and health almost always: the MASH core, domain brief §1).
CORE_CHECKS: Weights = (("police", 0.93), ("health", 0.9))
SCHOOL_AGE_CHECKS: Weights = (("education", 0.85),)
UNDER_FIVE_CHECKS: Weights = (("childrens_centres", 0.3), ("early_support", 0.12))
THEME_CHECKS: dict[str, Weights] = {
    "domestic_abuse": (("idva", 0.45), ("probation", 0.25), ("housing", 0.1)),
    "parental_mental_health": (("adult_services", 0.45),),
    "parental_substance_misuse": (("adult_services", 0.35), ("probation", 0.15)),
    "self_harm": (("camhs", 0.7),),
    "criminal_exploitation": (("yot", 0.65),),
    "sexual_exploitation": (("yot", 0.2), ("camhs", 0.3)),
    "missing": (("yot", 0.2),),
    "homeless_16_17": (("housing", 0.8), ("yot", 0.15)),
    "family_stress": (("housing", 0.2), ("early_support", 0.2)),
    "parental_disability": (("adult_services", 0.5),),
    "young_carer": (("adult_services", 0.4),),
    "family_conflict": (("early_support", 0.25), ("camhs", 0.15)),
    "neglect": (("housing", 0.15), ("early_support", 0.15)),
    "pre_birth": (("probation", 0.1), ("adult_services", 0.15)),
}
# Share of returns that are "nothing known", by agency (others: OTHER_NOTHING_KNOWN).
NOTHING_KNOWN: dict[str, float] = {"police": 0.3, "health": 0.25, "education": 0.35}
OTHER_NOTHING_KNOWN = 0.55

CHECK_QUESTIONS: dict[str, tuple[str, ...]] = {
    "police": (
        "Please share any police information on the child and the adults in the household, "
        "including domestic abuse call-outs in the last 12 months.",
        "Any current investigations, bail conditions or warnings relating to adults at the "
        "address?",
        "Please check PNC and local intelligence for the household members listed.",
    ),
    "health": (
        "Is the child registered with a GP and up to date with immunisations and checks? "
        "Any A&E attendances or missed appointments?",
        "Please share health visiting or school nursing involvement and any concerns noted.",
        "Any recent hospital attendances for the child or a parent's health needs affecting "
        "their care?",
    ),
    "education": (
        "Please share attendance this year, any safeguarding records and how the child "
        "presents in school.",
        "Is the child on roll? Any concerns about presentation, punctuality or disclosures?",
    ),
    "probation": ("Is any adult in the household known to probation? Current risk level?",),
    "housing": (
        "Is the family known to housing: tenancy, arrears, overcrowding or homelessness "
        "applications?",
    ),
    "idva": ("Is the mother known to the IDVA service or discussed at MARAC?",),
    "childrens_centres": ("Is the family registered with a children's centre? Engagement?",),
    "early_support": ("Has the family had early help before? Outcome of any previous plan?",),
    "adult_services": ("Is the parent open to adult social care or mental health services?",),
    "yot": ("Is the young person known to the Youth Offending Team? Any current order?",),
    "camhs": ("Is the child known to CAMHS? Any current referral or waiting list?",),
}

CHECK_FINDINGS: dict[str, tuple[str, ...]] = {
    "police": (
        "Two domestic incidents recorded at the address this year, both verbal; no arrests.",
        "Father has a caution for assault three years ago; no current bail conditions.",
        "Mother's ex-partner is subject to a non-molestation order; one breach reported last "
        "month.",
        "The address was visited twice in six months for noise and disturbance complaints.",
        "Intelligence links an adult visitor to the address with supply of class A drugs.",
        "Teen: The young person was stopped with older youths in a car linked to drug supply.",
        "Teen: Missing episodes reported three times this term; found each time within 24 hours.",
    ),
    "health": (
        "Not registered with a GP locally; registration with a previous surgery in another "
        "borough.",
        "Young: Registered with the GP; immunisations up to date; two missed development reviews.",
        "Young: Health visitor last saw the family four months ago; weight on the 9th centile.",
        "Young: Mother is on the perinatal mental health caseload and engaging.",
        "Born: Three A&E attendances in the last year for minor injuries; explanations consistent.",
        "School: School nurse saw the child twice this term about low mood.",
        "School: Dental decay treated under general anaesthetic last year; follow-up missed.",
    ),
    "education": (
        "Attendance 84 % this year, mostly Mondays; the child often arrives hungry.",
        "Attendance 96 %; the class teacher has no concerns and the child presents well.",
        "Two recorded disclosures about arguments at home; the DSL spoke to mother both times.",
        "Persistent absence (71 %); the education welfare officer has visited twice.",
        "Behaviour has deteriorated since half term; one fixed-term exclusion.",
    ),
    "probation": (
        "Father is on licence after a prison sentence for violence; assessed as medium risk.",
        "Mother's partner was known to probation until two years ago; order completed without "
        "breach.",
    ),
    "housing": (
        "The family is in temporary accommodation and has been moved twice this year.",
        "Rent arrears of eight weeks; a notice of seeking possession has been served.",
        "Overcrowding recorded: five people in a one-bedroom flat.",
    ),
    "idva": (
        "Mother was referred to the IDVA service last year and engaged for two months.",
        "The case was heard at MARAC in the spring; safety plan in place.",
    ),
    "childrens_centres": (
        "Registered; attended stay-and-play sessions until last summer.",
        "Mother attended a parenting course at the centre and asked for further help.",
    ),
    "early_support": (
        "An early help plan closed eight months ago with needs met.",
        "Early help was offered last year; the family declined.",
    ),
    "adult_services": (
        "Mother is open to the community mental health team with a care coordinator.",
        "Father had an adult social care assessment for his disability; a care package is "
        "in place.",
    ),
    "yot": (
        "Teen: Known to the Youth Offending Team: a referral order for possession finished in May.",
        "Teen: Currently on a youth rehabilitation order; attending appointments.",
    ),
    "camhs": (
        "School: Referred by the GP in the spring; on the waiting list for assessment.",
        "Teen: Seen by CAMHS crisis team after an overdose last year; discharged to the GP.",
    ),
}
# A finding may start with the ages it fits: "Young:" under 5 (or unborn), "Born:" any born
# child, "School:" 4 and over, "Teen:" 10 and over; others fit any child.
FINDING_AGES: dict[str, tuple[int, int]] = {
    "Young": (-1, 4),
    "Born": (0, 17),
    "School": (4, 17),
    "Teen": (10, 17),
}


def findings_for(agency: str, age: int | None) -> tuple[str, ...]:
    """The findings ``agency`` can return about a child of ``age`` (None: unborn)."""
    years = -1 if age is None else age
    fit = []
    for text in CHECK_FINDINGS[agency]:
        tag, _, rest = text.partition(": ")
        if tag in FINDING_AGES:
            low, high = FINDING_AGES[tag]
            if low <= years <= high:
                fit.append(rest)
        else:
            fit.append(text)
    return tuple(fit)


CHECK_WITHDRAWAL_REASONS: tuple[str, ...] = (
    "Asked by mistake: the family lives outside this service's area.",
    "The agency shared the information by phone at the strategy discussion instead.",
    "Duplicate request: the same question was already asked for the child's sibling.",
)

# --- the meeting (issue 5 item 2) --------------------------------------------------------------

QUORUM_REASONS: tuple[str, ...] = (
    "Health representative off sick; health information was gathered by phone before the "
    "meeting and red cases cannot wait.",
    "Police representative called to an urgent strategy discussion; police checks were "
    "returned in writing for every case.",
    "Health apologies at short notice; the health visitor will join by phone for the under-5s.",
)
DEFER_REASONS: tuple[str, ...] = (
    "Parents not yet spoken to about the referral; bring back tomorrow once they have been "
    "contacted.",
    "The referrer has promised further information today; bring back tomorrow.",
    "The school DSL asked to attend for this child; bring back tomorrow.",
    "Interpreter needed to speak to mother; bring back tomorrow once she has been seen.",
)
DEFER_FOR_CHECKS = "Waiting for {agencies} checks; bring back to tomorrow's meeting."

# --- decisions -------------------------------------------------------------------------------

RATIONALES: dict[DecisionOutcome, tuple[str, ...]] = {
    DecisionOutcome.NFA: (
        "Agency checks show no further concerns and the family have support in place; no "
        "role for social care.",
        "Incident was isolated; both parents acted protectively and the child is safe.",
        "Concern resolved since the referral; advice given to the family and referrer.",
    ),
    DecisionOutcome.STEP_DOWN: (
        "Needs can be met by early help with the family's agreement; no evidence of "
        "significant harm.",
        "Parents recognise the difficulties and have agreed to work with Early Support.",
        "Checks show a supportive wider family; an early help plan should meet the needs.",
    ),
    DecisionOutcome.SINGLE_ASSESSMENT: (
        "Needs are complex and unassessed; a single assessment will establish whether the "
        "child is in need.",
        "Cumulative concerns across agencies meet the threshold for a child and family "
        "assessment under s17.",
        "Parent's capacity to meet the child's needs is unclear; assessment required.",
    ),
    DecisionOutcome.S47: (
        "Reasonable cause to suspect the child is suffering significant harm; strategy "
        "discussion today.",
        "Disclosure of physical harm with a mark seen by school; strategy discussion and "
        "s47 enquiry.",
        "Serious domestic abuse with the child present and injured; s47 threshold met.",
    ),
    DecisionOutcome.CWDS: (
        "The child's needs arise mainly from their disability; transfer to the Children "
        "with Disabilities Service for assessment.",
    ),
    DecisionOutcome.FORWARD_OPEN_CASE: (
        "The child is open to a social worker; information forwarded to the allocated "
        "worker to consider within their plan.",
    ),
    DecisionOutcome.TRANSFER_COUNCIL: (
        "The family have moved out of the borough; referral transferred to the receiving "
        "council with the checks.",
    ),
}
INFORM_FAMILY: tuple[str, ...] = (
    "Mother by phone after the meeting",
    "Both parents by phone today; letter to follow",
    "Carer in person at the home visit",
    "Father by phone; mother by letter (no phone number)",
)
INFORM_REFERRER: tuple[str, ...] = (
    "Referrer by secure email within one working day",
    "Referrer by phone after the meeting",
    "Police notification acknowledged through the MASH police desk",
)
INFORM_PROFESSIONALS: tuple[str, ...] = (
    "GP and school DSL by secure email",
    "Health visitor by phone",
    "School DSL and school nurse by email",
    "Agencies present at the meeting; GP by letter",
)
ALLOCATED_TEAMS: dict[DecisionOutcome, Weights] = {
    DecisionOutcome.SINGLE_ASSESSMENT: (
        ("First Response Team", 80),
        ("Children in Need Team", 20),
    ),
    DecisionOutcome.S47: (("First Response Team", 100),),
    DecisionOutcome.CWDS: (("Children with Disabilities Service", 100),),
}
TRANSFER_COUNCILS: tuple[str, ...] = (
    "Hertfordshire County Council",
    "London Borough of Brent",
    "London Borough of Hillingdon",
    "London Borough of Barnet",
)

# Parallel pathways by concern theme, each with the share of decisions that take it (§5).
PATHWAYS_BY_THEME: dict[str, tuple[tuple[Pathway, float], ...]] = {
    "domestic_abuse": ((Pathway.IDVA_SAFETY_PLAN, 0.3), (Pathway.MARAC, 0.15)),
    "missing": ((Pathway.RETURN_HOME_INTERVIEW, 0.9), (Pathway.EXPLOITATION_PANEL, 0.2)),
    "sexual_exploitation": ((Pathway.EXPLOITATION_PANEL, 0.8),),
    "criminal_exploitation": ((Pathway.EXPLOITATION_PANEL, 0.7), (Pathway.YOUTH_TRIAGE, 0.2)),
    "allegation_professional": ((Pathway.LADO, 0.95),),
    "private_fostering": ((Pathway.PRIVATE_FOSTERING, 1.0),),
    "physical_abuse": ((Pathway.CP_MEDICAL, 0.25),),
    "sexual_abuse": ((Pathway.CP_MEDICAL, 0.35),),
    "pre_birth": ((Pathway.HEALTH_NOTIFICATION, 0.8),),
    "neglect": ((Pathway.HEALTH_NOTIFICATION, 0.2),),
    "fgm": ((Pathway.HEALTH_NOTIFICATION, 0.6),),
}

# Actions by outcome: (description, owner, days until due). Owner is an agency code, or
# "worker" for a named person (the allocated worker, else the presenting practitioner).
Action = tuple[str, str, int]
ACTIONS: dict[DecisionOutcome, tuple[Action, ...]] = {
    DecisionOutcome.NFA: (
        ("Write to the family with advice and local support services", "worker", 2),
        ("Add the outcome to the child's health record", "health", 5),
    ),
    DecisionOutcome.STEP_DOWN: (
        ("Contact the family to offer an early help assessment", "early_support", 5),
        ("Hand over the MASH checks to the early help worker", "worker", 2),
    ),
    DecisionOutcome.SINGLE_ASSESSMENT: (
        ("Begin the single assessment and see the child within 5 working days", "worker", 5),
        ("Share attendance and welfare information with the assessing worker", "education", 3),
        ("Health visitor to share the latest development review", "health", 3),
    ),
    DecisionOutcome.S47: (
        ("Share police information and attend the strategy discussion", "police", 1),
        ("Share health information and attend the strategy discussion", "health", 1),
        ("Lead the s47 enquiry and see the child today", "worker", 1),
    ),
    DecisionOutcome.CWDS: (
        ("Transfer the referral and checks to the Children with Disabilities Service", "worker", 2),
    ),
    DecisionOutcome.FORWARD_OPEN_CASE: (
        ("Allocated worker to review the plan in the light of the new information", "worker", 5),
    ),
    DecisionOutcome.TRANSFER_COUNCIL: (
        ("Send the referral and checks to the receiving council", "worker", 1),
    ),
}
PATHWAY_ACTIONS: dict[Pathway, Action] = {
    Pathway.MARAC: ("Refer to MARAC", "police", 3),
    Pathway.IDVA_SAFETY_PLAN: ("Contact mother and agree a safety plan", "idva", 2),
    Pathway.LADO: ("Notify the LADO of the allegation", "worker", 1),
    Pathway.PRIVATE_FOSTERING: ("Private fostering visit within 7 days", "worker", 7),
    Pathway.RETURN_HOME_INTERVIEW: ("Complete the return-home interview", "early_support", 3),
    Pathway.EXPLOITATION_PANEL: ("Add the young person to the exploitation panel", "police", 7),
    Pathway.YOUTH_TRIAGE: ("Offer youth Triage", "yot", 5),
    Pathway.CP_MEDICAL: ("Arrange the child-protection medical", "health", 1),
    Pathway.HEALTH_NOTIFICATION: ("Notify the midwife, GP and health visitor", "health", 2),
}
ACTION_DONE_NOTES: tuple[str, ...] = (
    "Done as agreed.",
    "Completed; outcome shared with the allocated worker.",
    "Done; family seen and information passed on.",
    "Completed within the timescale.",
)
ACTION_NOT_DONE_NOTES: tuple[str, ...] = (
    "Not done: the family could not be contacted after three attempts.",
    "Not done: superseded by the strategy discussion.",
    "Not done: the family moved out of the area.",
)

# --- dissent and escalation (§5: escalation protocol, 000 L318, L366) --------------------------

DISSENT_REASONS: dict[DecisionOutcome, tuple[str, ...]] = {
    DecisionOutcome.NFA: (
        "Three police call-outs in a month: we consider the risk to the child is higher "
        "than NFA allows.",
        "The school's concerns about neglect are long-standing; NFA leaves the child without "
        "any support.",
    ),
    DecisionOutcome.STEP_DOWN: (
        "The baby's weight is still falling; health do not think early help is enough.",
        "Police consider the perpetrator still poses a risk; step down is premature.",
    ),
    DecisionOutcome.SINGLE_ASSESSMENT: (
        "The child's disclosure meets the threshold for a strategy discussion, not only an "
        "assessment.",
        "Education believe the family would engage with early help; an assessment is not "
        "proportionate.",
    ),
    DecisionOutcome.S47: (
        "Health consider a single assessment proportionate: the injury has an accidental "
        "explanation consistent with the history.",
    ),
}
GENERIC_DISSENT = "The agency disagrees with the threshold applied to this child."
ESCALATE_REASONS: tuple[str, ...] = (
    "Not resolved between practitioners; referred to team managers.",
    "Managers could not agree; referred to the service managers.",
)
RESOLUTIONS_STAND: tuple[str, ...] = (
    "Discussed between practitioners: further information shared; the decision stands and "
    "the agency accepts it.",
    "Managers reviewed the checks together; the decision stands with an added review in "
    "four weeks.",
    "Agreed the decision stands; the agency will re-refer if further incidents occur.",
)
RESOLUTIONS_AMEND = "Agreed to amend the decision following the escalation discussion."

# --- amendments (a signed decision is never edited, only amended: issue 5 item 2) -------------

AMEND_TO_ASSESSMENT = (
    "Health returned further information after the meeting: repeated missed appointments "
    "and an unexplained bruise. Amended to a single assessment."
)
AMEND_TO_S47 = (
    "Police disclosed a further incident after the meeting with the child injured. Amended "
    "to a strategy discussion and s47 enquiry."
)
AMEND_LEVEL = (
    "Level corrected after the late education return: needs are higher than recorded at the "
    "meeting. Outcome unchanged."
)

# --- routing (issue 5 item 3) ------------------------------------------------------------------

STEP_DOWN_REASONS: tuple[str, ...] = (
    "Needs assessed at level 2 at the MASH meeting; family agree to early help.",
    "Concerns can be met by a family support worker with the family's consent.",
)
STEP_UP_REASONS: tuple[str, ...] = (
    "Concerns have escalated while open to early help; needs now meet level 3 or above.",
    "Early help plan not making progress and new concerns raised by school.",
)
HANDOVER = (
    "{child} ({age}) was referred by {referrer} about {concern}. The MASH meeting decided "
    "{decision}. Agency checks: {checks}. The family know why the referral was made and "
    "what happens next, so they do not have to tell their story again."
)
CONCERN_WORDS: dict[str, str] = {
    "domestic_abuse": "domestic abuse in the household",
    "neglect": "neglect of the child's basic care",
    "physical_abuse": "a possible non-accidental injury",
    "sexual_abuse": "a disclosure of sexual harm",
    "parental_mental_health": "a parent's mental health",
    "parental_substance_misuse": "parental substance misuse",
    "missing": "missing episodes",
    "sexual_exploitation": "risk of sexual exploitation",
    "criminal_exploitation": "risk of criminal exploitation",
    "self_harm": "self-harm",
    "school_concerns": "attendance and presentation at school",
    "family_stress": "family stress and financial hardship",
    "homeless_16_17": "a 16–17 year old at risk of homelessness",
    "pre_birth": "pre-birth concerns",
    "private_fostering": "a possible private fostering arrangement",
    "disability": "needs arising from disability",
}
INFORM_ROUTING_FAMILY: Weights = (("phone", 50), ("in_person", 35), ("letter", 15))
INFORM_ROUTING_PROFESSIONALS: Weights = (("email", 55), ("phone", 25), ("meeting", 20))
INFORM_ROUTING_REFERRER: Weights = (("email", 55), ("phone", 45))
PROFESSIONALS_TOLD: tuple[str, ...] = (
    "GP and health visitor",
    "School DSL and school nurse",
    "Health visitor and children's centre lead",
    "GP, school DSL and police MASH desk",
)
REJECT_REASONS: tuple[str, ...] = (
    "Family withdrew consent to early help when the worker called; back to the MASH.",
    "The family live outside the hub's area; please route to the correct hub.",
)

# --- strategy discussions (issue 5 item 4) ----------------------------------------------------

STRATEGY_PROCEED: tuple[str, ...] = (
    "Agreed reasonable cause to suspect significant harm; s47 enquiry to proceed with a joint "
    "visit today.",
    "Injury unexplained; child-protection medical arranged and single-agency s47 enquiry begun.",
    "Police to investigate alongside the s47 enquiry; safety plan agreed with the non-"
    "abusing parent.",
)
STRATEGY_NO_FURTHER: tuple[str, ...] = (
    "Further information from health gives an accidental explanation; no further s47 action, "
    "single assessment to continue.",
    "Threshold for s47 not met after discussion; child in need assessment instead.",
)
