"""What a generation run reports: progress while it runs, and the counts it returns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

# Called now and then with a message and the fraction done (0..1).
Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class GenerationReport:
    """What ``generate`` wrote: counts per kind of row and how long it took."""

    seed: int
    start: datetime
    end: datetime
    contacts: int
    contact_children: int
    children: int
    unborn_children: int
    adults: int
    households: int
    relationships: int
    referrals: int
    re_referrals: int
    outcomes: int
    rag_ratings: int
    consents: int
    risk_indicators: int
    service_episodes: int
    audit_entries: int
    open_contact_children: int
    awaiting_referrals: int
    screenings: int
    overrides: int
    qa_items: int
    qa_agreed: int
    meetings: int
    decisions: int
    amendments: int
    agency_checks: int
    routings: int
    strategy_discussions: int
    escalations: int
    seconds: float

    def summary(self) -> str:
        """Return a few lines for the command line."""
        years = (self.end - self.start) / timedelta(days=365.25)
        rate = self.re_referrals / self.referrals if self.referrals else 0.0
        return "\n".join(
            (
                f"Synthetic history {self.start:%d %b %Y} – {self.end:%d %b %Y %H:%M} UTC "
                f"({years:.2f} years, seed {self.seed}), built in {self.seconds:.1f} s:",
                f"  {self.contacts:,} contacts about {self.contact_children:,} children "
                f"({self.open_contact_children:,} still open)",
                f"  {self.referrals:,} referrals ({rate:.1%} re-referrals within 12 months, "
                f"{self.awaiting_referrals:,} awaiting decision)",
                f"  {self.children:,} children ({self.unborn_children:,} first met unborn), "
                f"{self.adults:,} adults, {self.households:,} households, "
                f"{self.relationships:,} relationships",
                f"  {self.outcomes:,} outcomes, {self.rag_ratings:,} RAG ratings, "
                f"{self.consents:,} consents, {self.risk_indicators:,} risk indicators, "
                f"{self.service_episodes:,} service episodes, "
                f"{self.audit_entries:,} audit entries",
                f"  {self.screenings:,} threshold screenings ({self.overrides:,} overrides), "
                + (
                    f"a QA sample of {self.qa_items} re-rated "
                    f"({self.qa_agreed / self.qa_items:.0%} agreement)"
                    if self.qa_items
                    else "no QA sample (history too short)"
                ),
                f"  {self.meetings:,} daily meetings, {self.decisions:,} decisions "
                f"({self.amendments:,} amendments), {self.agency_checks:,} agency checks, "
                f"{self.routings:,} routings, {self.strategy_discussions:,} strategy "
                f"discussions, {self.escalations:,} escalations",
            )
        )
