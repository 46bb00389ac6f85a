"""A thin async client of the Zalo Bot Platform HTTP API: one method per call, typed errors, no token in any text."""
from __future__ import annotations

import logging
from typing import Any

import httpx

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://bot-api.zaloplatforms.com"


class ZaloApiError(Exception):
    """An `ok: false` answer (or an unusable one). The message names the method, never the URL."""

    def __init__(self, method: str, code: int, description: str = "") -> None:
        super().__init__(f"Zalo {method} failed: {code} {description}".strip())
        self.method = method
        self.code = code
        self.description = description


class ZaloBadRequest(ZaloApiError):
    """400: the request was refused as invalid (wrong chat id, text too long, ...)."""


class ZaloUnauthorized(ZaloApiError):
    """401: the bot token was rejected (reset in Zalo Bot Creator, or mistyped)."""


class ZaloForbidden(ZaloApiError):
    """403: the bot may not act in this chat."""


class ZaloNotFound(ZaloApiError):
    """404: the chat (or method) does not exist for this bot."""


class ZaloPollTimeout(ZaloApiError):
    """408 from getUpdates: no update arrived during the long poll. Not a failure."""


class ZaloQuotaExceeded(ZaloApiError):
    """429: the bot's sending quota is used up for now."""

    def __init__(self, method: str, code: int, description: str = "", retry_after: float | None = None) -> None:
        super().__init__(method, code, description)
        self.retry_after = retry_after


class ZaloServerError(ZaloApiError):
    """5xx or a body that is not the API's JSON: Zalo's side is in trouble; try later."""


class ZaloNetworkError(ZaloApiError):
    """The request did not complete; `maybe_sent` when it may have reached Zalo (a read timeout)."""

    def __init__(self, method: str, description: str, *, maybe_sent: bool) -> None:
        super().__init__(method, 0, description)
        self.maybe_sent = maybe_sent


_BY_CODE: dict[int, type[ZaloApiError]] = {
    400: ZaloBadRequest, 401: ZaloUnauthorized, 403: ZaloForbidden, 404: ZaloNotFound, 408: ZaloPollTimeout,
}


class _RedactFilter(logging.Filter):
    """Takes registered tokens out of httpx's request log lines (they carry the URL, and the URL the token)."""

    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secrets:
            text = record.getMessage()
            for secret in self.secrets:
                text = text.replace(secret, "***")
            record.msg, record.args = text, None
        return True


_HTTPX_FILTER = _RedactFilter()
logging.getLogger("httpx").addFilter(_HTTPX_FILTER)


def error_for(method: str, code: int, description: str, retry_after: float | None = None) -> ZaloApiError:
    if code == 429:
        return ZaloQuotaExceeded(method, code, description, retry_after)
    if code >= 500:
        return ZaloServerError(method, code, description)
    return _BY_CODE.get(code, ZaloApiError)(method, code, description)


