"""Meeting mode's parts: attendance, agenda, the chair's view, the decision form, next steps.

:class:`mash_desk.gui.meeting_mode.MeetingMode` composes them into one screen.
"""
