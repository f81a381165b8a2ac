"""Floors of the screens' service calls: the same answer from hand-written SQL (issue 16).

Each function answers the question its service call answers, reading the same tables for the
same child, meeting or agency and writing the same rows (the chained access-log row of a read
of a child's record, the audit rows of a change), with the one look-up of the acting user a
permission check needs. None builds DTOs, validates, formats or re-reads what it already has:
that is the application's own cost, which the ratio shows.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from benchmarks.rawsql import Raw, ids
from mash_desk.domain.matching import PersonFacts, name_key, score
from mash_desk.services.case import _SHOWN_ELSEWHERE
from mash_desk.storage.server_audit import CHANGE_PREFIX

RECENT_ITEMS = 20  # services/history.py: the recent contacts and referrals shown
RESULT_LIMIT = 50  # services/search.py
CANDIDATE_LIMIT = 500


def _history(raw: Raw, pid: int, today: date) -> tuple[Any, ...]:
    """services/history.read_history's four reads."""
    counts = raw.one(
        "SELECT (SELECT id FROM people WHERE id = :pid),"
        " (SELECT count(*) FROM contact_children WHERE person_id = :pid AND contact_id != 0),"
        " (SELECT count(*) FROM contact_children WHERE person_id = :pid AND contact_id != 0"
        "  AND status = 'open'),"
        " (SELECT count(*) FROM referrals WHERE person_id = :pid),"
        " (SELECT count(*) FROM referrals WHERE person_id = :pid"
        "  AND status = 'awaiting_decision'),"
        " (SELECT count(*) FROM contact_children WHERE person_id = :pid AND status = 'open')",
        {"pid": pid},
    )
    recent = (
        raw.all(
            "SELECT r.cc_id, r.contact_id, r.received_at, o.outcome FROM ("
            " SELECT cc.id AS cc_id, c.id AS contact_id, c.received_at AS received_at"
            " FROM contact_children cc JOIN contacts c ON c.id = cc.contact_id"
            " WHERE cc.person_id = :pid AND cc.contact_id != 0"
            " ORDER BY c.received_at DESC, cc.id DESC LIMIT 20) AS r"
            " LEFT JOIN contact_outcomes o ON o.contact_child_id = r.cc_id"
            " ORDER BY r.received_at DESC, r.cc_id DESC, o.outcome",
            {"pid": pid},
        )
        if counts[1]
        else []
    )
    refs = (
        raw.all(
            "SELECT id, referral_at, status, primary_need FROM referrals WHERE person_id = :pid"
            " ORDER BY referral_at DESC LIMIT 20",
            {"pid": pid},
        )
        if counts[3]
        else []
    )
    services = raw.all(
        "SELECT service, team, started_on FROM service_episodes WHERE person_id = :pid"
        " AND started_on <= :t AND (ended_on IS NULL OR ended_on > :t) ORDER BY started_on",
        {"pid": pid, "t": raw.day(today)},
    )
    return counts, recent, refs, services


