"""Settings read from the environment (and `.env`, loaded only by the entry point)."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from bot.core.db import DbTimeouts


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


class SettingsError(ValueError):
    """Settings that cannot be used: one readable line per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path("data")
    database_url: str = ""
    timezone: str = "Asia/Ho_Chi_Minh"
    log_level: str = "INFO"
    db_connect_timeout: int = 5  # seconds (PostgreSQL): a hung database fails calls instead of freezing them
    db_statement_timeout: int = 15
    db_pool_timeout: int = 10
    db_workers: int = 8  # threads doing the database work (handlers, scheduler ticks); the pool is sized to match
    chat_queue_limit: int = 20  # messages waiting per chat; over it the chat is told once that the bot is busy
    instance_id: str = ""  # stable per replica: a restarted replica takes back its own in-flight reminders at once
    admin_ids: dict[str, frozenset[str]] = field(default_factory=dict)
    # Knowledge base
    max_upload_bytes: int = 20 * 1024 * 1024
    public_files_url: str = ""  # where the web server publishes DATA_DIR/public (Zalo fetches pictures from there)
    kb_bundled: bool = True  # load the bundled directives into an empty store (a province sets KB_BUNDLED=0)
    kb_max_text_bytes: int = 5 * 1024 * 1024  # text extracted from one file
    kb_max_unzipped_bytes: int = 100 * 1024 * 1024  # a .docx/.odt once unzipped
    kb_max_pages: int = 300  # pages of one PDF
    # Reminders
    reminder_time: str = "08:00"
    # reminder messages a process sends at once (each chat one at a time); a crash mid-send may repeat this many
    reminder_send_concurrency: int = 4
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
    telegram_send_rate: int = 28  # messages a second for the whole bot, all replicas together (Telegram: 30 in any second)
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
    # Operations
    log_format: str = "text"  # or "json": one object per line for Loki/ELK
    web_listen: str = ""  # host:port of the web app (health, metrics, dashboard) inside `run`; empty: none
    redis_url: str = ""  # the replicas' shared send budget in Redis instead of the database

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'bot.db').as_posix()}"

    @property
    def db_timeouts(self) -> DbTimeouts:
        return DbTimeouts(self.db_connect_timeout, float(self.db_statement_timeout), float(self.db_pool_timeout))

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, *, base_dir: Path | None = None) -> "Settings":
        """Read and check every setting; relative paths are taken from `base_dir` (the `.env` file's folder).

        Raises SettingsError with one line per problem: the variable, the value given, what is expected.
        """
        r = _Reader(os.environ if env is None else env)
        base = (base_dir or Path.cwd()).resolve()
        data_dir = r.path("DATA_DIR", "data", base)
        upload_mb = r.integer("MAX_UPLOAD_MB", 20, 1, 2000, "số MB, một số nguyên từ 1 đến 2000, ví dụ 20")
        settings = cls(
            data_dir=data_dir,
            database_url=r.database_url("DATABASE_URL", base),
            timezone=r.timezone("TIMEZONE", "Asia/Ho_Chi_Minh"),
            log_level=r.choice("LOG_LEVEL", "INFO", LOG_LEVELS, upper=True),
            db_connect_timeout=r.integer("DB_CONNECT_TIMEOUT", 5, 2, 600, "số giây, từ 2 đến 600, ví dụ 5"),
            db_statement_timeout=r.integer("DB_STATEMENT_TIMEOUT", 15, 1, 3600, "số giây, từ 1 đến 3600, ví dụ 15"),
            db_pool_timeout=r.integer("DB_POOL_TIMEOUT", 10, 1, 600, "số giây, từ 1 đến 600, ví dụ 10"),
            db_workers=r.integer("DB_WORKERS", 8, 1, 64, "số luồng, một số nguyên từ 1 đến 64, ví dụ 8"),
            chat_queue_limit=r.integer("CHAT_QUEUE_LIMIT", 20, 1, 1000,
                                       "số tin chờ mỗi cuộc trò chuyện, từ 1 đến 1000, ví dụ 20"),
            instance_id=r.get("INSTANCE_ID"),
            admin_ids=r.admin_ids("ADMIN_IDS"),
            max_upload_bytes=upload_mb * 1024 * 1024,
            public_files_url=r.url("PUBLIC_FILES_URL", "").rstrip("/"),
            kb_bundled=r.boolean("KB_BUNDLED", True),
            kb_max_text_bytes=r.integer("KB_MAX_TEXT_MB", 5, 1, 1000, "số MB, một số nguyên từ 1 đến 1000, ví dụ 5")
            * 1024 * 1024,
            kb_max_unzipped_bytes=r.integer("KB_MAX_UNZIPPED_MB", 100, 1, 10000,
                                            "số MB, một số nguyên từ 1 đến 10000, ví dụ 100") * 1024 * 1024,
            kb_max_pages=r.integer("KB_MAX_PDF_PAGES", 300, 1, 100000, "số trang, một số nguyên dương, ví dụ 300"),
            reminder_time=r.time_of_day("REMINDER_TIME", "08:00"),
            reminder_send_concurrency=r.integer("REMINDER_SEND_CONCURRENCY", 4, 1, 32,
                                                "số tin nhắc gửi cùng lúc của một tiến trình, từ 1 đến 32, ví dụ 4"),
            default_leads=r.leads("REMINDER_LEADS", "7,3,1,0"),
            cchc_unit_due_day=r.integer("CCHC_UNIT_DUE_DAY", 15, 1, 28, "một ngày trong tháng từ 1 đến 28, ví dụ 15"),
            escalation_days=r.integer("ESCALATION_DAYS", 3, 0, 30, "số ngày làm việc từ 0 đến 30, ví dụ 3"),
            confirm_policy=r.choice("CONFIRM_POLICY", "members", CONFIRM_POLICIES, upper=False),
            telegram_token=r.get("TELEGRAM_BOT_TOKEN"),
            telegram_api_base_url=r.url("TELEGRAM_API_BASE_URL", "https://api.telegram.org/bot"),
            telegram_webhook_url=r.url("TELEGRAM_WEBHOOK_URL", "", https=True),
            telegram_webhook_secret=r.get("TELEGRAM_WEBHOOK_SECRET"),
            telegram_webhook_listen=r.listen("TELEGRAM_WEBHOOK_LISTEN", "0.0.0.0:8443"),
            telegram_max_update_age=r.integer("TELEGRAM_MAX_UPDATE_AGE", 900, 0, 10 ** 7,
                                              "số giây, một số nguyên từ 0 (trả lời mọi tin) trở lên, ví dụ 900"),
            telegram_send_rate=r.integer("TELEGRAM_SEND_RATE", 28, 1, 1000,
                                         "số tin mỗi giây của cả bot (mọi bản chạy cộng lại), từ 1 đến 1000, ví dụ 28"),
            zalo_token=r.get("ZALO_BOT_TOKEN"),
            zalo_api_base_url=r.url("ZALO_API_BASE_URL", "https://bot-api.zaloplatforms.com"),
            zalo_webhook_url=r.url("ZALO_WEBHOOK_URL", "", https=True),
            zalo_webhook_secret=r.get("ZALO_WEBHOOK_SECRET"),
            zalo_webhook_listen=r.listen("ZALO_WEBHOOK_LISTEN", "0.0.0.0:8444"),
            zalo_bot_name=r.get("ZALO_BOT_NAME"),
            zalo_oa_app_id=r.get("ZALO_OA_APP_ID"),
            zalo_oa_app_secret=r.get("ZALO_OA_APP_SECRET"),
            zalo_oa_secret_key=r.get("ZALO_OA_SECRET_KEY"),
            zalo_oa_refresh_token=r.get("ZALO_OA_REFRESH_TOKEN"),
            zalo_oa_api_base_url=r.url("ZALO_OA_API_BASE_URL", "https://openapi.zalo.me"),
            zalo_oa_oauth_base_url=r.url("ZALO_OA_OAUTH_BASE_URL", "https://oauth.zaloapp.com"),
            zalo_oa_webhook_listen=r.listen("ZALO_OA_WEBHOOK_LISTEN", "0.0.0.0:8445"),
            log_format=r.choice("LOG_FORMAT", "text", ("text", "json"), upper=False),
            web_listen=r.listen("WEB_LISTEN", ""),
            web_base_url=r.url("WEB_BASE_URL", "").rstrip("/"),
            web_secret_key=r.get("WEB_SECRET_KEY"),
            redis_url=r.redis_url("REDIS_URL"),
        )
        r.check_together(settings)
        if r.problems:
            raise SettingsError(r.problems)
        return settings

    def database_display(self) -> str:
        """The database URL with its password hidden, for start-up lines and logs."""
        from sqlalchemy.engine import make_url

        return make_url(self.db_url).render_as_string(hide_password=True)

    def redis_display(self) -> str:
        """REDIS_URL with its password hidden."""
        return _hide_password(self.redis_url)

    def secrets(self) -> list[str]:
        """Values that must never appear in a log line."""
        vals = [self.telegram_token, self.zalo_token, self.telegram_webhook_secret,
                self.zalo_webhook_secret, self.zalo_oa_secret_key, self.zalo_oa_app_secret, self.zalo_oa_refresh_token,
                self.web_secret_key, _url_password(self.redis_url)]
        return [v for v in vals if v]


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
CONFIRM_POLICIES = ("members", "focal", "anyone")
_SECRET_VARS = {"TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET", "ZALO_BOT_TOKEN", "ZALO_WEBHOOK_SECRET",
                "ZALO_OA_SECRET_KEY", "ZALO_OA_APP_SECRET", "ZALO_OA_REFRESH_TOKEN",
                "WEB_SECRET_KEY"}
