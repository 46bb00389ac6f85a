"""Tables of the reminder domain: units, chats, deadlines, occurrences, acknowledgements, deliveries."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.core.db import Base

# Unit types. "huyen" is legacy (district level abolished on 1/7/2025): kept for old data only.
UNIT_TYPES = ("so", "xa", "huyen")


class Unit(Base):
    __tablename__ = "units"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)  # "Sở Tư pháp", "UBND xã Tân Lập"
    type: Mapped[str] = mapped_column(String(10))  # one of UNIT_TYPES
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)  # other names for matching ("STP")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # When the unit joined: periods whose legal due date had passed by then are not owed (None: always there).
    created_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    chats: Mapped[list["Chat"]] = relationship(back_populates="unit")
    focal_points: Mapped[list["FocalPoint"]] = relationship(back_populates="unit", cascade="all, delete-orphan")


class Chat(Base):
    """A chat the bot has seen or been told about; a group linked to a unit receives its reminders."""

    __tablename__ = "chats"
    __table_args__ = (UniqueConstraint("channel", "chat_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    chat_id: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(10), default="private")  # private | group
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"), nullable=True)
    first_seen: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    registered_by: Mapped[str] = mapped_column(String(100), default="")
    registered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_seen: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)  # last message from it
    thread_id: Mapped[str | None] = mapped_column(String(32), nullable=True)  # the forum topic reminders go to

    unit: Mapped[Unit | None] = relationship(back_populates="chats")


class Invite(Base):
    """An onboarding code printed on a dispatch letter: whoever opens its link registers as the unit's focal point."""

    __tablename__ = "invites"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    created_by: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    uses: Mapped[int] = mapped_column(Integer, default=0)

    unit: Mapped[Unit] = relationship()


class ClusterMember(Base):
    """A further unit served by a group (a cluster): the group's own `unit_id` is its first unit."""

    __tablename__ = "cluster_members"

    chat_id: Mapped[int] = mapped_column(ForeignKey("chats.id", ondelete="CASCADE"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), primary_key=True)
    added_by: Mapped[str] = mapped_column(String(100), default="")
    added_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class FocalPoint(Base):
    """A unit's đầu mối on one channel: mentioned in group reminders, reached 1:1 when the group cannot be."""

    __tablename__ = "focal_points"
    __table_args__ = (UniqueConstraint("unit_id", "channel", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(200), default="")
    private_chat_id: Mapped[str | None] = mapped_column(String(64), nullable=True)  # known once they message the bot
    # pending: asked with a private /dangky, waiting for an admin; approved; refused
    status: Mapped[str] = mapped_column(String(10), default="approved", server_default="approved")
    requested_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    decided_by: Mapped[str] = mapped_column(String(100), default="", server_default="")

    unit: Mapped[Unit] = relationship(back_populates="focal_points")


class Deadline(Base):
    __tablename__ = "deadlines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)  # short id typed in commands ("cchc-quy")
    title: Mapped[str] = mapped_column(String(300))
    what: Mapped[str] = mapped_column(Text, default="")  # what to submit
    submit_to: Mapped[str] = mapped_column(Text, default="")  # to whom and how
    rule: Mapped[str] = mapped_column(Text)  # the due rule as written, parsed by scheduler.rules
    audience_types: Mapped[list[str]] = mapped_column(JSON, default=list)  # unit types
    audience_units: Mapped[list[int]] = mapped_column(JSON, default=list)  # unit ids
    audience_exclude: Mapped[list[int] | None] = mapped_column(JSON, nullable=True, default=list)  # unit ids left out (e.g. the recipient)
    leads: Mapped[list[int]] = mapped_column(JSON, default=lambda: [7, 3, 1, 0])  # days before the due date
    remind_at: Mapped[str] = mapped_column(String(5), default="08:00")  # HH:MM Asia/Ho_Chi_Minh
    source: Mapped[str] = mapped_column(Text, default="")  # citation, e.g. "Công văn 7946/UBND-NCPC, mục 1.a"
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_by: Mapped[str] = mapped_column(String(100), default="")


class Occurrence(Base):
    """One period of a deadline (e.g. CCHC report, 2027-Q1) with its due date and reporting window."""

    __tablename__ = "occurrences"
    __table_args__ = (UniqueConstraint("deadline_id", "period"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    deadline_id: Mapped[int] = mapped_column(ForeignKey("deadlines.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(20))  # "2027-Q1", "2027-H1", "2027", "2027-06"
    label: Mapped[str] = mapped_column(String(100), default="")  # "Quý I/2027"
    due: Mapped[date] = mapped_column(Date)
    legal_due: Mapped[date] = mapped_column(Date)  # next working day when `due` is a day off
    cutoff_from: Mapped[date | None] = mapped_column(Date, nullable=True)
    cutoff_to: Mapped[date | None] = mapped_column(Date, nullable=True)
    overdue_notified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    deadline: Mapped[Deadline] = relationship()


class Acknowledgement(Base):
    __tablename__ = "acknowledgements"
    __table_args__ = (UniqueConstraint("occurrence_id", "unit_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    occurrence_id: Mapped[int] = mapped_column(ForeignKey("occurrences.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    by_channel: Mapped[str] = mapped_column(String(20))
    by_user: Mapped[str] = mapped_column(String(64))
    by_name: Mapped[str] = mapped_column(String(200), default="")
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    note: Mapped[str] = mapped_column(String(200), default="", server_default="")  # report number, "123/BC-STP"


class Delivery(Base):
    """One reminder (occurrence × chat × lead). The unique key is the exactly-once claim."""

    __tablename__ = "deliveries"
    __table_args__ = (UniqueConstraint("occurrence_id", "chat_id", "lead"), Index("ix_deliveries_status_time", "status", "scheduled_for"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    occurrence_id: Mapped[int] = mapped_column(ForeignKey("occurrences.id", ondelete="CASCADE"))
    chat_id: Mapped[int] = mapped_column(ForeignKey("chats.id", ondelete="CASCADE"))
    lead: Mapped[int] = mapped_column(Integer)  # see scheduler.leads: days before due, legal day, escalation, manual
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), nullable=True)
    scheduled_for: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(12), default="pending")  # pending|sending|sent|failed|skipped
    claimed_by: Mapped[str] = mapped_column(String(64), default="")
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    message_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)  # backoff
    outcome: Mapped[str] = mapped_column(Text, default="")  # last error or note


class AdminDigest(Base):
    """One daily digest to the admins (overdue units); the primary key is the exactly-once claim."""

    __tablename__ = "admin_digests"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True, default="overdue")
    claimed_by: Mapped[str] = mapped_column(String(64), default="")
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class DayOverride(Base):
    """An admin's correction of the holiday calendar: a day off added, or a working day restored."""

    __tablename__ = "day_overrides"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    day_off: Mapped[bool] = mapped_column(Boolean)  # True: not a working day; False: a working day
    note: Mapped[str] = mapped_column(String(200), default="")
    set_by: Mapped[str] = mapped_column(String(100), default="")


class PendingAction(Base):
    """An admin change waiting for confirmation (buttons ok:<token> / no:<token>, or /xacnhan)."""

    __tablename__ = "pending_actions"

    token: Mapped[str] = mapped_column(String(16), primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    chat_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(30))  # add_deadline | edit_deadline | remove_deadline | ...
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PlanVersion(Base):
    """One row: bumped in the same transaction as every write that changes which reminders are planned."""

    __tablename__ = "plan_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)  # always 1
    version: Mapped[int] = mapped_column(Integer, default=0)
    changed: Mapped[str] = mapped_column(String(40), default="")  # what the last change was, for the logs