def open_case(raw: Raw, pid: int, now: datetime, today: date) -> dict[str, Any]:
    """CaseService.view: the child's whole record, one read per table; one access row."""
    raw.begin()
    raw.user_check()
    person = raw.one("SELECT * FROM people WHERE id = :p", {"p": pid})
    while person[-1] is not None:  # merged_into: the kept record opens instead
        person = raw.one("SELECT * FROM people WHERE id = :p", {"p": person[-1]})
    pid, household = person[0], person[16]
    address = (
        raw.one("SELECT address FROM households WHERE id = :h", {"h": household})
        if household is not None
        else None
    )
    history = _history(raw, pid, today)
    p = {"p": pid}
    assessments = raw.all(
        "SELECT a.*, i.indicator_id FROM threshold_assessments a LEFT JOIN "
        "threshold_assessment_indicators i ON i.assessment_id = a.id WHERE a.person_id = :p "
        "ORDER BY a.assessed_at, a.id",
        p,
    )
    contacts = raw.all(
        "SELECT cc.id, cc.contact_id, c.received_at, c.channel, c.referrer_name, "
        "c.referrer_role, c.referrer_agency, c.referral_source, c.concerns, c.created_by "
        "FROM contact_children cc JOIN contacts c ON c.id = cc.contact_id "
        "WHERE cc.person_id = :p",
        p,
    )
    rags = raw.all(
        "SELECT r.id, r.contact_child_id, cc.contact_id, r.value, r.reason, r.rated_by, "
        "r.rated_at FROM rag_ratings r JOIN contact_children cc ON cc.id = r.contact_child_id "
        "WHERE cc.person_id = :p",
        p,
    )
    outcomes = raw.all(
        "SELECT o.id, o.contact_child_id, cc.contact_id, o.outcome, o.recorded_by, "
        "o.recorded_at, cc.no_offer_reason FROM contact_outcomes o JOIN contact_children cc "
        "ON cc.id = o.contact_child_id WHERE cc.person_id = :p",
        p,
    )
    referrals = raw.all(
        "SELECT r.*, cc.contact_id FROM referrals r JOIN contact_children cc "
        "ON cc.id = r.contact_child_id WHERE r.person_id = :p "
        "ORDER BY r.referral_at DESC, r.id DESC",
        p,
    )
    allocations = raw.all("SELECT * FROM allocations WHERE person_id = :p", p)
    hidden, hidden_params = raw.marks("h", sorted(_SHOWN_ELSEWHERE))
    audits = raw.all(
        "SELECT id, at, user_id, action, entity, entity_id, detail FROM audit_log "
        "WHERE person_id IN (SELECT id FROM people WHERE id = :p OR merged_into = :p) "
        f"AND action NOT IN ({hidden}) AND action NOT LIKE :chg",
        {**p, **hidden_params, "chg": f"{CHANGE_PREFIX}%"},
    )
    related = raw.all(
        "SELECT person_id, related_id, kind FROM relationships "
        "WHERE person_id = :p OR related_id = :p ORDER BY id",
        p,
    )
    others = sorted({a if b == pid else b for a, b, _k in related})
    marks, params = raw.marks("o", others)
    members = raw.all(
        "SELECT pe.*, h.postcode FROM people pe LEFT JOIN households h ON h.id = pe.household_id "
        f"WHERE (pe.id IN ({marks}) OR pe.household_id = :hh) AND pe.id != :p",
        {**p, **params, "hh": household},
    )
    consents = raw.all(
        "SELECT purpose, state, reason, lawful_basis, approved_by, recorded_by, recorded_at, "
        "contact_id FROM consents WHERE person_id = :p ORDER BY recorded_at DESC, id DESC",
        p,
    )
    deadlines = raw.all(
        "SELECT id, contact_id, due_at, rag FROM contact_children WHERE person_id = :p "
        "AND status = 'open' AND due_at IS NOT NULL",
        p,
    )
    deadlines += raw.all(
        "SELECT r.id, r.contact_child_id, cc.contact_id, r.decision_due_at, "
        "r.assessment_due_at, r.rag FROM referrals r JOIN contact_children cc "
        "ON cc.id = r.contact_child_id WHERE r.person_id = :p "
        "AND r.status = 'awaiting_decision'",
        p,
    )
    theirs = "(SELECT id FROM referrals WHERE person_id = :p)"
    decisions = raw.all(
        f"SELECT * FROM decisions WHERE referral_id IN {theirs} ORDER BY referral_id, revision", p
    )
    decision_ids = f"(SELECT id FROM decisions WHERE referral_id IN {theirs})"
    pathways = raw.all(
        f"SELECT decision_id, pathway FROM decision_pathways WHERE decision_id IN {decision_ids}", p
    )
    actions = raw.all(
        "SELECT a.*, ag.code FROM decision_actions a LEFT JOIN agencies ag "
        f"ON ag.id = a.owner_agency_id WHERE a.decision_id IN {decision_ids} ORDER BY a.id",
        p,
    )
    indicators = raw.all(
        "SELECT d.id, i.indicator_id FROM decisions d JOIN threshold_assessment_indicators i "
        f"ON i.assessment_id = d.assessment_id WHERE d.referral_id IN {theirs}",
        p,
    )
    strategies = raw.all(
        "SELECT s.*, a.agency_id, a.name FROM strategy_discussions s LEFT JOIN "
        f"strategy_attendees a ON a.discussion_id = s.id WHERE s.referral_id IN {theirs} "
        "ORDER BY s.held_at, s.id, a.id",
        p,
    )
    escalations = raw.all(
        "SELECT e.*, ag.code, d.referral_id FROM escalations e JOIN agencies ag "
        "ON ag.id = e.agency_id JOIN decisions d ON d.id = e.decision_id "
        "WHERE d.person_id = :p ORDER BY e.due_at, e.id",
        p,
    )
    routings = raw.all(
        "SELECT r.*, i.party, i.who, i.method, i.informed_at FROM routings r LEFT JOIN "
        "routing_informing i ON i.routing_id = r.id WHERE r.person_id = :p ORDER BY r.id, i.id",
        p,
    )
    # Every user the record names, one look-up (the app's _Names asks per user, cached).
    users = {
        u
        for u in (
            *(c[9] for c in contacts),
            *(r[5] for r in rags),
            *(o[4] for o in outcomes),
            *(a[2] for a in audits),
            *(a[5] for a in allocations),
            *(a[6] for a in allocations),
            *(a[9] for a in allocations),
            *(c[4] for c in consents),
            *(c[5] for c in consents),
            *(d[18] for d in decisions),
            *(d[20] for d in decisions),
            *(d[22] for d in decisions),
            *(a[4] for a in actions),
        )
        if u is not None
    }
    marks, params = raw.marks("u", sorted(users))
    names = raw.all(f"SELECT id, display_name FROM users WHERE id IN ({marks})", params)
    agencies = raw.all("SELECT code, name FROM agencies ORDER BY id")
    raw.access(pid, "case.view", None, now)
    raw.commit()
    by_referral: dict[int, list[int]] = {r[0]: [] for r in referrals}
    for d in decisions:
        by_referral[d[1]].append(d[0])
    return {
        "child": pid,
        "referrals": ids(referrals),
        "decisions": [by_referral[r] for r in ids(referrals)],
        "consents": len(consents),
        "contacts": len(contacts),
        "household": sorted(ids(members)),
        "_rest": (
            address,
            history,
            assessments,
            allocations,
            deadlines,
            pathways,
            actions,
            indicators,
            strategies,
            escalations,
            routings,
            names,
            agencies,
        ),
    }


