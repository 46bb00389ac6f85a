"""Document use cases called directly with a fixed clock: one role check, the audit entry, errors with data."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.core.actors import CONSOLE, Actor
from bot.core.clock import VN_TZ
from bot.core.errors import Forbidden, Invalid, NotFound
from bot.core.models import AuditEntry
from bot.core.roles import Role
from knowledge import usecases
from knowledge.errors import IngestError
from tests.knowledge.conftest import make_kb

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=VN_TZ)
USER = Actor("fake", "u1", "c1", "Anh Nam", Role.USER)
DOC = ("KẾ HOẠCH\nTuyên truyền cải cách hành chính năm 2027\n\n1. Nội dung\n\n"
       "Sở Văn hóa tổ chức cuộc thi tìm hiểu về cải cách hành chính cho công chức cấp xã.").encode()


def test_documents_are_added_once_listed_marked_and_removed_each_audited(tmp_path: Path):
    kb = make_kb(tmp_path)
    with kb.db.session() as s:
        added = usecases.add_document(s, NOW, CONSOLE, kb.settings, "kh.txt", DOC)
        again = usecases.add_document(s, NOW, CONSOLE, kb.settings, "lai.txt", DOC)
    assert added.created and not again.created and again.document_id == added.document_id
    with kb.db.session() as s:
        usecases.set_status(s, NOW, CONSOLE, added.document_id, "replaced")
        [view] = usecases.list_documents(s)
        assert (view.id, view.file_name, view.status, view.passages) == (added.document_id, "kh.txt", "replaced",
                                                                         added.passages)
        with pytest.raises(Invalid):
            usecases.set_status(s, NOW, CONSOLE, added.document_id, "xyz")
        usecases.remove_document(s, NOW, CONSOLE, added.document_id)
        with pytest.raises(NotFound) as missing:
            usecases.remove_document(s, NOW, CONSOLE, added.document_id)
        assert (missing.value.kind, missing.value.key) == ("document", str(added.document_id))
        entries = [(e.action, e.detail, e.chat_id) for e in s.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    n = added.document_id
    assert entries == [("document", f"kh.txt -> {n}", "cli"), ("document", f"lai.txt -> {n}", "cli"),
                       ("kb set", f"{n} replaced", "cli"), ("kb remove", str(n), "cli")]


def test_a_user_cannot_add_and_an_unreadable_file_stores_nothing(tmp_path: Path):
    kb = make_kb(tmp_path)
    with kb.db.session() as s:
        with pytest.raises(Forbidden):
            usecases.add_document(s, NOW, USER, kb.settings, "kh.txt", DOC)
        with pytest.raises(IngestError):
            usecases.add_document(s, NOW, CONSOLE, kb.settings, "cu.doc", b"\xd0\xcf\x11\xe0 old word file")
        assert usecases.list_documents(s) == []
        assert [(e.action, e.outcome) for e in s.scalars(select(AuditEntry))] == [("document", "denied")]
