"""The reminder plan, pure: from occurrences, audiences, chats, focal points and acknowledgements to the reminders due."""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class ChatInfo:
    pk: int  # chats.id
    channel: str
    chat_id: str
    kind: str  # private | group
    active: bool
    unit_id: int | None
    title: str = ""


@dataclass(frozen=True)
class FocalInfo:
    unit_id: int
    channel: str
    user_id: str
    private_chat_id: str | None


@dataclass(frozen=True)
class Target:
    """Where one unit's reminders go on one channel: its group, or a focal point's 1:1 chat as a fallback."""

    chat_pk: int
    unit_id: int
    channel: str
    chat_id: str
    fallback: bool = False


@dataclass(frozen=True)
class PlannedOccurrence:
    deadline_id: int
    period: str
    due: date
    legal_due: date
    reminders: tuple[tuple[int, datetime], ...]  # (lead, when), from scheduler.timing.reminder_times


@dataclass(frozen=True)
class PlannedDelivery:
    deadline_id: int
    period: str
    chat_pk: int
    unit_id: int
    lead: int
    scheduled_for: datetime
    fallback: bool = False


def unit_targets(unit_id: int, chats: Iterable[ChatInfo], focals: Iterable[FocalInfo]) -> list[Target]:
    """A unit's reminder targets per channel: its active groups there; when it has none, its focal points' 1:1 chats.

    A group the bot can no longer reach is inactive, so its unit falls back to 1:1 messages on that
    channel until the group is registered again (Zalo groups are beta).
    """
    chats = list(chats)
    by_key = {(c.channel, c.chat_id): c for c in chats}
    groups = [c for c in chats if c.unit_id == unit_id and c.kind == "group"]
    own_focals = [f for f in focals if f.unit_id == unit_id]
    channels = sorted({c.channel for c in groups} | {f.channel for f in own_focals})
    out: list[Target] = []
    for channel in channels:
        active = [c for c in groups if c.channel == channel and c.active]
        if active:
            out += [Target(c.pk, unit_id, c.channel, c.chat_id) for c in active]
            continue
        seen: set[int] = set()
        for f in own_focals:
            chat = by_key.get((channel, f.private_chat_id or "")) if f.channel == channel else None
            if chat is not None and chat.active and chat.kind == "private" and chat.pk not in seen:
                seen.add(chat.pk)
                out.append(Target(chat.pk, unit_id, channel, chat.chat_id, fallback=True))
    return out


def plan_deliveries(
    occurrences: Sequence[PlannedOccurrence],
    audiences: Mapping[int, Sequence[int]],
    targets: Mapping[int, Sequence[Target]],
    acked: set[tuple[int, str, int]],
    *,
    today: date,
    until: datetime,
) -> list[PlannedDelivery]:
    """Every reminder of not yet expired occurrences up to `until` for each audience unit that has not acknowledged.

    `audiences` maps a deadline id to its unit ids, `targets` a unit id to its targets and `acked`
    holds (deadline id, period, unit id). Reminders already in the past are included: whether they
    are sent late or superseded is the delivery's business, not the plan's.
    """
    out: list[PlannedDelivery] = []
    for occ in occurrences:
        if occ.legal_due < today:
            continue
        for unit_id in audiences.get(occ.deadline_id, ()):
            if (occ.deadline_id, occ.period, unit_id) in acked:
                continue
            for target in targets.get(unit_id, ()):
                for lead, when in occ.reminders:
                    if when <= until:
                        out.append(PlannedDelivery(occ.deadline_id, occ.period, target.chat_pk, unit_id, lead, when,
                                                   target.fallback))
    out.sort(key=lambda p: (p.scheduled_for, p.deadline_id, p.period, p.chat_pk))
    return out
