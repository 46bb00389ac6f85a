"""Who is an admin: super-admins from ADMIN_IDS (and the console operator), admins granted in the database."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.core.config import Settings
from bot.core.actors import Actor
from bot.core.audit import Action, record, require
from bot.core.models import Admin
from bot.core.roles import Role

# What each use case may refuse (bot.core.audit.require); chat commands name the same actions.
GRANT = Action("quyen them", Role.SUPERADMIN)
REVOKE = Action("quyen xoa", Role.SUPERADMIN)


CHANNELS = ("telegram", "zalo", "zalo_oa")  # where the bot's users write (the console has one operator, a super-admin)


def user_ref_problem(channel: str, user: str, *, here: str = "") -> str | None:
    """Why `channel:user` names no user an admin role could be granted to (a Vietnamese message), or None.

    `here` is the channel the request comes from (also accepted, e.g. a test channel); never the console."""
    known = set(CHANNELS) | ({here} if here and here != "console" else set())
    if channel not in known:
        return (f"«{channel}:{user}» không phải mã người dùng của kênh nào. Ghi dạng kênh:mã, ví dụ telegram:123456 "
                f"hoặc zalo:<mã>; các kênh: {', '.join(CHANNELS)}.")
    if channel == "telegram" and not user.isdigit():
        return (f"Mã người dùng Telegram là một dãy số (đã nhận «{user}»), ví dụ telegram:123456; người đó xem mã "
                "của mình bằng @userinfobot.")
    return None


def resolve_role(settings: Settings, session: Session, channel: str, user_id: str) -> Role:
    if channel == "console":
        return Role.SUPERADMIN
    if user_id in settings.admin_ids.get(channel, frozenset()):
        return Role.SUPERADMIN
    found = session.scalar(select(Admin.id).where(Admin.channel == channel, Admin.user_id == user_id))
    return Role.ADMIN if found is not None else Role.USER


def grant_admin(session: Session, channel: str, user_id: str, *, by: str, at: datetime, name: str = "") -> bool:
    """Make a user an admin; False when they already were."""
    if session.scalar(select(Admin.id).where(Admin.channel == channel, Admin.user_id == user_id)) is not None:
        return False
    session.add(Admin(channel=channel, user_id=user_id, display_name=name, granted_by=by, granted_at=at))
    return True


def revoke_admin(session: Session, channel: str, user_id: str) -> bool:
    """Remove an admin; False when they were not one."""
    result = session.execute(delete(Admin).where(Admin.channel == channel, Admin.user_id == user_id))
    return bool(result.rowcount)


def list_admins(session: Session) -> list[Admin]:
    return list(session.scalars(select(Admin).order_by(Admin.channel, Admin.user_id)))


@dataclass(frozen=True)
class AdminChange:
    channel: str
    user_id: str
    changed: bool  # False: they already were (grant) or were not (revoke) an admin
    super_admin: bool = False  # in ADMIN_IDS: a revoke cannot remove them


def grant(session: Session, now: datetime, actor: Actor, channel: str, user_id: str, name: str = "") -> AdminChange:
    """Make a user a bot admin (super-admins only)."""
    name = name.strip()[:200]
    detail = f"{channel}:{user_id} {name}".strip()
    require(session, now, actor, GRANT, detail)
    done = grant_admin(session, channel, user_id, by=actor.key, at=now.astimezone(timezone.utc), name=name)
    record(session, now, actor, GRANT.name, detail)
    return AdminChange(channel, user_id, done)


def revoke(session: Session, now: datetime, actor: Actor, settings: Settings, channel: str, user_id: str) -> AdminChange:
    """Take a user's admin role away (super-admins only; ADMIN_IDS stay super-admins)."""
    require(session, now, actor, REVOKE, f"{channel}:{user_id}")
    done = revoke_admin(session, channel, user_id)
    record(session, now, actor, REVOKE.name, f"{channel}:{user_id}")
    return AdminChange(channel, user_id, done, user_id in settings.admin_ids.get(channel, frozenset()))
