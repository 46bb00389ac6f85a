"""The Telegram channel: python-telegram-bot 22 behind the channel port (polling, or a webhook with a secret)."""
from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx

from telegram import (
    BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats, BotCommandScopeChat,
    BotCommandScopeDefault, CallbackQuery, ChatMember, ChatMemberUpdated,
    InputFile, LinkPreviewOptions, Message, ReplyParameters, Update,
)
from telegram.constants import ParseMode
from telegram.error import InvalidToken, TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler
from telegram.request import BaseRequest

from bot.channel_state import UpdateLedger
from bot.core.ports import Capabilities, Inbound, MenuItem, SendError, Sent, TransientSendError
from bot.channels.download import TooBig, fetch_limited
from bot.channels.watch import WatchedQueue, protect_ptb_logging, update_arrived, update_processed
from bot.channels.webhook_http import WebhookCallback, WebhookServer
from bot.channels.telegram_concurrency import PerChatUpdateProcessor, TtlCache
from bot.channels.telegram_errors import NOT_MODIFIED, to_send_error
from bot.channels.telegram_pacing import BudgetRateLimiter, TelegramLimits
from bot.channels.telegram_render import keyboard, render_pieces, render_single
from bot.channels.telegram_updates import (
    as_chat_admin, button_press, chat_kind, chat_ref, for_another_bot, incoming, is_command, membership_change,
    sender_of,
)
from bot.core.budget.pacer import SendPacer
from bot.core.config import Settings
from bot.core.logs import redact
from bot.core.messages import Attachment, IncomingMessage, OutgoingFile, Reply, Sender


log = logging.getLogger(__name__)
T = TypeVar("T")

ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.MY_CHAT_MEMBER]
_SECRET_SHAPE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
MB = 1024 * 1024

WELCOME = (
    "Xin chào! Tôi là Trợ lý CCHC — trợ lý tự động (bot) của Sở Nội vụ.\n"
    "Để nhóm này nhận nhắc hạn nộp báo cáo CCHC, một quản trị viên của nhóm gõ:\n"
    "/dangky <tên đơn vị>   (ví dụ: /dangky Sở Tư pháp)\n"
    "Hỏi đáp trong nhóm: /hoi <câu hỏi>, hoặc nhắc tên bot ({mention}) kèm câu hỏi. "
    "Gõ /help để xem các lệnh."
)
CAPTION_LENGTH = 1024  # a file's caption, in UTF-16 units
MAX_PHOTO_BYTES = 10 * 1024 * 1024  # larger pictures go as documents
GROUP_MENU = ("hoi", "han", "danop", "dangky", "lich", "help")  # what members of a unit's group need
DESCRIPTION = (
    "Trợ lý CCHC là trợ lý tự động (bot) của Sở Nội vụ, không phải người trực. Trợ lý trả lời câu hỏi về "
    "các văn bản chỉ đạo cải cách hành chính kèm trích dẫn, và nhắc các đơn vị hạn nộp báo cáo.\n\n"
    "Dữ liệu cá nhân: bot lưu tên hiển thị, mã tài khoản Telegram và tin nhắn gửi cho bot, chỉ để trả lời "
    "và nhắc hạn, theo Nghị định 13/2023/NĐ-CP về bảo vệ dữ liệu cá nhân. Muốn xóa dữ liệu của mình, "
    "hãy liên hệ Sở Nội vụ."
)
SHORT_DESCRIPTION = "Trợ lý tự động của Sở Nội vụ: hỏi đáp văn bản CCHC, nhắc hạn báo cáo. Dữ liệu cá nhân theo NĐ 13/2023."
STALE = ("Xin lỗi, trợ lý vừa tạm ngừng hoạt động nên tin nhắn cũ của bạn chưa được trả lời. "
         "Bạn vui lòng gửi lại câu hỏi (các lệnh /… và nút bấm đã gửi vẫn được xử lý).")
TOKEN_REJECTED = ("Telegram từ chối TELEGRAM_BOT_TOKEN (sai hoặc đã bị thu hồi). "
                  "Lấy lại token ở @BotFather (/mybots → API Token) rồi khởi động lại bot.")
