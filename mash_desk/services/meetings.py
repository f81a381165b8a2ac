"""The daily MASH meeting: today's meeting, its agenda, attendance, quorum and sign-off.

One meeting per local day, chaired by the chair or manager who creates it. The agenda holds
every referral awaiting a decision; it is shown ordered by decision deadline, then RAG (red
first), with children of one household together (:func:`mash_desk.domain.meetings.agenda_order`).
Attendance is recorded by agency. Quorum comes from the meeting policy (default social care,
police and health): without it the meeting proceeds to decisions only once the chair records
why. The chair signs the meeting off when every child has a signed decision or is deferred
with a reason. Every change writes its audit row in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from mash_desk.domain.changes import Kind, Topic, change_keys, record_key
from mash_desk.domain.enums import WorkStatus
from mash_desk.domain.errors import FieldError, NotFound, PermissionDenied, ValidationError
from mash_desk.domain.meetings import (
    AgendaEntry,
    AgendaStatus,
    MeetingPolicy,
    agenda_order,
    default_meeting_policy,
    quorum_missing,
)
from mash_desk.domain.permissions import Permission
from mash_desk.domain.text import clean_narrative, clean_short, unstorable_problem
from mash_desk.services.context import (
    Service,
    ServiceContext,
    Unit,
    check_version,
    with_acting_user,
)
from mash_desk.services.dto import Actor, OpResult
from mash_desk.storage.models import Agency, AgendaItem, Meeting, MeetingAttendance, Referral
from mash_desk.storage.prepared_meeting import (
    AGENDA,
    ATTENDANCE,
    MEETING_BY_ID,
    MEETING_ON,
    PRESENT_AGENCIES,
)

# The first read of meeting mode's calls, the user check folded in (services/context.py).
_TODAY = with_acting_user(MEETING_ON)
_ONE = with_acting_user(MEETING_BY_ID)


@dataclass(frozen=True)
class AttendeeDTO:
    """Someone from an agency at the meeting (or sending apologies)."""

    agency_code: str
    agency_name: str
    attendee_name: str
    present: bool


@dataclass(frozen=True)
class AgendaItemDTO:
    """One child on the agenda, in agenda order."""

    referral_id: int
    person_id: int
    child_name: str
    household_id: int | None
    rag: str | None
    decision_due_at: datetime
    status: AgendaStatus
    deferred_reason: str | None


@dataclass(frozen=True)
class MeetingDTO:
    """A meeting with its attendance, quorum and ordered agenda."""

    id: int
    meeting_date: date
    chair_id: int
    chair_name: str
    attendance: tuple[AttendeeDTO, ...]
    quorum_missing: tuple[str, ...]
    quorum_reason: str | None
    agenda: tuple[AgendaItemDTO, ...]
    signed_off_at: datetime | None
    version: int

    @property
    def quorate(self) -> bool:
        """Whether every quorum agency is present."""
        return not self.quorum_missing

    @property
    def may_decide(self) -> bool:
        """Whether decisions may be made: quorate, or the reason for going on is recorded."""
        return self.quorate or self.quorum_reason is not None


def meeting_policy(ctx: ServiceContext) -> MeetingPolicy:
    """The meeting policy of this context (the shipped one unless a test or council sets one)."""
    return getattr(ctx, "meeting_policy", None) or default_meeting_policy()


def present_agencies(unit: Unit, meeting_id: int) -> set[str]:
    """Codes of the agencies with someone present at the meeting."""
    unit.flush()  # attendance recorded in this unit counts
    return {code for (code,) in PRESENT_AGENCIES.all(unit.sql, meeting_id=meeting_id)}


def quorum_problem(unit: Unit, meeting: Meeting, policy: MeetingPolicy) -> FieldError | None:
    """Why the meeting may not decide yet (no quorum, no reason recorded), or None."""
    missing = quorum_missing(policy.quorum, present_agencies(unit, meeting.id))
    if missing and meeting.quorum_reason is None:
        return FieldError(
            "quorum",
            "quorum",
            f"The meeting is not quorate ({', '.join(missing)} not present); record why it "
            "goes on without them before making decisions",
        )
    return None


def open_meeting(unit: Unit, meeting_id: int) -> Meeting:
    """The meeting, refusing one that does not exist or is already signed off."""
    meeting = unit.load(Meeting, meeting_id, what="meeting")
    if meeting.signed_off_at is not None:
        raise ValidationError(
            FieldError("meeting", "signed_off", "This meeting is signed off; nothing was changed")
        )
    return meeting


class MeetingService(Service):
    """Create and run the daily meeting."""

    def create_today(self, actor: Actor) -> OpResult[MeetingDTO]:
        """Create today's meeting chaired by the actor, its agenda every referral awaiting one."""
        with self.writing(actor, Permission.RUN_MEETING) as unit:
            exists = unit.session.scalar(
                select(Meeting.id).where(Meeting.meeting_date == unit.today)
            )
            if exists is not None:
                raise ValidationError(
                    FieldError(
                        "meeting_date",
                        "one_per_day",
                        f"Today's meeting already exists (meeting {exists}); open it instead",
                    )
                )
            meeting = Meeting(meeting_date=unit.today, chair_id=unit.user_id, created_at=unit.now)
            unit.session.add(meeting)
            unit.session.flush()
            added = _add_awaiting(unit, meeting.id)
            unit.audit(
                "meeting.created",
                "meeting",
                meeting.id,
                meeting_date=unit.today.isoformat(),
                agenda=added,
            )
            return OpResult(self._dto(unit, meeting), change_keys(Topic.MEETINGS))

    def today(self, actor: Actor) -> MeetingDTO | None:
        """Today's meeting, or None before it is created.

        Three prepared reads (meeting with its chair's name, attendance, agenda), no ORM:
        meeting mode calls this after every change (benchmarks/screens.py meeting_agenda).
        """
        day = self.ctx.today()
        with self.reading_first(actor, Permission.VIEW_MEETINGS, _TODAY, day=day) as (unit, row):
            return meeting_dto(unit, row, meeting_policy(self.ctx)) if row is not None else None

    def get(self, actor: Actor, meeting_id: int) -> MeetingDTO:
        """One meeting with its attendance, quorum and ordered agenda."""
        with self.reading_first(actor, Permission.VIEW_MEETINGS, _ONE, meeting_id=meeting_id) as (
            unit,
            row,
        ):
            if row is None:
                raise NotFound(f"No meeting {meeting_id}")
            return meeting_dto(unit, row, meeting_policy(self.ctx))

    def refresh_agenda(self, actor: Actor, meeting_id: int) -> OpResult[MeetingDTO]:
        """Add referrals that started awaiting a decision since the agenda was built."""
        with self.writing(actor, Permission.RUN_MEETING) as unit:
            meeting = open_meeting(unit, meeting_id)
            added = _add_awaiting(unit, meeting.id)
            if added:
                unit.audit("meeting.agenda_refreshed", "meeting", meeting.id, added=added)
            return OpResult(
                self._dto(unit, meeting), change_keys(record_key(Kind.MEETING, meeting.id))
            )

    def record_attendance(
        self,
        actor: Actor,
        meeting_id: int,
        agency_code: str,
        attendee_name: str,
        present: bool = True,
    ) -> OpResult[MeetingDTO]:
        """Record who came from which agency (or sent apologies: ``present`` False)."""
        name, problem = clean_short(
            attendee_name, "attendee_name", "Attendee's name", required=True
        )
        errors = [problem] if problem else []
        if name is not None and len(name) > 120:
            errors.append(FieldError("attendee_name", "length", "Attendee's name is too long"))
        with self.writing(actor, Permission.RUN_MEETING) as unit:
            meeting = open_meeting(unit, meeting_id)
            problem = unstorable_problem(agency_code, "agency", "Agency")
            agency = (
                None
                if problem
                else unit.session.execute(
                    select(Agency.id, Agency.active).where(
                        Agency.code == (agency_code or "").strip()
                    )
                ).first()
            )
            if problem:
                errors.append(problem)
            elif agency is None or not agency.active:
                errors.append(FieldError("agency", "exists", f"Unknown agency {agency_code!r}"))
            if errors:
                raise ValidationError(errors)
            assert agency is not None and name is not None
            row = unit.session.scalar(
                select(MeetingAttendance).where(
                    MeetingAttendance.meeting_id == meeting.id,
                    MeetingAttendance.agency_id == agency.id,
                    MeetingAttendance.attendee_name == name,
                )
            )
            if row is None:
                row = MeetingAttendance(meeting_id=meeting.id, agency_id=agency.id)
                row.attendee_name = name
                unit.session.add(row)
            row.present = present
            row.recorded_by = unit.user_id
            row.recorded_at = unit.now
            unit.session.flush()
            unit.audit(
                "meeting.attendance",
                "meeting",
                meeting.id,
                agency=agency_code,
                attendee=name,
                present=present,
            )
            return OpResult(
                self._dto(unit, meeting), change_keys(record_key(Kind.MEETING, meeting.id))
            )

    def proceed_without_quorum(
        self, actor: Actor, meeting_id: int, expected_version: int, reason: str | None
    ) -> OpResult[MeetingDTO]:
        """Record why a meeting without quorum goes on to decisions (the chair's call)."""
        text, problem = clean_narrative(
            reason, "reason", "Reason for deciding without quorum", required=True
        )
        with self.writing(actor, Permission.RUN_MEETING) as unit:
            meeting = open_meeting(unit, meeting_id)
            _require_chair(unit, meeting)
            check_version(meeting, expected_version, "meeting")
            if problem:
                raise ValidationError(problem)
            missing = quorum_missing(
                meeting_policy(self.ctx).quorum, present_agencies(unit, meeting.id)
            )
            if not missing:
                raise ValidationError(
                    FieldError("quorum", "quorate", "The meeting is quorate; no reason is needed")
                )
            meeting.quorum_reason = text
            meeting.quorum_reason_by = unit.user_id
            meeting.quorum_reason_at = unit.now
            unit.session.flush()
            unit.audit(
                "meeting.quorum_overridden", "meeting", meeting.id, missing=missing, reason=text
            )
            return OpResult(
                self._dto(unit, meeting), change_keys(record_key(Kind.MEETING, meeting.id))
            )

    def defer(
        self, actor: Actor, meeting_id: int, referral_id: int, reason: str | None
    ) -> OpResult[MeetingDTO]:
        """Defer a child on the agenda to a later meeting; the reason is required."""
        text, problem = clean_narrative(reason, "reason", "Reason for deferring", required=True)
        with self.writing(actor, Permission.RUN_MEETING) as unit:
            meeting = open_meeting(unit, meeting_id)
            item = unit.session.scalar(
                select(AgendaItem).where(
                    AgendaItem.meeting_id == meeting.id, AgendaItem.referral_id == referral_id
                )
            )
            if item is None:
                raise NotFound(f"Referral {referral_id} is not on this meeting's agenda")
            errors = [problem] if problem else []
            if item.status == AgendaStatus.DECIDED.value:
                errors.append(
                    FieldError("status", "pending", "This child's decision is already signed")
                )
            if errors:
                raise ValidationError(errors)
            item.status = AgendaStatus.DEFERRED.value
            item.deferred_reason = text
            item.deferred_by = unit.user_id
            item.deferred_at = unit.now
            person_id = unit.session.scalar(
                select(Referral.person_id).where(Referral.id == referral_id)
            )
            unit.session.flush()
            unit.audit(
                "meeting.item_deferred",
                "agenda_item",
                item.id,
                person_id=person_id,
                meeting_id=meeting.id,
                referral_id=referral_id,
                reason=text,
            )
            return OpResult(
                self._dto(unit, meeting), change_keys(record_key(Kind.MEETING, meeting.id))
            )

    def sign_off(
        self, actor: Actor, meeting_id: int, expected_version: int
    ) -> OpResult[MeetingDTO]:
        """The chair signs the meeting off once every child is decided (signed) or deferred."""
        with self.writing(actor, Permission.RUN_MEETING) as unit:
            meeting = open_meeting(unit, meeting_id)
            _require_chair(unit, meeting)
            check_version(meeting, expected_version, "meeting")
            pending = unit.session.scalar(
                select(func.count())
                .select_from(AgendaItem)
                .where(
                    AgendaItem.meeting_id == meeting.id,
                    AgendaItem.status == AgendaStatus.PENDING.value,
                )
            )
            if pending:
                raise ValidationError(
                    FieldError(
                        "agenda",
                        "complete",
                        f"{pending} child(ren) on the agenda have neither a signed decision nor "
                        "a deferral with its reason",
                    )
                )
            meeting.signed_off_by = unit.user_id
            meeting.signed_off_at = unit.now
            unit.session.flush()
            unit.audit("meeting.signed_off", "meeting", meeting.id)
            return OpResult(
                self._dto(unit, meeting),
                change_keys(Topic.MEETINGS, record_key(Kind.MEETING, meeting.id)),
            )

    # ---- helpers -------------------------------------------------------------------------

    def _dto(self, unit: Unit, meeting: Meeting) -> MeetingDTO:
        unit.flush()  # the prepared reads below see this unit's changes
        row = MEETING_BY_ID.first(unit.sql, meeting_id=meeting.id)
        assert row is not None, "a meeting just loaded or written is there"
        return meeting_dto(unit, row, meeting_policy(self.ctx))


