"""The Zalo Bot Platform adapter: polling or webhook in, split plain-text messages out, Zalo errors mapped to the port's."""
from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlparse

from bot.channel_state import UpdateLedger
from bot.core.ports import Capabilities, Inbound, ChatUnreachable, SendError, Sent, TransientSendError
from bot.channels.files import FileShelf
from bot.channels.split import split_text
from bot.channels.zalo_client import (
    ZaloApiError, ZaloClient, ZaloNetworkError,
    ZaloQuotaExceeded, ZaloServerError, ZaloUnauthorized,
)
from bot.channels.watch import update_arrived, update_processed
from bot.channels.webhook_http import WebhookCallback, WebhookServer
from bot.core.config import Settings
from bot.core.messages import ChatRef, IncomingMessage, Reply, Sender


log = logging.getLogger(__name__)

SECRET_HEADER = "X-Bot-Api-Secret-Token"
TEXT_EVENT = "message.text.received"
# Events without text the bot cannot read; it says so in one line. Unknown events are ignored.
MEDIA_EVENTS = {"message.image.received": "image", "message.sticker.received": "sticker",
                "message.file.received": "file", "message.voice.received": "voice",
                "message.unsupported.received": "unsupported"}
NO_FILES = ("📎 Tệp «{name}» không gửi được qua Zalo (Zalo chỉ nhận ảnh từ một địa chỉ web công khai, "
            "chưa được cấu hình). Xem tệp trên Telegram, hoặc nhờ quản trị viên gửi qua email.")
# Descriptions that say the bot can no longer post in the chat (no code is documented for it: matched loosely).
_GONE_HINTS = re.compile(r"not (a )?member|not in (the )?group|removed|blocked|kicked|no permission|"
                         r"permission denied|chat not found|user not found|group not found|invalid chat", re.I)


def render(reply: Reply) -> str:
    """The text Zalo shows: no buttons there, so the reply's typed alternative replaces them."""
    if reply.fallback_hint:
        return f"{reply.text}\n\n{reply.fallback_hint}"
    return reply.text


def unwrap(body: Any) -> dict[str, Any] | None:
    """An update from a webhook body, wrapped `{ok, result}` as documented or flat as delivered."""
    if not isinstance(body, dict):
        return None
    if "result" in body and "message" not in body:
        body = body["result"]
    if not isinstance(body, dict) or not isinstance(body.get("message"), dict):
        return None
    return body


class ZaloUnreachable(ConnectionError):
    """Zalo could not be reached at start (no route, refused, proxy, timeout): start-up retries, as for Telegram."""


class SeenIds:
    """The last `size` update ids handled by this process: a cheap first check before the database ledger."""

    def __init__(self, size: int = 10_000) -> None:
        self.size = size
        self._ids: OrderedDict[str, None] = OrderedDict()

    def add(self, update_id: str) -> bool:
        """True when new."""
        if update_id in self._ids:
            self._ids.move_to_end(update_id)
            return False
        self._ids[update_id] = None
        if len(self._ids) > self.size:
            self._ids.popitem(last=False)
        return True

    def __len__(self) -> int:
        return len(self._ids)


