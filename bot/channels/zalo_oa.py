"""Plan B: a Zalo Official Account (Open API v3) behind the same channel port: group and 1:1 texts, token rotation, signed webhooks."""
from __future__ import annotations

import asyncio
import concurrent.futures
import hashlib
import hmac
import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx

from bot.channel_state import UpdateLedger, get_secret, put_secret
from bot.core.ports import Capabilities, Inbound, ChatUnreachable, SendError, Sent, TransientSendError
from bot.channels.split import split_text
from bot.channels.zalo import NO_FILES, render
from bot.channels.watch import update_arrived, update_processed
from bot.channels.webhook_http import WebhookServer
from bot.core.config import Settings
from bot.core.messages import ChatRef, IncomingMessage, Reply, Sender
from bot.core.network import backoff, proxy_hint


log = logging.getLogger(__name__)

GROUP_PREFIX = "g:"  # chat ids of OA groups; a bare id is a user's 1:1 chat
SIGNATURE_HEADER = "X-ZEvent-Signature"
GROUP_TEXT = "user_send_group_text"
TEXT_EVENTS = {"user_send_text", GROUP_TEXT}
TOKEN_EXPIRED = -216
RATE_LIMITED = {-32}
USER_UNREACHABLE = {-213, -230}  # not a follower / no interaction with the OA for 7 days
ACCESS, REFRESH, SEED = "zalo_oa.access_token", "zalo_oa.refresh_token", "zalo_oa.refresh_seed"
MARGIN = timedelta(minutes=5)


class OAAuthError(SendError):
    """The refresh token was refused: an operator must issue a new one (ZALO_OA_REFRESH_TOKEN)."""


class _RefreshUnavailable(Exception):
    """Zalo's OAuth server could not be reached or answered 5xx / not JSON: worth another attempt."""


def signature(app_id: str, body: bytes, timestamp: str, secret_key: str) -> str:
    """The `X-ZEvent-Signature` value Zalo puts on an OA webhook call."""
    return "mac=" + hashlib.sha256(app_id.encode() + body + timestamp.encode() + secret_key.encode()).hexdigest()


def _aware(dt: datetime | None) -> datetime | None:
    """Stored times are UTC; SQLite gives them back naive."""
    return dt.replace(tzinfo=timezone.utc) if dt is not None and dt.tzinfo is None else dt


