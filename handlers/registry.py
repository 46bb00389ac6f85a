"""The command table: every command's name, aliases, help text and the action it does, in one place.

A command that runs a use case names that use case's `Action` (bot.core.audit): the role it needs is stated once,
there, and the router refuses it with the same check and the same audit entry as the CLI and the dashboard get."""
from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Union

from bot.core.audit import Action
from bot.core.roles import Role  # the role ladder lives in the foundation; commands name it from here
from bot.core.messages import Reply
from bot.core.vietnamese import fold

if TYPE_CHECKING:
    from handlers.context import Context

HandlerResult = Union[Reply, str, list[Reply], None]
HandlerFunc = Callable[["Context"], Awaitable[HandlerResult]]


@dataclass(frozen=True)
class Command:
    name: str  # without the slash, a-z0-9_ (Telegram's rule)
    func: HandlerFunc
    help: str  # one line, Vietnamese
    usage: str = ""  # e.g. "/danop [mã]"
    role: Role = Role.USER
    aliases: tuple[str, ...] = ()  # other names, also accepted without the slash on bare-command channels
    phrases: tuple[str, ...] = ()  # multi-word forms without the slash, diacritics-insensitive ("đã nộp")
    order: int = 100  # position in /help
    typed_button: bool = False  # its phrases stand for a button, so they work on every channel ("xem thêm", "đồng ý")
    in_groups: bool = False  # its phrases count in a group even when the bot is not addressed ("đã nộp")
    action: Action | None = None  # what it does (None: a command of its own, audited under its name and `role`)
    verbs: Mapping[str, Action] = field(default_factory=dict)  # first word of the arguments -> what it does then
    refusal: str = ""  # what a caller below the role is told, when not the usual "Lệnh /x chỉ dành cho …"

    def action_for(self, args: str) -> tuple[Action, str]:
        """The action these arguments ask for, and the detail a refusal is audited with (the rest of the arguments)."""
        verb, _, rest = args.partition(" ")
        if verb and fold(verb) in self.verbs:
            return self.verbs[fold(verb)], rest.strip()
        return (self.action or Action(self.name, self.role)), args


@dataclass
class Registry:
    commands: dict[str, Command] = field(default_factory=dict)
    callbacks: dict[str, HandlerFunc] = field(default_factory=dict)  # button payload prefix -> handler
    document_handler: HandlerFunc | None = None

    def add(self, cmd: Command) -> None:
        for name in (cmd.name, *cmd.aliases):
            if name in self.commands:
                raise ValueError(f"command /{name} registered twice")
            self.commands[name] = cmd

    def find(self, name: str) -> Command | None:
        return self.commands.get(name.lower())

    def unique(self) -> list[Command]:
        seen: dict[str, Command] = {c.name: c for c in self.commands.values()}
        return sorted(seen.values(), key=lambda c: (c.order, c.name))


REGISTRY = Registry()


def command(
    name: str,
    help: str,
    *,
    usage: str = "",
    role: Role = Role.USER,
    aliases: tuple[str, ...] = (),
    phrases: tuple[str, ...] = (),
    order: int = 100,
    typed_button: bool = False,
    in_groups: bool = False,
    action: Action | None = None,
    verbs: Mapping[str, Action] | None = None,
    refusal: str = "",
) -> Callable[[HandlerFunc], HandlerFunc]:
    """Register an async handler `func(ctx) -> Reply | str | list[Reply] | None` as /name.

    With `action`, the command needs that action's role (give `role` only for a command without a use case)."""
    if action is not None:
        if role != Role.USER:
            raise ValueError(f"/{name}: the role comes from its action {action.name!r}, not from the command")
        role = action.role

    def deco(func: HandlerFunc) -> HandlerFunc:
        REGISTRY.add(Command(name, func, help, usage or f"/{name}", role, aliases, phrases, order, typed_button,
                             in_groups, action, dict(verbs or {}), refusal))
        return func

    return deco


def callback(prefix: str) -> Callable[[HandlerFunc], HandlerFunc]:
    """Register a handler for button payloads `prefix:rest` (ctx.args is `rest`)."""

    def deco(func: HandlerFunc) -> HandlerFunc:
        if prefix in REGISTRY.callbacks:
            raise ValueError(f"callback {prefix} registered twice")
        REGISTRY.callbacks[prefix] = func
        return func

    return deco


def document_handler(func: HandlerFunc) -> HandlerFunc:
    """Register the handler for files sent to the bot."""
    REGISTRY.document_handler = func
    return func
