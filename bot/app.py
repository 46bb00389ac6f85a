"""The one place that builds everything: settings, clock, database, channels and services."""
from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import cached_property

from bot.core.admins import list_admins, resolve_role
from bot.core.roles import Role
from bot.core.budget import SendBudget
from bot.core.budget.memory import MemoryBudget
from bot.core.clock import Clock, SystemClock
from bot.core.config import Settings
from bot.core.db import Database
from bot.core.fairness import BUSY_TEXT, FairDispatcher, Job
from bot.core.workers import on_loop
from bot.core.health import Health
from bot.core.messages import ChatRef, IncomingMessage, Reply
from bot.core.ports import Capabilities, Channel, ChatMoved, ChatUnreachable, CommandMenu, MenuItem, SendError
from bot.schema import ensure_schema
from handlers.router import ERROR_TEXT, QUESTION_COMMAND, after_mention, handle, load_commands, parse
from knowledge.service import KnowledgeBase
from scheduler import outbox
from scheduler.chats import deactivate_chat, move_chat
from scheduler.service import ReminderService
from bot.core.metrics import Metrics

log = logging.getLogger(__name__)


class App:
    """The application: the inbound port of the adapters (bot.core.ports.Inbound), the services of the handlers
    (handlers.context.Services) and the host of the reminder engine (scheduler.service.Host)."""

    def __init__(self, settings: Settings, *, clock: Clock, db: Database, channels: dict[str, Channel],
                 send_budget: SendBudget | None = None) -> None:
        self.settings = settings
        self.clock = clock
        self.db = db
        self.channels = channels
        self.send_budget: SendBudget = send_budget or MemoryBudget()
        self.reminders: ReminderService | None = None  # while serving
        self.metrics = Metrics()
        self.health = Health()
        self.dispatcher = FairDispatcher(self._work, self._tell_busy, limit=settings.chat_queue_limit,
                                         urgent=self.urgent,
                                         on_drop=lambda msg: self.metrics.message_dropped(msg.chat.channel))

    @cached_property
    def knowledge(self) -> KnowledgeBase:
        return KnowledgeBase(self.db, self.settings)

    def capabilities(self, channel: str) -> Capabilities:
        ch = self.channels.get(channel)
        return ch.capabilities if ch is not None else Capabilities()

    async def handle(self, msg: IncomingMessage) -> list[Reply]:
        """The replies to one message, worked out on a database worker thread (the loop stays free)."""
        return await self.db.workers.run(handle, self, msg)

    def submit(self, msg: IncomingMessage, channel: Channel | None = None, *,
               claim: Callable[[], bool] | None = None) -> asyncio.Future[list[Reply]]:
        """Queue a message in its chat's bounded queue (never waits): handled and answered in turn, fairly.

        `claim` (e.g. the update ledger) runs on the worker first; when it says False the message is skipped."""
        return self.dispatcher.submit(msg, channel, claim=claim)

    async def dispatch(self, msg: IncomingMessage, channel: Channel | None = None) -> list[Reply]:
        """Handle a message and send the replies back to its chat (editing the origin where asked)."""
        return await self.submit(msg, channel)

    def urgent(self, msg: IncomingMessage) -> bool:
        """Commands, confirmations, button presses and files go before questions in their chat's queue."""
        if msg.callback is not None or msg.document is not None:
            return True
        text = msg.text.strip()
        if text.startswith("@"):
            text = after_mention(text, self.capabilities(msg.chat.channel).bare_commands)
        load_commands()
        parsed = parse(replace(msg, text=text), self.capabilities(msg.chat.channel).bare_commands)
        return parsed is not None and parsed[0] != QUESTION_COMMAND

    async def _work(self, job: Job) -> list[Reply]:
        return await self.db.workers.run(self._process, job)

    async def _process(self, job: Job) -> list[Reply]:
        """On a database worker: the claim, the handler, then the replies sent on the serving loop."""
        try:
            fresh = job.claim is None or job.claim()
        except Exception:  # e.g. the database is down: the sender is told, as a failing handler's would be
            log.exception("claiming a message in %s failed", job.msg.chat)
            replies = [Reply(ERROR_TEXT)]
        else:
            if not fresh:
                return []
            replies = await handle(self, job.msg)
        await self.deliver(job.msg, replies, job.channel)
        return replies

    async def _tell_busy(self, job: Job) -> None:
        await self.deliver(job.msg, [Reply(BUSY_TEXT)], job.channel)

    async def idle(self) -> None:
        """Wait until every queued message has been handled and answered."""
        await self.dispatcher.idle()

    async def deliver(self, msg: IncomingMessage, replies: list[Reply], channel: Channel | None = None) -> None:
        """The one reply path of every channel: a moved chat is followed, an unreachable group deactivated.

        Callable from the serving loop or a database worker: sends run on the serving loop, database calls off it."""
        ch = channel or self.channels.get(msg.chat.channel)
        if ch is None:
            return
        for reply in replies:
            if reply.to_admins:
                await self.notify_admins(replace(reply, to_admins=False))
                continue
            if reply.to is not None:
                other = self.channels.get(reply.to.channel)
                try:
                    if other is not None:
                        await on_loop(other.send(reply.to.chat_id, replace(reply, to=None)))
                except SendError as e:
                    self.send_failed(reply.to.channel, e)
                    log.warning("message to %s failed: %s", reply.to, e)
                continue
            reply = placed(msg, reply)
            try:
                if reply.replace_origin and msg.message_id and ch.capabilities.edits:
                    await on_loop(ch.edit(msg.chat.chat_id, msg.message_id, reply))
                else:
                    await on_loop(ch.send(msg.chat.chat_id, reply))
            except ChatMoved as e:
                self.send_failed(msg.chat.channel, e)
                await self.db.call(self.chat_moved, msg.chat, e.new_chat_id)
                try:
                    await on_loop(ch.send(e.new_chat_id, reply))
                except SendError as again:
                    self.send_failed(msg.chat.channel, again)
                    log.warning("reply to moved chat %s:%s failed: %s", msg.chat.channel, e.new_chat_id, again)
            except ChatUnreachable as e:
                self.send_failed(msg.chat.channel, e)
                if msg.chat_kind == "group":
                    await self.chat_gone(msg.chat, str(e))
                else:
                    log.warning("reply to %s failed: %s", msg.chat, e)
            except SendError as e:
                self.send_failed(msg.chat.channel, e)
                log.warning("reply to %s failed: %s", msg.chat, e)

    def send_failed(self, channel: str, error: BaseException) -> None:
        """Count a failed send by kind (cchc_channel_send_errors_total): replies, notices, an adapter's own messages."""
        self.metrics.send_error(channel, error)

    async def chat_gone(self, chat: ChatRef, reason: str) -> None:
        """The bot can no longer post in `chat`: deactivate it (every replica re-plans) and tell the admins."""

        def deactivate() -> tuple[str, str, bool]:
            with self.db.session() as s:
                row = deactivate_chat(s, chat)
                title = (row.title or row.chat_id) if row else chat.chat_id
                unit = row.unit.name if row is not None and row.unit is not None else ""
                return title, unit, row is not None and row.kind == "private"

        title, unit, private = await self.db.call(deactivate)
        log.warning("chat %s deactivated: %s", chat, reason)
        if private:
            await self.notify_admins(f"⚠️ Bot không còn nhắn riêng được cho «{title}» ({chat.channel}): {reason}. "
                                     "Người này có thể đã chặn bot; họ nhắn lại cho bot là được.")
            return
        where = f"nhóm «{title}»" + (f" của {unit}" if unit else "")
        await self.notify_admins(f"⚠️ Bot không còn gửi được tin vào {where} ({chat.channel}): {reason}. "
                                 "Nhóm đã được tạm ngừng; thêm lại bot và gõ /dangky để đăng ký lại.")

    def chat_moved(self, chat: ChatRef, new_chat_id: str) -> None:
        """Store a chat's new id (e.g. a Telegram group upgraded to a supergroup)."""
        with self.db.session() as s:
            move_chat(s, chat, new_chat_id)
        log.info("chat %s moved to %s", chat, new_chat_id)

    def is_admin(self, channel: str, user_id: str) -> bool:
        """Whether the user is a bot admin on `channel` (for adapters deciding before a costly download)."""
        with self.db.session() as s:
            return resolve_role(self.settings, s, channel, user_id) >= Role.ADMIN

    def command_menu(self, channel: str) -> CommandMenu:
        """User commands for everyone; the full list (up to their role) for each admin of `channel`."""
        commands = load_commands().unique()

        def menu(up_to: Role) -> tuple[MenuItem, ...]:
            return tuple(MenuItem(c.name, c.help) for c in commands if c.role <= up_to)

        with self.db.session() as s:
            admins = {a.user_id for a in list_admins(s) if a.channel == channel}
        supers = set(self.settings.admin_ids.get(channel, frozenset()))
        by_user = {u: menu(Role.SUPERADMIN if u in supers else Role.ADMIN) for u in sorted((admins | supers) - {""})}
        return CommandMenu(menu(Role.USER), by_user)

    def admin_targets(self) -> list[tuple[str, str]]:
        """(channel, chat id) of every admin's private chat on the channels being served."""
        targets: list[tuple[str, str]] = []
        with self.db.session() as s:
            db_admins = [(a.channel, a.user_id) for a in list_admins(s)]
        for name in self.channels:
            if name == "console":
                targets.append(("console", "local"))
                continue
            ids = set(self.settings.admin_ids.get(name, frozenset())) | {u for c, u in db_admins if c == name}
            targets += [(name, uid) for uid in sorted(ids)]
        return targets

    async def send_notices(self, ids: Sequence[int]) -> int:
        """Send these outbox notices now (a change made in this process); what is left goes on the reminder tick."""
        by = self.reminders.instance_id if self.reminders else (
            self.settings.instance_id or f"{socket.gethostname()}:{os.getpid()}")
        return await self.db.workers.run(outbox.deliver, self, by, ids)

    async def notify_admins(self, text: str | Reply) -> int:
        """Send `text` to every admin; returns how many received it."""
        delivered = 0
        reply = text if isinstance(text, Reply) else Reply(text)
        for channel, chat_id in await self.db.call(self.admin_targets):
            try:
                await on_loop(self.channels[channel].send(chat_id, reply))
                delivered += 1
            except SendError as e:
                self.send_failed(channel, e)
                log.warning("admin notice to %s:%s failed: %s", channel, chat_id, e)
        return delivered