def partner_inbox(raw: Raw) -> list[int]:
    """AgencyCheckService.inbox: the checks asked of the rep's agency, open, soonest due."""
    agency = raw.user_check()[4]
    rows = raw.all(
        "SELECT q.*, ag.code, pe.given_name, pe.family_name, pe.date_of_birth, "
        "pe.expected_delivery FROM agency_check_requests q JOIN agencies ag ON ag.id = q.agency_id "
        "JOIN referrals r ON r.id = q.referral_id JOIN people pe ON pe.id = r.person_id "
        "WHERE q.agency_id = :a AND q.status = 'requested' ORDER BY q.due_at, q.id",
        {"a": agency},
    )
    return ids(rows)


def find_child(raw: Raw, given: str, family: str, now: datetime, today: date) -> list[int]:
    """SearchService.find for a typed "given family": candidates, ranked, with what is known."""
    raw.user_check()
    first, last = name_key(given), name_key(family)
    rows = raw.all(
        "SELECT pe.id, pe.given_name, pe.family_name, pe.date_of_birth, pe.expected_delivery, "
        "pe.nhs_number, pe.household_id, h.postcode, pe.kind, pe.sex FROM people pe "
        "LEFT JOIN households h ON h.id = pe.household_id "
        "WHERE coalesce(pe.merged_into, 0) = 0 AND pe.kind = 'child' AND "
        "((pe.given_key = :f AND pe.family_key = :l) OR (pe.given_key = :l AND pe.family_key = :f)) "
        "ORDER BY pe.family_name, pe.given_name, pe.id LIMIT :n",
        {"f": first, "l": last, "n": CANDIDATE_LIMIT + 1},
    )

    def rank(row: tuple[Any, ...]) -> float:
        dob = row[3] if not isinstance(row[3], str) else date.fromisoformat(row[3])
        cand = PersonFacts(row[1], row[2], dob, None, None, None)
        return max(
            score(PersonFacts(g, f, None), cand)[0] for g, f in ((given, family), (family, given))
        )

    rows.sort(key=lambda r: -rank(r))
    shown = rows[:RESULT_LIMIT]
    if shown:
        marks, params = raw.marks("p", ids(shown))
        raw.all(
            "SELECT cc.person_id, sum(CASE WHEN cc.status = 'open' THEN 1 ELSE 0 END), "
            "max(c.received_at), count(*) FROM contact_children cc JOIN contacts c "
            f"ON c.id = cc.contact_id WHERE cc.person_id IN ({marks}) GROUP BY cc.person_id",
            params,
        )
        raw.all(
            f"SELECT person_id, referral_at, status FROM referrals WHERE person_id IN ({marks})",
            params,
        )
        raw.all(
            f"SELECT person_id, chosen_level FROM threshold_assessments WHERE person_id IN "
            f"({marks}) AND kind != 'qa' ORDER BY assessed_at, id",
            params,
        )
        raw.all(
            f"SELECT person_id, outcome, signed_at FROM decisions WHERE person_id IN "
            f"({marks}) AND status = 'signed' ORDER BY signed_at, id",
            params,
        )
        raw.all(
            f"SELECT person_id, service FROM service_episodes WHERE person_id IN ({marks}) "
            "AND started_on <= :t AND (ended_on IS NULL OR ended_on > :t)",
            {**params, "t": raw.day(today)},
        )
    return ids(shown)


