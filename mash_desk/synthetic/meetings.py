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
(§9); the others are stated as assumptions next to their constants.
"""

from __future__ import annotations

import random
from collections import defaultdict, deque
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from mash_desk.domain.enums import Rag
from mash_desk.domain.meetings import (
    ALLOCATED_OUTCOMES,
    AgendaEntry,
    AgendaStatus,
    DecisionOutcome,
    DecisionStatus,
    EscalationStatus,
    FeedbackMethod,
    Pathway,
    agenda_order,
    default_meeting_policy,
    outcome_fits_level,
    quorum_missing,
)
from mash_desk.domain.outcomes import is_under_five
from mash_desk.domain.routing import (
    CHILDRENS_CENTRES,
    SOCIAL_CARE,
    InformedParty,
    InformMethod,
    RoutingKind,
    RoutingStatus,
    S47Decision,
    offers_childrens_centre,
)
from mash_desk.storage.models import (
    AgencyCheckRequest,
    AgendaItem,
    AuditEntry,
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
from mash_desk.synthetic import partner_text as words
from mash_desk.synthetic.catalogue import (
    EARLY_HELP_TEAMS,
    LEVEL_LOWERED,
    LEVEL_RAISED,
    LEVEL_RATIONALES,
    SOCIAL_CARE_TEAMS,
)
from mash_desk.synthetic.names import choose

if TYPE_CHECKING:
    from mash_desk.synthetic.catalogue import Theme
    from mash_desk.synthetic.people import Kid

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

_MINUTE = timedelta(minutes=1)
_HOUR = timedelta(hours=1)
_DAY = timedelta(days=1)
_SIGNED = DecisionStatus.SIGNED.value


class Pending:
    """A referral the generator made, until its decision is signed."""

    __slots__ = (
        "row",
        "kid",
        "theme",
        "level",
        "flags",
        "unborn",
        "handler",
        "at",
        "rag",
        "referrer",
        "checks",
        "decided",
    )

    def __init__(
        self,
        row: dict[str, Any],
        kid: Kid,
        theme: Theme,
        flags: frozenset[str],
        unborn: bool,
        referrer: tuple[str | None, str, str | None],
    ):
        self.row = row
        self.kid = kid
        self.theme = theme
        self.level: int | None = row["level"]
        self.flags = flags
        self.unborn = unborn
        self.handler: int = row["assigned_to"]
        self.at: datetime = row["referral_at"]
        self.rag: str | None = row["rag"]
        self.referrer = referrer
        # (check row, its return's audit row or None)
        self.checks: list[tuple[dict[str, Any], dict[str, Any] | None]] = []
        self.decided = False

    @property
    def id(self) -> int:
        """The referral's id."""
        return self.row["id"]


