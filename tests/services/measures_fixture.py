"""A small, deliberate front-door history whose measures are counted by hand.

Rows are written straight into the tables (as the synthetic writers do), because each one is
placed to test one edge: a month boundary in summer time, a deadline met to the minute, a
withdrawn check, a consent for the wrong purpose. The month under test is October 2026
(British Summer Time ends on Sunday 25 October 2026); September 2026 is "last period".
Every expected figure is in :data:`EXPECTED` with the rows that make it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from mash_desk.services.desk import Desk
from mash_desk.services.threshold_store import shipped_documents
from mash_desk.storage.models import (
    Agency,
    AgencyCheckRequest,
    Consent,
    Contact,
    ContactChild,
    ContactOutcomeRow,
    Decision,
    Person,
    QaItem,
    QaSample,
    Referral,
    ReferrerFeedback,
    Routing,
    StrategyDiscussion,
    ThresholdAssessment,
    ThresholdDocumentRow,
)

TEAM_A = "MASH team A"
TEAM_B = "MASH team B"
_LONDON = ZoneInfo("Europe/London")


def at(text: str) -> datetime:
    """A UTC instant from ``"2026-10-01 09:00"``."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


class _Writer:
    def __init__(self, conn: Connection, user: int):
        self.conn, self.user = conn, user
        document = max(shipped_documents(), key=lambda d: (d.effective_from, d.version))
        self.document = document
        if (
            conn.execute(
                select(ThresholdDocumentRow.sha256).where(
                    ThresholdDocumentRow.document_id == document.id,
                    ThresholdDocumentRow.version == document.version,
                )
            ).scalar()
            is None
        ):
            conn.execute(
                insert(ThresholdDocumentRow).values(
                    document_id=document.id,
                    version=document.version,
                    title=document.title,
                    effective_from=document.effective_from,
                    sha256=document.sha256,
                    content=document.text,
                    installed_at=at("2026-01-01 09:00"),
                    installed_by=user,
                )
            )
        self.agency = dict(conn.execute(select(Agency.code, Agency.id)).all())

    def add(self, model: Any, **values: Any) -> int:
        return int(self.conn.execute(insert(model).values(**values)).inserted_primary_key[0])

    def child(self, name: str) -> int:
        return self.add(
            Person,
            kind="child",
            given_name=name,
            family_name="Synthetic",
            given_key=name[:4].upper(),
            family_key="SNTT",
            date_of_birth=date(2018, 5, 1),
            sex="unknown",
            created_at=at("2025-01-01 09:00"),
            version=1,
        )

    def contact(self, received: str, source: str, channel: str = "phone") -> int:
        return self.add(
            Contact,
            received_at=at(received),
            channel=channel,
            referral_source=source,
            concerns="Invented concern for the measures test.",
            created_by=self.user,
            created_at=at(received),
            version=1,
        )

    def on_contact(self, contact: int, person: int, rag: str, due: str, team: str) -> int:
        return self.add(
            ContactChild,
            contact_id=contact,
            person_id=person,
            status="closed",
            rag=rag,
            due_at=at(due),
            team=team,
            version=1,
        )

    def outcome(self, cc: int, outcome: str, when: str) -> None:
        self.add(
            ContactOutcomeRow,
            contact_child_id=cc,
            outcome=outcome,
            recorded_by=self.user,
            recorded_at=at(when),
        )

    def referral(
        self, cc: int, person: int, when: str, due: str, rag: str, team: str, nfa: bool | None
    ) -> int:
        return self.add(
            Referral,
            contact_child_id=cc,
            person_id=person,
            referral_at=at(when),
            source="6",
            primary_need="N1",
            referral_nfa=nfa,
            status="decided",
            rag=rag,
            decision_due_at=at(due),
            assessment_due_at=at(due),
            team=team,
            created_by=self.user,
            version=1,
        )

    def assessment(self, person: int, level: int, when: str, kind: str = "referral") -> int:
        return self.add(
            ThresholdAssessment,
            kind=kind,
            person_id=person,
            document_id=self.document.id,
            document_version=self.document.version,
            suggested_level=level,
            chosen_level=level,
            override=False,
            assessed_by=self.user,
            assessed_at=at(when),
        )

    def decision(
        self, referral: int, person: int, revision: int, drafted: str, signed: str | None
    ) -> int:
        return self.add(
            Decision,
            referral_id=referral,
            person_id=person,
            revision=revision,
            status="signed" if signed else "draft",
            outcome="strategy_discussion_s47",
            level=4,
            assessment_id=self.assessment(person, 4, drafted),
            document_id=self.document.id,
            document_version=self.document.version,
            rationale="Invented rationale.",
            drafted_by=self.user,
            drafted_at=at(drafted),
            signed_by=self.user if signed else None,
            signed_at=at(signed) if signed else None,
            version=1,
        )

    def check(
        self,
        referral: int,
        agency: str,
        rag: str | None,
        asked: str,
        due: str,
        status: str,
        returned: str | None = None,
    ) -> None:
        self.add(
            AgencyCheckRequest,
            referral_id=referral,
            agency_id=self.agency[agency],
            question="Invented question.",
            requested_by=self.user,
            requested_at=at(asked),
            due_at=at(due),
            rag=rag,
            status=status,
            returned_by=self.user if returned else None,
            returned_at=at(returned) if returned else None,
            nothing_known=bool(returned),
            version=1,
        )

    def routing(self, person: int, kind: str, src: str, dst: str, when: str) -> None:
        self.add(
            Routing,
            person_id=person,
            kind=kind,
            from_agency_id=self.agency[src],
            to_agency_id=self.agency[dst],
            reason="Invented reason.",
            level_after=2,
            handover_summary="Invented handover.",
            childrens_centre_offer=False,
            status="complete",
            created_by=self.user,
            created_at=at(when),
            version=1,
        )

    def strategy(
        self,
        referral: int,
        decision: int,
        person: int,
        held: str,
        proceed: bool,
        due: str | None = None,
        icpc: date | None = None,
    ) -> None:
        self.add(
            StrategyDiscussion,
            referral_id=referral,
            decision_id=decision,
            person_id=person,
            held_at=at(held),
            s47_decision="proceed" if proceed else "no_further_s47_action",
            rationale="Invented rationale.",
            # As services.strategy stores it: the local date of the discussion.
            s47_started_on=at(held).astimezone(_LONDON).date() if proceed else None,
            icpc_due_at=at(due) if due else None,
            recorded_by=self.user,
            recorded_at=at(held),
            icpc_held_on=icpc,
            version=1,
        )

    def feedback(self, decision: int, referral: int, due: str, sent: str | None) -> None:
        self.add(
            ReferrerFeedback,
            decision_id=decision,
            referral_id=referral,
            due_at=at(due),
            sent_at=at(sent) if sent else None,
            sent_by=self.user if sent else None,
            method="phone" if sent else None,
            version=1,
        )

    def consent(self, person: int, contact: int | None, purpose: str, state: str) -> None:
        self.add(
            Consent,
            person_id=person,
            contact_id=contact,
            purpose=purpose,
            state=state,
            reason="Invented reason." if state == "not_sought" else None,
            recorded_by=self.user,
            recorded_at=at("2026-10-01 09:00"),
        )

    def rerating(self, sample: int, position: int, person: int, levels: tuple, when: str) -> None:
        original = self.assessment(person, levels[0], "2026-08-01 10:00", kind="screening")
        rerate = (
            self.assessment(person, levels[1], when, kind="qa") if levels[1] is not None else None
        )
        self.add(
            QaItem, sample_id=sample, position=position, original_id=original, rerate_id=rerate
        )


