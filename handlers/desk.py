"""The admin's desk actions shared by the CLI and the web dashboard: who acts, audited unit imports, chat's own actions."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy.orm import Session

from bot.core.actors import CONSOLE, Actor  # noqa: F401  (CONSOLE: the desk's callers import it from here too)
from bot.core.audit import record
from bot.core.errors import Forbidden
from bot.core.messages import Reply
from handlers import confirm
from handlers.context import Context, Services
from handlers.registry import Role
from handlers.router import load_commands
from scheduler.unit_import import ImportCheck, apply_rows, check_rows, read_table


def import_units(session: Session, now: datetime, actor: Actor, data: bytes, file_name: str, *,
                 dry_run: bool) -> ImportCheck:
    """Check every row of the file; unless `dry_run` or any row is invalid, store them all and audit it.

    Raises scheduler.unit_import.ImportFileError when the file itself cannot be read.
    """
    check = check_rows(session, read_table(data, file_name))
    if dry_run or not check.ok:
        return check
    apply_rows(session, check)
    record(session, now, actor, "donvi nhap",
           f"{file_name}: thêm {check.count('add')}, cập nhật {check.count('update')}, "
           f"không đổi {check.count('unchanged')}")
    return check


def desk_context(app: Services, session: Session, actor: Actor, role: Role, command: str = "", args: str = "") -> Context:
    """A handler context for an admin acting from the dashboard or the CLI (no chat message behind it)."""
    return Context(app, actor.as_message(), session, role, command, args)


async def run_command(app: Services, session: Session, actor: Actor, role: Role, name: str, args: str) -> str:
    """Run a chat command's own handler (same checks, same audit, same change signal); its reply text."""
    cmd = load_commands().find(name)
    if cmd is None:
        raise KeyError(name)
    if role < cmd.role:
        record(session, app.clock.now(), replace(actor, role=role), cmd.name, args, outcome="denied")
        return "Bạn không có quyền làm việc này. Yêu cầu đã được ghi lại."
    ctx = desk_context(app, session, actor, role, cmd.name, args)
    result = await cmd.func(ctx)
    replies = [Reply(r) if isinstance(r, str) else r for r in ([result] if isinstance(result, (str, Reply))
                                                                 else list(result or []))]
    others = [r for r in replies if r.to is not None or r.to_admins]  # e.g. the requester told of a decision
    deliver, channels = getattr(app, "deliver", None), getattr(app, "channels", {})
    # deliver() needs a channel for the actor's own chat even when every reply goes elsewhere
    carrier = channels.get(actor.channel) or next(iter(channels.values()), None)
    if others and deliver is not None and carrier is not None:
        await deliver(actor.as_message(), others, carrier)
    return "\n\n".join(r.text for r in replies if r not in others)


async def run_confirmed(app: Services, session: Session, actor: Actor, role: Role, kind: str, payload: dict) -> str:  # type: ignore[type-arg]
    """Do what chat does once an admin confirms a pending change of `kind` (the web form is the confirmation).

    Raises ValueError with a Vietnamese message when it cannot be done.
    """
    load_commands()
    func = confirm.ACTIONS[kind]
    try:
        return await func(desk_context(app, session, actor, role, kind), payload)  # the use case checks and audits
    except Forbidden:
        raise ValueError("bạn không có quyền thực hiện thay đổi này (đã ghi lại)") from None
