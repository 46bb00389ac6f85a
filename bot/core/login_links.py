"""Password-less dashboard login: one-time links and sessions, stored only as hashes so replicas share them."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import DateTime, Integer, String, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from bot.core.db import Base

LINK_TTL = timedelta(minutes=10)
SESSION_TTL = timedelta(hours=8)
KEY_KIND = "signing-key"


class WebLogin(Base):
    """A one-time login link (kind "link") or a dashboard session (kind "session"), by the SHA-256 of its token."""

    __tablename__ = "web_logins"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(12))  # link | session | signing-key
    channel: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200), default="")
    csrf: Mapped[str] = mapped_column(String(64), default="")  # sessions: the token every form carries
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


@dataclass(frozen=True)
class WebIdentity:
    """Who a session belongs to (the role is checked again on every request)."""

    channel: str
    user_id: str
    name: str
    csrf: str
    expires_at: datetime


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _utc(dt: datetime) -> datetime:
    return dt.replace(tzinfo=timezone.utc) if dt.tzinfo is None else dt.astimezone(timezone.utc)


def issue_link(session: Session, now: datetime, channel: str, user_id: str, name: str = "") -> str:
    """A new one-time login token for this admin, valid LINK_TTL; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    session.add(WebLogin(token_hash=_hash(token), kind="link", channel=channel, user_id=user_id, name=name[:200],
                         created_at=_utc(now), expires_at=_utc(now + LINK_TTL)))
    session.flush()
    return token


def redeem_link(session: Session, now: datetime, token: str) -> tuple[str, WebIdentity] | None:
    """Use a login link once: (session token, identity), or None when unknown, expired or already used."""
    if not token or len(token) > 100:
        return None
    row = session.scalar(select(WebLogin).where(WebLogin.token_hash == _hash(token), WebLogin.kind == "link"))
    if row is None or row.used_at is not None or _utc(row.expires_at) <= _utc(now):
        return None
    # A conditional update: of two replicas redeeming the same link at once, only one changes the row.
    claimed = session.execute(update(WebLogin).where(WebLogin.id == row.id, WebLogin.used_at.is_(None))
                              .values(used_at=_utc(now)).execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        return None
    token_out, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    expires = _utc(now + SESSION_TTL)
    session.add(WebLogin(token_hash=_hash(token_out), kind="session", channel=row.channel, user_id=row.user_id,
                         name=row.name, csrf=csrf, created_at=_utc(now), expires_at=expires))
    session.flush()
    return token_out, WebIdentity(row.channel, row.user_id, row.name, csrf, expires)


def session_identity(session: Session, now: datetime, token: str) -> WebIdentity | None:
    """The identity of a live session token; None when unknown, ended or expired."""
    if not token or len(token) > 100:
        return None
    row = session.scalar(select(WebLogin).where(WebLogin.token_hash == _hash(token), WebLogin.kind == "session"))
    if row is None or row.used_at is not None or _utc(row.expires_at) <= _utc(now):
        return None
    return WebIdentity(row.channel, row.user_id, row.name, row.csrf, _utc(row.expires_at))


def end_session(session: Session, now: datetime, token: str) -> None:
    """Log out: the session token stops working on every replica."""
    session.execute(update(WebLogin).where(WebLogin.token_hash == _hash(token), WebLogin.kind == "session")
                    .values(used_at=_utc(now)).execution_options(synchronize_session=False))


def signing_key(session: Session, now: datetime, configured: str = "") -> bytes:
    """The cookie signing key: WEB_SECRET_KEY when set, else one random key kept in the database for all replicas."""
    if configured:
        return configured.encode()
    row = session.scalar(select(WebLogin).where(WebLogin.kind == KEY_KIND).order_by(WebLogin.id))
    if row is None:
        # Two replicas may both create one; the lowest id wins for everyone once both have committed.
        row = WebLogin(token_hash=secrets.token_hex(32), kind=KEY_KIND, channel="", user_id="", name="", csrf="",
                       created_at=_utc(now), expires_at=_utc(now + timedelta(days=36500)))
        session.add(row)
        session.flush()
    return row.token_hash.encode()


def purge(session: Session, now: datetime) -> int:
    """Delete links and sessions that expired more than a day ago; how many went."""
    from sqlalchemy import delete

    result = session.execute(delete(WebLogin).where(WebLogin.kind != KEY_KIND,
                                                    WebLogin.expires_at < _utc(now - timedelta(days=1))))
    return int(result.rowcount or 0)


def same(a: str, b: str) -> bool:
    """Constant-time comparison of two tokens."""
    return bool(a) and hmac.compare_digest(a.encode(), b.encode())