class MeetingHistory:
    """Writes agency checks, meetings, decisions and their consequences for the generator.

    ``gen`` is the running ``generate._Generator``: ids, row lists, audit rows, the clock and
    the threshold picker come from it, so these rows join the same monthly batches.
    """

    def __init__(
        self,
        gen: Any,
        agencies: dict[str, int],
        users: dict[str, int],
        names: dict[int, str],
        reps: dict[str, int],
        chair: int,
    ):
        self.g = gen
        self.agencies = agencies
        self._codes = {v: k for k, v in agencies.items()}
        self.users = users
        self.names = names
        self.reps = reps
        self.chair = chair
        # Meeting history draws from its own streams, so contacts stay as they were.
        self.rng = random.Random(f"{gen.seed}:meetings")
        self.drng = random.Random(f"{gen.seed}:demo-day")
        self.policy = default_meeting_policy()
        self.deadlines = gen.deadlines
        self.cal = gen.cal
        self.end: datetime = gen.end
        self.end_day: date = gen.end_day
        self.pending: list[Pending] = []
        self._opens: dict[date, datetime] = {}
        self.counts: defaultdict[str, int] = defaultdict(int)
        self.open_escalations = 0
        self.demo_homes: dict[int | None, int] = defaultdict(int)
        self.demo_siblings = False
        self.last_decided: tuple[Pending, dict[str, Any], Any, datetime] | None = None
        # The latest signed decisions, for the cases handed to partners on the demo's today.
        self.recent_decided: deque[tuple[Pending, dict[str, Any], datetime]] = deque(maxlen=60)
        self.rosters = self._rosters()
        # The last few meetings before the demo's today are held at the end, once it is known
        # how many referrals will still be waiting.
        self.final: list[date] = []
        day = self.end_day - _DAY
        while len(self.final) < FINAL_MEETINGS and day >= gen.start.astimezone(gen.tz).date():
            if self.meets_on(day):
                self.final.insert(0, day)
            day -= _DAY
        self.demo_from = self.opens(self.final[-1]) if self.final else gen.start
        self.siblings_from = self.opens(self.final[0]) if self.final else gen.start
        # Conferences draw from their own stream, so the rest of the history is as it was.
        self.crng = random.Random(f"{gen.seed}:conferences")
        self.nrng = random.Random(f"{gen.seed}:icpc-not-required")
        self.icpc_overdue_left = self.crng.randint(*ICPC_OVERDUE)
        # Conferences are dated up to the working day before the demo's today, whose morning
        # it is; targets passing since the window's first opening may be left overdue.
        self.icpc_last_day = self._working_days_from(self.end_day, -1)
        window_day = self._working_days_from(self.end_day, -ICPC_OVERDUE_WINDOW)
        self.icpc_overdue_from = self.cal.next_opening(gen._local(window_day, time(0)))

    # --- schedule -----------------------------------------------------------------------------

    def opens(self, day: date) -> datetime:
        """When the chair opens ``day``'s meeting (09:40–09:55 local)."""
        found = self._opens.get(day)
        if found is None:
            minutes = random.Random(f"{self.g.seed}:meeting:{day.toordinal()}").randint(0, 15)
            found = self.g._local(day, MEETING_OPENS) + timedelta(minutes=minutes)
            self._opens[day] = found
        return found

    def _working_days_from(self, day: date, n: int) -> date:
        """The working day ``n`` working days after ``day`` (before it when ``n`` < 0)."""
        step = _DAY if n >= 0 else -_DAY
        left = abs(n)
        while left:
            day += step
            left -= self.cal.is_working_day(day)
        return day

    def meets_on(self, day: date) -> bool:
        """Whether a meeting is held on ``day``: a working day before the demo's today."""
        return (
            day < self.end_day
            and self.cal.is_working_day(day)
            and self.g.policy.working_hours.get(day.weekday()) is not None
            and self.opens(day) >= self.g.start
        )

    def next_meeting(self, at: datetime) -> datetime | None:
        """When the first meeting after ``at`` opens (None: none before the demo's today)."""
        day = at.astimezone(self.g.tz).date()
        while day < self.end_day:
            if self.meets_on(day) and self.opens(day) > at:
                return self.opens(day)
            day += _DAY
        return None

    def after_day(self, day: date) -> None:
        """Hold ``day``'s meeting once all its contacts are generated (not the final two)."""
        if day not in self.final and self.meets_on(day):
            self._hold(day, frozenset())

    # --- referrals and checks -----------------------------------------------------------------

    def wants_siblings(self, received: datetime) -> bool:
        """Whether a referral received now should be about siblings, for the demo's today.

        True in the last few meeting days before the demo's today until siblings have been
        referred together in them, so its agenda can have a household to discuss together.
        """
        return received >= self.siblings_from and not self.demo_siblings

    def referral(
        self,
        row: dict[str, Any],
        kid: Kid,
        theme: Theme,
        flags: frozenset[str],
        unborn: bool,
        referrer: tuple[str | None, str, str | None],
    ) -> None:
        """A referral was made: ask for checks, then decide it now (red) or queue it."""
        p = Pending(row, kid, theme, flags, unborn, referrer)
        kid.awaiting = True
        self._checks(p)
        if p.rag == Rag.RED.value:
            rng = self.rng
            hours = (
                rng.uniform(3.5, 6.0) if rng.random() < RED_LATE_SHARE else rng.uniform(0.5, 3.5)
            )
            when = (p.at + timedelta(hours=hours)).replace(microsecond=0)
            upcoming = self.next_meeting(p.at)
            if (upcoming is None or when < upcoming) and when <= self.end:
                # Decided between meetings by a manager (domain brief §4; issue 5 item 2).
                self._decide(p, None, self.g.manager, when, self.g.manager, ())
                return
        self.pending.append(p)
        if p.at >= self.siblings_from:
            home = kid.fam.hid
            self.demo_homes[home] += 1
            self.demo_siblings = self.demo_siblings or self.demo_homes[home] > 1

    def _checks(self, p: Pending) -> None:
        rng = self.rng
        g = self.g
        kid = p.kid
        day = p.at.astimezone(g.tz).date()
        age = kid.age_on(day)
        codes = [c for c, share in words.CORE_CHECKS if rng.random() < share]
        if age is not None and age >= 4:
            codes += [c for c, share in words.SCHOOL_AGE_CHECKS if rng.random() < share]
        else:
            codes += [c for c, share in words.UNDER_FIVE_CHECKS if rng.random() < share]
        for code, share in words.THEME_CHECKS.get(p.theme.code, ()):
            if code not in codes and rng.random() < share:
                codes.append(code)
        codes = [c for c in codes if c in self.agencies and c in self.reps] or ["police"]
        # Asked within the hour (by the end, for a referral made in its last minutes).
        asked = min(p.at + timedelta(minutes=rng.randint(3, 40)), self.end).replace(microsecond=0)
        clock = Rag(p.rag) if p.rag else Rag.AMBER
        due = self.deadlines.agency_check_due(clock, asked)
        late_share = DEMO_CHECK_LATE_SHARE if p.at >= self.demo_from else CHECK_LATE_SHARE
        rows = g.rows[AgencyCheckRequest]
        for code in codes:
            cid = g._id(AgencyCheckRequest)
            row: dict[str, Any] = {
                "id": cid,
                "referral_id": p.id,
                "agency_id": self.agencies[code],
                "question": rng.choice(words.CHECK_QUESTIONS[code]),
                "requested_by": p.handler,
                "requested_at": asked,
                "due_at": due,
                "rag": p.rag,
                "status": "requested",
                "returned_by": None,
                "returned_at": None,
                "finding": None,
                "nothing_known": False,
                "withdrawn_by": None,
                "withdrawn_at": None,
                "withdrawal_reason": None,
                "version": 1,
            }
            rows.append(row)
            g._audit(
                asked,
                p.handler,
                "agency_check.requested",
                "agency_check_request",
                cid,
                kid.pid,
                referral_id=p.id,
                agency=code,
                question=row["question"],
                rag=p.rag,
                clock=clock.value,
                due_at=due.isoformat(),
                # Asking discloses the child's identity and the concern to the agency (§6).
                shared={
                    "with_agency": code,
                    "what": "child's identifiers and the question",
                    "why": f"agency check for referral {p.id}",
                    "consent_to_share": kid.consent or "not recorded",
                },
            )
            audit = None
            if rng.random() < CHECK_WITHDRAWN_SHARE:
                at = asked + timedelta(minutes=rng.randint(10, 120))
                if at <= self.end:
                    reason = rng.choice(words.CHECK_WITHDRAWAL_REASONS)
                    row.update(
                        status="withdrawn",
                        withdrawn_by=p.handler,
                        withdrawn_at=at,
                        withdrawal_reason=reason,
                        version=2,
                    )
                    g._audit(
                        at,
                        p.handler,
                        "agency_check.withdrawn",
                        "agency_check_request",
                        cid,
                        kid.pid,
                        referral_id=p.id,
                        agency=code,
                        reason=reason,
                    )
            else:
                span = due - asked
                late = rng.random() < late_share
                if late:
                    back = due + span * rng.uniform(0.05, 1.0) + _HOUR * rng.uniform(0, 3)
                elif code == "police":
                    back = asked + span * rng.uniform(0.1, 0.95)
                else:
                    # Only the police desk works round the clock; the others answer within
                    # their opening hours before the due time when there are any.
                    hours = self.cal.working_time_between(asked, due)
                    if hours > _MINUTE * 10:
                        back = self.cal.add_working_time(asked, hours * rng.uniform(0.1, 0.95))
                    else:
                        back = due
                if code != "police" and not self.cal.is_open(back):
                    back = self.cal.next_opening(back) + _MINUTE * rng.randint(5, 90)
                back = back.replace(microsecond=0)
                if back <= self.end:
                    audit = self._return(p, row, code, back)
            p.checks.append((row, audit))
        self.counts["checks"] += len(codes)

    def _return(self, p: Pending, row: dict[str, Any], code: str, at: datetime) -> dict[str, Any]:
        """The agency's rep returns the check; return its audit row."""
        rng = self.rng
        fitting = words.findings_for(code, p.kid.age_on(at.astimezone(self.g.tz).date()))
        nothing = not fitting or rng.random() < words.NOTHING_KNOWN.get(
            code, words.OTHER_NOTHING_KNOWN
        )
        finding = None if nothing else rng.choice(fitting)
        rep = self.reps[code]
        row.update(
            status="returned",
            returned_by=rep,
            returned_at=at,
            finding=finding,
            nothing_known=nothing,
            version=2,
        )
        self.g._audit(
            at,
            rep,
            "agency_check.returned",
            "agency_check_request",
            row["id"],
            p.kid.pid,
            referral_id=p.id,
            agency=code,
            nothing_known=nothing,
            late=at > row["due_at"],
            shared={
                "by_agency": code,
                "with": "mash",
                "request_id": row["id"],
                "what": "nothing known" if nothing else finding,
            },
        )
        return self.g.rows[AuditEntry][-1]

    # --- meetings ---------------------------------------------------------------------------

    def _rosters(self) -> dict[str, list[str]]:
        """Who represents each agency at meetings: its demo rep, and an invented colleague."""
        rng = random.Random(f"{self.g.seed}:rosters")
        pool = self.g.pools["en_GB"]
        rosters: dict[str, list[str]] = {}
        for code in self.agencies:
            names = [self.names[self.reps[code]]] if code in self.reps else []
            while len(names) < 2:
                first = rng.choice(pool.female if rng.random() < 0.6 else pool.male)
                name = f"{first} {rng.choice(pool.family)}"
                if name not in names:
                    names.append(name)
            rosters[code] = names
        return rosters

    def _hold(self, day: date, keep: frozenset[int], force_dissent: bool = False) -> None:
        """Hold ``day``'s meeting: attendance, every child on the agenda, sign-off.

        Referrals in ``keep`` are deferred (the demo day's top-up).
        """
        g = self.g
        rng = self.rng
        opened = self.opens(day)
        agenda = sorted((p for p in self.pending if p.at < opened), key=lambda p: p.id)
        if not agenda:
            return
        chair = self.chair if rng.random() < CHAIR_SHARE else g.manager
        mid = g._id(Meeting)
        meeting: dict[str, Any] = {
            "id": mid,
            "meeting_date": day,
            "chair_id": chair,
            "created_at": opened,
            "quorum_reason": None,
            "quorum_reason_by": None,
            "quorum_reason_at": None,
            "signed_off_by": None,
            "signed_off_at": None,
            "version": 1,
        }
        g.rows[Meeting].append(meeting)
        g._audit(
            opened,
            chair,
            "meeting.created",
            "meeting",
            mid,
            None,
            meeting_date=day.isoformat(),
            agenda=[p.id for p in agenda],
        )
        items: dict[int, dict[str, Any]] = {}
        for p in agenda:
            item = {
                "id": g._id(AgendaItem),
                "meeting_id": mid,
                "referral_id": p.id,
                "status": AgendaStatus.PENDING.value,
                "deferred_reason": None,
                "deferred_by": None,
                "deferred_at": None,
            }
            items[p.id] = item
            g.rows[AgendaItem].append(item)
        # Attendance, one row (and audit) per person as the chair records it.
        at = opened + _MINUTE * rng.randint(1, 4)
        presenter = rng.choice(g.practitioners)
        people = [
            (SOCIAL_CARE, self.names[chair], True),
            (SOCIAL_CARE, self.names[presenter], True),
        ]
        for code, share in ATTENDANCE:
            if code not in self.agencies:
                continue
            here = rng.random() < share
            name = self.rosters[code][0 if rng.random() < 0.85 else 1]
            if here or code in self.policy.quorum:
                people.append((code, name, here))  # quorum agencies send apologies
        present: set[str] = set()
        for code, name, here in people:
            g.rows[MeetingAttendance].append(
                {
                    "id": g._id(MeetingAttendance),
                    "meeting_id": mid,
                    "agency_id": self.agencies[code],
                    "attendee_name": name,
                    "present": here,
                    "recorded_by": chair,
                    "recorded_at": at,
                }
            )
            g._audit(
                at,
                chair,
                "meeting.attendance",
                "meeting",
                mid,
                None,
                agency=code,
                attendee=name,
                present=here,
            )
            if here:
                present.add(code)
            at += _MINUTE
        missing = quorum_missing(self.policy.quorum, present)
        if missing:
            reason = rng.choice(words.QUORUM_REASONS)
            meeting.update(
                quorum_reason=reason, quorum_reason_by=chair, quorum_reason_at=at, version=2
            )
            g._audit(
                at,
                chair,
                "meeting.quorum_overridden",
                "meeting",
                mid,
                None,
                missing=list(missing),
                reason=reason,
            )
            self.counts["inquorate"] += 1
        at = max(at, g._local(day, DISCUSSION_STARTS))
        order = agenda_order(
            [AgendaEntry(p.id, p.kid.fam.hid, p.row["decision_due_at"], p.rag) for p in agenda]
        )
        by_id = {p.id: p for p in agenda}
        household = None
        dissent_forced = not force_dissent
        for entry in order:
            p = by_id[entry.referral_id]
            same = entry.household_id is not None and entry.household_id == household
            household = entry.household_id
            at += timedelta(seconds=rng.randint(60, 180) if same else rng.randint(180, 540))
            item = items[p.id]
            if p.id in keep or rng.random() < DEFER_SHARE:
                waiting = sorted(
                    {
                        self._agency_code(c["agency_id"])
                        for c, _ in p.checks
                        if c["status"] == "requested"
                        or (c["returned_at"] is not None and c["returned_at"] > at)
                    }
                )
                reason = (
                    words.DEFER_FOR_CHECKS.format(agencies=" and ".join(waiting))
                    if waiting
                    else rng.choice(words.DEFER_REASONS)
                )
                item.update(
                    status=AgendaStatus.DEFERRED.value,
                    deferred_reason=reason,
                    deferred_by=chair,
                    deferred_at=at,
                )
                g._audit(
                    at,
                    chair,
                    "meeting.item_deferred",
                    "agenda_item",
                    item["id"],
                    p.kid.pid,
                    meeting_id=mid,
                    referral_id=p.id,
                    reason=reason,
                )
                self.counts["deferred"] += 1
                continue
            drafter = p.handler if rng.random() < 0.6 else chair
            partners = sorted(present - {SOCIAL_CARE})
            at = self._decide(p, mid, chair, at, drafter, partners, not dissent_forced)
            dissent_forced = dissent_forced or bool(partners)
            item["status"] = AgendaStatus.DECIDED.value
        at += _MINUTE * rng.randint(2, 10)
        meeting.update(signed_off_by=chair, signed_off_at=at, version=meeting["version"] + 1)
        g._audit(at, chair, "meeting.signed_off", "meeting", mid, None)
        self.pending = [p for p in self.pending if not p.decided]

    def _agency_code(self, agency_id: int) -> str:
        return self._codes[agency_id]

    # --- one decision -------------------------------------------------------------------------

    def _choose(self, p: Pending, day: date) -> tuple[int, DecisionOutcome]:
        """The level the meeting applies and its outcome (domain brief §3, §5)."""
        rng = self.rng
        kid = p.kid
        level = p.level or 3
        r = rng.random()
        if r < LEVEL_DOWN_SHARE and level > 1:
            level -= 1
        elif r < LEVEL_DOWN_SHARE + LEVEL_UP_SHARE and level < 4:
            level += 1
        if kid.open_on(day) and kid.open_service not in (None, "early_help"):
            return level, DecisionOutcome.FORWARD_OPEN_CASE
        if rng.random() < TRANSFER_SHARE:
            return level, DecisionOutcome.TRANSFER_COUNCIL
        if kid.disability and level >= 3 and rng.random() < CWDS_SHARE:
            return level, DecisionOutcome.CWDS
        if level >= 4:
            s47 = rng.random() < S47_AT_LEVEL_4
            return level, DecisionOutcome.S47 if s47 else DecisionOutcome.SINGLE_ASSESSMENT
        if level == 3:
            # Information requests and absent-parenting needs end in NFA more often.
            share = 0.5 if p.row["primary_need"] in ("N9", "N0") else NFA_AT_LEVEL_3
            nfa = rng.random() < share
            return level, DecisionOutcome.NFA if nfa else DecisionOutcome.SINGLE_ASSESSMENT
        step_down = rng.random() < STEP_DOWN_AT_LEVEL_2
        return level, DecisionOutcome.STEP_DOWN if step_down else DecisionOutcome.NFA

    def _assessment(self, p: Pending, level: int, user: int, at: datetime) -> int:
        """The decision's threshold assessment (``record_assessment`` of kind ``decision``)."""
        rng = self.rng
        g = self.g
        suggested = level
        rationale = rng.choice(LEVEL_RATIONALES[level])
        if rng.random() < DECISION_OVERRIDE_SHARE:
            picker = g.picker
            if level <= picker.lowest:
                suggested = level + 1
            elif level >= picker.highest:
                suggested = level - 1
            else:
                suggested = level + rng.choice((-1, 1))
            rationale = rng.choice(LEVEL_LOWERED if level < suggested else LEVEL_RAISED)
        ticked = g.picker.tick(rng, suggested, p.flags, p.theme.code, p.unborn)
        return g._assessment(
            "decision",
            p.kid.pid,
            None,
            suggested,
            level,
            rationale,
            ticked,
            user,
            at,
            referral_id=p.id,
        )

    def _decide(
        self,
        p: Pending,
        meeting_id: int | None,
        signer: int,
        at: datetime,
        drafter: int,
        present: list[str] | tuple[str, ...],
        force_dissent: bool = False,
    ) -> datetime:
        """Draft and sign the decision on ``p`` at ``at``; return when it was signed."""
        rng = self.rng
        g = self.g
        day = at.astimezone(g.tz).date()
        level, outcome = self._choose(p, day)
        signed_at = min(at + timedelta(seconds=rng.randint(30, 150)), max(at, self.end))
        decision, actions = self._version(
            p, meeting_id, outcome, level, drafter, at, signer, signed_at
        )
        # Dissent (which may end in an amendment), or now and then an amendment anyway.
        amended: datetime | None = None
        if meeting_id is not None and present:
            self.last_decided = (p, decision, present, signed_at)
        self.recent_decided.append((p, decision, signed_at))
        if meeting_id is not None and present and (force_dissent or rng.random() < DISSENT_SHARE):
            amended = self._dissent(p, decision, present, signed_at, stay_open=force_dissent)
        elif rng.random() < AMEND_SHARE:
            later = g._working(signed_at, 2.0, 30.0)
            amended = self._amend(p, decision, later, rng.choice((self.chair, g.manager)), None)
        # Once amended, the old version's open actions are superseded: no longer worked.
        for row, agency in actions:
            self._work_action(p, decision, row, agency, signed_at, amended or self.end)
        p.kid.awaiting = False
        p.decided = True
        self.counts["decisions"] += 1
        return signed_at

    def _version(
        self,
        p: Pending,
        meeting_id: int | None,
        outcome: DecisionOutcome,
        level: int,
        drafter: int,
        drafted_at: datetime,
        signer: int,
        signed_at: datetime,
        amends: dict[str, Any] | None = None,
        reason: str | None = None,
    ) -> tuple[dict[str, Any], list[tuple[dict[str, Any], str | None]]]:
        """Write one signed decision version with everything signing does.

        Returns its row and its actions (with their owner agency) for the caller to work.
        """
        rng = self.rng
        g = self.g
        kid = p.kid
        day = signed_at.astimezone(g.tz).date()
        assessment = self._assessment(p, level, drafter, drafted_at)
        team = worker = None
        if outcome in words.ALLOCATED_TEAMS:
            team = choose(rng, words.ALLOCATED_TEAMS[outcome])
        elif outcome is DecisionOutcome.FORWARD_OPEN_CASE:
            team = SOCIAL_CARE_TEAMS.get(kid.open_service or "", "Children in Need Team")
        elif outcome is DecisionOutcome.STEP_DOWN:
            team = rng.choice(EARLY_HELP_TEAMS)
        if outcome in ALLOCATED_OUTCOMES and rng.random() < 0.7:
            worker = rng.choice(g.practitioners)
        pathways = [
            pathway
            for pathway, share in words.PATHWAYS_BY_THEME.get(p.theme.code, ())
            if rng.random() < share
        ]
        did = g._id(Decision)
        revision = 1 if amends is None else amends["revision"] + 1
        s47_on = None
        if outcome is DecisionOutcome.S47:
            # The service keeps the first s47 version's start and otherwise signs it today.
            s47_on = (amends or {}).get("s47_started_on") or day
        inform_professionals = rng.choice(words.INFORM_PROFESSIONALS)
        if outcome is DecisionOutcome.TRANSFER_COUNCIL:
            inform_professionals = (
                f"{rng.choice(words.TRANSFER_COUNCILS)} children's services by secure email"
            )
        row: dict[str, Any] = {
            "id": did,
            "referral_id": p.id,
            "person_id": kid.pid,
            "meeting_id": meeting_id,
            "revision": revision,
            "amends_id": None if amends is None else amends["id"],
            "amendment_reason": reason,
            "status": _SIGNED,
            "outcome": outcome.value,
            "level": level,
            "assessment_id": assessment,
            "document_id": g.document_key[0],
            "document_version": g.document_key[1],
            "rationale": rng.choice(words.RATIONALES[outcome]),
            "inform_family": rng.choice(words.INFORM_FAMILY),
            "inform_referrer": rng.choice(words.INFORM_REFERRER),
            "inform_professionals": inform_professionals,
            "allocated_team": team,
            "allocated_worker_id": worker,
            # The service asks why only when outcome and level part ways; a generated
            # decision that does says so as a chair would.
            "outcome_level_reason": None
            if outcome_fits_level(outcome, level)
            else "Agreed at the meeting on the agencies' information, against the usual route.",
            "s47_started_on": s47_on,
            "drafted_by": drafter,
            "drafted_at": drafted_at,
            "signed_by": signer,
            "signed_at": signed_at,
            # Inserted as a draft (1), then signed (2) — in one transaction for an amendment.
            "version": 2,
        }
        g.rows[Decision].append(row)
        for pathway in pathways:
            g.rows[DecisionPathway].append(
                {"id": g._id(DecisionPathway), "decision_id": did, "pathway": pathway.value}
            )
        actions = self._actions(p, row, pathways, worker or drafter, signed_at)
        detail = {
            "referral_id": p.id,
            "meeting_id": meeting_id,
            "revision": revision,
            "outcome": outcome.value,
            "level": level,
            "assessment": assessment,
            "document": row["document_id"],
            "document_version": row["document_version"],
            "pathways": [pw.value for pw in pathways],
            "actions": len(actions),
            "allocated_team": team,
        }
        if amends is None:
            g._audit(drafted_at, drafter, "decision.drafted", "decision", did, kid.pid, **detail)
        # Signing decides the referral and fills what the returns read (DecisionService).
        ref = p.row
        before = (ref["referral_nfa"], ref["level"], ref["team"], ref["assigned_to"])
        ref.update(status="decided", referral_nfa=outcome is DecisionOutcome.NFA, level=level)
        if team is not None:
            ref["team"] = team
        if worker is not None:
            ref["assigned_to"] = worker
        if amends is None or before != (
            ref["referral_nfa"],
            ref["level"],
            ref["team"],
            ref["assigned_to"],
        ):
            ref["version"] += 1
        self._feedback(p, did, signer, signed_at)
        if amends is None:
            g._audit(
                signed_at,
                signer,
                "decision.signed",
                "decision",
                did,
                kid.pid,
                outcome=outcome.value,
                meeting_id=meeting_id,
                between_meetings=meeting_id is None,
                referral_nfa=ref["referral_nfa"],
                allocated_team=team,
                allocated_worker_id=worker,
                s47_started_on=s47_on,
            )
        else:
            g._audit(
                signed_at,
                signer,
                "decision.amended",
                "decision",
                did,
                kid.pid,
                amends=amends["id"],
                reason=reason,
                referral_nfa=ref["referral_nfa"],
                **detail,
            )
            self.counts["amendments"] += 1
        self._follow(p, row, outcome, level, signed_at, amends)
        return row, actions

    def _actions(
        self,
        p: Pending,
        decision: dict[str, Any],
        pathways: list[Pathway],
        person: int,
        signed_at: datetime,
    ) -> list[tuple[dict[str, Any], str | None]]:
        """Write the decision's actions; return them with their owner agency."""
        rng = self.rng
        g = self.g
        outcome = DecisionOutcome(decision["outcome"])
        base = list(words.ACTIONS[outcome])
        chosen = base[:1] + [a for a in base[1:] if rng.random() < 0.6]
        chosen += [words.PATHWAY_ACTIONS[pw] for pw in pathways]
        if outcome is DecisionOutcome.STEP_DOWN and self._under_five(p, signed_at):
            chosen.append(
                ("Children's centre to contact the family about its offer", CHILDRENS_CENTRES, 10)
            )
        day = signed_at.astimezone(g.tz).date()
        made = []
        for description, owner, days in chosen:
            due_on = day + timedelta(days=days)
            agency = None if owner == "worker" else owner
            row: dict[str, Any] = {
                "id": g._id(DecisionAction),
                "decision_id": decision["id"],
                "description": description,
                "owner_agency_id": None if agency is None else self.agencies[agency],
                "owner_user_id": person if agency is None else None,
                "due_on": due_on,
                "status": "open",
                "closed_by": None,
                "closed_at": None,
                "closing_note": None,
                "version": 1,
            }
            g.rows[DecisionAction].append(row)
            made.append((row, agency))
        return made

    def _work_action(
        self,
        p: Pending,
        decision: dict[str, Any],
        row: dict[str, Any],
        agency: str | None,
        signed_at: datetime,
        until: datetime,
    ) -> None:
        """The owner records progress and closes the action (``ActionService``), or not yet.

        Nothing is done to it after ``until`` (the end, or when its decision was amended).
        """
        rng = self.rng
        g = self.g
        r = rng.random()
        if r < ACTION_NEVER_SHARE and row["due_on"] >= self.end_day - RECENT:
            return  # still open: on the manager's overdue list once past due
        due_end = g._local(row["due_on"], time(17))
        if r < ACTION_NEVER_SHARE + ACTION_LATE_SHARE:
            closed = due_end + _DAY * rng.uniform(0.5, 6.0)
        else:
            closed = signed_at + (due_end - signed_at) * rng.uniform(0.2, 1.0)
        closed = closed.replace(microsecond=0)
        who = row["owner_user_id"] if agency is None else self.reps.get(agency, p.handler)
        common = {
            "decision_id": decision["id"],
            "referral_id": p.id,
            "owner_agency": agency,
        }
        if rng.random() < ACTION_PROGRESS_SHARE:
            noted = signed_at + (closed - signed_at) * rng.uniform(0.2, 0.7)
            noted = noted.replace(microsecond=0)
            if noted <= until:
                note = "Family contacted; work under way."
                self._action_note(row, note, "open", who, noted)
                g._audit(
                    noted,
                    who,
                    "decision_action.updated",
                    "decision_action",
                    row["id"],
                    p.kid.pid,
                    note=note,
                    **common,
                )
        if closed > until:
            return
        done = rng.random() >= ACTION_NOT_DONE_SHARE
        status = "done" if done else "not_done"
        note = rng.choice(words.ACTION_DONE_NOTES if done else words.ACTION_NOT_DONE_NOTES)
        row.update(status=status, closed_by=who, closed_at=closed, closing_note=note)
        self._action_note(row, note, status, who, closed)
        g._audit(
            closed,
            who,
            "decision_action.closed",
            "decision_action",
            row["id"],
            p.kid.pid,
            status=status,
            note=note,
            due_on=row["due_on"],
            late=closed.astimezone(g.tz).date() > row["due_on"],
            **common,
        )

    def _action_note(
        self, row: dict[str, Any], note: str, status: str, who: int, at: datetime
    ) -> None:
        self.g.rows[DecisionActionUpdate].append(
            {
                "id": self.g._id(DecisionActionUpdate),
                "action_id": row["id"],
                "note": note,
                "status_after": status,
                "written_by": who,
                "written_at": at,
            }
        )
        row["version"] += 1

    def _feedback(self, p: Pending, decision_id: int, signer: int, signed_at: datetime) -> None:
        """The referrer's feedback record, due in 1 working day, and when it was sent."""
        rng = self.rng
        g = self.g
        due = self.deadlines.due(self.policy.referrer_feedback, signed_at)
        fid = g._id(ReferrerFeedback)
        row: dict[str, Any] = {
            "id": fid,
            "decision_id": decision_id,
            "referral_id": p.id,
            "due_at": due,
            "sent_at": None,
            "sent_by": None,
            "method": None,
            "version": 1,
        }
        g.rows[ReferrerFeedback].append(row)
        g._audit(
            signed_at,
            signer,
            "referrer_feedback.created",
            "referrer_feedback",
            fid,
            p.kid.pid,
            decision_id=decision_id,
            due_at=due,
        )
        r = rng.random()
        if r < FEEDBACK_NEVER_SHARE and signed_at.date() >= self.end_day - RECENT:
            return  # not sent yet: on the manager's overdue list
        if r < FEEDBACK_NEVER_SHARE + FEEDBACK_LATE_SHARE:
            sent = due + _HOUR * rng.uniform(0.5, 48)
        else:
            sent = signed_at + (due - signed_at) * rng.uniform(0.02, 0.95)
        sent = sent.replace(microsecond=0)
        if sent > self.end:
            return
        method = choose(rng, FEEDBACK_METHODS)
        sender = rng.choice(g.practitioners)
        row.update(sent_at=sent, sent_by=sender, method=method, version=2)
        g._audit(
            sent,
            sender,
            "referrer_feedback.sent",
            "referrer_feedback",
            fid,
            p.kid.pid,
            method=method,
            sent_at=sent,
            late=sent > due,
        )

    # --- what follows a decision --------------------------------------------------------------

    def _under_five(self, p: Pending, at: datetime) -> bool:
        kid = p.kid
        day = at.astimezone(self.g.tz).date()
        born = kid.born_by(day)
        return is_under_five(kid.dob if born else None, None if born else kid.edd, day)

    def _follow(
        self,
        p: Pending,
        decision: dict[str, Any],
        outcome: DecisionOutcome,
        level: int,
        signed_at: datetime,
        amends: dict[str, Any] | None,
    ) -> None:
        """Routing, strategy discussion and service episode after a signed version."""
        rng = self.rng
        g = self.g
        kid = p.kid
        day = signed_at.astimezone(g.tz).date()
        open_early_help = kid.open_on(day) and kid.open_service == "early_help"
        if outcome is DecisionOutcome.S47:
            proceed = self._strategy(p, decision, signed_at)
            if amends is None:
                service = choose(rng, _S47_SERVICES) if proceed else "child_in_need"
                low, high = _EPISODE_DAYS[service]
                g._episode(kid, service, day + timedelta(days=rng.randint(0, 3)), low, high)
        if amends is not None:
            return
        if open_early_help and outcome in (
            DecisionOutcome.SINGLE_ASSESSMENT,
            DecisionOutcome.S47,
        ):
            self._routing(p, decision, RoutingKind.STEP_UP, level, signed_at)
        if outcome is DecisionOutcome.STEP_DOWN:
            accepted = self._routing(p, decision, RoutingKind.STEP_DOWN, level, signed_at)
            if accepted is not None:
                start = accepted.astimezone(g.tz).date() + timedelta(days=rng.randint(0, 7))
                g._episode(kid, "early_help", start, 90, 270)
        elif outcome is DecisionOutcome.SINGLE_ASSESSMENT:
            low, high = _EPISODE_DAYS["child_in_need"]
            g._episode(kid, "child_in_need", day + timedelta(days=rng.randint(0, 3)), low, high)
        elif outcome is DecisionOutcome.CWDS:
            low, high = _EPISODE_DAYS["children_with_disabilities"]
            g._episode(
                kid,
                "children_with_disabilities",
                day + timedelta(days=rng.randint(0, 3)),
                low,
                high,
            )

    def _strategy(self, p: Pending, decision: dict[str, Any], signed_at: datetime) -> bool:
        """The strategy discussion of an s47 decision (§5: social care, police, health)."""
        rng = self.rng
        g = self.g
        if p.rag == Rag.RED.value:
            held = signed_at + _HOUR * rng.uniform(0.3, 3.0)
        else:
            held = g._working(signed_at, 0.3, 5.0)
        held = min(held.replace(microsecond=0), self.end)
        recorded = min(held + _MINUTE * rng.randint(10, 90), self.end)
        worker = decision["allocated_worker_id"] or decision["drafted_by"]
        attendees = [
            (SOCIAL_CARE, self.names[worker]),
            ("police", self.rosters["police"][0 if rng.random() < 0.7 else 1]),
            ("health", self.rosters["health"][0 if rng.random() < 0.7 else 1]),
        ]
        for code, share in (("education", 0.35), ("idva", 0.15), ("probation", 0.08)):
            if code in self.agencies and rng.random() < share:
                attendees.append((code, self.rosters[code][0]))
        proceed = rng.random() < S47_PROCEED_SHARE
        started = held.astimezone(g.tz).date() if proceed else None
        icpc = self.deadlines.icpc_due(held) if proceed else None
        sid = g._id(StrategyDiscussion)
        recorder = decision["signed_by"]
        conference = self._conference(held, icpc) if icpc is not None else None
        held_on, icpc_by, icpc_at, within, late = conference or (None, None, None, None, None)
        not_required_on, not_required_reason = None, None
        if held_on is not None and self.nrng.random() < NO_CONFERENCE_SHARE:
            not_required_on, held_on = held_on, None
            not_required_reason = self.nrng.choice(NO_CONFERENCE_REASONS)
        g.rows[StrategyDiscussion].append(
            {
                "id": sid,
                "referral_id": p.id,
                "decision_id": decision["id"],
                "person_id": p.kid.pid,
                "held_at": held,
                "s47_decision": (
                    S47Decision.PROCEED if proceed else S47Decision.NO_FURTHER_ACTION
                ).value,
                "rationale": rng.choice(
                    words.STRATEGY_PROCEED if proceed else words.STRATEGY_NO_FURTHER
                ),
                "s47_started_on": started,
                "icpc_due_at": icpc,
                "recorded_by": recorder,
                "recorded_at": recorded,
                "icpc_held_on": held_on,
                "icpc_recorded_by": icpc_by,
                "icpc_recorded_at": icpc_at,
                "icpc_not_required_on": not_required_on,
                "icpc_not_required_reason": not_required_reason,
                # Recorded (1), then its conference (held or not needed) recorded (2), as the
                # service versions it.
                "version": 1 if icpc_by is None else 2,
            }
        )
        for code, name in attendees:
            g.rows[StrategyAttendee].append(
                {
                    "id": g._id(StrategyAttendee),
                    "discussion_id": sid,
                    "agency_id": self.agencies[code],
                    "name": name,
                }
            )
        g._audit(
            recorded,
            recorder,
            "strategy_discussion.recorded",
            "strategy_discussion",
            sid,
            p.kid.pid,
            decision_id=decision["id"],
            referral_id=p.id,
            held_at=held,
            agencies=sorted({code for code, _ in attendees}),
            s47_decision=(S47Decision.PROCEED if proceed else S47Decision.NO_FURTHER_ACTION).value,
            s47_started_on=started,
            icpc_due_at=icpc,
        )
        if held_on is not None:
            assert icpc_by is not None and icpc_at is not None
            # Exactly what StrategyService.record_icpc writes.
            g._audit(
                icpc_at,
                icpc_by,
                "strategy_discussion.icpc_held",
                "strategy_discussion",
                sid,
                p.kid.pid,
                referral_id=p.id,
                held_on=held_on,
                icpc_due_at=icpc,
                within_target=within,
                working_days_late=late,
            )
        if not_required_on is not None:
            # Exactly what StrategyService.record_no_conference writes.
            g._audit(
                icpc_at,
                icpc_by,
                "strategy_discussion.icpc_not_required",
                "strategy_discussion",
                sid,
                p.kid.pid,
                referral_id=p.id,
                concluded_on=not_required_on,
                icpc_due_at=icpc,
            )
        self.counts["strategy"] += 1
        self.counts["s47_started"] += proceed
        return proceed

    def _conference(
        self, held: datetime, due: datetime
    ) -> tuple[date, int, datetime, bool, int] | None:
        """When the initial conference of an s47 enquiry was held, if it has been by the end.

        Returns (held on, recorded by, recorded at, within target, working days late), or
        None: the target has not passed yet (the conference is still to come), or the
        enquiry is one of the few left overdue on the demo's today.
        """
        rng = self.crng
        g = self.g
        if due >= self.end:
            return None
        if self.icpc_overdue_left and due >= self.icpc_overdue_from:
            self.icpc_overdue_left -= 1
            return None
        discussed = held.astimezone(g.tz).date()
        target = due.astimezone(g.tz).date()
        if rng.random() < ICPC_LATE_SHARE:
            day = self._working_days_from(target, rng.randint(*ICPC_LATE_DAYS))
        else:
            day = min(self._working_days_from(discussed, rng.randint(*ICPC_ON_TIME_DAYS)), target)
        day = max(min(day, self.icpc_last_day), discussed)
        within = day <= target
        late = 0 if within else self.cal.working_days_between(target, day)
        # The conference sits in the morning; a manager or the chair records it that
        # afternoon or the next working day.
        hours = timedelta(hours=rng.uniform(2.0, 9.0))
        at = self.cal.add_working_time(g._local(day, time(10, 0)), hours).replace(microsecond=0)
        at = min(at, self.end)
        who = self.chair if rng.random() < 0.5 else g.manager
        return day, who, at, within, late

    def _routing(
        self,
        p: Pending,
        decision: dict[str, Any],
        kind: RoutingKind,
        level: int,
        signed_at: datetime,
    ) -> datetime | None:
        """A step up or step down, who was told, and the receiver's answer.

        Returns when it was accepted (None: not, or not yet).
        """
        rng = self.rng
        g = self.g
        kid = p.kid
        creator = decision["drafted_by"] if decision["drafted_by"] in g.practitioners else p.handler
        created = g._working(signed_at, 0.3, 5.0)
        if created > self.end:
            return None
        under_five = self._under_five(p, created)
        if kind is RoutingKind.STEP_DOWN:
            to = (
                CHILDRENS_CENTRES
                if under_five and rng.random() < UNDER_FIVE_TO_CENTRE_SHARE
                else "early_support"
            )
            source, consent = SOCIAL_CARE, True  # a step down needs the family's consent
            before, team = p.level, decision["allocated_team"]
            if to == CHILDRENS_CENTRES:
                team = "Children's Centre (Wealdstone)"
            reason = rng.choice(words.STEP_DOWN_REASONS)
            receiver = self.reps[to]
        else:
            to, source, consent = SOCIAL_CARE, "early_support", None
            before, team = 2, decision["allocated_team"]
            reason = rng.choice(words.STEP_UP_REASONS)
            receiver = g.manager  # a social-care manager answers for social care
        offer = offers_childrens_centre(under_five, level, to)
        rid = g._id(Routing)
        row: dict[str, Any] = {
            "id": rid,
            "person_id": kid.pid,
            "referral_id": p.id,
            "decision_id": decision["id"],
            "kind": kind.value,
            "from_agency_id": self.agencies[source],
            "to_agency_id": self.agencies[to],
            "to_team": team,
            "reason": reason,
            "level_before": before,
            "level_after": level,
            "family_consent": consent,
            "handover_summary": self._handover(p, decision, created),
            "childrens_centre_offer": offer,
            "status": RoutingStatus.OPEN.value,
            "created_by": creator,
            "created_at": created,
            "completed_by": None,
            "completed_at": None,
            "responded_by": None,
            "responded_at": None,
            "response_reason": None,
            "acknowledged_by": None,
            "acknowledged_at": None,
            "version": 1,
        }
        g.rows[Routing].append(row)
        self.counts["routings"] += 1
        g._audit(
            created,
            creator,
            "routing.created",
            "routing",
            rid,
            kid.pid,
            kind=kind.value,
            from_agency=source,
            to_agency=to,
            level_before=before,
            level_after=level,
            family_consent=consent,
            decision_id=decision["id"],
            childrens_centre_offer=offer,
        )
        # Family, professionals and referrer told (000 L343), then handed over.
        mother = kid.fam.mother()
        family_who = f"{mother.given} {mother.family} (mother)" if mother else "The carer"
        name, role, agency = p.referrer
        referrer_who = ", ".join(x for x in (name, role, agency) if x)[:200]
        at = created
        for party, who, methods in (
            (InformedParty.FAMILY, family_who, words.INFORM_ROUTING_FAMILY),
            (
                InformedParty.PROFESSIONALS,
                rng.choice(words.PROFESSIONALS_TOLD),
                words.INFORM_ROUTING_PROFESSIONALS,
            ),
            (InformedParty.REFERRER, referrer_who, words.INFORM_ROUTING_REFERRER),
        ):
            at = g._working(at, 0.1, 3.0)
            if at > self.end:
                return None
            told = max(signed_at, at - _MINUTE * rng.randint(0, 45))
            method = choose(rng, methods)
            g.rows[RoutingInforming].append(
                {
                    "id": g._id(RoutingInforming),
                    "routing_id": rid,
                    "party": party.value,
                    "who": who,
                    "method": method,
                    "informed_at": told,
                    "recorded_by": creator,
                    "recorded_at": at,
                }
            )
            row["version"] += 1
            g._audit(
                at,
                creator,
                "routing.informed",
                "routing",
                rid,
                kid.pid,
                party=party.value,
                who=who,
                method=method,
                informed_at=told,
            )
        at = (at + _MINUTE * rng.randint(5, 60)).replace(microsecond=0)
        if at > self.end:
            return None
        row.update(
            status=RoutingStatus.COMPLETE.value,
            completed_by=creator,
            completed_at=at,
            version=row["version"] + 1,
        )
        g._audit(at, creator, "routing.completed", "routing", rid, kid.pid)
        if rng.random() < ACKNOWLEDGE_FIRST_SHARE:
            at = g._working(at, 0.3, 8.0)
            if at > self.end:
                return None
            row.update(acknowledged_by=receiver, acknowledged_at=at, version=row["version"] + 1)
            g._audit(
                at,
                receiver,
                "routing.acknowledged",
                "routing",
                rid,
                kid.pid,
                to_agency=to,
                on_behalf_of_receiver=False,
            )
        at = g._working(at, 1.0, 20.0)
        if at > self.end:
            return None
        accept = rng.random() >= ROUTING_REJECT_SHARE
        why = None if accept else rng.choice(words.REJECT_REASONS)
        acknowledged_now = row["acknowledged_at"] is None
        row.update(
            status=(RoutingStatus.ACCEPTED if accept else RoutingStatus.REJECTED).value,
            responded_by=receiver,
            responded_at=at,
            response_reason=why,
            version=row["version"] + 1,
        )
        if acknowledged_now:
            row.update(acknowledged_by=receiver, acknowledged_at=at)
        g._audit(
            at,
            receiver,
            "routing.accepted" if accept else "routing.rejected",
            "routing",
            rid,
            kid.pid,
            reason=why,
            acknowledged_now=acknowledged_now,
        )
        return at if accept else None

    def _handover(self, p: Pending, decision: dict[str, Any], at: datetime) -> str:
        kid = p.kid
        day = at.astimezone(self.g.tz).date()
        age = kid.age_on(day)
        returned = [
            f"{self._agency_code(c['agency_id']).replace('_', ' ')}: "
            + ("nothing known" if c["nothing_known"] else (c["finding"] or "").rstrip("."))
            for c, _ in p.checks
            if c["status"] == "returned" and c["returned_at"] <= at
        ]
        name, role, _ = p.referrer
        return words.HANDOVER.format(
            child=kid.given if kid.born_by(day) else "The unborn baby",
            age="unborn" if age is None else f"{age} years",
            referrer=name or role,
            concern=words.CONCERN_WORDS.get(p.theme.code, "concerns about the child's care"),
            decision=DecisionOutcome(decision["outcome"]).label.lower(),
            checks="; ".join(returned) or "none returned yet",
        )

    # --- dissent, escalation and amendment ----------------------------------------------------

    def _dissent(
        self,
        p: Pending,
        decision: dict[str, Any],
        present: list[str] | tuple[str, ...],
        signed_at: datetime,
        *,
        stay_open: bool,
    ) -> datetime | None:
        """An agency present disagrees: stage 1 of the escalation protocol (§5).

        Returns when the decision was amended as the escalation's outcome (None: not).
        """
        rng = self.rng
        g = self.g
        code = rng.choice(list(present))
        outcome = DecisionOutcome(decision["outcome"])
        reason = rng.choice(words.DISSENT_REASONS.get(outcome, (words.GENERIC_DISSENT,)))
        raiser = self.reps.get(code) if rng.random() < 0.6 else decision["signed_by"]
        raiser = raiser or decision["signed_by"]
        raised = signed_at + timedelta(seconds=rng.randint(20, 120))
        stage = self.policy.stage(1)
        due = self.deadlines.due(stage.clock, raised)
        eid = g._id(Escalation)
        row: dict[str, Any] = {
            "id": eid,
            "decision_id": decision["id"],
            "agency_id": self.agencies[code],
            "reason": reason,
            "raised_by": raiser,
            "raised_at": raised,
            "stage": 1,
            "stage_started_at": raised,
            "due_at": due,
            "status": EscalationStatus.OPEN.value,
            "resolved_by": None,
            "resolved_at": None,
            "resolution": None,
            "version": 1,
        }
        g.rows[Escalation].append(row)
        self._step(eid, 1, raised, due, reason, raiser)
        g._audit(
            raised,
            raiser,
            "decision.dissent",
            "escalation",
            eid,
            p.kid.pid,
            decision_id=decision["id"],
            agency=code,
            reason=reason,
            stage=1,
            stage_name=stage.name,
            due_at=due,
        )
        self.counts["escalations"] += 1
        if stay_open:
            self.open_escalations += 1
            return None
        # Resolved at stage 1 mostly; some move up a stage (or two) first.
        manager = g.manager
        at = raised
        while True:
            clock = row["due_at"] - row["stage_started_at"]
            up = rng.random() < (ESCALATE_SHARE if row["stage"] == 1 else ESCALATE_AGAIN_SHARE)
            if up and row["stage"] < self.policy.last_stage:
                at = (row["due_at"] - clock * rng.uniform(0.0, 0.3)).replace(microsecond=0)
                if at > self.end:
                    break
                nxt = self.policy.stage(row["stage"] + 1)
                due = self.deadlines.due(nxt.clock, at)
                why = words.ESCALATE_REASONS[min(row["stage"] - 1, len(words.ESCALATE_REASONS) - 1)]
                row.update(
                    stage=nxt.number, stage_started_at=at, due_at=due, version=row["version"] + 1
                )
                self._step(eid, nxt.number, at, due, why, manager)
                g._audit(
                    at,
                    manager,
                    "escalation.escalated",
                    "escalation",
                    eid,
                    p.kid.pid,
                    stage=nxt.number,
                    stage_name=nxt.name,
                    due_at=due,
                    reason=why,
                )
                continue
            at = (row["stage_started_at"] + clock * rng.uniform(0.2, 1.1)).replace(microsecond=0)
            if at > self.end:
                break
            amend = (
                rng.random() < RESOLVE_BY_AMENDING
                and outcome in (DecisionOutcome.NFA, DecisionOutcome.SINGLE_ASSESSMENT)
                and self._latest(decision)
            )
            text = words.RESOLUTIONS_AMEND if amend else rng.choice(words.RESOLUTIONS_STAND)
            row.update(
                status=EscalationStatus.RESOLVED.value,
                resolved_by=manager,
                resolved_at=at,
                resolution=text,
                version=row["version"] + 1,
            )
            g._audit(
                at,
                manager,
                "escalation.resolved",
                "escalation",
                eid,
                p.kid.pid,
                stage=row["stage"],
                outcome=text,
            )
            if amend:
                later = at + _MINUTE * rng.randint(5, 60)
                return self._amend(p, decision, later, manager, "escalation")
            return None
        self.open_escalations += 1
        return None

    def _step(
        self, eid: int, stage: int, at: datetime, due: datetime, reason: str, who: int
    ) -> None:
        self.g.rows[EscalationStep].append(
            {
                "id": self.g._id(EscalationStep),
                "escalation_id": eid,
                "stage": stage,
                "started_at": at,
                "due_at": due,
                "reason": reason,
                "moved_by": who,
            }
        )

    def _latest(self, decision: dict[str, Any]) -> bool:
        return not decision.get("amended")

    def _amend(
        self,
        p: Pending,
        old: dict[str, Any],
        at: datetime,
        who: int,
        why: str | None,
    ) -> datetime | None:
        """A new signed version with its reason; the old one is kept (issue 5 item 2).

        Returns when it was amended (None: it was not).
        """
        at = at.replace(microsecond=0)
        if at > self.end or old.get("amended"):
            return None
        outcome = DecisionOutcome(old["outcome"])
        level = old["level"]
        if outcome is DecisionOutcome.NFA:
            new, level, reason = (
                DecisionOutcome.SINGLE_ASSESSMENT,
                max(3, level),
                words.AMEND_TO_ASSESSMENT,
            )
        elif outcome is DecisionOutcome.SINGLE_ASSESSMENT and (level >= 4 or why):
            new, level, reason = DecisionOutcome.S47, 4, words.AMEND_TO_S47
        elif outcome is DecisionOutcome.SINGLE_ASSESSMENT:
            new, level, reason = outcome, 4, words.AMEND_LEVEL
        else:
            # Step downs and s47 decisions carry a routing or a strategy discussion: those
            # are changed by new records, not amendments, in this history.
            return None
        old["amended"] = True
        _, actions = self._version(p, None, new, level, who, at, who, at, amends=old, reason=reason)
        for row, agency in actions:
            self._work_action(p, old, row, agency, at, self.end)
        return at

    # --- the demo's today ---------------------------------------------------------------------

    def finish(self) -> None:
        """Hold the last meetings, leaving 20–25 referrals awaiting the demo's today.

        What arrived since the last meeting waits anyway; the rest of the target comes from
        the last meetings' agendas, the most recent meeting first and siblings together,
        deferred (again) at each meeting up to today's.
        """
        if not self.final:
            return
        rng = self.drng
        target = rng.randint(*DEMO_AWAITING)
        opens = [self.opens(day) for day in self.final]
        after = [p for p in self.pending if p.at >= opens[-1]]
        windows = []
        for k in range(len(opens) - 1, -1, -1):
            since = opens[k - 1] if k else None
            windows.append(
                [p for p in self.pending if p.at < opens[k] and (since is None or p.at >= since)]
            )
        keep: set[int] = set()
        deficit = target - len(after)
        for pool in windows:
            for group in _sibling_groups_first(pool, rng):
                if deficit <= 0:
                    break
                keep.update(p.id for p in group)
                deficit -= len(group)
        if not any(n >= 2 for n in _household_counts(after, keep, self.pending).values()):
            # The demo day should have siblings on its agenda: keep one sibling group too.
            for pool in windows:
                groups = [g for g in _sibling_groups_first(pool, rng) if len(g) > 1]
                if groups:
                    keep.update(p.id for p in groups[0])
                    break
        for day in self.final:
            # One escalation at least is still open (and overdue) on the demo's today.
            self._hold(day, frozenset(keep), force_dissent=self.open_escalations == 0)
        if self.open_escalations == 0 and self.last_decided is not None:
            p, decision, present, signed_at = self.last_decided
            self._dissent(p, decision, present, signed_at, stay_open=True)
        self._demo_checks()
        self._demo_handovers()

    def _demo_handovers(self) -> None:
        """Hand one recently decided child to each of police and health, not yet accepted.

        A newcomer signing in as the police or health rep then has a routed case to open,
        acknowledge and accept or reject (the step ups and downs go to social care and early
        help only). Times are fixed offsets after the decision, so the random stream of the
        rest of the history is untouched.
        """
        used: set[int] = set()
        for to, team, reason, ages in DEMO_HANDOVERS:
            if to not in self.agencies or to not in self.reps:
                continue
            for p, decision, signed_at in reversed(self.recent_decided):
                completed = signed_at + 4 * _HANDOVER_STEP
                if (
                    p.kid.pid in used
                    or not self._age_in(p, signed_at, ages)
                    or not self._latest(decision)
                    or decision["outcome"] in _NOT_HANDED_OVER
                    or completed > self.end
                ):
                    continue
                used.add(p.kid.pid)
                self._handover_to(p, decision, signed_at, to, team, reason)
                self.counts["routings"] += 1
                break

    def _age_in(self, p: Pending, at: datetime, ages: tuple[int, int]) -> bool:
        """Whether the child, born by ``at``, is ``ages[0]`` to ``ages[1]`` years old."""
        day = at.astimezone(self.g.tz).date()
        dob = p.kid.dob
        if dob is None or dob > day:  # not born by then (Kid.born_by)
            return False
        years = day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))
        return ages[0] <= years <= ages[1]

    def _handover_to(
        self,
        p: Pending,
        decision: dict[str, Any],
        signed_at: datetime,
        to: str,
        team: str,
        reason: str,
    ) -> None:
        """Write a transfer to ``to``: created, everyone told, handed over; no answer yet."""
        g = self.g
        kid = p.kid
        creator = decision["drafted_by"] if decision["drafted_by"] in g.practitioners else p.handler
        created = signed_at + _HANDOVER_STEP
        level = decision["level"]
        rid = g._id(Routing)
        offer = offers_childrens_centre(self._under_five(p, created), level, to)
        g.rows[Routing].append(
            {
                "id": rid,
                "person_id": kid.pid,
                "referral_id": p.id,
                "decision_id": decision["id"],
                "kind": RoutingKind.TRANSFER.value,
                "from_agency_id": self.agencies[SOCIAL_CARE],
                "to_agency_id": self.agencies[to],
                "to_team": team,
                "reason": reason,
                "level_before": p.level,
                "level_after": level,
                "family_consent": None,
                "handover_summary": self._handover(p, decision, created),
                "childrens_centre_offer": offer,
                "status": RoutingStatus.COMPLETE.value,
                "created_by": creator,
                "created_at": created,
                "completed_by": creator,
                "completed_at": signed_at + 4 * _HANDOVER_STEP,
                "responded_by": None,
                "responded_at": None,
                "response_reason": None,
                "acknowledged_by": None,
                "acknowledged_at": None,
                "version": 5,
            }
        )
        g._audit(
            created,
            creator,
            "routing.created",
            "routing",
            rid,
            kid.pid,
            kind=RoutingKind.TRANSFER.value,
            from_agency=SOCIAL_CARE,
            to_agency=to,
            level_before=p.level,
            level_after=level,
            family_consent=None,
            decision_id=decision["id"],
            childrens_centre_offer=offer,
        )
        mother = kid.fam.mother()
        name, role, agency = p.referrer
        told = (
            (
                InformedParty.FAMILY,
                f"{mother.given} {mother.family} (mother)" if mother else "The carer",
            ),
            (InformedParty.PROFESSIONALS, words.PROFESSIONALS_TOLD[0]),
            (InformedParty.REFERRER, ", ".join(x for x in (name, role, agency) if x)[:200]),
        )
        for step, (party, who) in enumerate(told, start=2):
            at = signed_at + step * _HANDOVER_STEP
            method = InformMethod.PHONE.value
            g.rows[RoutingInforming].append(
                {
                    "id": g._id(RoutingInforming),
                    "routing_id": rid,
                    "party": party.value,
                    "who": who,
                    "method": method,
                    "informed_at": at,
                    "recorded_by": creator,
                    "recorded_at": at,
                }
            )
            g._audit(
                at,
                creator,
                "routing.informed",
                "routing",
                rid,
                kid.pid,
                party=party.value,
                who=who,
                method=method,
                informed_at=at,
            )
        g._audit(
            signed_at + 4 * _HANDOVER_STEP, creator, "routing.completed", "routing", rid, kid.pid
        )

    def _demo_checks(self) -> None:
        """Leave a few of today's checks outstanding, at least two overdue, one for the police."""
        g = self.g
        checks = [(c, a) for p in self.pending for c, a in p.checks]
        outstanding = sum(c["status"] == "requested" for c, _ in checks)
        overdue = sum(c["status"] == "requested" and c["due_at"] < self.end for c, _ in checks)
        # Most recently returned first: the likeliest still to be awaited.
        returned = sorted(
            ((c, a) for c, a in checks if c["status"] == "returned" and a is not None),
            key=lambda ca: ca[0]["returned_at"],
            reverse=True,
        )
        partner = self.agencies.get(DEMO_PARTNER_AGENCY)
        partner_waits = any(
            c["status"] == "requested" and c["agency_id"] == partner for c, _ in checks
        )
        audit = g.rows[AuditEntry]
        for c, a in returned:
            if (
                overdue >= DEMO_OVERDUE_CHECKS
                and outstanding >= DEMO_OUTSTANDING_CHECKS
                and partner_waits
            ):
                break
            late = c["due_at"] < self.end
            wanted = (
                outstanding < DEMO_OUTSTANDING_CHECKS
                or (late and overdue < DEMO_OVERDUE_CHECKS)
                or (c["agency_id"] == partner and not partner_waits)
            )
            if not wanted:
                continue
            # Its return is not written after all (the audit row is still in memory: the
            # last fortnight is written at the end).
            found = next((i for i in range(len(audit) - 1, -1, -1) if audit[i] is a), None)
            if found is None:
                continue
            del audit[found]
            c.update(
                status="requested",
                returned_by=None,
                returned_at=None,
                finding=None,
                nothing_known=False,
                version=1,
            )
            outstanding += 1
            overdue += late
            partner_waits = partner_waits or c["agency_id"] == partner

    def awaiting(self) -> int:
        """Referrals still waiting for a decision."""
        return len(self.pending)


