"""The daily MASH meeting as rules: decisions, pathways, quorum, agenda order, escalation.

Pure Python. The meeting policy (quorum agencies, the escalation protocol's stages and clocks,
the referrer-feedback clock) is data in ``resources/policy/meetings.yaml``, checked on load by
:func:`load_meeting_policy` with every problem named by its key, like the main policy file.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import cache
from pathlib import Path

from mash_desk.domain.enums import Rag
from mash_desk.domain.policy import PolicyError, TimeLimit, _Checker, read_policy_yaml


class DecisionOutcome(StrEnum):
    """What the meeting (or a manager, for red between meetings) decides for a referral."""

    NFA = "nfa"
    STEP_DOWN = "step_down_early_help"
    SINGLE_ASSESSMENT = "single_assessment_s17"
    S47 = "strategy_discussion_s47"
    CWDS = "children_with_disabilities"
    FORWARD_OPEN_CASE = "forward_to_open_case"
    TRANSFER_COUNCIL = "transfer_to_another_council"

    @property
    def label(self) -> str:
        """The outcome in words."""
        return OUTCOME_LABELS[self]


OUTCOME_LABELS = {
    DecisionOutcome.NFA: "No further action",
    DecisionOutcome.STEP_DOWN: "Step down to early help",
    DecisionOutcome.SINGLE_ASSESSMENT: "Single assessment (s17)",
    DecisionOutcome.S47: "Strategy discussion and s47 enquiry",
    DecisionOutcome.CWDS: "Children with Disabilities Service",
    DecisionOutcome.FORWARD_OPEN_CASE: "Forward to open case",
    DecisionOutcome.TRANSFER_COUNCIL: "Transfer to another council",
}

ALLOCATED_OUTCOMES = frozenset(
    {
        DecisionOutcome.SINGLE_ASSESSMENT,
        DecisionOutcome.S47,
        DecisionOutcome.CWDS,
        DecisionOutcome.FORWARD_OPEN_CASE,
    }
)
"""Outcomes where the child stays with the council's social care: the census and Annex A
need the allocated team, so it is required before signing."""


# Which threshold levels each outcome usually goes with (domain brief §3 "typical route" and
# §5 step up / step down). Why a table and not a hard rule: the level and the outcome are both
# the chair's judgement, and real meetings do sometimes decide against the usual route (a
# family refuses early help at Level 2, so the answer is NFA). What the table buys is that a
# decision that departs from the usual route says why, on the record, before it is saved —
# an NFA at Level 4 with no reason is the error a serious case review finds afterwards.
# Outcomes not listed (forward to an open case, transfer to another council) follow the child
# to whoever holds the case, at whatever level: any level agrees with them.
EXPECTED_LEVELS: dict[DecisionOutcome, frozenset[int]] = {
    # Level 1 is "needs met by universal services"; at Level 2 the family may decline the
    # consent-based early help, which leaves NFA from the MASH.
    DecisionOutcome.NFA: frozenset({1, 2}),
    # Step down is for need that has fallen to Levels 1-2 (§5).
    DecisionOutcome.STEP_DOWN: frozenset({1, 2}),
    # s17 is the Level 3 route; at Level 4 reasonable cause to suspect significant harm calls
    # for a strategy discussion, at Levels 1-2 for universal or early help.
    DecisionOutcome.SINGLE_ASSESSMENT: frozenset({3}),
    # A strategy discussion is held on reasonable cause to suspect, so Level 3 concerns that
    # may be acute still agree; Levels 1-2 do not.
    DecisionOutcome.S47: frozenset({3, 4}),
    # The disabled children's service takes both child-in-need and child-protection work.
    DecisionOutcome.CWDS: frozenset({3, 4}),
}


def outcome_fits_level(outcome: DecisionOutcome, level: int) -> bool:
    """Whether ``outcome`` is the usual route at threshold ``level`` (see EXPECTED_LEVELS)."""
    expected = EXPECTED_LEVELS.get(outcome)
    return expected is None or level in expected


def expected_levels_text(outcome: DecisionOutcome) -> str:
    """The levels ``outcome`` usually goes with, in words ("Level 3", "Levels 1–2")."""
    levels = sorted(EXPECTED_LEVELS.get(outcome, range(1, 5)))
    if len(levels) == 1:
        return f"Level {levels[0]}"
    return f"Levels {levels[0]}–{levels[-1]}"


class Pathway(StrEnum):
    """Parallel actions that can go with any outcome (domain brief §5)."""

    MARAC = "marac"
    IDVA_SAFETY_PLAN = "idva_safety_plan"
    LADO = "lado"
    PRIVATE_FOSTERING = "private_fostering_team"
    RETURN_HOME_INTERVIEW = "return_home_interview"
    EXPLOITATION_PANEL = "exploitation_panel"
    YOUTH_TRIAGE = "youth_triage"
    CP_MEDICAL = "cp_medical"
    HEALTH_NOTIFICATION = "health_notification"


PATHWAY_LABELS = {
    Pathway.MARAC: "MARAC referral",
    Pathway.IDVA_SAFETY_PLAN: "IDVA safety plan",
    Pathway.LADO: "LADO referral",
    Pathway.PRIVATE_FOSTERING: "Private fostering team",
    Pathway.RETURN_HOME_INTERVIEW: "Return-home interview",
    Pathway.EXPLOITATION_PANEL: "Exploitation panel (VYPP/MASE)",
    Pathway.YOUTH_TRIAGE: "Youth Triage",
    Pathway.CP_MEDICAL: "Child-protection medical",
    Pathway.HEALTH_NOTIFICATION: "Health notification (midwife / GP / health visitor)",
}


class DecisionStatus(StrEnum):
    """A decision version is drafted, then signed; a signed one is never edited."""

    DRAFT = "draft"
    SIGNED = "signed"


class ActionStatus(StrEnum):
    """Where an action stands: open, then done or not done (each closed with a note)."""

    OPEN = "open"
    DONE = "done"
    NOT_DONE = "not_done"

    @property
    def label(self) -> str:
        """The status in words."""
        return {"open": "Open", "done": "Done", "not_done": "Not done"}[self.value]


class AgendaStatus(StrEnum):
    """Where one child on the agenda stands."""

    PENDING = "pending"
    DECIDED = "decided"
    DEFERRED = "deferred"


class EscalationStatus(StrEnum):
    """An escalation is open until resolved with an outcome."""

    OPEN = "open"
    RESOLVED = "resolved"


class FeedbackMethod(StrEnum):
    """How the referrer was told."""

    PHONE = "phone"
    EMAIL = "email"
    SECURE_EMAIL = "secure_email"
    LETTER = "letter"
    IN_PERSON = "in_person"


# ---- quorum and agenda ------------------------------------------------------------------------


def quorum_missing(required: Iterable[str], present: Iterable[str]) -> tuple[str, ...]:
    """Return the required agency codes not present, sorted (empty: the meeting is quorate)."""
    return tuple(sorted(set(required) - set(present)))


_RAG_RANK = {Rag.RED.value: 0, Rag.AMBER.value: 1, Rag.GREEN.value: 2}


@dataclass(frozen=True)
class AgendaEntry:
    """What agenda order needs of a referral."""

    referral_id: int
    household_id: int | None
    decision_due_at: datetime
    rag: str | None


def _entry_key(entry: AgendaEntry) -> tuple[datetime, int, int]:
    # Unrated after green: it has not been rated, so nothing says it is urgent.
    return entry.decision_due_at, _RAG_RANK.get(entry.rag or "", 3), entry.referral_id


def agenda_order(entries: Sequence[AgendaEntry]) -> list[AgendaEntry]:
    """Order the agenda by decision deadline, then RAG (red first), siblings kept together.

    Children of one household are discussed one after the other, at the place of the most
    urgent of them; within the household they follow the same order.
    """
    groups: dict[object, list[AgendaEntry]] = {}
    for entry in entries:
        key = ("household", entry.household_id) if entry.household_id else ("alone", entry)
        groups.setdefault(key, []).append(entry)
    ordered = [sorted(group, key=_entry_key) for group in groups.values()]
    ordered.sort(key=lambda group: _entry_key(group[0]))
    return [entry for group in ordered for entry in group]


# ---- the meeting policy -------------------------------------------------------------------


@dataclass(frozen=True)
class EscalationStage:
    """One stage of the escalation protocol and how long it has."""

    number: int
    name: str
    clock: TimeLimit


@dataclass(frozen=True)
class MeetingPolicy:
    """A validated meeting policy. Build it with :func:`load_meeting_policy`."""

    id: str
    title: str
    quorum: frozenset[str]
    escalation: tuple[EscalationStage, ...]
    referrer_feedback: TimeLimit

    def stage(self, number: int) -> EscalationStage:
        """Return stage ``number`` (1-based)."""
        return self.escalation[number - 1]

    @property
    def last_stage(self) -> int:
        """The number of the final stage."""
        return len(self.escalation)


def load_meeting_policy(path: str | Path) -> MeetingPolicy:
    """Read, validate and return the meeting policy in the YAML file at ``path``.

    Raises:
        PolicyError: listing every problem found, each with the key it concerns and its line.
    """
    path = Path(path)
    # The main policy file's reading: the same size cap, and one message each for a missing,
    # unreadable, non-UTF-8 or non-YAML file.
    return parse_meeting_policy(read_policy_yaml(path), path)


def parse_meeting_policy(data: object, path: Path | None = None) -> MeetingPolicy:
    """Validate already-parsed YAML ``data`` as a meeting policy (every problem at once)."""
    checker = _Checker(path, data)
    top = checker.mapping(
        data, "", required=("id", "title", "quorum", "escalation", "referrer_feedback")
    )
    if top is None:
        raise PolicyError(checker.problems, path)
    policy_id = checker.text(top.get("id"), "id") if "id" in top else None
    title = checker.text(top.get("title"), "title") if "title" in top else None
    quorum = _quorum(checker, top.get("quorum")) if "quorum" in top else None
    stages = _stages(checker, top.get("escalation")) if "escalation" in top else None
    feedback = (
        checker.limit(top["referrer_feedback"], "referrer_feedback")
        if "referrer_feedback" in top
        else None
    )
    checker.raise_if_any(PolicyError)
    if None in (policy_id, title, quorum, stages, feedback):
        raise PolicyError(["incomplete meeting policy"], path)
    assert policy_id and title and quorum is not None and stages and feedback
    return MeetingPolicy(policy_id, title, quorum, stages, feedback)


def _quorum(checker: _Checker, value: object) -> frozenset[str] | None:
    if not isinstance(value, list) or not value:
        checker.add("quorum", "expected a non-empty list of agency codes")
        return None
    codes = []
    for i, code in enumerate(value):
        if not isinstance(code, str) or not code.strip():
            checker.add(f"quorum[{i}]", f"expected an agency code, got {code!r}")
        else:
            codes.append(code.strip())
    # A quorum counts agencies present (meetings.yaml): a code twice is a slip, not a rule.
    if len(set(codes)) != len(codes):
        checker.add("quorum", "an agency is listed twice")
    return frozenset(codes)


def _stages(checker: _Checker, value: object) -> tuple[EscalationStage, ...] | None:
    if not isinstance(value, list) or not value:
        checker.add("escalation", "expected a non-empty list of stages")
        return None
    stages: list[EscalationStage] = []
    for i, item in enumerate(value):
        where = f"escalation[{i}]"
        spec = checker.mapping(item, where, required=("stage", "name", "clock"))
        if spec is None or any(k not in spec for k in ("stage", "name", "clock")):
            continue
        # The protocol's stages follow one another (000 L318, L366; meetings.yaml): a stage
        # number out of order is a stage moved or lost when the file was edited.
        if spec["stage"] != i + 1 or isinstance(spec["stage"], bool):
            checker.add(f"{where}.stage", f"expected {i + 1} (stages are numbered in order)")
            continue
        name = checker.text(spec["name"], f"{where}.name")
        clock = checker.limit(spec["clock"], f"{where}.clock")
        if name is not None and clock is not None:
            stages.append(EscalationStage(i + 1, name, clock))
    return tuple(stages)


@cache
def default_meeting_policy() -> MeetingPolicy:
    """Return the meeting policy shipped in ``resources/policy/meetings.yaml`` (loaded once)."""
    from mash_desk.paths import resource

    return load_meeting_policy(resource("policy", "meetings.yaml"))
