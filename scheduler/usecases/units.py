"""Unit use cases: add, remove, alias a unit; import units from a spreadsheet (chats: registrations.py)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.core.actors import Actor
from bot.core.roles import Role
from bot.core.audit import Action, record, require
from bot.core.errors import Invalid, NotFound
from scheduler import units as repo
from scheduler.models import Unit
from scheduler.timeutil import as_utc
from scheduler.unit_import import ImportCheck, apply_rows, check_rows, read_table

# What each use case may refuse (bot.core.audit.require); chat commands name the same actions.
ADD_UNIT = Action("donvi them", Role.ADMIN)
REMOVE_UNIT = Action("donvi xoa", Role.ADMIN)
ADD_ALIAS = Action("donvi bidanh", Role.ADMIN)
IMPORT_UNITS = Action("donvi nhap", Role.ADMIN)


@dataclass(frozen=True)
class UnitView:
    name: str
    type: str
    aliases: tuple[str, ...]


def _view(unit: Unit) -> UnitView:
    return UnitView(unit.name, unit.type, tuple(unit.aliases or ()))


def find_unit_named(session: Session, name: str) -> Unit:
    """The active unit a typed name means; NotFound with close names as suggestions."""
    found = repo.match_unit(session, name)
    if found.unit is None:
        raise NotFound("unit", name, f"Không có đơn vị «{name}».", found.suggestions)
    return found.unit


def add_unit(session: Session, now: datetime, actor: Actor, name: str, type_: str,
             aliases: list[str] | None = None) -> UnitView:
    """Follow a new unit (or again a removed one); `type_` is "so" or "xa"."""
    require(session, now, actor, ADD_UNIT, f"{name} ({type_})")
    try:
        unit = repo.add_unit(session, name, type_, aliases, at=as_utc(now))
    except ValueError as e:
        raise Invalid(str(e)) from None
    record(session, now, actor, ADD_UNIT.name, f"{unit.name} ({type_})")
    return _view(unit)


def remove_unit(session: Session, now: datetime, actor: Actor, name: str) -> UnitView:
    """Stop following a unit: its groups are unlinked, its history kept."""
    require(session, now, actor, REMOVE_UNIT, name)
    unit = find_unit_named(session, name)
    repo.remove_unit(session, unit)
    record(session, now, actor, REMOVE_UNIT.name, unit.name)
    return _view(unit)


def add_alias(session: Session, now: datetime, actor: Actor, name: str, alias: str) -> UnitView:
    """Another name the unit is found by."""
    require(session, now, actor, ADD_ALIAS, f"{name} += {alias}")
    unit = find_unit_named(session, name)
    try:
        repo.add_alias(session, unit, alias)
    except ValueError as e:
        raise Invalid(str(e)) from None
    record(session, now, actor, ADD_ALIAS.name, f"{unit.name} += {alias}")
    return _view(unit)


def import_units(session: Session, now: datetime, actor: Actor, data: bytes, file_name: str, *,
                 dry_run: bool) -> ImportCheck:
    """Check every row of an .xlsx/.csv file; unless `dry_run` or any row is invalid, store them all and audit it.

    Raises scheduler.unit_import.ImportFileError when the file itself cannot be read.
    """
    if not dry_run:
        require(session, now, actor, IMPORT_UNITS, file_name)
    check = check_rows(session, read_table(data, file_name))
    if dry_run or not check.ok:
        return check
    apply_rows(session, check)
    record(session, now, actor, IMPORT_UNITS.name,
           f"{file_name}: thêm {check.count('add')}, cập nhật {check.count('update')}, "
           f"không đổi {check.count('unchanged')}")
    return check
