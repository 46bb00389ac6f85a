"""The bundled knowledge base, built once per test session, and helpers for fixtures."""
from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.config import Settings
from bot.core.db import Database
from knowledge.service import KnowledgeBase


def make_kb(folder: Path, url: str | None = None) -> KnowledgeBase:
    settings = Settings(data_dir=folder / "data", database_url=url or f"sqlite:///{folder / 'kb.db'}")
    db = Database.from_url(settings.db_url)
    db.create_all()
    return KnowledgeBase(db, settings)


@pytest.fixture(scope="session")
def bundled_kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    """The knowledge base as on first run (the five bundled directives). Read-only: do not add or remove."""
    kb = make_kb(tmp_path_factory.mktemp("bundled"))
    kb.ensure_ready()
    return kb


@pytest.fixture
def empty_kb(tmp_path: Path) -> KnowledgeBase:
    """A fresh knowledge base whose bundled corpus is not ingested."""
    kb = make_kb(tmp_path)
    kb._bootstrapped = True
    return kb


def remove_document(kb: KnowledgeBase, doc_id: int) -> bool:
    """The `kb remove` use case, as the console operator; False when there is no such document."""
    from datetime import datetime, timezone

    from bot.core.actors import CONSOLE
    from bot.core.errors import NotFound
    from knowledge import usecases

    try:
        with kb.db.session() as s:
            usecases.remove_document(s, datetime.now(timezone.utc), CONSOLE, doc_id)
    except NotFound:
        return False
    return True


def set_status(kb: KnowledgeBase, doc_id: int, status: str) -> bool:
    """The `kb set` use case, as the console operator; False when there is no such document."""
    from datetime import datetime, timezone

    from bot.core.actors import CONSOLE
    from bot.core.errors import NotFound
    from knowledge import usecases

    try:
        with kb.db.session() as s:
            usecases.set_status(s, datetime.now(timezone.utc), CONSOLE, doc_id, status)
    except NotFound:
        return False
    return True
