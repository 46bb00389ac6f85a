"""Repository of units and their focal points, with diacritics-insensitive name matching."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from rapidfuzz import fuzz, process
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.core.vietnamese import fold
from scheduler.changes import bump
from scheduler.models import UNIT_TYPES, Chat, ClusterMember, FocalPoint, Unit

# Accepted spellings of unit types (folded) -> stored type.
TYPE_WORDS = {
    "so": "so", "so ban nganh": "so", "so/ban/nganh": "so", "nganh": "so", "ban": "so", "tinh": "so",
    "xa": "xa", "ubnd xa": "xa", "ubnd cap xa": "xa", "cap xa": "xa", "phuong": "xa", "dac khu": "xa",
    "huyen": "huyen", "cap huyen": "huyen",
}
TYPE_LABELS = {"so": "sở/ban/ngành", "xa": "UBND cấp xã", "huyen": "cấp huyện (cũ)"}
FUZZY_MIN = 75  # rapidfuzz WRatio score for a "did you mean" suggestion


def parse_unit_type(text: str) -> str | None:
    """'Sở' / 'xa' / 'UBND cấp xã' -> 'so' / 'xa'; None when not a unit type."""
    return TYPE_WORDS.get(fold(text))


def list_units(session: Session, *, active_only: bool = True) -> list[Unit]:
    q = select(Unit).order_by(Unit.type, Unit.name)
    if active_only:
        q = q.where(Unit.active.is_(True))
    return list(session.scalars(q))


def get_unit(session: Session, unit_id: int) -> Unit | None:
    return session.get(Unit, unit_id)


_PREFIXES = ("uy ban nhan dan ", "ubnd ")


def _bare(key: str) -> str:
    """'ubnd xa tan lap' -> 'xa tan lap': people often leave out the UBND prefix."""
    for p in _PREFIXES:
        if key.startswith(p):
            return key[len(p):]
    return key


def _keys(unit: Unit) -> list[str]:
    keys = [fold(unit.name), *(fold(a) for a in (unit.aliases or []) if a.strip())]
    return keys + [_bare(k) for k in keys if _bare(k) != k]


def name_keys(unit: Unit) -> list[str]:
    """The folded forms a unit is found by: its name, its aliases, each also without the UBND prefix."""
    return _keys(unit)


@dataclass(frozen=True)
class UnitMatch:
    unit: Unit | None  # the unit, when the name matched exactly (diacritics-insensitive) or by alias
    suggestions: tuple[str, ...] = ()  # near misses, for a "did you mean" answer


def match_unit(session: Session, name: str, *, active_only: bool = True) -> UnitMatch:
    """Find a unit by name or alias ignoring case and diacritics; near misses become suggestions."""
    key = _bare(fold(name))
    if not key:
        return UnitMatch(None)
    units = list_units(session, active_only=active_only)
    for unit in units:
        if key in _keys(unit):
            return UnitMatch(unit)
    choices = {(i, k): k for i, u in enumerate(units) for k in _keys(u)}
    found = process.extract(key, choices, scorer=fuzz.WRatio, limit=5, score_cutoff=FUZZY_MIN)
    names: list[str] = []
    for _, _, (i, _) in found:
        if units[i].name not in names:
            names.append(units[i].name)
    return UnitMatch(None, tuple(names[:3]))


def find_unit(session: Session, name: str) -> Unit | None:
    """The unit whose name (or alias) is `name`, also inactive ones; None otherwise."""
    return match_unit(session, name, active_only=False).unit


def add_unit(session: Session, name: str, type_: str, aliases: list[str] | None = None, *,
             at: datetime | None = None) -> Unit:
    """Create (or reactivate) a unit, owing periods due from `at` on; ValueError with a Vietnamese message on bad input."""
    name = " ".join(name.split())
    if not name or len(name) > 200:
        raise ValueError("Tên đơn vị trống hoặc quá dài (tối đa 200 ký tự).")
    if type_ not in UNIT_TYPES:
        raise ValueError("Loại đơn vị phải là «sở» (sở/ban/ngành) hoặc «xã» (UBND cấp xã).")
    clean_aliases = [" ".join(a.split()) for a in (aliases or []) if a.strip()]
    existing = find_unit(session, name)
    if existing is not None:
        if existing.active:
            raise ValueError(f"Đơn vị «{existing.name}» đã có.")
        existing.active, existing.type, existing.created_at = True, type_, at
        existing.aliases = sorted(set(existing.aliases or []) | set(clean_aliases))
        bump(session, "unit back")
        return existing
    for alias in clean_aliases:
        other = find_unit(session, alias)
        if other is not None:
            raise ValueError(f"Bí danh «{alias}» đã dùng cho «{other.name}».")
    unit = Unit(name=name, type=type_, aliases=clean_aliases, active=True, created_at=at)
    session.add(unit)
    session.flush()
    bump(session, "unit added")
    return unit


def remove_unit(session: Session, unit: Unit) -> None:
    """Deactivate a unit (history of acknowledgements is kept) and unlink its chats."""
    unit.active = False
    for chat in list(unit.chats):
        chat.unit_id = None
    bump(session, "unit removed")


def add_alias(session: Session, unit: Unit, alias: str) -> None:
    alias = " ".join(alias.split())
    if not alias:
        raise ValueError("Bí danh trống.")
    other = find_unit(session, alias)
    if other is not None and other.id != unit.id:
        raise ValueError(f"Bí danh «{alias}» đã dùng cho «{other.name}».")
    if fold(alias) not in _keys(unit):
        unit.aliases = [*(unit.aliases or []), alias]


def link_chat(session: Session, chat: Chat, unit: Unit, *, by: str, at: datetime) -> None:
    """Make `chat` the focal-point group of `unit` alone (a cluster it served is dissolved)."""
    if chat.id is not None:
        session.execute(delete(ClusterMember).where(ClusterMember.chat_id == chat.id))
    chat.unit_id, chat.kind, chat.active = unit.id, "group", True
    chat.registered_by, chat.registered_at = by, at
    bump(session, "chat registered")


def unit_chats(session: Session, unit_id: int) -> list[Chat]:
    return list(session.scalars(select(Chat).where(Chat.unit_id == unit_id).order_by(Chat.channel, Chat.id)))


def add_focal_point(session: Session, unit: Unit, channel: str, user_id: str, name: str,
                    private_chat_id: str | None) -> tuple[FocalPoint, bool]:
    """Register (or update) a focal point; True when new."""
    fp = session.scalar(select(FocalPoint).where(FocalPoint.unit_id == unit.id, FocalPoint.channel == channel,
                                                 FocalPoint.user_id == user_id))
    created = fp is None
    if fp is None:
        fp = FocalPoint(unit_id=unit.id, channel=channel, user_id=user_id)
        session.add(fp)
    fp.display_name = name or fp.display_name or ""
    if private_chat_id:
        fp.private_chat_id = private_chat_id
    session.flush()
    bump(session, "focal point")
    return fp, created


def focal_points(session: Session, unit_id: int) -> list[FocalPoint]:
    return list(session.scalars(select(FocalPoint).where(FocalPoint.unit_id == unit_id).order_by(FocalPoint.id)))


def units_of_focal_chat(session: Session, channel: str, chat_id: str) -> list[Unit]:
    """Units for which this private chat is a focal point's 1:1 chat."""
    q = (select(Unit).join(FocalPoint, FocalPoint.unit_id == Unit.id)
         .where(FocalPoint.channel == channel, FocalPoint.private_chat_id == chat_id, Unit.active.is_(True),
                FocalPoint.status == "approved")
         .order_by(Unit.name))
    return list(session.scalars(q).unique())


