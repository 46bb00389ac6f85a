"""The role ladder: user, admin (granted in the database), super-admin (ADMIN_IDS and the console)."""
from __future__ import annotations

from enum import IntEnum


class Role(IntEnum):
    USER = 0
    ADMIN = 1
    SUPERADMIN = 2
