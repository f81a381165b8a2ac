"""Document benchmarks (issue 6): one decision memo, and a 25-case meeting's batch.

App side, as a chair's click runs it:

* ``memo`` — ``DocumentService.issue_memo`` of a signed decision: the memo model read from
  the database, rendered with ReportLab, hashed and recorded (an original, every run).
* ``meeting_batch_25`` — ``mash-desk memos --out``: every memo of a 25-case meeting plus its
  minutes issued, written to a folder and each export recorded
  (:mod:`mash_desk.printing.delivery`). Printing differs only by handing the bytes to ``lp``.

Each run works on a fresh copy of a prepared database (copied, untimed), so every issue is an
original rather than a cheaper copy of one.

Floor: ReportLab alone building a *same-length story* — the very text of the app's PDF for
that document (extracted once, untimed), one Paragraph per line, in the same Noto Sans fonts
registered straight from ``resources/fonts`` on an A4 page, invariant mode — with no app code:
no database, no model, no markup, no tables, no page furniture, no hash. Measured in the same
run, interleaved with the app.
"""

from __future__ import annotations

import functools
import io
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate

from benchmarks.harness import END, copy_database
from mash_desk.documents import render_document
from mash_desk.domain.clock import FixedClock
from mash_desk.domain.enums import Role
from mash_desk.paths import resource
from mash_desk.printing.delivery import FolderDestination, deliver, meeting_batch
from mash_desk.services.decisions import ActionInput, DecisionInput
from mash_desk.services.desk import Desk
from mash_desk.services.dto import Actor
from mash_desk.services.inputs import (
    ChildOnContact,
    ConsentInput,
    NewContact,
    NewPerson,
    OutcomeInput,
    ReferralDetails,
)
from mash_desk.storage.database import Database

TARGET_MEMO_MS = 100.0
TARGET_BATCH_S = 2.5
CASES = 25

_FLOOR_FONT = "BenchNotoSans"


def _users(desk: Desk) -> tuple[Actor, Actor]:
    system = desk.users.system_actor()
    made = []
    for name, role in (("bench.practitioner", Role.PRACTITIONER), ("bench.chair", Role.CHAIR)):
        made.append(
            desk.users.create(
                system,
                username=name,
                display_name=name.replace(".", " ").title(),
                role=role,
                agency_code="social_care",
                password=None,
                team="MASH team A",
            ).value
        )
    return made[0], made[1]


def prepare(folder: Path) -> Path:
    """A database with today's signed-off meeting: 25 children, each with a signed decision."""
    path = folder / "meeting-25.sqlite3"
    Database(f"sqlite:///{path}").close()
    desk = Desk.open(f"sqlite:///{path}", FixedClock(END))
    try:
        practitioner, chair = _users(desk)
        referrals = []
        for i in range(CASES):
            logged = desk.contacts.log(
                practitioner,
                NewContact(
                    received_at=None,
                    channel="phone",
                    referral_source="2A",
                    concerns=(
                        f"Class teacher reports child {i} arrived hungry on three days this week "
                        "and was seen with bruising to the arm; mother says he fell."
                    ),
                    referrer_name="Bench Referrer",
                    referrer_role="Class teacher",
                    referrer_agency="Eastmoor Primary",
                    risk_indicators=("neglect",),
                    children=(
                        ChildOnContact(
                            new=NewPerson(
                                f"Bench{i}",
                                "Wójcik-Şahin",
                                date_of_birth=date(2010, 1, 1) + timedelta(days=i),
                            ),
                            rag="amber",
                            rag_reason="School concern",
                            consents=(ConsentInput("share_information", "given"),),
                        ),
                    ),
                ),
            ).value
            cc = logged.children[0]
            referral = desk.outcomes.record(
                practitioner,
                cc.id,
                cc.version,
                OutcomeInput(outcomes=("mash_referral",), referral=ReferralDetails("N1")),
            ).value.referral
            assert referral is not None  # a "mash_referral" outcome makes one
            referrals.append(referral)
        meeting = desk.meetings.create_today(chair).value
        for code in ("social_care", "police", "health"):
            desk.meetings.record_attendance(chair, meeting.id, code, f"Rep of {code}")
        for referral in referrals:
            draft = desk.decisions.draft(
                practitioner,
                referral.id,
                DecisionInput(
                    outcome="single_assessment_s17",
                    rationale="Needs are not met without an assessment and the school's support.",
                    indicators=("l3-pregnant-young-person",),
                    allocated_team="First Response",
                    pathways=("health_notification",),
                    actions=(
                        ActionInput("Home visit and report back", date(2026, 11, 18), "police"),
                        ActionInput(
                            "Book the assessment",
                            date(2026, 11, 20),
                            owner_user_id=practitioner.user_id,
                        ),
                    ),
                    inform_family="Mother told by phone",
                    inform_referrer="School DSL told",
                ),
                meeting.id,
            ).value
            desk.decisions.sign(chair, draft.id, draft.version)
        meeting = desk.meetings.get(chair, meeting.id)
        desk.meetings.sign_off(chair, meeting.id, meeting.version)
    finally:
        desk.close()
    return path


