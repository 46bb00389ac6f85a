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
    members: tuple[int, ...] = ()  # further units this group serves (a cluster)

    def serves(self, unit_id: int) -> bool:
        return self.unit_id == unit_id or unit_id in self.members


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
    reminders: tuple[tuple[int, datetime], ...]  # (lead, when), from scheduler.timing.period_reminders
    open_until: date | None = None  # the last day of its escalation window (default: the legal due date)


@dataclass(frozen=True)
class PlannedDelivery:
    deadline_id: int
    period: str
    chat_pk: int
    unit_id: int
    lead: int
    scheduled_for: datetime
    fallback: bool = False
    # a group serving several units: one row for all of them (unit_id NULL), who is owed is decided when sent
    cluster: bool = False

    @property
    def row_unit_id(self) -> int | None:
        return None if self.cluster else self.unit_id


def unit_targets(unit_id: int, chats: Iterable[ChatInfo], focals: Iterable[FocalInfo]) -> list[Target]:
    """A unit's reminder targets per channel: its active groups there; when it has none, its focal points' 1:1 chats.

    A group the bot can no longer reach is inactive, so its unit falls back to 1:1 messages on that
    channel until the group is registered again (Zalo groups are beta).
    """
    chats = list(chats)
    by_key = {(c.channel, c.chat_id): c for c in chats}
    groups = [c for c in chats if c.serves(unit_id) and c.kind == "group"]
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
    audiences: Mapping[object, Sequence[int]],
    targets: Mapping[int, Sequence[Target]],
    acked: set[tuple[int, str, int]],
    *,
    today: date,
    until: datetime,
) -> list[PlannedDelivery]:
    """Every reminder of not yet expired occurrences up to `until` for each audience unit that has not acknowledged.

    `audiences` maps (deadline id, period) — or a deadline id — to the units owing it, `targets` a
    unit id to its targets and `acked` holds (deadline id, period, unit id). Reminders already in the
    past are included: whether they are sent late or superseded is the delivery's business, not the
    plan's. A group that serves several units (a cluster) gets one reminder per time, not one per unit.
    """
    shared: dict[int, set[int]] = {}
    for unit_id, ts in targets.items():
        for t in ts:
            shared.setdefault(t.chat_pk, set()).add(unit_id)
    by_key: dict[tuple[int, str, int, int], PlannedDelivery] = {}
    for occ in occurrences:
        if (occ.open_until or occ.legal_due) < today:
            continue
        owing = audiences.get((occ.deadline_id, occ.period), audiences.get(occ.deadline_id, ()))
        for unit_id in owing:
            if (occ.deadline_id, occ.period, unit_id) in acked:
                continue
            for target in targets.get(unit_id, ()):
                cluster = len(shared.get(target.chat_pk, ())) > 1
                for lead, when in occ.reminders:
                    if when <= until:
                        key = (occ.deadline_id, occ.period, target.chat_pk, lead)
                        by_key[key] = PlannedDelivery(occ.deadline_id, occ.period, target.chat_pk, unit_id, lead,
                                                      when, target.fallback, cluster)
    out = list(by_key.values())
    out.sort(key=lambda p: (p.scheduled_for, p.deadline_id, p.period, p.chat_pk))
    return out
