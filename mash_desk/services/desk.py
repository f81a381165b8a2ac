"""One object that holds every service over one database: what the GUI and CLI open.

Each service is built, and its module imported, on first use (issue 16: start-up imports only
what the first screen needs). Some services' modules bring ReportLab, openpyxl, the CIN
schema or the measures' YAML, which a practitioner opening the queue never uses; a fresh
interpreter guard (tests/test_startup_imports.py) keeps them out of the first screen's path.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from mash_desk.domain.clock import Clock
from mash_desk.domain.policy import Policy
from mash_desk.services.context import ServiceContext
from mash_desk.services.live import LiveChanges
from mash_desk.storage.database import Database
from mash_desk.storage.draft_keys import draft_key_for

if TYPE_CHECKING:
    from mash_desk.services.access import AccessLogService
    from mash_desk.services.actions import ActionService
    from mash_desk.services.allocation import AllocationService
    from mash_desk.services.annex_a import AnnexAService
    from mash_desk.services.attachments import AttachmentService
    from mash_desk.services.board_report import BoardReportService
    from mash_desk.services.case import CaseService
    from mash_desk.services.checks import AgencyCheckService
    from mash_desk.services.contacts import ContactService
    from mash_desk.services.decisions import DecisionService
    from mash_desk.services.documents import DocumentService
    from mash_desk.services.history import HistoryService
    from mash_desk.services.measure_children import MeasureChildrenService
    from mash_desk.services.measures import MeasureService
    from mash_desk.services.meetings import MeetingService
    from mash_desk.services.merge import MergeService
    from mash_desk.services.outcomes import OutcomeService
    from mash_desk.services.people import PeopleService
    from mash_desk.services.quality import QaService
    from mash_desk.services.queue import QueueService
    from mash_desk.services.reference import ReferenceService
    from mash_desk.services.returns import ReturnsService
    from mash_desk.services.routing import RoutingService
    from mash_desk.services.screening import ScreeningService
    from mash_desk.services.search import SearchService
    from mash_desk.services.strategy import StrategyService
    from mash_desk.services.summary import SummaryService
    from mash_desk.services.thresholds import ThresholdService
    from mash_desk.services.users import UserService


class Desk:
    """The services of one database, sharing its clock and policy."""

    def __init__(self, db: Database, clock: Clock | None = None, policy: Policy | None = None):
        self.ctx = ServiceContext(db, clock, policy)
        self.db = db
        # Other desks' committed changes (a shared server's LISTEN/NOTIFY; idle on SQLite).
        self.live = LiveChanges(db)

    @cached_property
    def people(self) -> PeopleService:
        """The people service (built on first use)."""
        from mash_desk.services.people import PeopleService

        return PeopleService(self.ctx)

    @cached_property
    def contacts(self) -> ContactService:
        """The contacts service (built on first use)."""
        from mash_desk.services.contacts import ContactService

        return ContactService(self.ctx)

    @cached_property
    def screening(self) -> ScreeningService:
        """The screening service (built on first use)."""
        from mash_desk.services.screening import ScreeningService

        return ScreeningService(self.ctx)

    @cached_property
    def outcomes(self) -> OutcomeService:
        """The outcomes service (built on first use)."""
        from mash_desk.services.outcomes import OutcomeService

        return OutcomeService(self.ctx)

    @cached_property
    def history(self) -> HistoryService:
        """The history service (built on first use)."""
        from mash_desk.services.history import HistoryService

        return HistoryService(self.ctx)

    @cached_property
    def queue(self) -> QueueService:
        """The queue service (built on first use)."""
        from mash_desk.services.queue import QueueService

        return QueueService(self.ctx)

    @cached_property
    def users(self) -> UserService:
        """The users service (built on first use)."""
        from mash_desk.services.users import UserService

        return UserService(self.ctx)

    @cached_property
    def summary(self) -> SummaryService:
        """The summary service (built on first use)."""
        from mash_desk.services.summary import SummaryService

        return SummaryService(self.ctx)

    @cached_property
    def thresholds(self) -> ThresholdService:
        """The thresholds service (built on first use)."""
        from mash_desk.services.thresholds import ThresholdService

        return ThresholdService(self.ctx)

    @cached_property
    def qa(self) -> QaService:
        """The qa service (built on first use)."""
        from mash_desk.services.quality import QaService

        return QaService(self.ctx)

    @cached_property
    def measures(self) -> MeasureService:
        """The measures service (built on first use)."""
        from mash_desk.services.measures import MeasureService

        return MeasureService(self.ctx)

    @cached_property
    def board_report(self) -> BoardReportService:
        """The board report service (built on first use)."""
        from mash_desk.services.board_report import BoardReportService

        return BoardReportService(self.ctx)

    @cached_property
    def measure_children(self) -> MeasureChildrenService:
        """The measure children service (built on first use)."""
        from mash_desk.services.measure_children import MeasureChildrenService

        return MeasureChildrenService(self.ctx, self.measures)

    @cached_property
    def case(self) -> CaseService:
        """The case service (built on first use)."""
        from mash_desk.services.case import CaseService

        return CaseService(self.ctx)

    @cached_property
    def checks(self) -> AgencyCheckService:
        """The checks service (built on first use)."""
        from mash_desk.services.checks import AgencyCheckService

        return AgencyCheckService(self.ctx)

    @cached_property
    def access(self) -> AccessLogService:
        """The access service (built on first use)."""
        from mash_desk.services.access import AccessLogService

        return AccessLogService(self.ctx)

    @cached_property
    def meetings(self) -> MeetingService:
        """The meetings service (built on first use)."""
        from mash_desk.services.meetings import MeetingService

        return MeetingService(self.ctx)

    @cached_property
    def decisions(self) -> DecisionService:
        """The decisions service (built on first use)."""
        from mash_desk.services.decisions import DecisionService

        return DecisionService(self.ctx)

    @cached_property
    def documents(self) -> DocumentService:
        """The documents service (built on first use)."""
        from mash_desk.services.documents import DocumentService

        return DocumentService(self.ctx)

    @cached_property
    def routing(self) -> RoutingService:
        """The routing service (built on first use)."""
        from mash_desk.services.routing import RoutingService

        return RoutingService(self.ctx)

    @cached_property
    def actions(self) -> ActionService:
        """The actions service (built on first use)."""
        from mash_desk.services.actions import ActionService

        return ActionService(self.ctx)

    @cached_property
    def strategy(self) -> StrategyService:
        """The strategy service (built on first use)."""
        from mash_desk.services.strategy import StrategyService

        return StrategyService(self.ctx)

    @cached_property
    def reference(self) -> ReferenceService:
        """The reference service (built on first use)."""
        from mash_desk.services.reference import ReferenceService

        return ReferenceService(self.ctx)

    @cached_property
    def allocation(self) -> AllocationService:
        """The allocation service (built on first use)."""
        from mash_desk.services.allocation import AllocationService

        return AllocationService(self.ctx)

    @cached_property
    def search(self) -> SearchService:
        """The search service (built on first use)."""
        from mash_desk.services.search import SearchService

        return SearchService(self.ctx)

    @cached_property
    def merge(self) -> MergeService:
        """The merge service (built on first use)."""
        from mash_desk.services.merge import MergeService

        return MergeService(self.ctx)

    @cached_property
    def attachments(self) -> AttachmentService:
        """The attachments service (built on first use)."""
        from mash_desk.services.attachments import AttachmentService

        return AttachmentService(self.ctx)

    @cached_property
    def annex_a(self) -> AnnexAService:
        """The annex a service (built on first use)."""
        from mash_desk.services.annex_a import AnnexAService

        return AnnexAService(self.ctx)

    @cached_property
    def returns(self) -> ReturnsService:
        """The returns service (built on first use)."""
        from mash_desk.services.returns import ReturnsService

        return ReturnsService(self.ctx)

    @classmethod
    def open(cls, url: str, clock: Clock | None = None, policy: Policy | None = None) -> Desk:
        """Open (migrating if needed) the database at ``url``."""
        return cls(Database(url), clock, policy)

    def draft_key(self, folder: Path) -> bytes | None:
        """Return the key sealing the drafts in ``folder`` (``storage/draft_keys.py``).

        May ask the keyring or run Argon2 (a server desk): call it off the GUI thread.
        """
        return draft_key_for(self.db.engine, folder)

    def close(self) -> None:
        """Release the database."""
        self.db.close()