def build(desk: Desk, user_id: int) -> None:
    """Write the hand-counted history (see :data:`EXPECTED`)."""
    with desk.db.write_transaction() as conn:
        _build(_Writer(conn, user_id))


def _build(w: _Writer) -> None:
    a, b, c, d, e, f, g, h = (w.child(n) for n in "ABCDEFGH")
    # --- contacts -----------------------------------------------------------------------------
    # October (local): 5 contacts. C1 at 23:30 UTC on 30 Sep is 00:30 BST on 1 Oct; C5 at
    # 23:30 UTC on 31 Oct is 23:30 GMT, still October.
    c1 = w.contact("2026-09-30 23:30", "6", "police_notification")
    c2 = w.contact("2026-10-05 10:00", "2A")
    c3 = w.contact("2026-10-12 10:00", "6")
    c4 = w.contact("2026-10-20 10:00", "3A", "email")
    c5 = w.contact("2026-10-31 23:30", "2A", "email")
    # September: 2 (C7 at 20:00 UTC on 30 Sep is 21:00 BST, September).
    c6 = w.contact("2026-09-10 10:00", "6")
    c7 = w.contact("2026-09-30 20:00", "1A")
    # November (00:00 UTC on 1 Nov is 00:00 GMT): outside October.
    c8 = w.contact("2026-11-01 00:00", "6")
    # A year before: the earlier referrals of C and D.
    c9 = w.contact("2025-09-01 09:00", "6")
    c10 = w.contact("2025-11-20 09:00", "6")

    # --- children on contacts, RAG deadlines and outcomes ------------------------------------
    # October: 6 children. Outcome by the RAG deadline: A yes, B no (late), C yes, D yes,
    # E yes (its first outcome counts), F no outcome and past due (late): 4 of 6.
    a1 = w.on_contact(c1, a, "red", "2026-10-01 03:30", TEAM_A)
    w.outcome(a1, "mash_referral", "2026-10-01 03:00")
    b1 = w.on_contact(c1, b, "red", "2026-10-01 03:30", TEAM_A)
    w.outcome(b1, "mash_referral", "2026-10-01 05:00")
    c_2 = w.on_contact(c2, c, "amber", "2026-10-06 10:00", TEAM_A)
    w.outcome(c_2, "mash_referral", "2026-10-05 15:00")
    d3 = w.on_contact(c3, d, "green", "2026-10-15 10:00", TEAM_B)
    w.outcome(d3, "mash_referral", "2026-10-12 11:00")
    e4 = w.on_contact(c4, e, "amber", "2026-10-21 10:00", TEAM_B)
    w.outcome(e4, "early_help", "2026-10-21 09:00")
    w.outcome(e4, "childrens_centre", "2026-10-22 09:00")
    w.on_contact(c5, f, "green", "2026-11-04 10:00", TEAM_B)
    # September: A closed with NFA, G referred.
    a6 = w.on_contact(c6, a, "green", "2026-09-15 10:00", TEAM_A)
    w.outcome(a6, "nfa", "2026-09-11 10:00")
    g7 = w.on_contact(c7, g, "red", "2026-10-01 00:00", TEAM_A)
    w.outcome(g7, "mash_referral", "2026-09-30 21:00")
    h8 = w.on_contact(c8, h, "amber", "2026-11-03 10:00", TEAM_A)
    w.outcome(h8, "mash_referral", "2026-11-02 10:00")
    c9_ = w.on_contact(c9, c, "amber", "2025-09-02 09:00", TEAM_A)
    w.outcome(c9_, "mash_referral", "2025-09-01 12:00")
    d10 = w.on_contact(c10, d, "amber", "2025-11-21 09:00", TEAM_B)
    w.outcome(d10, "mash_referral", "2025-11-20 12:00")

    # --- referrals ----------------------------------------------------------------------------
    # October: 4 (A, B, C, D). D's earlier referral (20 Nov 2025) is within 12 months; C's
    # (1 Sep 2025) is not: 1 re-referral of 4. ReferralNFA: A no, B yes, C no, D not yet.
    ra = w.referral(a1, a, "2026-10-01 09:00", "2026-10-01 13:00", "red", TEAM_A, False)
    rb = w.referral(b1, b, "2026-10-01 09:00", "2026-10-01 13:00", "red", TEAM_A, True)
    rc = w.referral(c_2, c, "2026-10-05 12:00", "2026-10-06 12:00", "amber", TEAM_A, False)
    rd = w.referral(d3, d, "2026-10-12 12:00", "2026-10-13 12:00", "green", TEAM_B, None)
    # September: G, at 22:30 UTC on 30 Sep (23:30 BST).
    rg = w.referral(g7, g, "2026-09-30 22:30", "2026-10-01 22:30", "red", TEAM_A, False)
    # November: H, decision not yet due at the tests' NOW (17 Nov 10:00).
    w.referral(h8, h, "2026-11-17 09:00", "2026-11-18 09:00", "amber", TEAM_A, None)
    w.referral(c9_, c, "2025-09-01 12:00", "2025-09-02 12:00", "amber", TEAM_A, False)
    w.referral(d10, d, "2025-11-20 12:00", "2025-11-21 12:00", "amber", TEAM_B, False)

    # --- decisions: first signature by the deadline: A yes (amended later), B late, C yes,
    # D only drafted and past due (late): 2 of 4; red 1/2, amber 1/1, green 0/1.
    da1 = w.decision(ra, a, 1, "2026-10-01 11:00", "2026-10-01 12:00")
    da2 = w.decision(ra, a, 2, "2026-10-03 09:00", "2026-10-03 10:00")
    db = w.decision(rb, b, 1, "2026-10-01 11:00", "2026-10-02 10:00")
    dc = w.decision(rc, c, 1, "2026-10-06 09:00", "2026-10-06 11:00")
    w.decision(rd, d, 1, "2026-10-13 09:00", None)
    dg = w.decision(rg, g, 1, "2026-09-30 22:40", "2026-09-30 22:50")

    # --- agency checks asked in October: K1 in time, K2 late, K3 never returned and past due
    # (unrated: the amber clock), K4 withdrawn (left out), K5 in time: 2 of 4.
    w.check(
        ra, "police", "red", "2026-10-01 09:30", "2026-10-01 11:30", "returned", "2026-10-01 11:00"
    )
    w.check(
        ra, "health", "red", "2026-10-01 09:30", "2026-10-01 11:30", "returned", "2026-10-01 12:00"
    )
    w.check(rc, "police", None, "2026-10-05 13:00", "2026-10-05 19:00", "requested")
    w.check(rc, "education", "amber", "2026-10-05 13:00", "2026-10-05 19:00", "withdrawn")
    w.check(
        rd,
        "health",
        "green",
        "2026-10-12 13:00",
        "2026-10-13 13:00",
        "returned",
        "2026-10-13 09:00",
    )

    # --- routings started in October: 1 step up, 2 step downs; September: 1 transfer.
    w.routing(a, "step_up", "early_support", "social_care", "2026-10-02 10:00")
    w.routing(e, "step_down", "social_care", "early_support", "2026-10-21 12:00")
    w.routing(c, "step_down", "social_care", "childrens_centres", "2026-10-07 12:00")
    w.routing(g, "transfer", "social_care", "social_care", "2026-09-20 12:00")

    # --- strategy discussions held in October: S1, S2, S5 proceed, S3 does not: 3 of 4. s47
    # started in October: 3. September: S4 (23:00 BST on 30 Sep), proceeds.
    # Conferences due in October: S1 held on its target date (in time), S2 a day late, S4's
    # target is 23:30 UTC on 21 Oct = 00:30 BST on 22 Oct, held 22 Oct (in time: the local
    # date), S5 never held and past due: 2 of 4.
    w.strategy(ra, da1, a, "2026-10-01 14:00", True, "2026-10-22 14:00", date(2026, 10, 22))
    w.strategy(rc, dc, c, "2026-10-06 15:00", True, "2026-10-27 15:00", date(2026, 10, 28))
    w.strategy(rb, db, b, "2026-10-02 12:00", False)
    w.strategy(rg, dg, g, "2026-09-30 22:00", True, "2026-10-21 23:30", date(2026, 10, 22))
    w.strategy(ra, da2, a, "2026-10-03 10:00", True, "2026-10-24 10:00", None)

    # --- referrer feedback due in October: F1 in time, F2 late, F3 never sent, F4 in time.
    w.feedback(da1, ra, "2026-10-02 12:00", "2026-10-02 10:00")
    w.feedback(db, rb, "2026-10-05 10:00", "2026-10-06 10:00")
    w.feedback(dc, rc, "2026-10-07 11:00", None)
    w.feedback(da2, ra, "2026-10-06 10:00", "2026-10-05 10:00")

    # --- consent to share on the contact: A given, C not sought (with reason), D overridden;
    # B none, E only for early help, F not on that contact: 3 of 6 (red 1/2, amber 1/2,
    # green 1/2).
    w.consent(a, c1, "share_information", "given")
    w.consent(c, c2, "share_information", "not_sought")
    w.consent(d, c3, "share_information", "overridden")
    w.consent(e, c4, "early_help", "given")
    w.consent(f, None, "share_information", "given")

    # --- QA re-ratings in October: (2,2) (2,2) (3,3) (3,2) (4,4): agreed 4 of 5; kappa
    # (0.8 - 0.36) / (1 - 0.36) = 0.6875. One re-rated in September (1,1), one not re-rated.
    sample = w.add(
        QaSample,
        kind="screening",
        period_from=date(2026, 7, 1),
        period_to=date(2026, 9, 30),
        size=7,
        seed=1,
        drawn_by=w.user,
        drawn_at=at("2026-09-01 09:00"),
    )
    pairs = ((2, 2), (2, 2), (3, 3), (3, 2), (4, 4))
    for n, levels in enumerate(pairs, start=1):
        w.rerating(sample, n, (a, b, c, d, e)[n - 1], levels, f"2026-10-{10 + n} 10:00")
    w.rerating(sample, 6, f, (1, 1), "2026-09-15 10:00")
    w.rerating(sample, 7, g, (2, None), "")


# measure id -> (value, numerator, denominator, last period's value) for October 2026.
EXPECTED: dict[str, tuple[float | None, int, int | None, float | None]] = {
    "contacts": (5, 5, None, 2),
    "referrals": (4, 4, None, 1),
    "contact_referral_conversion": (100 * 4 / 6, 4, 6, 50.0),
    "re_referral_rate": (25.0, 1, 4, 0.0),
    "referrals_with_service": (100 * 2 / 3, 2, 3, 100.0),
    "referral_decisions_in_time": (50.0, 2, 4, 100.0),
    "rag_decisions_in_time": (100 * 4 / 6, 4, 6, 100.0),
    "agency_checks_in_time": (50.0, 2, 4, None),
    "contact_outcomes": (5, 5, None, 2),
    "step_up_step_down": (3, 3, None, 1),
    "strategy_to_s47": (75.0, 3, 4, 100.0),
    "s47_per_10000": (3 * 10_000 / 55_000, 3, 55_000, 1 * 10_000 / 55_000),
    "icpc_in_time": (50.0, 2, 4, None),
    "feedback_in_time": (50.0, 2, 4, None),
    "consent_recorded": (50.0, 3, 6, 0.0),
    "threshold_consistency": (0.6875, 4, 5, None),
}
