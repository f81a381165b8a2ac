"""What invented contacts are about: the concern themes, their weights, sources and sentences.

Everything here is invented. Proportions follow the domain brief (§1, §7, §8, §9) and the
shape of national Children in Need statistics (police and schools the largest referral
sources, abuse or neglect the most common primary need); no sentence comes from a real case.
"""

from __future__ import annotations

from dataclasses import dataclass

Weights = tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class Theme:
    """One kind of concern a contact can be about.

    Attributes:
        code: short key.
        weight: relative share of contacts about this theme.
        ages: age range (completed years, inclusive) of the child the contact is about.
        indicators: risk indicators always flagged (codes of ``enums.RISK_INDICATORS``).
        extra: further indicators, each flagged with its probability.
        sources: CIN referral source codes and their weights.
        levels: weights of threshold levels 1–4 (domain brief §3).
        needs: CIN primary need codes and weights, used if the contact becomes a referral.
        sentences: narrative sentences (format fields: see ``narrative_fields``).
        dispositions: per-theme outcome weights overriding the level defaults, or empty.
        unborn: the contact is about an unborn baby (pre-birth concern).
        girls_only: only girls (FGM).
        alone: the child has no family here (unaccompanied asylum-seeking child).
        disability: the child is disabled.
    """

    code: str
    weight: float
    ages: tuple[int, int]
    indicators: tuple[str, ...]
    extra: Weights
    sources: Weights
    levels: tuple[float, float, float, float]
    needs: Weights
    sentences: tuple[str, ...]
    dispositions: Weights = ()
    unborn: bool = False
    girls_only: bool = False
    alone: bool = False
    disability: bool = False


