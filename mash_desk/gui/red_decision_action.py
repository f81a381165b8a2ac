"""The "Decide now (red referral)…" action's words and key, without the dialog itself.

The main window builds its menus on every start; the dialog (``gui/red_decision.py``)
brings meeting mode's forms and the decision services, which the first screen never needs,
so it is imported when the action is first used (issue 16, start-up).
"""

from __future__ import annotations

ACTION_TEXT = "&Decide now (red referral)…"
ACTION_KEY = "Ctrl+Shift+J"