def units_for_chat(session: Session, channel: str, chat_id: str) -> list[Unit]:
    """The units a chat speaks for: the unit of a registered group, or the units of a focal point's 1:1 chat."""
    chat = session.scalar(select(Chat).where(Chat.channel == channel, Chat.chat_id == chat_id))
    if chat is not None and chat.unit_id is not None:
        units = [session.get(Unit, i) for i in chat_unit_ids(session, chat)]
        return [u for u in units if u is not None and u.active]
    return units_of_focal_chat(session, channel, chat_id)


def natural_key(name: str) -> tuple:
    """Sort key for unit names: 'Số 2' before 'Số 10', diacritics and case ignored."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", fold(name)))


def chat_unit_ids(session: Session, chat: Chat) -> list[int]:
    """The units a group speaks for: its own unit, then the further units of its cluster."""
    extra = [m.unit_id for m in session.scalars(select(ClusterMember).where(ClusterMember.chat_id == chat.id)
                                                .order_by(ClusterMember.added_at, ClusterMember.unit_id))]
    first = [chat.unit_id] if chat.unit_id is not None else []
    return first + [u for u in extra if u not in first]


def add_to_cluster(session: Session, chat: Chat, unit: Unit, *, by: str, at: datetime) -> bool:
    """Let `chat` also serve `unit` (a cluster group); False when it already did."""
    if chat.unit_id is None:
        link_chat(session, chat, unit, by=by, at=at)
        return True
    if unit.id in chat_unit_ids(session, chat):
        return False
    session.add(ClusterMember(chat_id=chat.id, unit_id=unit.id, added_by=by[:100], added_at=at))
    session.flush()
    bump(session, "cluster member added")
    return True
