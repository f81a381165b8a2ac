"""One object that holds every service over one database: what the GUI and CLI open."""

from __future__ import annotations

from pathlib import Path

from mash_desk.domain.clock import Clock
from mash_desk.domain.policy import Policy
from mash_desk.services.access import AccessLogService
from mash_desk.services.actions import ActionService
from mash_desk.services.allocation import AllocationService
from mash_desk.services.annex_a import AnnexAService
from mash_desk.services.attachments import AttachmentService
from mash_desk.services.board_report import BoardReportService
from mash_desk.services.case import CaseService
from mash_desk.services.checks import AgencyCheckService
from mash_desk.services.contacts import ContactService
from mash_desk.services.context import ServiceContext
from mash_desk.services.decisions import DecisionService
from mash_desk.services.documents import DocumentService
from mash_desk.services.history import HistoryService
from mash_desk.services.live import LiveChanges
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
from mash_desk.storage.database import Database
from mash_desk.storage.draft_keys import draft_key_for


class Desk:
    """The services of one database, sharing its clock and policy."""

    def __init__(self, db: Database, clock: Clock | None = None, policy: Policy | None = None):
        self.ctx = ServiceContext(db, clock, policy)
        self.db = db
        self.people = PeopleService(self.ctx)
        self.contacts = ContactService(self.ctx)
        self.screening = ScreeningService(self.ctx)
        self.outcomes = OutcomeService(self.ctx)
        self.history = HistoryService(self.ctx)
        self.queue = QueueService(self.ctx)
        self.users = UserService(self.ctx)
        self.summary = SummaryService(self.ctx)
        self.thresholds = ThresholdService(self.ctx)
        self.qa = QaService(self.ctx)
        self.measures = MeasureService(self.ctx)
        self.board_report = BoardReportService(self.ctx)
        self.measure_children = MeasureChildrenService(self.ctx, self.measures)
        self.case = CaseService(self.ctx)
        self.checks = AgencyCheckService(self.ctx)
        self.access = AccessLogService(self.ctx)
        self.meetings = MeetingService(self.ctx)
        self.decisions = DecisionService(self.ctx)
        self.documents = DocumentService(self.ctx)
        self.routing = RoutingService(self.ctx)
        self.actions = ActionService(self.ctx)
        self.strategy = StrategyService(self.ctx)
        self.reference = ReferenceService(self.ctx)
        self.allocation = AllocationService(self.ctx)
        self.search = SearchService(self.ctx)
        self.merge = MergeService(self.ctx)
        self.attachments = AttachmentService(self.ctx)
        self.annex_a = AnnexAService(self.ctx)
        self.returns = ReturnsService(self.ctx)
        # Other desks' committed changes (a shared server's LISTEN/NOTIFY; idle on SQLite).
        self.live = LiveChanges(db)

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
