"""The daily meeting's timings and rates: when it meets, how often each thing happens.

Rates cite the domain brief (§9) where it gives one; the others are stated as assumptions
next to their constants.
"""

from __future__ import annotations

from datetime import time, timedelta

from mash_desk.domain.meetings import (
    DecisionOutcome,
    DecisionStatus,
    FeedbackMethod,
)

# --- the meeting ----------------------------------------------------------------------------
# The chair opens the meeting between 09:40 and 09:55 and discussion starts at 10:00 (local
# practice; the brief's daily meeting, §9 "a daily meeting of roughly 10–25 cases").
MEETING_OPENS = time(9, 40)
DISCUSSION_STARTS = time(10, 0)
# Who comes: (agency, share of meetings present). Social care, police and health are the
# quorum (resources/policy/meetings.yaml); rarely one of them sends apologies.
ATTENDANCE: tuple[tuple[str, float], ...] = (
    ("police", 0.975),
    ("health", 0.96),
    ("education", 0.85),
    ("early_support", 0.5),
    ("childrens_centres", 0.2),
    ("idva", 0.25),
    ("probation", 0.1),
    ("housing", 0.12),
    ("adult_services", 0.1),
    ("yot", 0.12),
    ("camhs", 0.1),
)
# The demo chair chairs most meetings; the manager covers the rest.
CHAIR_SHARE = 0.8
# A child on the agenda is deferred to the next meeting with a reason now and then.
DEFER_SHARE = 0.03
# --- decisions --------------------------------------------------------------------------------
# The meeting re-applies the threshold with the checks back: sometimes a level lower, rarely
# higher than the screening; a decision overrides the indicators' suggestion about as often
# as a screening does (about 5 %, §3).
LEVEL_DOWN_SHARE = 0.12
LEVEL_UP_SHARE = 0.04
DECISION_OVERRIDE_SHARE = 0.05
# s47 at level 4: tuned so s47 enquiries started per year fall inside Harrow's 54–124 per
# 10,000 children (§9, 000 L415; ≈ 55,000 children) at 2,300 referrals a year.
S47_AT_LEVEL_4 = 0.6
# Strategy discussions → s47 started: 82 of 116 in April 2013 (§9, 004 L132–133).
S47_PROCEED_SHARE = 82 / 116
# Initial child protection conferences held within 15 working days of the strategy discussion:
# Harrow 79 % in 2012-13, 78 % in 2013-14, "over 80 %" lately (§4, 000 L705), so about one in
# five is late. Held in the last week of the target when on time (assumption), 1–8 working
# days after it when late (assumption). About 40 % of s47 enquiries lead to a conference in
# Harrow (§9, 000 L409): the others conclude with no conference needed (the census's
# ICPCnotRequired), recorded on the day the conference would have been. Drawn from a random
# stream of their own, so every other generated row stays as it was.
ICPC_LATE_SHARE = 0.21
NO_CONFERENCE_SHARE = 0.6
NO_CONFERENCE_REASONS = (
    "Enquiry found the injury consistent with the account given; no continuing risk of "
    "significant harm. Single assessment continues under s17.",
    "Parents engaged fully with the enquiry and the safety plan is in place; threshold for "
    "a conference not met. Child in need plan to follow.",
    "Police investigation closed with no further action and medical found no concerns; no "
    "conference needed, family offered early help.",
)
ICPC_ON_TIME_DAYS = (10, 15)
ICPC_LATE_DAYS = (1, 8)
# On the demo's today, one or two enquiries whose target passed in the last few working
# days still wait for their conference, so the manager's overdue list has something to show
# without being a year's worth.
ICPC_OVERDUE = (1, 2)
ICPC_OVERDUE_WINDOW = 3  # working days before the demo's today
NFA_AT_LEVEL_3 = 0.18
STEP_DOWN_AT_LEVEL_2 = 0.55  # the rest are NFA with advice (consent to early help refused)
TRANSFER_SHARE = 0.01
CWDS_SHARE = 0.8  # of disabled children at level 3–4
# A red referral decided between meetings is decided within its 4 hours mostly (§4).
RED_LATE_SHARE = 0.15
# Dissent is rare (assumption: the brief gives no figure): about one decision in 40.
DISSENT_SHARE = 0.025
# Escalations: most are resolved between practitioners, a few go to managers, fewer higher.
ESCALATE_SHARE = 0.25
ESCALATE_AGAIN_SHARE = 0.15
# Escalations resolved by agreeing to amend the decision.
RESOLVE_BY_AMENDING = 0.25
# Signed decisions amended later with new information (assumption: "a few").
AMEND_SHARE = 0.012
# Referrer told within 1 working day (§4 statutory clock); some late, very few never.
FEEDBACK_LATE_SHARE = 0.08
FEEDBACK_NEVER_SHARE = 0.01
FEEDBACK_METHODS: tuple[tuple[str, float], ...] = (
    (FeedbackMethod.SECURE_EMAIL.value, 45),
    (FeedbackMethod.PHONE.value, 25),
    (FeedbackMethod.EMAIL.value, 20),
    (FeedbackMethod.LETTER.value, 8),
    (FeedbackMethod.IN_PERSON.value, 2),
)
# What is left undone is recent: older actions and feedback were all done in the end, so the
# managers' overdue lists show a few items, not a year's worth.
RECENT = timedelta(days=30)
# Actions: most closed by their due date, some late, a few not closed (overdue).
ACTION_LATE_SHARE = 0.1
ACTION_NEVER_SHARE = 0.03
ACTION_NOT_DONE_SHARE = 0.06
ACTION_PROGRESS_SHARE = 0.2
# Agency checks: a share returned after the due time; recent referrals' checks more often
# still outstanding, so the demo day shows overdue ones (§4: returns red 2 h, amber 6 h,
# green 24 h).
CHECK_LATE_SHARE = 0.08
DEMO_CHECK_LATE_SHARE = 0.3
CHECK_WITHDRAWN_SHARE = 0.015
# Routings: the receiving service acknowledges most before answering; a few are rejected.
ACKNOWLEDGE_FIRST_SHARE = 0.75
ROUTING_REJECT_SHARE = 0.05
UNDER_FIVE_TO_CENTRE_SHARE = 0.4
# The demo's "today": referrals awaiting a decision (the brief asks for 20–25).
DEMO_AWAITING = (20, 25)
# About nine referrals a working day (§9) cannot fill a 20-case meeting from one day: the
# demo day's agenda also carries cases deferred at up to this many earlier meetings (most
# recent first), waiting for checks or for the family to be seen.
FINAL_MEETINGS = 4
DEMO_OVERDUE_CHECKS = 2
DEMO_OUTSTANDING_CHECKS = 4
# The agency whose reps sign in to the demo's partner desks (synthetic/users.py): its inbox
# holds at least one of today's checks, so a rep opening the demo has work to return.
DEMO_PARTNER_AGENCY = "police"

