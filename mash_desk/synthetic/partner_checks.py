"""Agency checks asked for each referral and returned by the partners' reps."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from mash_desk.domain.enums import Rag
from mash_desk.storage.models import (
    AgencyCheckRequest,
    AuditEntry,
)
from mash_desk.synthetic import partner_text as words
from mash_desk.synthetic.meeting_rates import (
    CHECK_LATE_SHARE,
    CHECK_WITHDRAWN_SHARE,
    DEMO_CHECK_LATE_SHARE,
    DEMO_OUTSTANDING_CHECKS,
    DEMO_OVERDUE_CHECKS,
    DEMO_PARTNER_AGENCY,
    ONE_HOUR,
    ONE_MINUTE,
)
from mash_desk.synthetic.meeting_state import MeetingState, Pending


class PartnerChecks(MeetingState):
    """Writes agency check requests, their returns, and the demo day's outstanding checks."""

    def _checks(self, p: Pending) -> None:
        rng = self.rng
        codes = self._check_codes(p)
        # Asked within the hour (by the end, for a referral made in its last minutes).
        asked = min(p.at + timedelta(minutes=rng.randint(3, 40)), self.end).replace(microsecond=0)
        clock = Rag(p.rag) if p.rag else Rag.AMBER
        due = self.deadlines.agency_check_due(clock, asked)
        late_share = DEMO_CHECK_LATE_SHARE if p.at >= self.demo_from else CHECK_LATE_SHARE
        for code in codes:
            row = self._ask(p, code, asked, due, clock)
            if rng.random() < CHECK_WITHDRAWN_SHARE:
                self._withdraw(p, row, code, asked)
                audit = None
            else:
                audit = self._answer(p, row, code, asked, due, late_share)
            p.checks.append((row, audit))
        self.counts["checks"] += len(codes)

    def _check_codes(self, p: Pending) -> list[str]:
        """Return the agencies asked: the core ones, by age, and those the theme calls for."""
        rng = self.rng
        day = p.at.astimezone(self.g.tz).date()
        age = p.kid.age_on(day)
        codes = [c for c, share in words.CORE_CHECKS if rng.random() < share]
        if age is not None and age >= 4:
            codes += [c for c, share in words.SCHOOL_AGE_CHECKS if rng.random() < share]
        else:
            codes += [c for c, share in words.UNDER_FIVE_CHECKS if rng.random() < share]
        for code, share in words.THEME_CHECKS.get(p.theme.code, ()):
            if code not in codes and rng.random() < share:
                codes.append(code)
        return [c for c in codes if c in self.agencies and c in self.reps] or ["police"]

    def _ask(
        self, p: Pending, code: str, asked: datetime, due: datetime, clock: Rag
    ) -> dict[str, Any]:
        """Write one agency's check request and its audit row; return the row."""
        g = self.g
        kid = p.kid
        cid = g._id(AgencyCheckRequest)
        row: dict[str, Any] = {
            "id": cid,
            "referral_id": p.id,
            "agency_id": self.agencies[code],
            "question": self.rng.choice(words.CHECK_QUESTIONS[code]),
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
        g.rows[AgencyCheckRequest].append(row)
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
        return row

    def _withdraw(self, p: Pending, row: dict[str, Any], code: str, asked: datetime) -> None:
        """Withdraw the check within two hours, if that is before the end."""
        rng = self.rng
        at = asked + timedelta(minutes=rng.randint(10, 120))
        if at > self.end:
            return
        reason = rng.choice(words.CHECK_WITHDRAWAL_REASONS)
        row.update(
            status="withdrawn",
            withdrawn_by=p.handler,
            withdrawn_at=at,
            withdrawal_reason=reason,
            version=2,
        )
        self.g._audit(
            at,
            p.handler,
            "agency_check.withdrawn",
            "agency_check_request",
            row["id"],
            p.kid.pid,
            referral_id=p.id,
            agency=code,
            reason=reason,
        )

    def _answer(
        self,
        p: Pending,
        row: dict[str, Any],
        code: str,
        asked: datetime,
        due: datetime,
        late_share: float,
    ) -> dict[str, Any] | None:
        """Return the check when the agency would, some late.

        Returns the return's audit row, or None if the check is not back by the end.
        """
        rng = self.rng
        span = due - asked
        late = rng.random() < late_share
        if late:
            back = due + span * rng.uniform(0.05, 1.0) + ONE_HOUR * rng.uniform(0, 3)
        elif code == "police":
            back = asked + span * rng.uniform(0.1, 0.95)
        else:
            # Only the police desk works round the clock; the others answer within
            # their opening hours before the due time when there are any.
            hours = self.cal.working_time_between(asked, due)
            if hours > ONE_MINUTE * 10:
                back = self.cal.add_working_time(asked, hours * rng.uniform(0.1, 0.95))
            else:
                back = due
        if code != "police" and not self.cal.is_open(back):
            back = self.cal.next_opening(back) + ONE_MINUTE * rng.randint(5, 90)
        back = back.replace(microsecond=0)
        if back <= self.end:
            return self._return(p, row, code, back)
        return None

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