def meeting_dto(unit: Unit, row: tuple, policy: MeetingPolicy) -> MeetingDTO:
    """The DTO of the meeting read as ``row`` (:data:`MEETING_ON`'s columns): two reads more.

    One statement for the attendance and one for the whole agenda, whatever its length
    (meeting mode reopens the meeting after every change the chair makes).
    """
    meeting_id, meeting_date, chair_id, chair_name, quorum_reason, signed_off_at, version = row
    attendance = tuple(
        AttendeeDTO(code, name, attendee, present)
        for code, name, attendee, present in ATTENDANCE.all(unit.sql, meeting_id=meeting_id)
    )
    by_referral = {r[0]: r for r in AGENDA.all(unit.sql, meeting_id=meeting_id)}
    order = agenda_order([AgendaEntry(r[0], r[4], r[6], r[5]) for r in by_referral.values()])
    agenda = tuple(_agenda_item(by_referral[entry.referral_id]) for entry in order)
    present = {a.agency_code for a in attendance if a.present}
    return MeetingDTO(
        id=meeting_id,
        meeting_date=meeting_date,
        chair_id=chair_id,
        chair_name=chair_name or "",
        attendance=attendance,
        quorum_missing=quorum_missing(policy.quorum, present),
        quorum_reason=quorum_reason,
        agenda=agenda,
        signed_off_at=signed_off_at,
        version=version,
    )


