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
