"""Who is an admin: super-admins from ADMIN_IDS (and the console operator), admins granted in the database."""
from __future__ import annotations

from datetime import datetime
from enum import IntEnum

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.core.config import Settings
from bot.core.models import Admin


class Role(IntEnum):
    USER = 0
    ADMIN = 1
    SUPERADMIN = 2


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