TOO_BIG = "Tệp «{name}» quá lớn ({size:.1f} MB). Giới hạn là {limit:.0f} MB; hãy gửi tệp nhỏ hơn."
DOWNLOAD_FAILED = "Không tải được tệp «{name}» từ Telegram. Vui lòng gửi lại sau ít phút."


def webhook_settings_error(settings: Settings) -> str | None:
    """Why the webhook settings cannot be used, or None when they are fine (or polling is configured)."""
    if not settings.telegram_webhook_url:
        return None
    if not settings.telegram_webhook_secret:
        return ("Chế độ webhook (TELEGRAM_WEBHOOK_URL) bắt buộc có TELEGRAM_WEBHOOK_SECRET: đặt một chuỗi bí mật "
                "1–256 ký tự A-Z, a-z, 0-9, _ hoặc -. Bot không khởi động khi thiếu nó.")
    if not _SECRET_SHAPE.match(settings.telegram_webhook_secret):
        return "TELEGRAM_WEBHOOK_SECRET chỉ được gồm 1–256 ký tự A-Z, a-z, 0-9, _ hoặc -."
    host, _, port = settings.telegram_webhook_listen.rpartition(":")
    if not host or not port.isdigit():
        return "TELEGRAM_WEBHOOK_LISTEN phải có dạng địa_chỉ:cổng, ví dụ 0.0.0.0:8443."
    return None