ONE_MINUTE = timedelta(minutes=1)
ONE_HOUR = timedelta(hours=1)
ONE_DAY = timedelta(days=1)
SIGNED = DecisionStatus.SIGNED.value


# What an s47 enquiry that proceeds leads to (§9: s47 → conference ≈ 40 %, conference →
# plan 72–81 %), and episode lengths in days (as the generator's own).
S47_SERVICES = (
    ("s47_enquiry", 35),
    ("child_protection_plan", 35),
    ("looked_after", 8),
    ("child_in_need", 22),
)
EPISODE_DAYS = {
    "s47_enquiry": (10, 35),
    "child_protection_plan": (180, 600),
    "looked_after": (180, 1800),
    "child_in_need": (30, 270),
    "children_with_disabilities": (180, 720),
}


# Cases handed to police and health on the demo's today ("to a team or agency", domain §5):
# agency, team, reason, and the ages (years) of child the team works with.
DEMO_HANDOVERS: tuple[tuple[str, str, str, tuple[int, int]], ...] = (
    (
        "police",
        "Public Protection Unit",
        "Police-led: the Public Protection Unit takes the lead with its own enquiries into the "
        "adults concerned, with the MASH's information handed over.",
        (5, 17),
    ),
    (
        "health",
        "Health Visiting Team",
        "Needs are health-led: the health visitor takes the lead under a Universal Plus offer, "
        "with the MASH's information handed over so the family need not repeat it.",
        (0, 4),
    ),
)
# Each step of a demo handover (created, family, professionals, referrer told, handed over).
HANDOVER_STEP = timedelta(minutes=12)
# Outcomes whose child is not handed to a partner: already moving to another service.
NOT_HANDED_OVER = frozenset(
    {
        DecisionOutcome.S47.value,
        DecisionOutcome.STEP_DOWN.value,
        DecisionOutcome.TRANSFER_COUNCIL.value,
    }
)