def placed(msg: IncomingMessage, reply: Reply) -> Reply:
    """The reply in the message's topic and, in groups, as a reply to the question (not to a pressed button)."""
    thread = reply.thread_id or msg.chat.thread_id
    reply_to = reply.reply_to
    if reply_to is None and msg.chat_kind == "group" and msg.callback is None and not reply.replace_origin:
        reply_to = msg.message_id
    if thread == reply.thread_id and reply_to == reply.reply_to:
        return reply
    return replace(reply, thread_id=thread, reply_to=reply_to)


def choose_send_budget(settings: Settings, db: Database) -> SendBudget:
    """Where the replicas share their send budget: Redis when REDIS_URL is set, else PostgreSQL; SQLite: in-process."""
    if settings.redis_url:
        from bot.core.budget.redis_store import RedisBudget

        return RedisBudget(settings.redis_url)
    if db.dialect == "postgresql":
        from bot.core.budget.postgres import PostgresBudget

        return PostgresBudget(db.engine)
    return MemoryBudget()  # SQLite: one process


def build_app(
    settings: Settings,
    *,
    clock: Clock | None = None,
    channels: dict[str, Channel] | None = None,
    db: Database | None = None,
    send_budget: SendBudget | None = None,
) -> App:
    """Wire the application; brings the schema up to date. Reads no environment itself."""
    if db is None:
        database = Database.from_url(settings.db_url, settings.db_timeouts, settings.db_workers)
        ensure_schema(database)
    else:
        database = db
        database.create_all()
    return App(settings, clock=clock or SystemClock(), db=database, channels=dict(channels or {}),
               send_budget=send_budget or choose_send_budget(settings, database))