class _Run:
    """A fresh copy of the prepared database, open, for one timed app run."""

    def __init__(self, template: Path, work: Path):
        copy_database(template, work)
        self.folder = work.parent / f"{work.stem}-out"
        self.desk = Desk.open(f"sqlite:///{work}", FixedClock(END))
        self.chair = self.desk.users.actor_for("bench.chair")

    def close(self) -> None:
        self.desk.close()


def _floor_fonts() -> None:
    if _FLOOR_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(_FLOOR_FONT, str(resource("fonts", "NotoSans-Regular.ttf"))))


def story_lines(pdf: bytes) -> list[str]:
    """The text lines of a PDF, page by page: what a same-length story is made of."""
    lines: list[str] = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        lines += [line for line in (page.extract_text() or "").splitlines() if line.strip()]
    return lines


def build_story(lines: list[str]) -> bytes:
    """ReportLab alone: the same text, one Paragraph a line, Noto Sans on A4 (the floor)."""
    style = ParagraphStyle("floor", fontName=_FLOOR_FONT, fontSize=9, leading=11.5)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, invariant=1)
    doc.build([Paragraph(escape(line), style) for line in lines])
    return buffer.getvalue()


def _time(fn: Callable[[], Any]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def run(repeat_memo: int = 20, repeat_batch: int = 5) -> dict[str, Any]:
    """Time both operations against their floors; return the report section as a dict."""
    _floor_fonts()
    with tempfile.TemporaryDirectory(prefix="mash-bench-docs-") as tmp:
        folder = Path(tmp)
        template = prepare(folder)
        # Untimed: the app's own output, whose text the floors set in type.
        probe = _Run(template, folder / "probe.sqlite3")
        try:
            batch = meeting_batch(probe.desk, probe.chair, END.date(), labels=False)
            first = batch.items[0].issue(probe.desk, probe.chair).value
            first_decision = batch.items[0].decision_id
            assert first_decision is not None  # a memo: its issue() just checked the same
            memo_lines = story_lines(first.pdf)
            batch_lines = [memo_lines] + [
                story_lines(item.issue(probe.desk, probe.chair).value.pdf)
                for item in batch.items[1:]
            ]
            pages = len(PdfReader(io.BytesIO(first.pdf)).pages)
            # Detail, not a target: the same memo's model laid out alone (no database), to
            # tell the memo's reads from its layout.
            memo_model = probe.desk.documents.memo_model(probe.chair, first_decision)
            floor_pages = len(PdfReader(io.BytesIO(build_story(memo_lines))).pages)
        finally:
            probe.close()
        memo_app, memo_floor = _pairs(
            template,
            folder,
            "memo",
            repeat_memo,
            lambda r: r.desk.documents.issue_memo(r.chair, first_decision),
            lambda: build_story(memo_lines),
        )

        def whole_batch(r: _Run) -> None:
            destination = FolderDestination(r.folder)
            for item in meeting_batch(r.desk, r.chair, END.date(), labels=False).items:
                deliver(
                    r.desk, r.chair, functools.partial(item.issue, r.desk, r.chair), destination
                )

        batch_app, batch_floor = _pairs(
            template,
            folder,
            "batch",
            repeat_batch,
            whole_batch,
            lambda: [build_story(lines) for lines in batch_lines],
        )
    render_ms = (
        statistics.median(
            _time(functools.partial(render_document, memo_model)) for _ in range(repeat_memo)
        )
        * 1000
    )
    memo_ms, memo_floor_ms = memo_app * 1000, memo_floor * 1000
    return {
        "memo": {
            "median_ms": round(memo_ms, 1),
            "floor_median_ms": round(memo_floor_ms, 1),
            "ratio": round(memo_app / memo_floor, 2),
            "render_only_median_ms": round(render_ms, 1),
            "target_ms": TARGET_MEMO_MS,
            "pages": pages,
            "floor_pages": floor_pages,
            "repeat": repeat_memo,
        },
        f"meeting_batch_{CASES}": {
            "median_s": round(batch_app, 3),
            "floor_median_s": round(batch_floor, 3),
            "ratio": round(batch_app / batch_floor, 2),
            "target_s": TARGET_BATCH_S,
            "documents": len(batch_lines),
            "repeat": repeat_batch,
        },
        "targets_met": memo_ms <= TARGET_MEMO_MS and batch_app <= TARGET_BATCH_S,
    }


def _pairs(
    template: Path,
    folder: Path,
    name: str,
    repeat: int,
    app: Callable[[_Run], Any],
    floor: Callable[[], Any],
) -> tuple[float, float]:
    """Median seconds of ``app`` (each on a fresh database copy) and of ``floor``, interleaved."""
    app_times: list[float] = []
    floor_times: list[float] = []
    floor()  # warm: fonts' first use, imports
    for i in range(repeat + 1):
        current = _Run(template, folder / f"{name}-{i}.sqlite3")
        try:
            if i % 2:
                floor_time = _time(floor)
                app_time = _time(functools.partial(app, current))
            else:
                app_time = _time(functools.partial(app, current))
                floor_time = _time(floor)
        finally:
            current.close()
        if i:  # the first round warms caches on both sides and is not counted
            app_times.append(app_time)
            floor_times.append(floor_time)
    return statistics.median(app_times), statistics.median(floor_times)
