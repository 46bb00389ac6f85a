"""The command table: every command's name, aliases, help text and who may use it, in one place."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Union

from bot.core.roles import Role  # the role ladder lives in the foundation; commands name it from here
from bot.core.messages import Reply

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
) -> Callable[[HandlerFunc], HandlerFunc]:
    """Register an async handler `func(ctx) -> Reply | str | list[Reply] | None` as /name."""

    def deco(func: HandlerFunc) -> HandlerFunc:
        REGISTRY.add(Command(name, func, help, usage or f"/{name}", role, aliases, phrases, order, typed_button,
                             in_groups))
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