class ZaloChannel:
    name = "zalo"
    capabilities = Capabilities(buttons=False, mentions=False, edits=False, max_length=2000,
                                bare_commands=True, disclose_automation=True)

    def __init__(self, settings: Settings, *, client: ZaloClient | None = None, poll_timeout: int = 30,
                 retry_delay: float = 5.0, max_retry_delay: float = 60.0) -> None:
        if settings.zalo_webhook_url and len(settings.zalo_webhook_secret) < 8:
            raise ValueError("ZALO_WEBHOOK_URL needs ZALO_WEBHOOK_SECRET (8 to 256 characters)")
        self.settings = settings
        self.client = client or ZaloClient(settings.zalo_token, settings.zalo_api_base_url)
        self.poll_timeout = poll_timeout
        self.retry_delay = retry_delay
        self.max_retry_delay = max_retry_delay
        self.bot_info: dict[str, Any] = {}
        # Zalo fetches pictures from a public address: only where the web server publishes DATA_DIR/public
        self.shelf = (FileShelf(settings.data_dir / "public", settings.public_files_url)
                      if settings.public_files_url else None)
        self.seen = SeenIds()
        self.webhook: WebhookServer | None = None
        self._app: Inbound | None = None
        self._poller: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Future[Any]] = set()  # queued messages and typing indicators not yet done
        self._ledger = UpdateLedger(self.name)

    # ---- sending -------------------------------------------------------------------------------------

    async def send(self, chat_id: str, reply: Reply) -> Sent:
        photos, notes = self._files(reply)
        text = "\n\n".join(t for t in (render(reply), *notes) if t.strip())
        parts = split_text(text, self.capabilities.max_length)
        first: str | None = None
        for i, part in enumerate(parts):
            try:
                result = await self.client.send_message(chat_id, part)
            except ZaloApiError as e:
                raise self._send_error(e, chat_id, delivered_before=i > 0) from None
            first = first or (str(result.get("message_id")) if result.get("message_id") else None)
        for k, url in enumerate(photos):
            try:
                result = await self.client.send_photo(chat_id, url)
            except ZaloApiError as e:
                raise self._send_error(e, chat_id, delivered_before=bool(parts) or k > 0) from None
            first = first or (str(result.get("message_id")) if result.get("message_id") else None)
        return Sent(first)

    def _files(self, reply: Reply) -> tuple[list[str], list[str]]:
        """(picture addresses for sendPhoto, lines of text for the rest): Zalo takes no uploads, only public URLs."""
        photos: list[str] = []
        notes: list[str] = []
        for file in reply.files:
            if self.shelf is None:
                notes.append(NO_FILES.format(name=file.file_name))
            elif file.picture:
                photos.append(self.shelf.publish(file))
            else:
                notes.append(f"📎 Tải tệp «{file.file_name}»: {self.shelf.publish(file)}")
        return photos, notes

    async def edit(self, chat_id: str, message_id: str, reply: Reply) -> None:
        """Zalo cannot edit: the new text is sent as a new message."""
        await self.send(chat_id, reply)

    def _send_error(self, e: ZaloApiError, chat_id: str, *, delivered_before: bool) -> SendError:
        where = f"zalo:{chat_id}"
        if isinstance(e, ZaloQuotaExceeded):
            return TransientSendError(f"{where}: quota exceeded (429)", retry_after=e.retry_after,
                                      maybe_delivered=delivered_before)
        if isinstance(e, ZaloNetworkError):
            return TransientSendError(f"{where}: {e.description}", maybe_delivered=e.maybe_sent or delivered_before)
        if isinstance(e, ZaloServerError):
            return TransientSendError(f"{where}: Zalo server error {e.code}", maybe_delivered=True)
        if isinstance(e, ZaloUnauthorized):
            log.error("Zalo rejected the bot token (401): check ZALO_BOT_TOKEN")
            return TransientSendError(f"{where}: bot token rejected (401)")
        if _GONE_HINTS.search(e.description):
            return ChatUnreachable(f"{where}: {e.code} {e.description}")
        # Zalo documents no other code for sendMessage (a 404 may be a passing fault): try again later, keep the words.
        log.warning("Zalo sendMessage to %s refused with an undocumented code %s: %s", where, e.code, e.description)
        return TransientSendError(f"{where}: {e.code} {e.description}".strip(), maybe_delivered=delivered_before)

    # ---- receiving -----------------------------------------------------------------------------------

    async def start(self, app: Inbound) -> None:
        self._app = app
        try:
            self.bot_info = await self.client.get_me()
        except ZaloUnauthorized:
            log.error("Zalo rejected the bot token (401): the Zalo channel stays off; check ZALO_BOT_TOKEN")
            return
        except ZaloNetworkError as e:
            # Zalo (or the proxy to it) cannot be reached: bot.startup.start_channel retries with the proxy hint.
            raise ZaloUnreachable(str(e)) from None
        except ZaloApiError as e:
            log.warning("Zalo getMe failed (%s); receiving anyway", e)
        else:
            if self.bot_info.get("can_join_groups"):
                log.info("Zalo bot %s can join groups (can_join_groups=true)", self.bot_info.get("account_name", ""))
            else:
                log.warning("Zalo bot %s cannot join groups (can_join_groups=false): reminders will reach "
                            "units only through their focal points' private chats",
                            self.bot_info.get("account_name", ""))
        if self.settings.zalo_webhook_url:
            await self._start_webhook()
        else:
            await self._start_polling()

    def webhook_route(self) -> tuple[str, WebhookCallback] | None:
        """(path, callback) for the web app to serve, in webhook mode with WEB_LISTEN set; else None."""
        if not (self.settings.zalo_webhook_url and self.settings.web_listen):
            return None
        return urlparse(self.settings.zalo_webhook_url).path or "/", self.receive_webhook

    async def _start_webhook(self) -> None:
        path = urlparse(self.settings.zalo_webhook_url).path or "/"
        if self.settings.web_listen:
            log.info("Zalo webhook served by the web app on %s%s", self.settings.web_listen, path)
        else:
            self.webhook = WebhookServer(self.settings.zalo_webhook_listen, path, self.receive_webhook)
            self.webhook.start()
            log.info("Zalo webhook listening on %s:%s%s", self.webhook.host, self.webhook.port, path)
        try:
            await self.client.set_webhook(self.settings.zalo_webhook_url, self.settings.zalo_webhook_secret)
        except ZaloApiError as e:
            log.error("Zalo setWebhook failed (%s): no message will arrive until it succeeds", e)

    async def _start_polling(self) -> None:
        try:
            await self.client.delete_webhook()  # getUpdates answers nothing while a webhook is set
        except ZaloApiError as e:
            log.warning("Zalo deleteWebhook failed (%s)", e)
        self._poller = asyncio.create_task(self._poll(), name="zalo-poll")
        self._poller.add_done_callback(self._poller_ended)

    def _poller_ended(self, task: asyncio.Task[None]) -> None:
        """The polling loop only ends when stopped; if it ever ends otherwise, say so and fail readiness."""
        if task.cancelled() or self._poller is not task:
            return
        error = task.exception()
        log.error("Zalo polling stopped: %r", error, exc_info=error)
        health = getattr(self._app, "health", None)
        if health is not None:
            health.channel_waiting(self.name, f"vòng nhận tin dừng ({type(error).__name__ if error else 'kết thúc'})")

    async def _poll(self) -> None:
        delay = self.retry_delay
        while True:
            try:
                updates = await self.client.get_updates(self.poll_timeout)
            except asyncio.CancelledError:
                raise
            except ZaloUnauthorized:
                log.error("Zalo rejected the bot token (401) while polling: check ZALO_BOT_TOKEN")
                delay = self.max_retry_delay
            except ZaloQuotaExceeded as e:
                log.warning("Zalo getUpdates over quota (429)")
                delay = max(delay, e.retry_after or 0.0)
            except ZaloApiError as e:
                log.warning("Zalo getUpdates failed: %s", e)
            except Exception:
                log.exception("Zalo polling failed")
            else:
                delay = self.retry_delay
                for update in updates:
                    await self._accept_logged(update)
                continue
            await asyncio.sleep(delay)
            delay = min(delay * 2, self.max_retry_delay)

    async def receive_webhook(self, headers: Mapping[str, str], body: bytes) -> tuple[int, str]:
        """Answer one webhook call: 401/403 for a missing/wrong secret, 400 for a malformed body, else 200."""
        given = headers.get(SECRET_HEADER)
        if given is None:
            log.warning("Zalo webhook call without %s refused", SECRET_HEADER)
            return 401, "unauthorized"
        if not hmac.compare_digest(given.encode(), self.settings.zalo_webhook_secret.encode()):
            log.warning("Zalo webhook call with a wrong secret refused")
            return 403, "forbidden"
        try:
            update = unwrap(json.loads(body))
        except (ValueError, UnicodeDecodeError):
            update = None
        if update is None:
            return 400, "bad update"
        if not await self._accept_logged(update):
            return 500, "error"  # Zalo delivers it again; the ledger keeps it from being handled twice
        return 200, "ok"

    async def _accept_logged(self, update: Any) -> bool:
        """`accept`, with any exception logged: one bad update (or a database error) never stops receiving.

        False only when taking the update failed."""
        try:
            await self.accept(update)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("taking Zalo update %s failed", str(update)[:200])
            return False
        return True

    async def accept(self, update: dict[str, Any]) -> bool:
        """Take one update: skip repeats seen here, then queue it in the core (its chat's bounded queue, handled
        in the background; the ledger shared by replicas is checked there, off the event loop). True when queued."""
        msg = self.to_message(update) if isinstance(update, dict) else None
        if msg is None:
            return False
        if msg.message_id and not self.seen.add(msg.message_id):
            log.info("Zalo update %s delivered again: skipped", msg.message_id)
            return False
        app = self._app
        assert app is not None
        update_arrived(app)  # the watchdog: taken in, not processed yet
        self._track(asyncio.ensure_future(self._typing(msg)))
        claim = self._claimer(msg.message_id) if msg.message_id else None
        queued = app.submit(msg, self, claim=claim)
        queued.add_done_callback(lambda _done: update_processed(app))
        self._track(queued)
        return True

    def _track(self, work: "asyncio.Future[Any]") -> None:
        self._tasks.add(work)
        work.add_done_callback(self._tasks.discard)

    def _claimer(self, message_id: str) -> Callable[[], bool]:
        """A database call (run on a worker): True the first time any replica sees this message."""
        app = self._app
        assert app is not None

        def claim() -> bool:
            fresh = self._ledger.claim(app.db, message_id, app.clock.now())
            if not fresh:
                log.info("Zalo update %s delivered again: skipped", message_id)
            return fresh

        return claim

    async def _typing(self, msg: IncomingMessage) -> None:
        try:
            await self.client.send_chat_action(msg.chat.chat_id, "typing")
        except ZaloApiError as e:
            log.debug("Zalo typing indicator failed: %s", e)
        except Exception:
            log.exception("Zalo typing indicator failed")

    async def idle(self) -> None:
        """Wait until every message taken so far has been handled."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def to_message(self, update: dict[str, Any]) -> IncomingMessage | None:
        """The core's message for a text update (or an image, sticker, file: `media`); None for bots and the rest."""
        event = update.get("event_name")
        message = update.get("message")
        if not isinstance(message, dict) or (event is not None and event != TEXT_EVENT and event not in MEDIA_EVENTS):
            return None
        media = MEDIA_EVENTS.get(str(event), "")
        text = message.get("text") if not media else (message.get("caption") or "")
        chat = message.get("chat") if isinstance(message.get("chat"), dict) else {}
        sender = message.get("from") if isinstance(message.get("from"), dict) else {}
        chat_id = str(chat.get("id") or "")
        if not isinstance(text, str) or not chat_id or sender.get("is_bot") or (not media and not text.strip()):
            return None
        group = str(chat.get("chat_type", "")).upper() == "GROUP"
        name = str(sender.get("display_name") or sender.get("first_name") or sender.get("name") or "")
        message_id = message.get("message_id")
        return IncomingMessage(
            ChatRef(self.name, chat_id),
            Sender(str(sender.get("id") or chat_id), name),
            text=self._strip_mention(text) if group else text.strip(),
            chat_kind="group" if group else "private",
            message_id=str(message_id) if message_id else None,
            # In a group Zalo shows the bot only messages that mention it or reply to it.
            mentioned=group,
            media=media,
        )

    def _strip_mention(self, text: str) -> str:
        """'@Trợ lý CCHC /han' -> '/han' for the names the bot knows (ZALO_BOT_NAME, getMe's account_name).

        getMe does not give the name users see: any other leading @-mention is left to the core, which
        finds the command or question after it.
        """
        text = unicodedata.normalize("NFC", text)
        names = (self.settings.zalo_bot_name, self.bot_info.get("display_name"), self.bot_info.get("account_name"))
        for name in names:
            if isinstance(name, str) and name.strip():
                name = unicodedata.normalize("NFC", name.strip())
                text = re.sub(r"@" + re.escape(name) + r"(?!\w)[:,]?", " ", text, flags=re.I)
        return " ".join(text.split())

    async def stop(self) -> None:
        if self._poller is not None:
            poller, self._poller = self._poller, None
            poller.cancel()
            try:
                await poller
            except asyncio.CancelledError:
                pass
            except BaseException:  # it had ended on its own: logged then (_poller_ended)
                pass
        if self.webhook is not None:
            await self.webhook.stop()
            self.webhook = None
        await self.idle()
        await self.client.close()
