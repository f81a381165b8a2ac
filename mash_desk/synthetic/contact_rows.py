"""One contact as the services write it: the children on it, screening, outcomes, referral."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from mash_desk.domain.enums import (
    Rag,
)
from mash_desk.domain.outcomes import is_under_five
from mash_desk.storage.models import (
    Contact,
    ContactChild,
    ContactOutcomeRow,
    RagRating,
    Referral,
    RiskIndicatorRow,
)
from mash_desk.synthetic.audit_json import logged_json, outcome_json, referral_json
from mash_desk.synthetic.catalogue import (
    LEVEL_RATIONALES,
    NO_OFFER_REASONS,
    RAG_BY_LEVEL,
    RAG_REASONS,
    RERATE_DOWN,
    RERATE_UP,
)
from mash_desk.synthetic.contact_text import ContactText
from mash_desk.synthetic.names import (
    choose,
)
from mash_desk.synthetic.people import Family, Kid
from mash_desk.synthetic.rates import (
    BACKLOG_SHARE,
    CONSENT_TO_ASSESSMENT,
    CONSENT_TO_EARLY_HELP,
    CONSENT_TO_SHARE,
    EARLY_HELP_TAKE_UP,
    NO_OFFER_SHARE,
    ONE_YEAR,
    OUTCOME_ADVICE,
    OUTCOME_CHILDRENS_CENTRE,
    OUTCOME_EARLY_HELP,
    OUTCOME_FORWARD,
    OUTCOME_NFA,
    OUTCOME_REFERRAL,
    RAG_ORDER,
    RERATE_SHARE,
    SOCIAL_CARE_OUTCOME_CODES,
    STATUS_AWAITING,
    STATUS_CLOSED,
    STATUS_OPEN,
    STATUS_REFERRED,
    THRESHOLD_DOCUMENT,
    THRESHOLD_VERSION,
)
from mash_desk.synthetic.themes import Theme


class ContactRows(ContactText):
    """Writes a contact, each child on it and, where the outcome is one, the referral."""

    def _write_contact(
        self,
        received: datetime,
        ooh: bool,
        theme: Theme,
        level: int,
        intent: str,
        fam: Family,
        kids: list[Kid],
    ) -> None:
        rng = self.rng
        day = received.astimezone(self.tz).date()
        logger = self.edt if ooh else rng.choice(self.practitioners)
        logged = received + timedelta(seconds=rng.randint(60, 1800 if not ooh else 5400))
        if logged > self.end:
            return  # arrived, but nobody has typed it in yet
        source, channel = self._source(theme, ooh)
        child_ids, indicators = self._people_on_contact(theme, fam, kids, day, logged, logger)
        ratings = self._ratings(level, kids)
        worst = max((RAG_ORDER.index(f) for _, f in ratings), default=0)
        decided, handler = self._decided_at(received, ooh, worst, intent)
        decided = max(decided.replace(microsecond=0), logged + timedelta(minutes=5))
        screened = logged + (decided - logged) * rng.uniform(0.2, 0.7)
        screened = screened.replace(microsecond=0)
        rerated = (logged + (screened - logged) * rng.uniform(0.3, 0.9)).replace(microsecond=0)
        contact_id = self._contact_row(
            received, logged, logger, theme, source, channel, ooh, fam, kids, indicators
        )
        self._audit_json(
            logged,
            logger,
            "contact.logged",
            "contact",
            contact_id,
            kids[0].pid,
            logged_json(
                child_ids,
                channel,
                source,
                [initial for initial, _ in ratings],
                sorted(indicators),
            ),
        )
        flags = frozenset(indicators)
        for i, (kid, (initial, final)) in enumerate(zip(kids, ratings, strict=True)):
            self._child_on_contact(
                contact_id,
                kid,
                i,
                theme,
                level,
                intent,
                source,
                received,
                logged,
                rerated,
                screened,
                decided + timedelta(seconds=30 * i),
                logger,
                handler,
                initial,
                final,
                flags,
                not kid.born_by(day),
            )

    def _people_on_contact(
        self, theme: Theme, fam: Family, kids: list[Kid], day: date, logged: datetime, logger: int
    ) -> tuple[list[int], set[str]]:
        """Write the people first met on this contact; return the children's ids and the risks.

        The household, its adults and any child met for the first time; a mother's new
        partner when the contact is about domestic abuse.
        """
        rng = self.rng
        self._ensure_household(fam, logged, logger)
        child_ids: list[int] = []
        for kid in kids:
            if kid.pid is None:
                self._create_kid(kid, day, logged, logger)
            assert kid.pid is not None  # _create_kid gave it its person row
            child_ids.append(kid.pid)
        indicators = set(theme.indicators)
        for code, p in theme.extra:
            if rng.random() < p:
                indicators.add(code)
        if (
            "domestic_abuse" in indicators
            and fam.mother() is not None
            and fam.partner() is None
            and rng.random() < 0.35
        ):
            # The mother's new partner becomes an adult of concern for every child in the
            # household, including children first met later (see ``_create_kid``).
            partner = self.factory.add_partner(fam, day)
            self._create_adult(fam, partner, logged, logger)
        return child_ids, indicators

    def _ratings(self, level: int, kids: list[Kid]) -> list[tuple[str, str]]:
        """Return each child's (initial, final) RAG: siblings mostly the same (§4)."""
        rng = self.rng
        base = choose(rng, RAG_BY_LEVEL[level])
        ratings: list[tuple[str, str]] = []  # (initial, final)
        for _ in kids:
            final = base
            if rng.random() < 0.1:
                final = RAG_ORDER[max(0, min(2, RAG_ORDER.index(base) + rng.choice((-1, 1))))]
            initial = final
            if rng.random() < RERATE_SHARE:
                step = rng.choice((-1, 1))
                initial = RAG_ORDER[max(0, min(2, RAG_ORDER.index(final) - step))]
            ratings.append((initial, final))
        return ratings

    def _decided_at(
        self, received: datetime, ooh: bool, worst: int, intent: str
    ) -> tuple[datetime, int]:
        """Return when the work was decided (maybe after the end: still open) and by whom.

        Red within hours (EDT finishes red cases out of hours), amber within a working day,
        green within three; some run late (§9: > 77 % of referral episodes completed within
        3 days).
        """
        rng = self.rng
        late = rng.random() < 0.15
        if worst == 2:
            hours = rng.uniform(3.5, 6.0) if late else rng.uniform(0.5, 3.5)
            decided = received + timedelta(hours=hours)
            handler = self.edt if ooh else rng.choice(self.practitioners)
        elif worst == 1:
            decided = (
                self._working(received, 7.5, 10.0) if late else self._working(received, 0.5, 7.5)
            )
            handler = rng.choice(self.practitioners)
        else:
            decided = (
                self._working(received, 22.0, 27.0) if late else self._working(received, 1.0, 22.0)
            )
            handler = rng.choice(self.practitioners)
        if self.backlog_from <= received <= self.end and intent == "referral":
            # Clear referrals of the last two working days were progressed within hours, so
            # they wait for the demo day's meeting rather than on the contact queue.
            decided = min(decided, self._working(received, 0.5, 4.0))
        elif self.backlog_from <= received <= self.end and rng.random() < (
            BACKLOG_SHARE / 4 if worst == 2 else BACKLOG_SHARE
        ):
            # Today's and yesterday's work still waiting for a decision: the live queue the
            # demo opens on, some of it already past its deadline (reds are rarely left).
            decided = self.end + timedelta(hours=1)
        return decided, handler

    def _contact_row(
        self,
        received: datetime,
        logged: datetime,
        logger: int,
        theme: Theme,
        source: str,
        channel: str,
        ooh: bool,
        fam: Family,
        kids: list[Kid],
        indicators: set[str],
    ) -> int:
        """Write the contact with its referrer, narrative and risk indicators; return its id."""
        contact_id = self._id(Contact)
        referrer_name, role, agency = self._referrer(source, fam)
        # Who referred, for a referral's routing ("referrer informed", 000 L343).
        self.referrer = (referrer_name, role, agency)
        self.rows[Contact].append(
            {
                "id": contact_id,
                "received_at": received,
                "channel": channel,
                "referrer_name": referrer_name,
                "referrer_role": role,
                "referrer_agency": agency,
                # Derived from the id, not drawn, so the random stream (and every other
                # generated value) stays as it was: Ofcom's drama range, RFC 2606's domain.
                "referrer_phone": f"0207946{contact_id % 1000:04d}" if referrer_name else None,
                "referrer_email": f"referrer{contact_id}@example.org" if referrer_name else None,
                "referral_source": source,
                "concerns": self._narrative(
                    theme, source, channel, ooh, received, fam, kids, role, agency, referrer_name
                ),
                "created_by": logger,
                "created_at": logged,
                "version": 1,
            }
        )
        for code in sorted(indicators):
            self.rows[RiskIndicatorRow].append({"contact_id": contact_id, "code": code})
        return contact_id

    def _child_on_contact(
        self,
        contact_id: int,
        kid: Kid,
        index: int,
        theme: Theme,
        level: int,
        intent: str,
        source: str,
        received: datetime,
        logged: datetime,
        rerated: datetime,
        screened: datetime,
        decided: datetime,
        logger: int,
        handler: int,
        initial: str,
        final: str,
        flags: frozenset[str],
        unborn: bool,
    ) -> None:
        rng = self.rng
        end = self.end
        assert kid.pid is not None
        cc_id = self._id(ContactChild)
        rag, version = self._rate_child(
            cc_id, kid.pid, logger, logged, handler, rerated, initial, final
        )
        row = self._contact_child_row(cc_id, contact_id, kid.pid, rag, received)
        if screened <= end:
            rationale = rng.choice(LEVEL_RATIONALES[level])
            rationale = self._screening(
                kid.pid, cc_id, theme, level, rationale, flags, unborn, handler, screened, rag
            )
            row.update(
                assigned_to=handler,
                provisional_level=level,
                level_rationale=rationale,
                threshold_document=THRESHOLD_DOCUMENT,
                threshold_version=THRESHOLD_VERSION,
                screened_by=handler,
                screened_at=screened,
            )
            version += 1
        shared = self._consent(kid, contact_id, CONSENT_TO_SHARE, level, logger, logged)
        if shared is not None:
            kid.consent = shared
        if decided > end:
            row["version"] = version
            self.rows[ContactChild].append(row)
            self.counts["open_contact_children"] += 1
            return

        day = decided.astimezone(self.tz).date()
        route = self._route(kid, index, intent, level, day)
        under_five = is_under_five(
            kid.dob if kid.born_by(day) else None, kid.edd if not kid.born_by(day) else None, day
        )
        chosen, no_offer, rule_applied = self._outcomes_for(route, under_five)
        recorder = handler
        if rag == "red" and chosen == {OUTCOME_NFA}:
            recorder = self.manager  # NFA on a red case is signed off by a manager (§2)
        self._record_outcomes(row, kid, chosen, no_offer, rule_applied, recorder, decided, version)
        level_known = level if screened <= end else None
        self._after_outcome(
            kid,
            contact_id,
            cc_id,
            chosen,
            theme,
            level,
            level_known,
            source,
            rag,
            recorder,
            handler,
            decided,
            flags,
            unborn,
        )

    def _rate_child(
        self,
        cc_id: int,
        pid: int,
        logger: int,
        logged: datetime,
        handler: int,
        rerated: datetime,
        initial: str,
        final: str,
    ) -> tuple[str, int]:
        """Write the child's RAG rating, and its change if re-rated by now: (rag, version)."""
        rng = self.rng
        self.rows[RagRating].append(
            {
                "id": self._id(RagRating),
                "contact_child_id": cc_id,
                "value": initial,
                "reason": rng.choice(RAG_REASONS[initial]),
                "rated_by": logger,
                "rated_at": logged,
            }
        )
        if final == initial or rerated > self.end:
            return initial, 1
        reason = rng.choice(
            RERATE_UP if RAG_ORDER.index(final) > RAG_ORDER.index(initial) else RERATE_DOWN
        )
        self.rows[RagRating].append(
            {
                "id": self._id(RagRating),
                "contact_child_id": cc_id,
                "value": final,
                "reason": reason,
                "rated_by": handler,
                "rated_at": rerated,
            }
        )
        self._audit(
            rerated,
            handler,
            "rag.changed",
            "contact_child",
            cc_id,
            pid,
            before=initial,
            after=final,
            reason=reason,
        )
        return final, 2

    def _contact_child_row(
        self, cc_id: int, contact_id: int, pid: int, rag: str, received: datetime
    ) -> dict[str, Any]:
        """Return the child's row on the contact as logged: open, not yet screened."""
        return {
            "id": cc_id,
            "contact_id": contact_id,
            "person_id": pid,
            "status": STATUS_OPEN,
            "rag": rag,
            "due_at": self.deadlines.decision_due(Rag(rag), received),
            "assigned_to": None,
            "team": None,
            "provisional_level": None,
            "level_rationale": None,
            "threshold_document": None,
            "threshold_version": None,
            "screened_by": None,
            "screened_at": None,
            "no_offer_reason": None,
            "consent_reason": None,
            "closed_at": None,
        }

    def _route(self, kid: Kid, index: int, intent: str, level: int, day: date) -> str:
        """Return where the child's contact goes (§5).

        Forwarded if the child is open to social care, else the contact's route (a sibling's
        sometimes differs).
        """
        route = intent
        if kid.open_on(day):
            route = "referral" if kid.open_service == "early_help" and level >= 3 else "forward"
        if index > 0 and route == "referral" and self.rng.random() < 0.1:
            route = "early_help"  # an older sibling's needs can differ from the others'
        if route == "referral" and kid.awaiting:
            # The child's last referral still awaits its decision: the new information goes
            # to the worker holding it rather than making a second referral.
            route = "forward"
        return route

    def _outcomes_for(self, route: str, under_five: bool) -> tuple[set[str], str | None, bool]:
        """Return the outcome codes, the no-offer reason and whether the under-5 rule applied.

        The under-5 children's-centre rule (000 L184): a child under five who is not going to
        social care is offered a children's centre unless a reason says why not.
        """
        rng = self.rng
        # Outcome codes as plain strings (they are what the services store).
        chosen: set[str]
        no_offer: str | None = None
        if route == "referral":
            chosen = {OUTCOME_REFERRAL}
        elif route == "forward":
            chosen = {OUTCOME_FORWARD}
        elif route == "early_help":
            chosen = {OUTCOME_EARLY_HELP}
            if rng.random() < 0.1:
                chosen.add(OUTCOME_ADVICE)
        elif route == "advice":
            chosen = {OUTCOME_ADVICE}
        elif under_five and rng.random() >= NO_OFFER_SHARE:
            chosen = {OUTCOME_CHILDRENS_CENTRE}
        else:
            chosen = {OUTCOME_NFA}
            if under_five:
                no_offer = rng.choice(NO_OFFER_REASONS)
        rule_applied = False
        if under_five and not chosen & SOCIAL_CARE_OUTCOME_CODES and OUTCOME_NFA not in chosen:
            rule_applied = OUTCOME_CHILDRENS_CENTRE not in chosen
            chosen.add(OUTCOME_CHILDRENS_CENTRE)
        return chosen, no_offer, rule_applied

    def _record_outcomes(
        self,
        row: dict[str, Any],
        kid: Kid,
        chosen: set[str],
        no_offer: str | None,
        rule_applied: bool,
        recorder: int,
        decided: datetime,
        version: int,
    ) -> None:
        """Write the outcome rows, close (or refer) the child's row and audit it."""
        cc_id = row["id"]
        outcomes = sorted(chosen)
        for outcome in outcomes:
            self.rows[ContactOutcomeRow].append(
                {
                    "id": self._id(ContactOutcomeRow),
                    "contact_child_id": cc_id,
                    "outcome": outcome,
                    "recorded_by": recorder,
                    "recorded_at": decided,
                }
            )
        row.update(
            status=STATUS_REFERRED if OUTCOME_REFERRAL in chosen else STATUS_CLOSED,
            no_offer_reason=no_offer,
            closed_at=decided,
            version=version + 1,
        )
        self.rows[ContactChild].append(row)
        self._audit_json(
            decided,
            recorder,
            "contact.outcome_recorded",
            "contact_child",
            cc_id,
            kid.pid,
            outcome_json(outcomes, rule_applied, no_offer),
        )

    def _after_outcome(
        self,
        kid: Kid,
        contact_id: int,
        cc_id: int,
        chosen: set[str],
        theme: Theme,
        level: int,
        level_known: int | None,
        source: str,
        rag: str,
        recorder: int,
        handler: int,
        decided: datetime,
        flags: frozenset[str],
        unborn: bool,
    ) -> None:
        """Consents the outcome asks for, an early-help episode if taken up, the referral."""
        rng = self.rng
        day = decided.astimezone(self.tz).date()
        if OUTCOME_EARLY_HELP in chosen or OUTCOME_CHILDRENS_CENTRE in chosen:
            self._consent(kid, contact_id, CONSENT_TO_EARLY_HELP, level, recorder, decided)
        if OUTCOME_EARLY_HELP in chosen and rng.random() < EARLY_HELP_TAKE_UP:
            self._episode(kid, "early_help", day + timedelta(days=rng.randint(7, 21)), 90, 270)
        if OUTCOME_REFERRAL in chosen:
            self._consent(kid, contact_id, CONSENT_TO_ASSESSMENT, level, recorder, decided)
            self._referral(
                kid, cc_id, theme, level, level_known, source, rag, decided, handler, flags, unborn
            )

    def _referral(
        self,
        kid: Kid,
        cc_id: int,
        theme: Theme,
        level: int,
        screened_level: int | None,
        source: str,
        rag: str,
        at: datetime,
        handler: int,
        flags: frozenset[str],
        unborn: bool,
    ) -> None:
        """Make the referral; checks, the meeting and what follows are ``meetings``' part."""
        rng = self.rng
        assert kid.pid is not None
        ref_id = self._id(Referral)
        previous = kid.last_referral
        self.referrals_made += 1
        if previous is not None and at - previous <= ONE_YEAR:
            self.counts["re_referrals"] += 1
        kid.last_referral = at
        self.recent_referrals.append((at, kid))
        decision_due = self.deadlines.referral_decision_due(at)
        need = choose(rng, theme.needs)
        row: dict[str, Any] = {
            "id": ref_id,
            "contact_child_id": cc_id,
            "person_id": kid.pid,
            "referral_at": at,
            # The contact's source carries over unless the practitioner corrects it.
            "source": source if rng.random() < 0.97 else "5D",
            "primary_need": need,
            "referral_nfa": None,
            "status": STATUS_AWAITING,
            "rag": rag,
            "decision_due_at": decision_due,
            "assessment_due_at": self.deadlines.assessment_due(at),
            "assigned_to": handler,
            "team": "MASH",
            # The level the child was screened at; a manager's same-day review (a
            # "referral" assessment) would change it, and none is invented here. The
            # meeting's decision sets it again when signed.
            "level": screened_level,
            "created_by": handler,
            "version": 1,
        }
        self._audit_json(
            at,
            handler,
            "referral.created",
            "referral",
            ref_id,
            kid.pid,
            referral_json(row["source"], need, decision_due),
        )
        self.rows[Referral].append(row)
        self.meetings.referral(row, kid, theme, flags, unborn, self.referrer)