# What an s47 enquiry that proceeds leads to (§9: s47 → conference ≈ 40 %, conference →
# plan 72–81 %), and episode lengths in days (as the generator's own).
_S47_SERVICES = (
    ("s47_enquiry", 35),
    ("child_protection_plan", 35),
    ("looked_after", 8),
    ("child_in_need", 22),
)
_EPISODE_DAYS = {
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
_HANDOVER_STEP = timedelta(minutes=12)
# Outcomes whose child is not handed to a partner: already moving to another service.
_NOT_HANDED_OVER = frozenset(
    {
        DecisionOutcome.S47.value,
        DecisionOutcome.STEP_DOWN.value,
        DecisionOutcome.TRANSFER_COUNCIL.value,
    }
)


def _household_counts(
    after: list[Pending], keep: set[int], pending: list[Pending]
) -> dict[int | None, int]:
    counts: dict[int | None, int] = defaultdict(int)
    for p in after:
        counts[p.kid.fam.hid] += 1
    for p in pending:
        if p.id in keep:
            counts[p.kid.fam.hid] += 1
    return counts


def _sibling_groups_first(pending: list[Pending], rng: random.Random) -> list[list[Pending]]:
    """Referrals grouped by household: groups of siblings first, then the rest, shuffled."""
    groups: dict[int | None, list[Pending]] = {}
    for p in sorted(pending, key=lambda p: p.id):
        groups.setdefault(p.kid.fam.hid, []).append(p)
    ordered = list(groups.values())
    rng.shuffle(ordered)
    ordered.sort(key=lambda g: -min(len(g), 2))
    return ordered


__all__ = ["TABLES", "MeetingHistory", "Pending"]
