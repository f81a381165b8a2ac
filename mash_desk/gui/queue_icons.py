"""Badges of the work queue: a shape per RAG rating and the urgency icons (never colour alone).

Icons are painted once, on first use (painting needs the QApplication to exist), and shared
by every cell that shows them: the model hands out the same ``QIcon`` for every row.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap, QPolygonF
from PySide6.QtWidgets import QApplication, QStyle

from mash_desk.domain.enums import Rag
from mash_desk.gui.queue_cells import COL_ELSEWHERE, COL_RAG, COL_TIME_LEFT, Urgency
from mash_desk.services.queue_terms import QueueRow


def shape_icon(rag: Rag | None) -> QIcon:
    """Paint a RAG badge whose shape differs by rating, so it reads without colour."""
    icon = QIcon()
    for size in (16, 32):
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        s = float(size)
        m = s * 0.12
        painter.setPen(QPen(QColor("#202020"), max(1.0, s / 16)))
        if rag is Rag.RED:
            # A diamond: the sharpest shape for the most urgent rating.
            painter.setBrush(QColor("#c62828"))
            painter.drawPolygon(
                QPolygonF(
                    [
                        QPointF(s / 2, m),
                        QPointF(s - m, s / 2),
                        QPointF(s / 2, s - m),
                        QPointF(m, s / 2),
                    ]
                )
            )
        elif rag is Rag.AMBER:
            painter.setBrush(QColor("#f0a000"))
            painter.drawPolygon(
                QPolygonF([QPointF(s / 2, m), QPointF(s - m, s - m), QPointF(m, s - m)])
            )
        elif rag is Rag.GREEN:
            painter.setBrush(QColor("#2e7d32"))
            painter.drawEllipse(QRectF(m, m, s - 2 * m, s - 2 * m))
        else:
            # Not rated: a hollow ring.
            path = QPainterPath()
            path.addEllipse(QRectF(m, m, s - 2 * m, s - 2 * m))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(path)
        painter.end()
        icon.addPixmap(pixmap)
    return icon


def _blank_icon() -> QIcon:
    pixmap = QPixmap(16, 16)
    pixmap.fill(Qt.GlobalColor.transparent)
    return QIcon(pixmap)


class QueueIcons:
    """Icons built on first use (painting needs the QApplication to exist)."""

    _cache: dict[Any, QIcon] = {}

    @classmethod
    def rag(cls, rag: Rag | None) -> QIcon:
        """The badge of a RAG rating (``None``: not rated)."""
        if rag not in cls._cache:
            cls._cache[rag] = shape_icon(rag)
        return cls._cache[rag]

    @classmethod
    def elsewhere(cls) -> QIcon:
        """The "open elsewhere" information icon."""
        if "elsewhere" not in cls._cache:
            style = QApplication.style()
            cls._cache["elsewhere"] = style.standardIcon(
                QStyle.StandardPixmap.SP_MessageBoxInformation
            )
        return cls._cache["elsewhere"]

    @classmethod
    def urgency(cls, urgency: Urgency) -> QIcon:
        """A warning or critical icon by urgency; a blank one keeps other texts aligned."""
        if urgency not in cls._cache:
            style = QApplication.style()
            if urgency is Urgency.OVERDUE:
                icon = style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical)
            elif urgency is Urgency.NEAR:
                icon = style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
            else:
                # A transparent icon keeps every time-left text at the same indent.
                icon = _blank_icon()
            cls._cache[urgency] = icon
        return cls._cache[urgency]


def cell_icon(row: QueueRow, column: int, urgency: Urgency) -> QIcon | None:
    """The icon of one cell, if it has one."""
    if column == COL_RAG:
        return QueueIcons.rag(row.rag)
    if column == COL_TIME_LEFT:
        return QueueIcons.urgency(urgency)
    if column == COL_ELSEWHERE and row.also_open:
        return QueueIcons.elsewhere()
    return None
