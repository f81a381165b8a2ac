"""Fusion with readable edges on check boxes, radio buttons and fields (``gui/theme.py``)."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import QProxyStyle, QStyle, QStyleOption, QWidget

_EDGED = frozenset(
    {
        QStyle.PrimitiveElement.PE_IndicatorCheckBox,
        QStyle.PrimitiveElement.PE_IndicatorRadioButton,
        QStyle.PrimitiveElement.PE_FrameLineEdit,
        QStyle.PrimitiveElement.PE_Frame,
    }
)


class ContrastStyle(QProxyStyle):
    """Fusion, with the edges of check boxes, radio buttons and fields in a readable colour."""

    def __init__(self, border: str):
        """Draw edges in ``border`` (one of :data:`CONTROL_BORDER`)."""
        super().__init__("Fusion")
        # Fusion's edge is the window colour darkened by 140 %; hand it the colour that
        # darkens to ``border`` (only while drawing an edged control: nothing else changes).
        self._edge_source = QColor(border).lighter(140)

    def drawPrimitive(  # noqa: N802 — Qt API
        self,
        element: QStyle.PrimitiveElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        """Draw ``element``; edged controls get the contrasting edge."""
        if element in _EDGED and option is not None:
            option = type(option)(option)
            edged = QPalette(option.palette)
            for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
                edged.setColor(group, QPalette.ColorRole.Window, self._edge_source)
            option.palette = edged
        super().drawPrimitive(element, option, painter, widget)