class ZaloClient:
    """`await client.send_message(chat_id, text)` etc.; every method POSTs JSON to `<base>/bot<token>/<method>`."""

    def __init__(self, token: str, base_url: str = DEFAULT_BASE_URL, *, timeout: float = 20.0,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        if not token:
            raise ValueError("a Zalo bot token is required")
        self._token = token
        self._base = base_url.rstrip("/")
        self._http = httpx.AsyncClient(timeout=timeout, transport=transport)
        _HTTPX_FILTER.secrets.add(token)

    def redact(self, text: str) -> str:
        return text.replace(self._token, "***")

    async def close(self) -> None:
        await self._http.aclose()

    async def call(self, method: str, payload: dict[str, Any] | None = None, *, timeout: float | None = None) -> Any:
        """The `result` of one API call; raises a ZaloApiError subclass for every failure."""
        url = f"{self._base}/bot{self._token}/{method}"
        kwargs: dict[str, Any] = {"json": payload or {}}
        if timeout is not None:
            kwargs["timeout"] = timeout
        try:
            response = await self._http.post(url, **kwargs)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as e:
            raise ZaloNetworkError(method, self.redact(f"{type(e).__name__}: {e}"), maybe_sent=False) from None
        except httpx.HTTPError as e:
            raise ZaloNetworkError(method, self.redact(f"{type(e).__name__}: {e}"), maybe_sent=True) from None
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict) or "ok" not in body:
            code = response.status_code if response.status_code >= 400 else 502
            log.warning("Zalo %s gave an answer that is not the API's JSON (HTTP %s, %s)", method,
                        response.status_code, response.headers.get("content-type", "no content type"))
            raise error_for(method, code, f"unexpected answer (HTTP {response.status_code})")
        if not body.get("ok"):
            code = body.get("error_code")
            code = int(code) if isinstance(code, (int, str)) and str(code).lstrip("-").isdigit() else response.status_code
            params = body.get("parameters") if isinstance(body.get("parameters"), dict) else {}
            retry_after = params.get("retry_after")
            raise error_for(method, code, self.redact(str(body.get("description") or "")),
                            float(retry_after) if isinstance(retry_after, (int, float)) else None)
        return body.get("result")

    def _object(self, method: str, result: Any, *, delivered: bool = False) -> dict[str, Any]:
        """`result` when it is the documented object; otherwise a logged ZaloServerError, or {} when the call took effect."""
        if isinstance(result, dict):
            return result
        if delivered:  # `ok: true` says it was done; only the details are missing: no retry, no duplicate
            log.warning("Zalo %s answered ok with an unexpected result (%s); taken as done", method,
                        type(result).__name__)
            return {}
        log.warning("Zalo %s answered ok with an unexpected result (%s)", method, type(result).__name__)
        raise ZaloServerError(method, 502, f"unexpected result ({type(result).__name__})")

    async def get_me(self) -> dict[str, Any]:
        return self._object("getMe", await self.call("getMe"))

    async def get_updates(self, timeout: int = 30) -> list[dict[str, Any]]:
        """Waits up to `timeout` seconds; returns [] when none came (Zalo's 408). Zalo hands out one per call."""
        try:
            result = await self.call("getUpdates", {"timeout": str(timeout)}, timeout=timeout + 10)
        except ZaloPollTimeout:
            return []
        if isinstance(result, list):
            return [u for u in result if isinstance(u, dict)]
        if result is not None and not isinstance(result, dict):
            log.warning("Zalo getUpdates answered ok with an unexpected result (%s); ignored", type(result).__name__)
        return [result] if isinstance(result, dict) and result else []

    async def set_webhook(self, url: str, secret_token: str) -> dict[str, Any]:
        """A bare `result: true` (seen in practice instead of the documented object) counts as set."""
        result = await self.call("setWebhook", {"url": url, "secret_token": secret_token})
        return self._object("setWebhook", result, delivered=True)

    async def delete_webhook(self) -> dict[str, Any]:
        return self._object("deleteWebhook", await self.call("deleteWebhook"), delivered=True)

    async def get_webhook_info(self) -> dict[str, Any]:
        return self._object("getWebhookInfo", await self.call("getWebhookInfo"))

    async def send_message(self, chat_id: str, text: str) -> dict[str, Any]:
        result = await self.call("sendMessage", {"chat_id": chat_id, "text": text})
        return self._object("sendMessage", result, delivered=True)

    async def send_photo(self, chat_id: str, photo_url: str, caption: str = "") -> dict[str, Any]:
        """A picture Zalo fetches from `photo_url` (a public address: Zalo takes no uploads)."""
        payload = {"chat_id": chat_id, "photo": photo_url}
        if caption:
            payload["caption"] = caption
        return self._object("sendPhoto", await self.call("sendPhoto", payload), delivered=True)

    async def send_chat_action(self, chat_id: str, action: str = "typing") -> None:
        await self.call("sendChatAction", {"chat_id": chat_id, "action": action})
