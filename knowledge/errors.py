"""Errors of the knowledge base whose message is meant for the user (Vietnamese)."""
from __future__ import annotations


class IngestError(ValueError):
    """A file that cannot be added; `str()` is a clear Vietnamese explanation."""
