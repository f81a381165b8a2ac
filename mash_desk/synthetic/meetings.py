"""The daily MASH meeting's invented history: agency checks, meetings, decisions and after.

Every referral the generator makes asks partner agencies for checks (deadlines from the RAG
policy: red 2 h, amber 6 h, green 24 h of real time), returned by each agency's demo rep —
most on time, some late, a few withdrawn. The referral then waits for the daily meeting
(opened about 09:40 on every working day before the history's last day), where the chair
decides every child on the agenda, in the services' agenda order, or defers it with a reason;
a red referral whose four-hour clock would run out before the next meeting is decided between
meetings by a manager (domain brief §4). A decision is written exactly as ``DecisionService``
writes it: a ``decision`` threshold assessment with indicators, the signed version, pathways,
actions (most later closed by their owner, recent ones open, a few overdue), the referral's
return fields (ReferralNFA, level, team, worker), the referrer's feedback record (most sent
within a working day) and the same audit rows. What follows depends on the outcome: a step
down to early help (level ≤ 2, family consent, under-5s offered a children's centre) or a
step up from early help (level ≥ 3) as routings with who was told, then acknowledged and
answered by the receiving service; a strategy discussion with social care, police and health
for every s47 decision (ICPC target 15 working days later) and, once that target has passed,
the date the conference was held — mostly within it, some late, one or two still owed on the
demo's today; service episodes. Dissent by an
agency present opens stage 1 of the escalation protocol (most resolved at stage 1, a few at
stage 2 or 3); a few signed decisions are amended, both versions kept.

The history's last day is the demo's "today": it has no meeting yet, and 20–25 referrals
await a decision (topping up, if need be, with deferrals at the last two meetings, siblings
first) with their checks mostly returned, a few outstanding and at least two overdue, so a
chair can open today's meeting and run it end to end. Rates cite the brief where it gives one
(§9); the others are stated as assumptions next to their constants (``meeting_rates``).

``MeetingHistory`` is built from steps, each a subclass of the one before, in modules named
for what they write: ``meeting_state`` (schedule, rosters, random streams) →
``partner_checks`` → ``routings`` → ``strategy`` (strategy discussions, conferences, what
follows a decision) → ``decision_records`` (versions, actions, feedback) → ``escalations``
(dissent, amendments) → ``agenda`` (each day's meeting) → ``demo_day`` (the last meetings
and the demo's today).
"""

from __future__ import annotations

from mash_desk.storage.models import (
    AgencyCheckRequest,
    AgendaItem,
    Decision,
    DecisionAction,
    DecisionActionUpdate,
    DecisionPathway,
    Escalation,
    EscalationStep,
    Meeting,
    MeetingAttendance,
    ReferrerFeedback,
    Routing,
    RoutingInforming,
    StrategyAttendee,
    StrategyDiscussion,
)
from mash_desk.synthetic.demo_day import DemoDay
from mash_desk.synthetic.meeting_state import Pending

# Rows this module writes, parents first (the generator inserts them in this order).
TABLES: tuple[type, ...] = (
    AgencyCheckRequest,
    Meeting,
    MeetingAttendance,
    AgendaItem,
    Decision,
    DecisionPathway,
    DecisionAction,
    DecisionActionUpdate,
    ReferrerFeedback,
    Escalation,
    EscalationStep,
    Routing,
    RoutingInforming,
    StrategyDiscussion,
    StrategyAttendee,
)


class MeetingHistory(DemoDay):
    """Writes agency checks, meetings, decisions and their consequences for the generator.

    ``gen`` is the running ``generate._Generator``: ids, row lists, audit rows, the clock and
    the threshold picker come from it, so these rows join the same monthly batches.
    """


__all__ = ["TABLES", "MeetingHistory", "Pending"]