QUEUE_PAGE = 50  # the queue view's first page (gui/queue_view.py)


def queue_first_page(raw: Raw, today: date) -> list[tuple[str, int]]:
    """QueueService.page: the two indexed selects merged by deadline, the children's open work."""
    raw.user_check()
    contacts = raw.all(
        "SELECT 'contact', cc.id, cc.contact_id, p.id, p.given_name, p.family_name, "
        "p.date_of_birth, p.expected_delivery, p.household_id, h.postcode, cc.rag, cc.due_at, "
        "cc.status, u.display_name, cc.version, cc.provisional_level, coalesce(cc.team, u.team), "
        "cc.assigned_to FROM contact_children cc JOIN people p ON p.id = cc.person_id "
        "LEFT JOIN households h ON h.id = p.household_id LEFT JOIN users u ON u.id = cc.assigned_to "
        f"WHERE cc.status = 'open' ORDER BY cc.due_at, cc.id LIMIT {QUEUE_PAGE}"
    )
    referrals = raw.all(
        "SELECT 'referral', r.id, cc.contact_id, p.id, p.given_name, p.family_name, "
        "p.date_of_birth, p.expected_delivery, p.household_id, h.postcode, r.rag, "
        "r.decision_due_at, r.status, u.display_name, r.version, r.level, "
        "coalesce(r.team, u.team), r.assigned_to FROM referrals r "
        "JOIN contact_children cc ON cc.id = r.contact_child_id "
        "JOIN people p ON p.id = r.person_id LEFT JOIN households h ON h.id = p.household_id "
        "LEFT JOIN users u ON u.id = r.assigned_to WHERE r.status = 'awaiting_decision' "
        f"ORDER BY r.decision_due_at, r.id LIMIT {QUEUE_PAGE}"
    )
    page = sorted(contacts + referrals, key=lambda r: (r[11], r[0], r[1]))[:QUEUE_PAGE]
    if page:
        marks, params = raw.marks("p", sorted({r[3] for r in page}))
        raw.all(
            "SELECT person_id, 'contact', count(*) FROM contact_children "
            f"WHERE person_id IN ({marks}) AND status = 'open' GROUP BY person_id "
            "UNION ALL SELECT person_id, 'referral', count(*) FROM referrals "
            f"WHERE person_id IN ({marks}) AND status = 'awaiting_decision' GROUP BY person_id "
            "UNION ALL SELECT person_id, service, count(*) FROM service_episodes "
            f"WHERE person_id IN ({marks}) AND started_on <= :t "
            "AND (ended_on IS NULL OR ended_on > :t) GROUP BY person_id, service",
            {**params, "t": raw.day(today)},
        )
    return [(r[0], r[1]) for r in page]


def meeting_agenda(raw: Raw, today: date) -> list[int]:
    """MeetingService.today: the meeting, attendance, agenda with each child, chair's name."""
    raw.user_check()
    meeting = raw.one("SELECT * FROM meetings WHERE meeting_date = :d", {"d": raw.day(today)})
    m = {"m": meeting[0]}
    raw.all(
        "SELECT ag.code, ag.name, a.attendee_name, a.present FROM meeting_attendance a "
        "JOIN agencies ag ON ag.id = a.agency_id WHERE a.meeting_id = :m "
        "ORDER BY ag.code, a.attendee_name",
        m,
    )
    items = raw.all(
        "SELECT i.*, r.*, pe.* FROM agenda_items i JOIN referrals r ON r.id = i.referral_id "
        "JOIN people pe ON pe.id = r.person_id WHERE i.meeting_id = :m",
        m,
    )
    raw.one("SELECT display_name FROM users WHERE id = :c", {"c": meeting[2]})
    return sorted(r[2] for r in items)