class ZaloOAChannel:
    name = "zalo_oa"
    capabilities = Capabilities(buttons=False, mentions=False, edits=False, max_length=2000,
                                bare_commands=True, disclose_automation=True)

    def __init__(self, settings: Settings, *, transport: httpx.AsyncBaseTransport | None = None,
                 timeout: float = 20.0, refresh_attempts: int = 4, retry_delay: float = 1.0,
                 max_retry_delay: float = 30.0, sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.settings = settings
        self._timeout = timeout
        self._http = httpx.AsyncClient(timeout=timeout, transport=transport)
        self._lock = asyncio.Lock()
        self.refresh_attempts, self.retry_delay, self.max_retry_delay = refresh_attempts, retry_delay, max_retry_delay
        self._sleep = sleep
        # The token's transaction runs here, not on the database workers: a send on the serving loop must never
        # wait for a worker (the workers may all be handlers waiting for their sends).
        self._token_thread = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="zalo-oa-token")
        self._access = ""
        self._expires: datetime | None = None
        self._app: Inbound | None = None
        self.webhook: WebhookServer | None = None
        self._tasks: set[asyncio.Future[Any]] = set()
        self._ledger = UpdateLedger(self.name)

    # ---- access token -----------------------------------------------------------------------------

    def _now(self) -> datetime:
        clock_now = self._app.clock.now() if self._app is not None else datetime.now(timezone.utc)
        return clock_now.astimezone(timezone.utc)

    async def access_token(self, *, rejected: str = "") -> str:
        """A valid access token, refreshing (and storing the rotated refresh token) when needed.

        `rejected` is a token Zalo just called expired: it is not reused even if it looks fresh. The database work
        runs on a thread of its own and the refresh's HTTP call on the serving loop, which never waits for either;
        a refresh that cannot reach Zalo (network error, 5xx) is retried with backoff, then a TransientSendError.
        """
        if self._app is None:
            raise SendError("the Zalo OA channel is not started")
        async with self._lock:
            now = self._now()
            if self._access and self._access != rejected and self._expires and self._expires > now + MARGIN:
                return self._access
            loop = asyncio.get_running_loop()
            attempt = 0
            while True:
                attempt += 1
                try:
                    self._access, self._expires = await loop.run_in_executor(
                        self._token_thread, self._obtain, loop, now, rejected)
                    return self._access
                except _RefreshUnavailable as e:
                    if attempt >= self.refresh_attempts:
                        log.warning("Zalo OA token refresh failed %d times (%s); sends wait for the next try; %s",
                                    attempt, e, proxy_hint())
                        raise TransientSendError(f"Zalo OA token refresh failed: {e}") from None
                    delay = backoff(attempt, self.retry_delay, self.max_retry_delay)
                    log.warning("Zalo OA token refresh failed (%s); attempt %d, retrying in %.0f s; %s",
                                e, attempt, delay, proxy_hint())
                    await self._sleep(delay)
                    now = self._now()

    def _obtain(self, loop: asyncio.AbstractEventLoop, now: datetime, rejected: str) -> tuple[str, datetime]:
        """On the token thread: the stored access token if still good, else a refresh stored in one transaction."""
        assert self._app is not None
        with self._app.db.session() as s:
            self._seed(s, now)
            access = get_secret(s, ACCESS)
            expires = _aware(access.expires_at) if access else None
            if access and access.value and access.value != rejected and expires and expires > now + MARGIN:
                return access.value, expires
            refresh = get_secret(s, REFRESH, for_update=True)  # other replicas wait here
            if refresh is None:
                raise OAAuthError("no Zalo OA refresh token: set ZALO_OA_REFRESH_TOKEN")
            call = asyncio.run_coroutine_threadsafe(self._refresh(refresh.value), loop)
            try:
                new_access, new_refresh, lifetime = call.result(timeout=self._timeout + 10)
            except concurrent.futures.TimeoutError:
                call.cancel()
                raise _RefreshUnavailable("no answer") from None
            expires = now + timedelta(seconds=lifetime)
            # One transaction: the rotated refresh token and its access token are stored together or not at all.
            put_secret(s, REFRESH, new_refresh, now=now)
            put_secret(s, ACCESS, new_access, now=now, expires_at=expires)
        log.info("Zalo OA access token refreshed; valid until %s", expires.isoformat(timespec="minutes"))
        return new_access, expires

    def _seed(self, session: Any, now: datetime) -> None:
        """Take ZALO_OA_REFRESH_TOKEN as the chain's start the first time, and again when the operator changes it."""
        given = self.settings.zalo_oa_refresh_token
        if not given:
            return
        digest = hashlib.sha256(given.encode()).hexdigest()
        seed = get_secret(session, SEED)
        if seed is not None and seed.value == digest:
            return
        put_secret(session, REFRESH, given, now=now)
        put_secret(session, ACCESS, "", now=now, expires_at=None)
        put_secret(session, SEED, digest, now=now)

    async def _refresh(self, refresh_token: str) -> tuple[str, str, int]:
        url = self.settings.zalo_oa_oauth_base_url.rstrip("/") + "/v4/oa/access_token"
        form = {"app_id": self.settings.zalo_oa_app_id, "grant_type": "refresh_token", "refresh_token": refresh_token}
        try:
            response = await self._http.post(url, data=form, headers={"secret_key": self.settings.zalo_oa_app_secret})
        except httpx.HTTPError as e:
            raise _RefreshUnavailable(type(e).__name__) from None
        if response.status_code >= 500:
            raise _RefreshUnavailable(f"HTTP {response.status_code}")
        try:
            body = response.json()
        except ValueError:
            raise _RefreshUnavailable(f"HTTP {response.status_code}, not JSON") from None
        if not isinstance(body, dict) or not body.get("access_token") or not body.get("refresh_token"):
            code = body.get("error") if isinstance(body, dict) else None
            log.error("Zalo OA refused the refresh token (error %s): issue a new ZALO_OA_REFRESH_TOKEN", code)
            raise OAAuthError(f"Zalo OA token refresh refused (error {code})")
        return str(body["access_token"]), str(body["refresh_token"]), int(body.get("expires_in") or 90000)

    # ---- sending ----------------------------------------------------------------------------------

    async def send(self, chat_id: str, reply: Reply) -> Sent:
        if chat_id.startswith(GROUP_PREFIX):
            path, recipient = "/v3.0/oa/group/message", {"group_id": chat_id[len(GROUP_PREFIX):]}
        else:
            path, recipient = "/v3.0/oa/message/cs", {"user_id": chat_id}
        first: str | None = None
        text = "\n\n".join([render(reply), *(NO_FILES.format(name=f.file_name) for f in reply.files)]).strip()
        for i, part in enumerate(split_text(text, self.capabilities.max_length)):
            data = await self._post(path, {"recipient": recipient, "message": {"text": part}}, chat_id, i > 0)
            message_id = (data.get("data") or {}).get("message_id") if isinstance(data.get("data"), dict) else None
            first = first or (str(message_id) if message_id else None)
        return Sent(first)

    async def edit(self, chat_id: str, message_id: str, reply: Reply) -> None:
        """OA messages cannot be edited: the new text is sent as a new message."""
        await self.send(chat_id, reply)

    async def _post(self, path: str, body: dict[str, Any], chat_id: str, partly_sent: bool) -> dict[str, Any]:
        url = self.settings.zalo_oa_api_base_url.rstrip("/") + path
        where = f"zalo_oa:{chat_id}"
        token = await self.access_token()
        for attempt in (1, 2):
            try:
                response = await self._http.post(url, json=body, headers={"access_token": token})
                data = response.json()
            except httpx.HTTPError as e:
                raise TransientSendError(f"{where}: {type(e).__name__}", maybe_delivered=True) from None
            except ValueError:
                raise TransientSendError(f"{where}: HTTP {response.status_code}", maybe_delivered=partly_sent) from None
            code = int(data.get("error") or 0) if isinstance(data, dict) else -1
            if code == 0:
                return data
            if code == TOKEN_EXPIRED and attempt == 1:
                token = await self.access_token(rejected=token)
                continue
            message = str(data.get("message", "")) if isinstance(data, dict) else ""
            if code in RATE_LIMITED or response.status_code >= 500:
                raise TransientSendError(f"{where}: {code} {message}", maybe_delivered=partly_sent)
            if code in USER_UNREACHABLE:
                raise ChatUnreachable(f"Zalo OA từ chối ({code} {message}); OA chỉ nhắn riêng được trong 7 ngày "
                                      "kể từ lần cuối người này nhắn cho OA")
            raise SendError(f"{where}: {code} {message}")
        raise SendError(f"{where}: access token refused twice")

    # ---- receiving ---------------------------------------------------------------------------------

    async def start(self, app: Inbound) -> None:
        self._app = app
        try:
            await self.access_token()
        except SendError as e:
            log.error("Zalo OA channel cannot send yet: %s", e)
        self.webhook = WebhookServer(self.settings.zalo_oa_webhook_listen, r"/.*", self.receive_webhook)
        self.webhook.start()
        log.info("Zalo OA webhook listening on %s:%s", self.webhook.host, self.webhook.port)

    async def receive_webhook(self, headers: Mapping[str, str], body: bytes) -> tuple[int, str]:
        """401 without a signature, 400 for a malformed body, 403 for a wrong signature, else 200."""
        given = headers.get(SIGNATURE_HEADER)
        if not given:
            return 401, "unauthorized"
        if not self.settings.zalo_oa_secret_key:
            log.error("Zalo OA webhook call refused: ZALO_OA_SECRET_KEY (the OA secret key) is not set")
            return 403, "forbidden"
        try:
            event = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return 400, "bad event"
        if not isinstance(event, dict) or "timestamp" not in event:
            return 400, "bad event"
        expected = signature(self.settings.zalo_oa_app_id, body, str(event["timestamp"]), self.settings.zalo_oa_secret_key)
        if not hmac.compare_digest(given.encode(), expected.encode()):
            log.warning("Zalo OA webhook call with a wrong signature refused")
            return 403, "forbidden"
        try:
            msg = self.to_message(event)
        except Exception:  # logged, and Zalo delivers the event again
            log.exception("taking Zalo OA event failed")
            return 500, "error"
        app = self._app
        if msg is not None and app is not None:
            # Queued in its chat's bounded queue; the ledger is checked there, off the event loop.
            update_arrived(app)
            claim = self._claimer(msg.message_id) if msg.message_id else None
            queued = app.submit(msg, self, claim=claim)
            queued.add_done_callback(lambda _done: update_processed(app))
            self._tasks.add(queued)
            queued.add_done_callback(self._tasks.discard)
        return 200, "ok"

    def to_message(self, event: dict[str, Any]) -> IncomingMessage | None:
        """A text event as the core's message: 1:1 from `sender.id`; a group's from `recipient.id` (or
        `message.conversation_id`) of `user_send_group_text` (in a 1:1 event `recipient.id` is the OA itself)."""
        name = event.get("event_name")
        if name not in TEXT_EVENTS:
            return None
        message = event.get("message") if isinstance(event.get("message"), dict) else {}
        sender = event.get("sender") if isinstance(event.get("sender"), dict) else {}
        recipient = event.get("recipient") if isinstance(event.get("recipient"), dict) else {}
        text, user = message.get("text"), str(sender.get("id") or "")
        if not isinstance(text, str) or not text.strip() or not user:
            return None
        group_id = ""
        if name == GROUP_TEXT:
            group_id = str(recipient.get("id") or message.get("conversation_id") or "")
            if not group_id:
                return None
        return IncomingMessage(
            ChatRef(self.name, GROUP_PREFIX + group_id if group_id else user),
            Sender(user, str(sender.get("display_name") or "")),
            text=text.strip(),
            chat_kind="group" if group_id else "private",
            message_id=str(message["msg_id"]) if message.get("msg_id") else None,
        )

    def _claimer(self, message_id: str) -> Callable[[], bool]:
        """A database call (run on a worker): True the first time any replica sees this message."""
        app = self._app
        assert app is not None
        return lambda: self._ledger.claim(app.db, message_id, app.clock.now())

    async def idle(self) -> None:
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def stop(self) -> None:
        if self.webhook is not None:
            await self.webhook.stop()
            self.webhook = None
        await self.idle()
        await self._http.aclose()
        self._token_thread.shutdown(wait=False)
