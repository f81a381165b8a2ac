"""A case flag as a badge: icon and words, the detail in its tooltip (the case view's header)."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QStyle, QWidget

from mash_desk.services.case import CaseFlag

_INFO = QStyle.StandardPixmap.SP_MessageBoxInformation

# Standard icons per flag: a warning triangle for what changes the decision (open to a
# service, re-referral), information for facts that change the route.
_FLAG_ICONS = {
    "open_service": QStyle.StandardPixmap.SP_MessageBoxWarning,
    "re_referral": QStyle.StandardPixmap.SP_MessageBoxWarning,
    "under_5": QStyle.StandardPixmap.SP_MessageBoxInformation,
    "unborn": QStyle.StandardPixmap.SP_MessageBoxInformation,
    "disability": QStyle.StandardPixmap.SP_MessageBoxInformation,
}


class FlagBadge(QFrame):
    """A flag as a bordered badge: icon plus words, with the detail as its tooltip."""

    def __init__(self, flag: CaseFlag, parent: QWidget | None = None):
        """Show ``flag``'s icon and label."""
        super().__init__(parent)
        self.flag = flag
        self.setObjectName("flagBadge")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            "#flagBadge { border: 1px solid palette(mid); border-radius: 4px; "
            "background: palette(alternate-base); }"
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 8, 2)
        layout.setSpacing(4)
        icon = QLabel()
        icon.setPixmap(self.style().standardIcon(_FLAG_ICONS.get(flag.code, _INFO)).pixmap(16))
        text = QLabel(flag.label)
        bold = text.font()
        bold.setBold(True)
        text.setFont(bold)
        layout.addWidget(icon)
        layout.addWidget(text)
        self.setToolTip(flag.detail)
        self.setAccessibleName(f"Flag: {flag.label}")
        self.setAccessibleDescription(flag.detail)
