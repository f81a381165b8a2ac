"""Errors the services raise. Each says what a user can act on, never a traceback."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    """One broken rule on one field: ``field`` names it, ``rule`` is a stable key."""

    field: str
    rule: str
    message: str


class MashDeskError(Exception):
    """Base for every error a user may see."""


class ValidationError(MashDeskError):
    """Input broke one or more rules; nothing was written."""

    def __init__(self, errors: list[FieldError] | FieldError):
        self.errors: tuple[FieldError, ...] = (
            (errors,) if isinstance(errors, FieldError) else tuple(errors)
        )
        super().__init__("; ".join(e.message for e in self.errors))

    def for_field(self, field: str) -> list[FieldError]:
        """Return the errors of one field (the GUI shows them beside it)."""
        return [e for e in self.errors if e.field == field]

    @property
    def rules(self) -> set[str]:
        """Return the keys of the rules that were broken."""
        return {e.rule for e in self.errors}


class PermissionDenied(MashDeskError):
    """The acting user's role does not allow this."""


class NotFound(MashDeskError):
    """The record asked for does not exist (or is not visible to this user)."""


class ConflictError(MashDeskError):
    """Someone else saved the record after this user opened it; nothing was overwritten."""
