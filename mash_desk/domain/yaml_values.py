"""Words for what a YAML value is, shared by the resource files' checkers.

A problem message says "expected a number, found text", not a Python type name: the people
editing policy, measures and reference files are administrators, not programmers.
"""

from __future__ import annotations

from datetime import date
from typing import Any


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


class YamlChecker:
    """Collects every problem of a resource file at once, each as "where: what is wrong".

    The base of the policy, meetings and measures checkers: each adds its own value checks.
    """

    def __init__(self) -> None:
        """Start with no problems."""
        self.problems: list[str] = []

    def add(self, where: str, message: str) -> None:
        """Record a problem at ``where`` (a dotted key path)."""
        self.problems.append(f"{where}: {message}")

    def mapping(
        self, value: object, where: str, required: tuple[str, ...], optional: tuple[str, ...] = ()
    ) -> dict[str, Any] | None:
        """Check ``value`` is a mapping with the required keys and no unknown ones."""
        if not isinstance(value, dict):
            self.add(where or "file", f"expected a mapping, got {kind_of(value)}")
            return None
        prefix = f"{where}." if where else ""
        for key in required:
            if key not in value:
                self.add(f"{prefix}{key}", "missing")
        allowed = set(required) | set(optional)
        for key in value:
            if key not in allowed:
                self.add(
                    f"{prefix}{key}",
                    f"unknown key (expected {', '.join(required + optional)})",
                )
        return value
