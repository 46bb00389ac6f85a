"""Tables of the knowledge base: documents, their passages and a version stamp for index refreshes."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import false as sa_false
from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.core.db import Base


class Document(Base):
    __tablename__ = "kb_documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of the cleaned text
    file_name: Mapped[str] = mapped_column(String(255), default="")
    doc_type: Mapped[str] = mapped_column(String(50), default="")
    number: Mapped[str] = mapped_column(String(100), default="")
    title: Mapped[str] = mapped_column(Text, default="")
    issuer: Mapped[str] = mapped_column(String(255), default="")
    province: Mapped[str] = mapped_column(String(100), default="")
    issued_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    date_text: Mapped[str] = mapped_column(String(50), default="")
    signer: Mapped[str] = mapped_column(String(100), default="")
    signer_title: Mapped[str] = mapped_column(String(100), default="")
    draft: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20), default="", server_default="")  # "", draft, in_force, replaced
    scanned: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())  # text read by OCR
    text: Mapped[str] = mapped_column(Text, default="")
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    passages: Mapped[list["Passage"]] = relationship(back_populates="document", cascade="all, delete-orphan",
                                                     order_by="Passage.position", passive_deletes=True)


class Passage(Base):
    __tablename__ = "kb_passages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("kb_documents.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    section: Mapped[str | None] = mapped_column(String(100), nullable=True)
    heading: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text)

    document: Mapped[Document] = relationship(back_populates="passages")


class KbVersion(Base):
    """One row; its counter moves on every change so that every process knows when to reload its index."""

    __tablename__ = "kb_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)


class ChatTurn(Base):
    """A chat's last question (as understood) and what answered it, so that a follow-up can lean on it.
    In the database, so that every replica sees the turn another one answered."""

    __tablename__ = "kb_chat_turns"

    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    chat_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    question: Mapped[str] = mapped_column(Text)
    document_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    passage_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    asked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
