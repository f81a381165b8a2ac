"""Aggregate figures and the top of the queue, for the CLI summary and (later) dashboards."""

from __future__ import annotations

from sqlalchemy import func, select

from mash_desk.domain.errors import PermissionDenied
from mash_desk.domain.permissions import Permission, allows
from mash_desk.reporting.summary import DeskSummary
from mash_desk.services.context import Service
from mash_desk.services.dto import Actor, QueuePage
from mash_desk.services.queue import QueueService
from mash_desk.storage.models import Contact, ContactChild, Person, Referral, User

_COUNTED = (
    ("people", Person),
    ("contacts", Contact),
    ("children on contacts", ContactChild),
    ("referrals", Referral),
    ("users", User),
)


class SummaryService(Service):
    """Counts of what the database holds (no personal details) and, if allowed, the queue."""

    def summary(self, actor: Actor, queue_rows: int = 10) -> DeskSummary:
        """Return the counts and the first ``queue_rows`` of the open-work queue."""
        with self.ctx.db.read_connection() as conn:
            role = self._check_user(conn, actor)
            if not (allows(role, Permission.VIEW_QUEUE) or allows(role, Permission.VIEW_AUDIT)):
                raise PermissionDenied("This role may not see desk figures")
            counts = {
                label: conn.scalar(select(func.count()).select_from(model)) or 0
                for label, model in _COUNTED
            }
        queue = QueuePage(())
        if allows(role, Permission.VIEW_QUEUE):
            queue = QueueService(self.ctx).page(actor, size=queue_rows)
        return DeskSummary(
            database=self.ctx.db.engine.url.render_as_string(hide_password=True),
            counts=counts,
            queue=queue,
            now=self.ctx.clock.now(),
            timezone=self.ctx.policy.timezone,
        )