# Police notifications of domestic abuse incidents are the single biggest stream into a MASH
# (police are the largest CIN referral source, §8/§9), so domestic abuse carries the most weight.
THEMES: tuple[Theme, ...] = (
    Theme(
        "domestic_abuse",
        28,
        (0, 17),
        ("domestic_abuse",),
        (("parental_substance_misuse", 0.2), ("parental_mental_health", 0.15)),
        (
            ("6", 70),
            ("2A", 5),
            ("3B", 4),
            ("3E", 3),
            ("1A", 4),
            ("5A", 3),
            ("7", 3),
            ("8", 5),
            ("1C", 2),
            ("9", 1),
        ),
        (0.33, 0.41, 0.18, 0.08),
        (("N1", 60), ("N4", 15), ("N5", 25)),
        (
            "Police were called after neighbours heard shouting and something breaking; "
            "{child} was in the home at the time.",
            "{mother} told officers her partner pushed her against a wall in front of {child}.",
            "This is the third domestic incident at the address reported this year.",
            "{child} told a teacher that 'daddy hurts mummy when he is angry'.",
            "The alleged perpetrator was arrested and has been released on bail with conditions "
            "not to attend the address.",
            "{mother} declined to make a statement and says the relationship is over.",
            "A DASH risk assessment was completed and scored as standard risk.",
            "A DASH risk assessment was completed and scored as high risk; a MARAC referral "
            "has been made.",
            "{child} was asleep upstairs during the incident according to the officers.",
        ),
    ),
    Theme(
        "neglect",
        12,
        (0, 15),
        ("neglect",),
        (("parental_substance_misuse", 0.1), ("parental_mental_health", 0.1)),
        (
            ("2A", 35),
            ("3B", 15),
            ("3A", 5),
            ("1B", 10),
            ("4", 8),
            ("6", 10),
            ("9", 10),
            ("1A", 7),
        ),
        (0.26, 0.5, 0.19, 0.05),
        (("N1", 80), ("N4", 10), ("N7", 5), ("N5", 5)),
        (
            "{child} often arrives at school hungry and in the same clothes for several days.",
            "The home was described as cluttered and dirty, with little food in the cupboards.",
            "{child} has untreated head lice and dental decay that the family has not addressed.",
            "Neighbours report that the children are left alone in the flat in the evenings.",
            "{child} has missed two immunisation appointments and the last health review.",
            "Staff have noticed that {child} is losing weight and hoards food at lunchtime.",
        ),
    ),
    Theme(
        "physical_abuse",
        8,
        (0, 17),
        ("physical_abuse",),
        (),
        (("2A", 50), ("3E", 15), ("6", 15), ("3A", 5), ("1A", 5), ("1B", 5), ("9", 5)),
        (0.07, 0.28, 0.35, 0.3),
        (("N1", 95), ("N5", 5)),
        (
            "{child} arrived at school with a bruise on the cheek and said 'mum did it'.",
            "{child} has a mark on the upper arm that looks like a grip mark; the explanation "
            "given keeps changing.",
            "{child} was seen in A&E with a fracture; the account of how it happened does not "
            "match the injury.",
            "{child} says {parent} hits {them} with a belt as a punishment.",
            "A member of the public saw an adult slap {child} hard across the head in the street.",
        ),
    ),
    Theme(
        "sexual_abuse",
        3,
        (3, 17),
        ("sexual_abuse",),
        (),
        (("2A", 35), ("6", 35), ("3F", 10), ("1A", 10), ("5A", 10)),
        (0.0, 0.08, 0.3, 0.62),
        (("N1", 100),),
        (
            "{child} has disclosed to a teacher that an adult known to the family touched "
            "{them} inappropriately.",
            "{child} has shown sexualised behaviour in class that staff are worried about.",
            "Police are investigating an allegation that {child} was sent sexual images by an "
            "adult online.",
            "{child} told a friend that an older cousin makes {them} keep secrets.",
        ),
    ),
    Theme(
        "parental_mental_health",
        8,
        (0, 17),
        ("parental_mental_health",),
        (("self_harm", 0.03),),
        (("3A", 20), ("3F", 25), ("5A", 20), ("6", 15), ("2A", 10), ("1A", 10)),
        (0.2, 0.48, 0.25, 0.07),
        (("N3", 45), ("N1", 20), ("N4", 25), ("N5", 10)),
        (
            "{mother} has been admitted to hospital under the Mental Health Act after a "
            "deterioration in her mental health.",
            "{mother} has told her GP she is struggling to cope and has thoughts of harming "
            "herself.",
            "{child} has been late to school most days and says {parent} 'stays in bed all day'.",
            "The adult mental health team is worried about the impact of {parent}'s illness on "
            "the children.",
            "{parent} stopped taking prescribed medication two weeks ago.",
        ),
    ),
    Theme(
        "parental_substance_misuse",
        5,
        (0, 17),
        ("parental_substance_misuse",),
        (("domestic_abuse", 0.2), ("neglect", 0.2)),
        (("6", 35), ("3F", 20), ("5A", 15), ("2A", 10), ("1A", 10), ("9", 10)),
        (0.15, 0.38, 0.32, 0.15),
        (("N1", 50), ("N3", 25), ("N5", 25)),
        (
            "{parent} was found by police heavily intoxicated while caring for {child}.",
            "Drug paraphernalia was seen within reach of the children during a police visit.",
            "{parent} arrived at the school gate smelling of alcohol and unsteady on their feet.",
            "The substance misuse service reports {parent} has relapsed and missed appointments.",
        ),
    ),
    Theme(
        "missing",
        5,
        (11, 17),
        ("missing",),
        (("sexual_exploitation", 0.15), ("criminal_exploitation", 0.15)),
        (("6", 80), ("2A", 10), ("5A", 10)),
        (0.07, 0.46, 0.36, 0.11),
        (("N1", 30), ("N6", 30), ("N5", 25), ("N4", 15)),
        (
            "{child} was reported missing overnight and was found the next morning in another "
            "borough.",
            "This is {child}'s fourth missing episode in two months.",
            "{child} returned home with a new phone and cash and will not say where {they} "
            "had been.",
            "A return-home interview is needed; {child} has refused one before.",
        ),
    ),
    Theme(
        "sexual_exploitation",
        2,
        (12, 17),
        ("sexual_exploitation",),
        (("missing", 0.5),),
        (("6", 50), ("2A", 30), ("3C", 10), ("5B", 10)),
        (0.0, 0.08, 0.45, 0.47),
        (("N1", 85), ("N6", 15)),
        (
            "{child} has been seen getting into cars with older males near the station.",
            "{child} has an older 'boyfriend' aged around 23 who buys {them} alcohol.",
            "Staff saw messages on {child}'s phone arranging to meet adults at a hotel.",
        ),
    ),
    Theme(
        "criminal_exploitation",
        3,
        (12, 17),
        ("criminal_exploitation",),
        (("missing", 0.4),),
        (("6", 60), ("2A", 20), ("7", 10), ("5B", 10)),
        (0.0, 0.16, 0.48, 0.36),
        (("N6", 50), ("N1", 40), ("N5", 10)),
        (
            "{child} was stopped by police out of the area carrying several wraps of "
            "class A drugs.",
            "{child} has been found in a flat used for dealing drugs in another county.",
            "{child} has unexplained injuries and new clothes and talks of a debt to 'older boys'.",
            "School has seen a sudden change in {child}'s friendship group and behaviour.",
        ),
    ),
    Theme(
        "self_harm",
        4,
        (10, 17),
        ("self_harm",),
        (),
        (("3E", 40), ("2A", 30), ("3C", 15), ("3F", 15)),
        (0.14, 0.53, 0.26, 0.07),
        (("N4", 40), ("N1", 20), ("N2", 10), ("N5", 20), ("N9", 10)),
        (
            "{child} attended A&E after taking an overdose of paracetamol.",
            "{child} has cuts on {their} forearms that {they} showed to a friend at school.",
            "CAMHS have been contacted; {child} is on the waiting list.",
            "{child} told the school nurse that there is no point carrying on.",
        ),
    ),
    Theme(
        "school_concerns",
        6,
        (5, 16),
        (),
        (("missing", 0.25),),
        (("2A", 50), ("2B", 50)),
        (0.45, 0.49, 0.05, 0.01),
        (("N6", 30), ("N5", 30), ("N4", 30), ("N9", 10)),
        (
            "{child}'s attendance has dropped to 62 per cent this term.",
            "{child} has been excluded twice for fighting and staff feel there are problems "
            "at home.",
            "{parent} has not responded to letters or calls from the school about {child}.",
            "{child} has become withdrawn and tearful in lessons since the half term.",
        ),
    ),
    Theme(
        "family_stress",
        6,
        (0, 17),
        (),
        (),
        (("1C", 20), ("1A", 15), ("4", 20), ("3B", 15), ("2A", 15), ("5B", 15)),
        (0.45, 0.49, 0.05, 0.01),
        (("N4", 50), ("N7", 30), ("N5", 20)),
        (
            "The family are in temporary accommodation and at risk of eviction.",
            "{mother} is asking for help with {child}'s behaviour, which she can no longer manage.",
            "The family has rent arrears and no money for food until the next payment.",
            "{parent} recently lost their job and the family is struggling financially.",
        ),
    ),
    Theme(
        "homeless_16_17",
        1.5,
        (16, 17),
        ("homeless_16_17",),
        (),
        (("4", 60), ("1C", 30), ("6", 10)),
        (0.07, 0.46, 0.4, 0.07),
        (("N4", 50), ("N5", 50)),
        (
            "{child} has been asked to leave the family home after arguments with {parent}.",
            "{child} has been sofa-surfing with friends for two weeks.",
            "{child} presented at the housing office saying there is nowhere to sleep tonight.",
        ),
    ),
    Theme(
        "pre_birth",
        2.8,
        (0, 0),
        ("pre_birth",),
        (("domestic_abuse", 0.55), ("parental_substance_misuse", 0.2)),
        (("3F", 50), ("3A", 10), ("6", 20), ("5A", 10), ("5C", 10)),
        (0.08, 0.4, 0.33, 0.19),
        (("N1", 60), ("N3", 10), ("N4", 15), ("N5", 15)),
        (
            "The community midwife reports that {mother} is pregnant and disclosed domestic "
            "abuse by her partner at the booking appointment.",
            "{mother} is {weeks} weeks pregnant and has not attended antenatal appointments.",
            "{mother} has had previous children removed from her care in another borough.",
            "{mother} disclosed ongoing cannabis and alcohol use during the pregnancy.",
            "A pre-birth assessment is requested before 34 weeks of pregnancy.",
        ),
        unborn=True,
    ),
    Theme(
        "private_fostering",
        # About seven private-fostering notifications a year (domain brief §9).
        0.08,
        (5, 17),
        ("private_fostering",),
        (),
        (("2A", 50), ("3C", 10), ("1D", 20), ("8", 20)),
        (0.13, 0.59, 0.28, 0.0),
        (("N9", 40), ("N8", 40), ("N5", 20)),
        (
            "{child} has been living with a family friend for the last six weeks while "
            "{parent} is abroad.",
            "The school has learnt that {child} is being cared for by someone who is not a "
            "relative.",
            "The carer says the arrangement is expected to last until the end of the school year.",
        ),
        dispositions=(("referral", 60), ("advice", 40)),
    ),
    Theme(
        "allegation_professional",
        1.5,
        (3, 17),
        ("allegation_professional",),
        (),
        (("2A", 30), ("1A", 40), ("2B", 10), ("6", 20)),
        (0.25, 0.55, 0.17, 0.03),
        (("N1", 50), ("N9", 50)),
        (
            "{child} says a sports coach grabbed {them} by the neck during training.",
            "A parent alleges that a member of nursery staff smacked {child}.",
            "{child} has told {parent} that a tutor sends {them} private messages late at night.",
            "The matter has been passed to the LADO as it concerns someone who works with "
            "children.",
        ),
        dispositions=(("advice", 70), ("referral", 15), ("nfa", 15)),
    ),
    Theme(
        "disability",
        2.5,
        (0, 17),
        (),
        (("parental_disability", 0.1),),
        (("3A", 20), ("3F", 20), ("2A", 30), ("1A", 30)),
        (0.19, 0.57, 0.23, 0.01),
        (("N2", 80), ("N4", 20)),
        (
            "{child} has autism and severe learning difficulties and {parent} is exhausted.",
            "{child} needs overnight care and the family has no respite support.",
            "{child}'s complex health needs mean most of the school term has been missed.",
        ),
        disability=True,
    ),
    Theme(
        "fgm",
        0.5,
        (0, 15),
        ("fgm",),
        (),
        (("3F", 60), ("2A", 20), ("6", 20)),
        (0.0, 0.15, 0.39, 0.46),
        (("N1", 100),),
        (
            "The midwife recorded that {mother} has had FGM and has a daughter, {child}.",
            "{child} told a teacher she is going abroad for a 'special celebration' to become "
            "a woman.",
            "The family are due to travel abroad during the summer holiday.",
        ),
        girls_only=True,
    ),
    Theme(
        "uasc",
        0.8,
        (14, 17),
        ("uasc",),
        (("trafficking", 0.3),),
        (("6", 60), ("5C", 20), ("8", 20)),
        (0.0, 0.0, 0.61, 0.39),
        (("N8", 80), ("N1", 20)),
        (
            "{child} arrived in the back of a lorry and was found by police at a service station.",
            "{child} gives {their} age as {age} and says the journey from abroad was made alone.",
            "{child} speaks little English; an interpreter was used.",
        ),
        dispositions=(("referral", 95), ("advice", 5)),
        alone=True,
    ),
    Theme(
        "young_carer",
        1.5,
        (8, 17),
        ("young_carer",),
        (("parental_disability", 0.4), ("parental_mental_health", 0.4)),
        (("2A", 50), ("5A", 30), ("3A", 20)),
        (0.34, 0.6, 0.06, 0.0),
        (("N3", 70), ("N4", 30)),
        (
            "{child} looks after {parent}, who has multiple sclerosis, and is often late to "
            "school.",
            "{child} does the shopping and cooking for the family and is falling behind at school.",
            "{child} has asked whether there is a young carers' group {they} could join.",
        ),
    ),
    Theme(
        "parental_disability",
        1,
        (0, 17),
        ("parental_disability",),
        (),
        (("3B", 30), ("5A", 40), ("3F", 30)),
        (0.19, 0.57, 0.21, 0.03),
        (("N3", 80), ("N4", 20)),
        (
            "{mother} has a learning disability and is finding it hard to follow feeding "
            "advice for {child}.",
            "Adult services are concerned that {parent} needs more support to care safely for "
            "the children.",
        ),
    ),
    Theme(
        "family_conflict",
        4,
        (0, 17),
        (),
        (),
        (("2A", 30), ("1A", 30), ("7", 20), ("3A", 20)),
        (0.46, 0.45, 0.08, 0.01),
        (("N5", 60), ("N4", 40)),
        (
            "The parents are separating and {child} is caught in arguments over contact.",
            "CAFCASS asks for a check on the family ahead of a child arrangements hearing.",
            "{child} is refusing to go to {their} father's home at weekends and is distressed.",
        ),
    ),
    Theme(
        "information_request",
        3,
        (0, 17),
        (),
        (),
        (("5C", 60), ("7", 20), ("8", 20)),
        (0.86, 0.14, 0.0, 0.0),
        (("N0", 50), ("N9", 50)),
        (
            "Another council asks whether the family is known, as they have moved to Harrow.",
            "Probation asks for checks on the household as part of a pre-sentence report.",
            "A request for information about the family for a housing application.",
        ),
        dispositions=(("nfa", 70), ("advice", 30)),
    ),
)
