"""Settings read from the environment (and `.env`, loaded only by the entry point)."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping


def parse_admin_ids(raw: str) -> dict[str, frozenset[str]]:
    """`telegram:123,zalo:abc` -> {"telegram": {"123"}, "zalo": {"abc"}}; bare ids count for telegram."""
    out: dict[str, set[str]] = {}
    for item in raw.replace(";", ",").split(","):
        item = item.strip()
        if not item:
            continue
        channel, _, user = item.partition(":") if ":" in item else ("telegram", "", item)
        out.setdefault(channel.strip().lower(), set()).add(user.strip())
    return {k: frozenset(v) for k, v in out.items()}


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path("data")
    database_url: str = ""
    timezone: str = "Asia/Ho_Chi_Minh"
    log_level: str = "INFO"
    instance_id: str = ""  # stable per replica: a restarted replica takes back its own in-flight reminders at once
    admin_ids: dict[str, frozenset[str]] = field(default_factory=dict)
    # Knowledge base
    max_upload_bytes: int = 20 * 1024 * 1024
    kb_bundled: bool = True  # load the bundled directives into an empty store (a province sets KB_BUNDLED=0)
    kb_max_text_bytes: int = 5 * 1024 * 1024  # text extracted from one file
    kb_max_unzipped_bytes: int = 100 * 1024 * 1024  # a .docx/.odt once unzipped
    kb_max_pages: int = 300  # pages of one PDF
    # Reminders
    reminder_time: str = "08:00"
    default_leads: tuple[int, ...] = (7, 3, 1, 0)
    cchc_unit_due_day: int = 15  # the day after the 14th cut-off (Nghị định 09/2019/NĐ-CP, Điều 8.5, 12)
    escalation_days: int = 3  # working days after the legal due date on which units not confirmed are reminded
    # who may confirm for a unit: "members" (anyone in its registered group, its approved focal points, admins),
    # "focal" (only approved focal points and admins), "anyone" (any chat linked to the unit, as before)
    confirm_policy: str = "members"
    # Telegram
    telegram_token: str = ""
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    telegram_webhook_url: str = ""
    telegram_webhook_secret: str = ""
    telegram_webhook_listen: str = "0.0.0.0:8443"
    telegram_max_update_age: int = 900  # seconds; older messages after downtime are not answered (0: all are)
    # Zalo Bot Platform
    zalo_token: str = ""
    zalo_api_base_url: str = "https://bot-api.zaloplatforms.com"
    zalo_webhook_url: str = ""
    zalo_webhook_secret: str = ""
    zalo_webhook_listen: str = "0.0.0.0:8444"
    zalo_bot_name: str = ""  # the name users see in groups ("Trợ lý CCHC"); getMe does not return it
    # Zalo Official Account API v3 (plan B)
    zalo_oa_app_id: str = ""
    zalo_oa_app_secret: str = ""  # the app's secret key: header `secret_key` of the OAuth token refresh
    zalo_oa_secret_key: str = ""  # the OA secret key: the key of the webhook's X-ZEvent-Signature (a different secret)
    zalo_oa_refresh_token: str = ""
    zalo_oa_api_base_url: str = "https://openapi.zalo.me"
    zalo_oa_oauth_base_url: str = "https://oauth.zaloapp.com"
    zalo_oa_webhook_listen: str = "0.0.0.0:8445"
    # Dashboard
    web_base_url: str = ""  # public address of the dashboard, for the login links (e.g. https://bot.snv.gov.vn)
    web_secret_key: str = ""  # signs the session cookie; empty: a random key kept in the database

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'bot.db').as_posix()}"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        e = os.environ if env is None else env

        def get(name: str, default: str = "") -> str:
            return e.get(name, default).strip()

        leads = get("REMINDER_LEADS", "7,3,1,0")
        return cls(
            data_dir=Path(get("DATA_DIR", "data")),
            database_url=get("DATABASE_URL"),
            timezone=get("TIMEZONE", "Asia/Ho_Chi_Minh"),
            log_level=get("LOG_LEVEL", "INFO").upper(),
            instance_id=get("INSTANCE_ID"),
            admin_ids=parse_admin_ids(get("ADMIN_IDS")),
            max_upload_bytes=int(get("MAX_UPLOAD_MB", "20")) * 1024 * 1024,
            kb_bundled=get("KB_BUNDLED", "1").lower() not in ("0", "false", "no", "off", "khong"),
            kb_max_text_bytes=int(get("KB_MAX_TEXT_MB", "5")) * 1024 * 1024,
            kb_max_unzipped_bytes=int(get("KB_MAX_UNZIPPED_MB", "100")) * 1024 * 1024,
            kb_max_pages=int(get("KB_MAX_PDF_PAGES", "300")),
            reminder_time=get("REMINDER_TIME", "08:00"),
            default_leads=tuple(int(x) for x in leads.split(",") if x.strip()),
            cchc_unit_due_day=int(get("CCHC_UNIT_DUE_DAY", "15")),
            escalation_days=int(get("ESCALATION_DAYS", "3")),
            confirm_policy=get("CONFIRM_POLICY", "members").lower(),
            telegram_token=get("TELEGRAM_BOT_TOKEN"),
            telegram_api_base_url=get("TELEGRAM_API_BASE_URL", "https://api.telegram.org/bot"),
            telegram_webhook_url=get("TELEGRAM_WEBHOOK_URL"),
            telegram_webhook_secret=get("TELEGRAM_WEBHOOK_SECRET"),
            telegram_webhook_listen=get("TELEGRAM_WEBHOOK_LISTEN", "0.0.0.0:8443"),
            telegram_max_update_age=int(get("TELEGRAM_MAX_UPDATE_AGE", "900")),
            zalo_token=get("ZALO_BOT_TOKEN"),
            zalo_api_base_url=get("ZALO_API_BASE_URL", "https://bot-api.zaloplatforms.com"),
            zalo_webhook_url=get("ZALO_WEBHOOK_URL"),
            zalo_webhook_secret=get("ZALO_WEBHOOK_SECRET"),
            zalo_webhook_listen=get("ZALO_WEBHOOK_LISTEN", "0.0.0.0:8444"),
            zalo_bot_name=get("ZALO_BOT_NAME"),
            zalo_oa_app_id=get("ZALO_OA_APP_ID"),
            zalo_oa_app_secret=get("ZALO_OA_APP_SECRET"),
            zalo_oa_secret_key=get("ZALO_OA_SECRET_KEY"),
            zalo_oa_refresh_token=get("ZALO_OA_REFRESH_TOKEN"),
            zalo_oa_api_base_url=get("ZALO_OA_API_BASE_URL", "https://openapi.zalo.me"),
            zalo_oa_oauth_base_url=get("ZALO_OA_OAUTH_BASE_URL", "https://oauth.zaloapp.com"),
            zalo_oa_webhook_listen=get("ZALO_OA_WEBHOOK_LISTEN", "0.0.0.0:8445"),
            web_base_url=get("WEB_BASE_URL").rstrip("/"),
            web_secret_key=get("WEB_SECRET_KEY"),
        )

    def secrets(self) -> list[str]:
        """Values that must never appear in a log line."""
        vals = [self.telegram_token, self.zalo_token, self.telegram_webhook_secret,
                self.zalo_webhook_secret, self.zalo_oa_secret_key, self.zalo_oa_app_secret, self.zalo_oa_refresh_token,
                self.web_secret_key]
        return [v for v in vals if v]