def sign_decision(raw: Raw, decision_id: int, now: datetime, feedback_due: datetime) -> int:
    """DecisionService.sign of a draft on today's agenda; the same rows written, two audits."""
    raw.begin()
    raw.user_check()
    d = raw.one("SELECT * FROM decisions WHERE id = :d", {"d": decision_id})
    referral = raw.one("SELECT * FROM referrals WHERE id = :r", {"r": d[1]})
    meeting = raw.one("SELECT * FROM meetings WHERE id = :m", {"m": d[3]})
    raw.all(
        "SELECT ag.code FROM meeting_attendance a JOIN agencies ag ON ag.id = a.agency_id "
        "WHERE a.meeting_id = :m AND a.present",
        {"m": meeting[0]},
    )
    raw.all("SELECT * FROM decision_actions WHERE decision_id = :d", {"d": decision_id})
    raw.all("SELECT pathway FROM decision_pathways WHERE decision_id = :d", {"d": decision_id})
    raw.all(
        "SELECT indicator_id FROM threshold_assessment_indicators WHERE assessment_id = :a",
        {"a": d[10]},
    )
    raw.run(
        "UPDATE decisions SET status = 'signed', signed_by = :u, signed_at = :at, "
        "version = version + 1 WHERE id = :d AND version = :v",
        {"u": raw.user_id, "at": raw.ts(now), "d": decision_id, "v": d[24]},
    )
    raw.run(
        "UPDATE referrals SET status = 'decided', referral_nfa = :nfa, level = :lvl, "
        "team = coalesce(:team, team), assigned_to = coalesce(:w, assigned_to), "
        "version = version + 1 WHERE id = :r",
        {"nfa": d[8] == "nfa", "lvl": d[9], "team": d[17], "w": d[18], "r": referral[0]},
    )
    raw.run(
        "UPDATE agenda_items SET status = 'decided' WHERE meeting_id = :m AND referral_id = :r",
        {"m": meeting[0], "r": referral[0]},
    )
    feedback = raw.insert(
        "INSERT INTO referrer_feedback (decision_id, referral_id, due_at, version) "
        "VALUES (:d, :r, :due, 1)",
        {"d": decision_id, "r": referral[0], "due": raw.ts(feedback_due)},
    )
    raw.audit(
        now,
        "referrer_feedback.created",
        "referrer_feedback",
        feedback,
        referral[2],
        json.dumps(
            {"decision_id": decision_id, "due_at": feedback_due.isoformat()}, sort_keys=True
        ),
    )
    raw.audit(
        now,
        "decision.signed",
        "decision",
        decision_id,
        referral[2],
        json.dumps(
            {
                "outcome": d[8],
                "meeting_id": d[3],
                "between_meetings": False,
                "referral_nfa": d[8] == "nfa",
                "allocated_team": d[17],
                "allocated_worker_id": d[18],
                "s47_started_on": None,
            },
            sort_keys=True,
        ),
    )
    raw.commit()
    return decision_id


def record_outcome(raw: Raw, cc_id: int, now: datetime) -> int:
    """OutcomeService.record of NFA on an open contact: outcome row, closed, one audit row."""
    raw.begin()
    raw.user_check()
    cc = raw.one("SELECT * FROM contact_children WHERE id = :c", {"c": cc_id})
    raw.one("SELECT * FROM people WHERE id = :p", {"p": cc[2]})
    raw.all(
        "SELECT purpose, state FROM consents WHERE contact_id = :c AND person_id = :p "
        "ORDER BY recorded_at, id",
        {"c": cc[1], "p": cc[2]},
    )
    raw.insert(
        "INSERT INTO contact_outcomes (contact_child_id, outcome, recorded_by, recorded_at) "
        "VALUES (:c, 'nfa', :u, :at)",
        {"c": cc_id, "u": raw.user_id, "at": raw.ts(now)},
    )
    changed = raw.run(
        "UPDATE contact_children SET status = 'closed', closed_at = :at, no_offer_reason = NULL, "
        "consent_reason = NULL, version = version + 1 WHERE id = :c AND version = :v",
        {"at": raw.ts(now), "c": cc_id, "v": cc[15]},
    )
    raw.audit(
        now,
        "contact.outcome_recorded",
        "contact_child",
        cc_id,
        cc[2],
        json.dumps(
            {
                "outcomes": ["nfa"],
                "under_five_rule_applied": False,
                "no_offer_reason": None,
                "consent_reason": None,
                "consent_recorded": None,
                "red_nfa_authorised_by": None,
                "forwarded_to": None,
                "forwarded_via": None,
            },
            sort_keys=True,
        ),
    )
    raw.commit()
    return changed
