"""The risk indicators ticked on the contact form, carried into the threshold panel.

The practitioner who screens often did not take the call; what the caller's concern was
about (domestic abuse, neglect, …) is named above the indicator tree, and the indicators the
threshold document links to those concerns (their ``risk_flags``) are marked in it. They are
marked, not ticked: a contact form's broad flag does not say which level applies.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QFrame, QLabel

from mash_desk.domain.enums import RISK_INDICATORS
from mash_desk.domain.thresholds import Indicator

FORM_MARK = "◆"


def related_to_form(indicator: Indicator, form_flags: frozenset[str]) -> bool:
    """Whether the indicator is linked to a risk indicator ticked on the contact form."""
    return bool(form_flags) and not form_flags.isdisjoint(indicator.risk_flags)


def form_indicators_label() -> QLabel:
    """Return the (hidden) label that names the contact form's risk indicators."""
    label = QLabel()
    label.setWordWrap(True)
    label.setFrameShape(QFrame.Shape.StyledPanel)
    label.hide()
    return label


def show_form_indicators(label: QLabel, codes: Sequence[str]) -> None:
    """Name the contact form's risk indicators in ``label`` (hidden when there are none)."""
    if not codes:
        label.clear()
        label.hide()
        return
    names = ", ".join(RISK_INDICATORS.get(code, code) for code in codes)
    text = (
        f"Ticked on the contact form: {names}. Related indicators are marked {FORM_MARK} "
        "in the tree below."
    )
    label.setText(text)
    label.setAccessibleName(text)
    label.show()
