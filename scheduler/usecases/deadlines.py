"""Deadline use cases: check typed fields, add, edit, remove, install a preset set."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.core.actors import Actor
from bot.core.roles import Role
from bot.core.audit import Action, record, require
from bot.core.config import Settings
from bot.core.errors import Invalid, NotFound
from scheduler import repo
from scheduler.daysoff import calendar_for
from scheduler.deadline_form import build_fields
from scheduler.models import Deadline
from scheduler.presets import Preset, install
from scheduler.timeutil import as_utc
from scheduler.units import list_units

# What each use case may refuse (bot.core.audit.require); chat commands name the same actions.
ADD_DEADLINE = Action("add_deadline", Role.ADMIN)
EDIT_DEADLINE = Action("edit_deadline", Role.ADMIN)
REMOVE_DEADLINE = Action("remove_deadline", Role.ADMIN)
INSTALL_PRESET = Action("install_preset", Role.ADMIN)


@dataclass(frozen=True)
class DeadlineView:
    code: str
    title: str
    rule: str
    audience_types: tuple[str, ...]
    audience_units: tuple[str, ...]  # unit names
    units: tuple[str, ...]  # every active unit addressed, by type or by name
    leads: tuple[int, ...]
    remind_at: str
    what: str
    submit_to: str
    source: str
    exclude: tuple[str, ...] = ()  # unit names left out of the audience

    def as_dict(self) -> dict[str, Any]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}


@dataclass(frozen=True)
class PresetInstalled:
    created: tuple[str, ...]  # codes
    kept: tuple[str, ...]  # codes that already existed and were left alone


def view(session: Session, d: Deadline) -> DeadlineView:
    units = list_units(session)
    names = {u.id: u.name for u in units}
    return DeadlineView(d.code, d.title, d.rule, tuple(d.audience_types or ()),
                        tuple(names.get(i, str(i)) for i in d.audience_units or ()),
                        tuple(names[i] for i in repo.audience_unit_ids(d, units)), tuple(d.leads), d.remind_at,
                        d.what, d.submit_to, d.source,
                        tuple(names.get(i, str(i)) for i in d.audience_exclude or ()))


def find_deadline(session: Session, code: str) -> Deadline:
    """The active deadline with this code; NotFound otherwise."""
    d = repo.get_deadline(session, code)
    if d is None:
        raise NotFound("deadline", code, f"hạn {code} không còn.")
    return d


def check_deadline(session: Session, raw: Mapping[str, str], settings: Settings, *,
                   partial: bool = False) -> dict[str, Any]:
    """Validated deadline fields from typed text (title, rule, audience, leads, remind_at, code, what…)."""
    try:
        fields = build_fields(session, raw, calendar_for(session), settings.default_leads, partial=partial)
    except ValueError as e:
        raise Invalid(str(e)) from None
    if not partial:
        fields.setdefault("remind_at", settings.reminder_time)
    return fields


def add_deadline(session: Session, now: datetime, actor: Actor, fields: Mapping[str, Any]) -> DeadlineView:
    """Store a new deadline from checked fields."""
    detail = str(dict(fields))
    require(session, now, actor, ADD_DEADLINE, detail)
    try:
        d = repo.create_deadline(session, dict(fields), at=as_utc(now), by=actor.key)
    except ValueError as e:
        raise Invalid(str(e)) from None
    record(session, now, actor, ADD_DEADLINE.name, detail)
    return view(session, d)


def edit_deadline(session: Session, now: datetime, actor: Actor, code: str, fields: Mapping[str, Any]) -> DeadlineView:
    """Change some fields of a deadline (checked with `check_deadline(partial=True)`)."""
    detail = str({"code": code, "fields": dict(fields)})
    require(session, now, actor, EDIT_DEADLINE, detail)
    d = find_deadline(session, code)
    repo.update_deadline(d, dict(fields))
    record(session, now, actor, EDIT_DEADLINE.name, detail)
    return view(session, d)


def remove_deadline(session: Session, now: datetime, actor: Actor, code: str) -> DeadlineView:
    """Stop reminding a deadline (its history is kept)."""
    require(session, now, actor, REMOVE_DEADLINE, str({"code": code}))
    d = find_deadline(session, code)
    removed = view(session, d)
    repo.remove_deadline(d)
    record(session, now, actor, REMOVE_DEADLINE.name, str({"code": code}))
    return removed


def install_preset(session: Session, now: datetime, actor: Actor, preset: Preset, settings: Settings, *,
                   day: int | None = None) -> PresetInstalled:
    """Create the preset's deadlines that do not exist yet."""
    detail = str({"key": preset.key, "day": day})
    require(session, now, actor, INSTALL_PRESET, detail)
    created, kept = install(session, preset, settings, at=as_utc(now), by=actor.key)
    record(session, now, actor, INSTALL_PRESET.name, detail)
    return PresetInstalled(tuple(created), tuple(kept))
