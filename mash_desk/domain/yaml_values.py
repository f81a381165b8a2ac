"""Words for what a YAML value is, shared by the resource files' checkers.

A problem message says "expected a number, found text", not a Python type name: the people
editing policy, measures and reference files are administrators, not programmers.
"""

from __future__ import annotations

from datetime import date


def kind_of(value: object) -> str:
    """Name a YAML value's type the way an administrator would."""
    if value is None:
        return "nothing"
    return {
        bool: "true/false",
        int: "a number",
        float: "a number",
        str: "text",
        list: "a list",
        dict: "a mapping",
        date: "a date",
    }.get(type(value), type(value).__name__)