class TelegramChannel:
    name = "telegram"
    capabilities = Capabilities(buttons=True, mentions=True, edits=True, max_length=4096, files=True)

    def __init__(
        self,
        settings: Settings,
        *,
        request: BaseRequest | None = None,
        poll_interval: float = 0.0,
        poll_timeout: int = 10,
        network_retries: int = 2,
        retry_delay: float = 1.0,
        max_flood_wait: float = 30.0,
        concurrency: int = 16,
        admin_cache_seconds: float = 300.0,
        menu_refresh_seconds: float = 60.0,
    ) -> None:
        """`request` replaces PTB's HTTP client (tests); the rest tune polling and retries."""
        problem = webhook_settings_error(settings)
        if problem:
            raise ValueError(problem)
        self.settings = settings
        self.poll_interval, self.poll_timeout = poll_interval, poll_timeout
        self.network_retries, self.retry_delay = network_retries, retry_delay
        self._secrets = settings.secrets()
        self._app: Inbound | None = None
        self._ledger = UpdateLedger(self.name)
        self._queued: set[asyncio.Future[Any]] = set()  # messages in the core's queues, not yet answered
        self.webhook: WebhookServer | None = None
        protect_ptb_logging()
        # Every update, polled or posted to the webhook, passes this queue: the watchdog counts it there.
        self._updates = WatchedQueue(lambda item: self._watch(arrived=True) if isinstance(item, Update) else None)
        self.limiter = BudgetRateLimiter(bot_id=settings.telegram_token.partition(":")[0],
                                         limits=TelegramLimits.for_rate(settings.telegram_send_rate),
                                         max_wait=max_flood_wait, max_retries=3)
        builder = (
            ApplicationBuilder()
            .update_queue(self._updates)
            .token(settings.telegram_token)
            .base_url(settings.telegram_api_base_url)
            .base_file_url(_file_url(settings.telegram_api_base_url))
            .job_queue(None)  # reminders come from our own scheduler through the channel port
            .rate_limiter(self.limiter)
            .concurrent_updates(PerChatUpdateProcessor(concurrency))
        )
        self.menu_refresh_seconds = menu_refresh_seconds
        self._admin_menus: dict[str, list[BotCommand]] = {}  # user id -> the menu last set in their private chat
        self._menu_task: asyncio.Task[None] | None = None
        self._told_stale: set[int] = set()  # private chats told that their backlog was not answered
        self._admins = TtlCache(admin_cache_seconds)  # (chat, user) -> is a group admin: getChatMember is costly
        if request is not None:
            builder = builder.request(request).get_updates_request(request)
        self.application: Application = builder.build()  # type: ignore[type-arg]
        self.application.add_handler(TypeHandler(Update, self._on_update))
        self.application.add_error_handler(self._on_error)

    @property
    def bot(self) -> Any:
        return self.application.bot

    # -- lifecycle ---------------------------------------------------------------------------------

    async def start(self, app: Inbound) -> None:
        self._app = app
        self.limiter.pacer = SendPacer(app.send_budget)  # shared by every replica with PostgreSQL or Redis
        try:
            await self.application.initialize()  # getMe: checks the token
        except InvalidToken:
            await self.application.shutdown()
            # PTB's own message quotes the token: raise without it (and without the chained exception)
            raise RuntimeError(TOKEN_REJECTED) from None
        # The deep-link prefix is known once getMe named the bot: onboarding links (/moi) are built from it.
        self.capabilities = replace(self.capabilities, start_link=f"https://t.me/{self.bot.username}?start=")
        await self._present(app)
        self._menu_task = asyncio.create_task(self._watch_admins(app), name="telegram-admin-menus")
        await self.application.start()
        if self.settings.telegram_webhook_url:
            if not self.settings.web_listen:  # else the web app serves webhook_route() (bot.web.webhooks)
                # Our own server rather than PTB's: PTB answers 500 to a body that is not JSON.
                self.webhook = WebhookServer(self.settings.telegram_webhook_listen,
                                             urlsplit(self.settings.telegram_webhook_url).path or "/", self._on_webhook)
                self.webhook.start()
            try:
                await self.bot.set_webhook(self.settings.telegram_webhook_url, allowed_updates=ALLOWED_UPDATES,
                                           secret_token=self.settings.telegram_webhook_secret)
            except TelegramError as e:
                log.error("telegram: setWebhook failed (%s): no update will arrive until it succeeds",
                          self._redact(str(e)))
            log.info("telegram: webhook mode, listening on %s",
                     self.settings.web_listen or self.settings.telegram_webhook_listen)
        else:
            updater = self.application.updater
            assert updater is not None
            await updater.start_polling(poll_interval=self.poll_interval, timeout=self.poll_timeout,
                                        allowed_updates=ALLOWED_UPDATES)
            log.info("telegram: long polling as @%s", self.bot.username)

    def webhook_route(self) -> tuple[str, WebhookCallback] | None:
        """(path, callback) for the web app to serve, in webhook mode with WEB_LISTEN set; else None."""
        if not (self.settings.telegram_webhook_url and self.settings.web_listen):
            return None
        return urlsplit(self.settings.telegram_webhook_url).path or "/", self._on_webhook

    async def _on_webhook(self, headers: Mapping[str, str], body: bytes) -> tuple[int, str]:
        """One webhook call: the secret header checked, the body an update or 400, nothing else processed."""
        given = headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        if not hmac.compare_digest(given.encode(), self.settings.telegram_webhook_secret.encode()):
            return 403, "forbidden"
        try:
            data = json.loads(body)
            update = Update.de_json(data, self.bot) if isinstance(data, dict) else None
        except Exception:  # not JSON, or not an Update
            update = None
        if update is None:
            return 400, "bad update"
        await self.application.update_queue.put(update)  # counted by the watchdog there
        return 200, "ok"

    async def stop(self) -> None:
        if self._menu_task is not None:
            self._menu_task.cancel()
            try:
                await self._menu_task
            except asyncio.CancelledError:
                pass
            self._menu_task = None
        if self.webhook is not None:
            await self.webhook.stop()
            self.webhook = None
        updater = self.application.updater
        if updater is not None and updater.running:
            await updater.stop()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()

    async def _present(self, app: Inbound) -> None:
        """Menus for private chats and groups (in Vietnamese, and as the default), the bot's descriptions, admin menus."""
        menu = await app.db.call(app.command_menu, self.name)
        everyone = _commands(menu.everyone)
        in_groups = [c for c in everyone if c.command in GROUP_MENU]
        for language in ("vi", None):
            await self._menu(everyone, BotCommandScopeDefault(), language)
            await self._menu(everyone, BotCommandScopeAllPrivateChats(), language)
            await self._menu(in_groups, BotCommandScopeAllGroupChats(), language)
            await self._describe(language)
        await self.refresh_admin_menus(app)

    async def refresh_admin_menus(self, app: Inbound) -> None:
        """Each admin's private menu as their role is now: set where it changed, removed for former admins."""
        menu = await app.db.call(app.command_menu, self.name)  # the event loop never waits on the database
        wanted = {uid: _commands(items) for uid, items in menu.by_user.items() if uid.lstrip("-").isdigit()}
        for user_id, commands in wanted.items():
            if self._admin_menus.get(user_id) != commands:
                self._admin_menus[user_id] = commands  # also after a failure: retried when the role changes again
                for language in ("vi", None):
                    await self._menu(commands, BotCommandScopeChat(int(user_id)), language)
        for user_id in sorted(set(self._admin_menus) - set(wanted)):
            del self._admin_menus[user_id]
            for language in ("vi", None):
                try:
                    await self.bot.delete_my_commands(scope=BotCommandScopeChat(int(user_id)), language_code=language)
                except TelegramError as e:
                    log.warning("telegram: deleteMyCommands failed: %s", self._redact(str(e)))

    async def _watch_admins(self, app: Inbound) -> None:
        """Admins granted or revoked (by /quyen in any replica, or the CLI) get their menu within a minute."""
        while True:
            await asyncio.sleep(self.menu_refresh_seconds)
            try:
                await self.refresh_admin_menus(app)
            except Exception:
                log.exception("telegram: refreshing admin menus failed")

    async def _menu(self, commands: list[BotCommand], scope: Any, language: str | None = None) -> None:
        try:
            await self.bot.set_my_commands(commands, scope=scope, language_code=language)
        except TelegramError as e:  # e.g. an admin who never opened the bot: "chat not found"
            log.warning("telegram: setMyCommands for %s failed: %s", type(scope).__name__, self._redact(str(e)))

    async def _describe(self, language: str | None) -> None:
        try:
            await self.bot.set_my_description(DESCRIPTION, language_code=language)
            await self.bot.set_my_short_description(SHORT_DESCRIPTION, language_code=language)
        except TelegramError as e:
            log.warning("telegram: setting the bot's description failed: %s", self._redact(str(e)))

    # -- sending -----------------------------------------------------------------------------------

    async def send(self, chat_id: str, reply: Reply) -> Sent:
        if reply.files:
            return await self._send_files(chat_id, reply)
        pieces = render_pieces(reply)
        markup = keyboard(reply.buttons)
        last: Message | None = None
        thread = int(reply.thread_id) if reply.thread_id and reply.thread_id.isdigit() else None
        for i, piece in enumerate(pieces):
            is_last = i == len(pieces) - 1
            answer_to = _reply_parameters(reply.reply_to) if i == 0 else None

            def post(piece: str = piece, is_last: bool = is_last, answer_to: Any = answer_to) -> Awaitable[Message]:
                return self.bot.send_message(
                    chat_id=_numeric(chat_id), text=piece, parse_mode=ParseMode.HTML,
                    reply_markup=markup if is_last else None, message_thread_id=thread, reply_parameters=answer_to,
                    link_preview_options=LinkPreviewOptions(is_disabled=True),
                )

            try:
                last = await self._call(post)
            except TransientSendError as e:
                if i == 0:
                    raise
                raise TransientSendError(f"sent {i} of {len(pieces)} parts, then: {e}", retry_after=e.retry_after,
                                         maybe_delivered=True) from e
        return Sent(str(last.message_id) if last is not None else None)

    async def _send_files(self, chat_id: str, reply: Reply) -> Sent:
        """The files with sendDocument/sendPhoto; a short text is the first one's caption, a long one goes before."""
        pieces = render_pieces(reply, CAPTION_LENGTH) if reply.text.strip() or reply.mentions else []
        caption = pieces[0] if len(pieces) == 1 else None
        sent_before = 0
        answer_to = _reply_parameters(reply.reply_to)
        if pieces and caption is None:
            await self.send(chat_id, replace(reply, files=(), buttons=()))
            sent_before, answer_to = 1, None
        thread = int(reply.thread_id) if reply.thread_id and reply.thread_id.isdigit() else None
        last: Message | None = None
        for i, file in enumerate(reply.files):
            is_last = i == len(reply.files) - 1
            options: dict[str, Any] = dict(
                chat_id=_numeric(chat_id), caption=caption if i == 0 else None,
                parse_mode=ParseMode.HTML if caption and i == 0 else None,
                reply_markup=keyboard(reply.buttons) if is_last else None, message_thread_id=thread,
                reply_parameters=answer_to if i == 0 else None,
            )
            as_picture = file.picture and len(file.data) <= MAX_PHOTO_BYTES

            def post(file: OutgoingFile = file, options: dict[str, Any] = options,
                     as_picture: bool = as_picture) -> Awaitable[Message]:
                upload = InputFile(file.data, filename=file.file_name)
                if as_picture:
                    return self.bot.send_photo(photo=upload, **options)
                return self.bot.send_document(document=upload, **options)

            try:
                last = await self._call(post)
            except TransientSendError as e:
                if i + sent_before == 0:
                    raise
                raise TransientSendError(f"sent {i + sent_before} parts, then: {e}", retry_after=e.retry_after,
                                         maybe_delivered=True) from e
        return Sent(str(last.message_id) if last is not None else None)

    async def edit(self, chat_id: str, message_id: str, reply: Reply) -> None:
        text = render_single(reply) or "…"

        def post() -> Awaitable[Any]:
            return self.bot.edit_message_text(
                text=text, chat_id=_numeric(chat_id), message_id=int(message_id), parse_mode=ParseMode.HTML,
                reply_markup=keyboard(reply.buttons),  # None drops the buttons
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )

        try:
            await self._call(post)
        except SendError as e:
            if NOT_MODIFIED not in str(e).lower():
                raise

    async def _call(self, post: Callable[[], Awaitable[T]]) -> T:
        """Run one Bot API call; repeat it only after failures that cannot have delivered anything."""
        attempt = 0
        while True:
            try:
                return await post()
            except TelegramError as e:
                error = to_send_error(e, self._secrets)
            retry = (isinstance(error, TransientSendError) and not error.maybe_delivered
                     and error.retry_after is None and attempt < self.network_retries)
            if not retry:
                raise error
            attempt += 1
            log.info("telegram: %s; retrying (%d/%d)", error, attempt, self.network_retries)
            await asyncio.sleep(self.retry_delay * attempt)

    # -- receiving ---------------------------------------------------------------------------------

    def _watch(self, *, arrived: bool) -> None:
        """Tell the update watchdog (bot.core.health) that an update arrived or was processed."""
        if self._app is not None:
            update_arrived(self._app) if arrived else update_processed(self._app)

    async def _on_update(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        queued: asyncio.Future[Any] | None = None
        try:
            queued = await self._handle_update(update)  # an exception goes to _on_error (logged); PTB goes on
        finally:
            if queued is None:  # polling and webhook alike
                self._watch(arrived=False)
            else:  # processed once the core's per-chat queue has handled it
                queued.add_done_callback(lambda _done: self._watch(arrived=False))

    async def _handle_update(self, update: Update) -> asyncio.Future[Any] | None:
        """Hand the update to the core's per-chat queue (the future of its handling), or deal with it here."""
        if self._app is None:
            return None
        claim = self._claimer(update.update_id)
        if update.my_chat_member is not None:
            if await self._app.db.call(claim):
                await self._on_membership(update.my_chat_member)
        elif update.callback_query is not None:
            return await self._on_button(update.callback_query, claim)
        elif update.message is not None:
            if self._stale(update.message):
                if await self._app.db.call(claim):
                    await self._on_stale(update.message)
                return None
            return await self._on_message(update.message, claim)
        return None

    def _stale(self, message: Message) -> bool:
        """An old message from a backlog (the bot was down): commands, files and service messages are still handled.

        Button presses carry no date of their own and are always handled (confirmations are never lost).
        """
        app = self._app
        assert app is not None
        limit = self.settings.telegram_max_update_age
        if limit <= 0 or message.date is None or (message.text or "").startswith("/"):
            return False
        if message.document is not None or message.migrate_to_chat_id:
            return False
        return (app.clock.now() - message.date).total_seconds() > limit

    async def _on_stale(self, message: Message) -> None:
        """Private chats are told once that their old message was not answered; group chatter is let go."""
        log.info("telegram: message %s in %s is %s old: not answered", message.message_id, message.chat.id,
                 message.date)
        if message.chat.type != "private" or message.chat.id in self._told_stale:
            return
        self._told_stale.add(message.chat.id)
        app = self._app
        assert app is not None
        msg = IncomingMessage(chat_ref(message.chat), sender_of(message.from_user) if message.from_user else
                              Sender(str(message.chat.id)), chat_kind="private")
        await app.deliver(msg, [Reply(STALE)], self)

    def _claimer(self, update_id: int) -> Callable[[], bool]:
        """A database call, run off the event loop: True the first time any replica sees this update."""
        app = self._app
        assert app is not None

        def claim() -> bool:
            fresh = self._ledger.claim(app.db, str(update_id), app.clock.now())
            if not fresh:
                log.info("telegram: update %s delivered again: skipped", update_id)
            return fresh

        return claim

    async def _on_message(self, message: Message, claim: Callable[[], bool]) -> asyncio.Future[Any] | None:
        app = self._app
        assert app is not None
        if message.migrate_to_chat_id:
            if await app.db.call(claim):
                await app.db.call(app.chat_moved, chat_ref(message.chat), str(message.migrate_to_chat_id))
            return None
        msg = incoming(message, self.bot.bot)
        if msg is None or for_another_bot(message, self.bot.username):
            return None
        if msg.chat_kind == "group" and is_command(message) and not msg.sender.is_chat_admin:
            if await self._is_group_admin(message.chat.id, message.from_user.id if message.from_user else 0):
                msg = as_chat_admin(msg)
        photo_by_admin = (bool(message.photo) and msg.chat_kind == "private"
                          and await app.db.call(app.is_admin, self.name, msg.sender.user_id))
        if message.document is not None or photo_by_admin:  # an admin's photo of a page is read by OCR
            if msg.chat_kind != "private" or not await app.db.call(claim):
                return None  # files shared in groups are the members' business; a repeat is skipped
            prepared = await self._with_document(msg, message)
            if isinstance(prepared, str):
                await self._deliver(msg, Reply(prepared))
                return None
            return self._dispatch(prepared)
        return self._dispatch(msg, claim)

    async def _on_button(self, query: CallbackQuery, claim: Callable[[], bool]) -> asyncio.Future[Any] | None:
        try:
            await query.answer()  # stops the spinner on the user's button
        except TelegramError as e:
            log.info("telegram: answerCallbackQuery failed: %s", self._redact(str(e)))
        msg = button_press(query)
        return self._dispatch(msg, claim) if msg is not None else None

    async def _on_membership(self, update: ChatMemberUpdated) -> None:
        app = self._app
        assert app is not None
        if update.new_chat_member.user.id != self.bot.id or chat_kind(update.chat) != "group":
            return  # a private chat blocked by its user surfaces as Forbidden on the next send
        change = membership_change(update)
        ref = chat_ref(update.chat)
        if change == "added":
            text = WELCOME.format(mention=f"@{self.bot.username}")
            try:
                await self.send(ref.chat_id, Reply(text))
            except SendError as e:
                app.send_failed(self.name, e)
                log.warning("telegram: welcome to %s failed: %s", ref, e)
        elif change == "removed":
            gone = update.new_chat_member.status == ChatMember.BANNED
            await app.chat_gone(ref, "bot bị xoá khỏi nhóm" if gone else "bot đã rời nhóm")

    def _dispatch(self, msg: IncomingMessage, claim: Callable[[], bool] | None = None) -> asyncio.Future[Any]:
        """Into the core's per-chat queue (bounded, fair across chats); returns at once."""
        app = self._app
        assert app is not None
        queued = app.submit(msg, self, claim=claim)
        self._queued.add(queued)
        queued.add_done_callback(self._queued.discard)
        return queued

    async def idle(self) -> None:
        """Wait until every message handed to the core so far has been handled and answered."""
        while self._queued:
            await asyncio.gather(*list(self._queued), return_exceptions=True)

    async def _deliver(self, msg: IncomingMessage, reply: Reply) -> None:
        """A reply of the adapter's own (e.g. a file refused before download), through the core's reply path."""
        app = self._app
        assert app is not None
        await app.deliver(msg, [reply], self)

    async def _is_group_admin(self, chat_id: int, user_id: int) -> bool:
        """Whether the user administers the group; answers kept a few minutes (each call spends the group's budget)."""
        known = self._admins.get((chat_id, user_id))
        if known is not None:
            return bool(known)
        try:
            member = await self.bot.get_chat_member(chat_id, user_id)
        except TelegramError as e:
            log.info("telegram: getChatMember failed: %s", self._redact(str(e)))
            return False
        answer = member.status in (ChatMember.ADMINISTRATOR, ChatMember.OWNER)
        self._admins.put((chat_id, user_id), answer)
        return answer

    async def _with_document(self, msg: IncomingMessage, message: Message) -> IncomingMessage | str:
        """The message with its file loaded, or the Vietnamese reason why not (checked before downloading)."""
        app = self._app
        assert app is not None and (message.document is not None or message.photo)
        if message.document is not None:
            doc: Any = message.document
            name, mime = doc.file_name or "tệp", doc.mime_type or ""
        else:
            doc = message.photo[-1]  # the largest size Telegram keeps (photos are sent as JPEG)
            name, mime = f"anh-{doc.file_unique_id}.jpg", "image/jpeg"
            msg = replace(msg, media="")
        if not await app.db.call(app.is_admin, self.name, msg.sender.user_id):  # not downloaded: the core refuses
            return replace(msg, document=Attachment(name, b"", mime))
        limit = app.settings.max_upload_bytes
        too_big = TOO_BIG.format(name=name, size=(doc.file_size or 0) / MB, limit=limit / MB)
        if doc.file_size is not None and doc.file_size > limit:
            return too_big
        try:
            file = await doc.get_file()
            if file.file_size is not None and file.file_size > limit:
                return TOO_BIG.format(name=name, size=file.file_size / MB, limit=limit / MB)
            data = await fetch_limited(str(file.file_path), limit)  # stops at the limit, declared size or not
        except TooBig as e:
            return TOO_BIG.format(name=name, size=e.size / MB, limit=limit / MB)
        except (TelegramError, httpx.HTTPError, OSError) as e:
            log.warning("telegram: download of %r failed: %s", name, self._redact(str(e)))
            return DOWNLOAD_FAILED.format(name=name)
        return replace(msg, document=Attachment(name, data, mime))

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("telegram: update handling failed: %s", self._redact(repr(context.error)),
                  exc_info=context.error)

    def _redact(self, text: str) -> str:
        return redact(text, self._secrets)


def _commands(items: tuple[MenuItem, ...]) -> list[BotCommand]:
    return [BotCommand(c.name, c.help[:256]) for c in items]


def _reply_parameters(message_id: str | None) -> ReplyParameters | None:
    """Shown as a reply to `message_id`; sent anyway if that message was deleted meanwhile."""
    if not message_id or not message_id.isdigit():
        return None
    return ReplyParameters(int(message_id), allow_sending_without_reply=True)


def _numeric(chat_id: str) -> int | str:
    """Telegram chat ids are integers; anything else (an @channel name) goes as written."""
    return int(chat_id) if chat_id.lstrip("-").isdigit() else chat_id


def _file_url(base_url: str) -> str:
    """The file download base for an API base: `…/bot` -> `…/file/bot`."""
    stripped = base_url.rstrip("/")
    if stripped.endswith("/bot"):
        return stripped[: -len("/bot")] + "/file/bot"
    return "https://api.telegram.org/file/bot"