_TELEGRAM_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_CHANNELS = ("telegram", "zalo", "zalo_oa", "console")


class _Reader:
    """Reads variables and collects one Vietnamese line per unusable value instead of raising at the first."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self.env = env
        self.problems: list[str] = []

    def get(self, name: str, default: str = "") -> str:
        return self.env.get(name, default).strip()

    def bad(self, name: str, expected: str, value: str | None = None) -> None:
        given = self.get(name) if value is None else value
        if not given:
            shown = "(trống)"
        else:
            shown = f"(đã đặt, {len(given)} ký tự, ẩn)" if name in _SECRET_VARS else f'"{given}"'
        self.problems.append(f"{name} = {shown}: cần {expected}")

    def integer(self, name: str, default: int, low: int, high: int, expected: str) -> int:
        raw = self.get(name)
        if not raw:
            return default
        try:
            value = int(raw)
        except ValueError:
            value = low - 1
        if not low <= value <= high:
            self.bad(name, expected)
            return default
        return value

    def boolean(self, name: str, default: bool) -> bool:
        raw = self.get(name).lower()
        if not raw:
            return default
        if raw in ("1", "true", "yes", "on", "co", "có"):
            return True
        if raw in ("0", "false", "no", "off", "khong", "không"):
            return False
        self.bad(name, "1 (bật) hoặc 0 (tắt)")
        return default

    def choice(self, name: str, default: str, options: tuple[str, ...], *, upper: bool) -> str:
        raw = self.get(name, default) or default
        value = raw.upper() if upper else raw.lower()
        if value not in options:
            self.bad(name, "một trong " + ", ".join(options))
            return default
        return value

    def path(self, name: str, default: str, base: Path) -> Path:
        raw = self.get(name, default) or default
        path = Path(raw).expanduser()
        path = path if path.is_absolute() else base / path
        if path.exists() and not path.is_dir():
            self.bad(name, "một thư mục (đường dẫn này là một tệp)")
        return path

    def database_url(self, name: str, base: Path) -> str:
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        raw = self.get(name)
        if not raw:
            return ""
        for plain in ("postgres://", "postgresql://"):  # libpq spellings: use the installed driver
            if raw.startswith(plain):
                raw = "postgresql+psycopg://" + raw[len(plain):]
        try:
            url = make_url(raw)
        except ArgumentError:
            self.bad(name, "một URL cơ sở dữ liệu, ví dụ postgresql+psycopg://bot:mật_khẩu@127.0.0.1:5432/cchc "
                     "hoặc sqlite:///data/bot.db", value=_hide_password(raw))
            return ""
        backend, driver = url.get_backend_name(), url.get_driver_name()
        if backend == "sqlite":
            if url.database and url.database != ":memory:" and not Path(url.database).is_absolute():
                url = url.set(database=str(base / url.database))
            return url.render_as_string(hide_password=False)
        if backend == "postgresql" and driver == "psycopg":
            return raw
        self.bad(name, "PostgreSQL qua psycopg (postgresql+psycopg://…) hoặc SQLite (sqlite:///…)",
                 value=url.render_as_string(hide_password=True))
        return ""

    def timezone(self, name: str, default: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        raw = self.get(name, default) or default
        try:
            ZoneInfo(raw)
        except (ZoneInfoNotFoundError, ValueError):
            self.bad(name, "một múi giờ IANA, ví dụ Asia/Ho_Chi_Minh")
            return default
        return raw

    def admin_ids(self, name: str) -> dict[str, frozenset[str]]:
        raw = self.get(name)
        for item in raw.replace(";", ",").split(","):
            channel, sep, user = item.strip().partition(":")
            if item.strip() and sep and (channel.strip().lower() not in _CHANNELS or not user.strip()):
                self.bad(name, "danh sách kênh:mã người dùng, kênh là " + ", ".join(_CHANNELS)
                         + "; ví dụ telegram:123456,zalo:abc123")
                return {}
        return parse_admin_ids(raw)

    def time_of_day(self, name: str, default: str) -> str:
        raw = self.get(name, default) or default
        m = re.fullmatch(r"(\d{1,2}):(\d{2})", raw)
        if not m or int(m[1]) > 23 or int(m[2]) > 59:
            self.bad(name, "giờ trong ngày dạng HH:MM (giờ Việt Nam), ví dụ 08:00")
            return default
        return f"{int(m[1]):02d}:{m[2]}"

    def leads(self, name: str, default: str) -> tuple[int, ...]:
        raw = self.get(name, default) or default
        parts = [x.strip() for x in raw.split(",") if x.strip()]
        if not parts or not all(x.isdigit() and int(x) <= 366 for x in parts):
            self.bad(name, "các số ngày nhắc trước hạn, cách nhau bởi dấu phẩy, từ 0 đến 366, ví dụ 7,3,1,0")
            parts = default.split(",")
        return tuple(int(x) for x in parts)

    def url(self, name: str, default: str, *, https: bool = False) -> str:
        from urllib.parse import urlsplit

        raw = self.get(name, default) or default
        if not raw:
            return ""
        parts = urlsplit(raw)
        schemes = ("https",) if https else ("http", "https")
        if parts.scheme not in schemes or not parts.netloc:
            self.bad(name, "một URL công khai https://…" if https else "một URL http(s)://…")
            return default
        return raw

    def redis_url(self, name: str) -> str:
        from urllib.parse import urlsplit

        raw = self.get(name)
        if not raw:
            return ""
        parts = urlsplit(raw)
        try:
            parts.port  # noqa: B018  (raises on a port that is not a number)
        except ValueError:
            parts = urlsplit("bad://")
        db = parts.path.strip("/")
        if parts.scheme in ("redis", "rediss") and parts.hostname and (not db or db.isdigit()):
            return raw
        if parts.scheme == "unix" and parts.path:
            return raw
        self.bad(name, "một URL Redis, ví dụ redis://127.0.0.1:6379/0, rediss://:mật_khẩu@redis.snv.gov.vn:6380/0 "
                 "hoặc unix:///run/redis/redis.sock", value=_hide_password(raw))
        return ""

    def listen(self, name: str, default: str) -> str:
        raw = self.get(name, default) or default
        if not raw:
            return ""
        host, _, port = raw.rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            self.bad(name, "địa_chỉ:cổng, ví dụ 0.0.0.0:8080 hoặc 127.0.0.1:8080")
            return default
        return raw

    def check_together(self, s: "Settings") -> None:
        """Rules that involve several variables."""
        if s.telegram_webhook_url:
            if not s.telegram_token:
                self.bad("TELEGRAM_BOT_TOKEN", "token của bot khi đặt TELEGRAM_WEBHOOK_URL")
            if not _TELEGRAM_SECRET.match(s.telegram_webhook_secret):
                self.bad("TELEGRAM_WEBHOOK_SECRET", "một chuỗi bí mật (bắt buộc ở chế độ webhook) gồm 1–256 ký tự A-Z, a-z, 0-9, _ hoặc -")
        if s.zalo_webhook_url:
            if not s.zalo_token:
                self.bad("ZALO_BOT_TOKEN", "token của bot khi đặt ZALO_WEBHOOK_URL")
            if not 8 <= len(s.zalo_webhook_secret) <= 256:
                self.bad("ZALO_WEBHOOK_SECRET", "một chuỗi bí mật (bắt buộc ở chế độ webhook) dài 8–256 ký tự")
        oa = {"ZALO_OA_APP_ID": s.zalo_oa_app_id, "ZALO_OA_APP_SECRET": s.zalo_oa_app_secret}
        if any(oa.values()) and not all(oa.values()):
            for var, value in oa.items():
                if not value:
                    self.bad(var, "có giá trị khi đã đặt " + " và ".join(k for k, v in oa.items() if v))


def _url_password(url: str) -> str:
    """The password in a URL (to redact it from logs), or ''."""
    from urllib.parse import urlsplit

    try:
        password = urlsplit(url).password or ""
    except ValueError:
        return ""
    return password if len(password) >= 6 else ""  # a shorter one would blank out ordinary words of every line


def _hide_password(url: str) -> str:
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)
