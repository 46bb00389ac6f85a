"""Domain errors the use cases raise: str() is the Vietnamese message for the user, the attributes carry the data."""
from __future__ import annotations

from collections.abc import Sequence

from bot.core.roles import Role


class DomainError(ValueError):
    """A use case refused and changed nothing (a ValueError, so callers that show `str(e)` keep working)."""


class Invalid(DomainError):
    """The input does not make sense (bad date, rule, name…)."""


class NotFound(DomainError):
    """The thing named does not exist: `kind` ("deadline", "unit"…), the `key` given and close `suggestions`."""

    def __init__(self, kind: str, key: str, message: str, suggestions: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.kind, self.key, self.suggestions = kind, key, tuple(suggestions)


class Forbidden(DomainError):
    """The actor's role is below what the action needs (the refusal is already in the audit log)."""

    def __init__(self, action: str, needed: Role, message: str = "") -> None:
        super().__init__(message or f"«{action}» cần quyền {needed.name}.")
        self.action, self.needed = action, needed