def _agenda_item(row: tuple) -> AgendaItemDTO:
    """One child on the agenda from an :data:`AGENDA` row."""
    referral_id, person_id, given, family, household, rag, due, status, deferred = row
    return AgendaItemDTO(
        referral_id=referral_id,
        person_id=person_id,
        child_name=f"{given} {family.upper()}",
        household_id=household,
        rag=rag,
        decision_due_at=due,
        status=AgendaStatus(status),
        deferred_reason=deferred,
    )


def _require_chair(unit: Unit, meeting: Meeting) -> None:
    if meeting.chair_id != unit.user_id:
        raise PermissionDenied("Only the chair of this meeting may do this")


def _add_awaiting(unit: Unit, meeting_id: int) -> list[int]:
    """Put every referral awaiting a decision on the agenda (once); return those added."""
    already = select(AgendaItem.referral_id).where(AgendaItem.meeting_id == meeting_id)
    ids = list(
        unit.session.scalars(
            select(Referral.id)
            .where(
                Referral.status == WorkStatus.AWAITING_DECISION.value,
                Referral.id.not_in(already),
            )
            .order_by(Referral.id)
        )
    )
    unit.session.add_all(
        AgendaItem(meeting_id=meeting_id, referral_id=i, status=AgendaStatus.PENDING.value)
        for i in ids
    )
    unit.session.flush()
    return ids
