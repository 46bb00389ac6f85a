"""Repository of onboarding codes: one per dispatch letter, redeemed by a unit's focal point (link or typed code)."""
from __future__ import annotations

import re
import secrets
from datetime import datetime

from sqlalchemy.orm import Session

from scheduler.models import Invite, Unit

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: the code is also typed from paper
CODE_LENGTH = 8
_CODE = re.compile(rf"^[{ALPHABET}]{{{CODE_LENGTH}}}$")


def new_invite(session: Session, unit: Unit, *, by: str, at: datetime) -> Invite:
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
        if session.get(Invite, code) is None:
            break
    invite = Invite(code=code, unit_id=unit.id, created_by=by, created_at=at, uses=0)
    session.add(invite)
    session.flush()
    return invite


def looks_like_code(text: str) -> bool:
    return bool(_CODE.match(text.strip().upper()))


def find_invite(session: Session, code: str) -> Invite | None:
    """The invite for a code as typed (any case, surrounding spaces ignored), if its unit is still followed."""
    if not looks_like_code(code):
        return None
    invite = session.get(Invite, code.strip().upper())
    if invite is None or invite.unit is None or not invite.unit.active:
        return None
    return invite
