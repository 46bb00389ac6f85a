"""Settings checked at start: one line per problem, exit code 2 without a traceback, paths from the .env folder."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.core.config import Settings, SettingsError
from bot.startup import env_file, start_lines

ROOT = Path(__file__).resolve().parents[2]


def problems(env: dict[str, str]) -> list[str]:
    with pytest.raises(SettingsError) as e:
        Settings.from_env(env, base_dir=Path("/srv/bot"))
    return e.value.problems


def run_bot(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ZALO_", "DATABASE_", "DATA_DIR"))}
    return subprocess.run([sys.executable, "-m", "bot", *args], env={**clean, "PYTHONPATH": str(ROOT), **env},
                          cwd=cwd, capture_output=True, text=True, timeout=120)


def test_every_problem_is_one_line_naming_variable_value_and_expectation():
    lines = problems({"MAX_UPLOAD_MB": "abc", "REMINDER_TIME": "8h", "REMINDER_LEADS": "7,x", "LOG_LEVEL": "loud",
                      "LOG_FORMAT": "xml", "CCHC_UNIT_DUE_DAY": "31", "WEB_LISTEN": "8080",
                      "DATABASE_URL": "mysql://u:pw@db/x", "ADMIN_IDS": "tg:1", "TIMEZONE": "Mars/Base"})
    assert len(lines) == 10
    by_var = {line.split(" = ")[0]: line for line in lines}
    assert by_var["MAX_UPLOAD_MB"] == 'MAX_UPLOAD_MB = "abc": cần số MB, một số nguyên từ 1 đến 2000, ví dụ 20'
    assert '"8h"' in by_var["REMINDER_TIME"] and "HH:MM" in by_var["REMINDER_TIME"]
    assert "text, json" in by_var["LOG_FORMAT"] and "1 đến 28" in by_var["CCHC_UNIT_DUE_DAY"]
    assert "địa_chỉ:cổng" in by_var["WEB_LISTEN"] and "Asia/Ho_Chi_Minh" in by_var["TIMEZONE"]
    assert "pw" not in by_var["DATABASE_URL"] and "postgresql+psycopg" in by_var["DATABASE_URL"]


def test_webhook_rules_name_the_missing_variable_and_never_show_a_secret():
    lines = problems({"TELEGRAM_BOT_TOKEN": "123:abc", "TELEGRAM_WEBHOOK_URL": "https://bot.example.gov.vn/tg",
                      "TELEGRAM_WEBHOOK_SECRET": "has spaces in it", "ZALO_BOT_TOKEN": "z:1",
                      "ZALO_WEBHOOK_URL": "http://plain.example/zalo", "ZALO_OA_APP_ID": "42"})
    text = "\n".join(lines)
    assert "TELEGRAM_WEBHOOK_SECRET = (đã đặt, 16 ký tự, ẩn)" in text and "has spaces" not in text
    assert 'ZALO_WEBHOOK_URL = "http://plain.example/zalo": cần một URL công khai https://…' in text
    assert "ZALO_OA_APP_SECRET = (trống)" in text


def test_paths_are_taken_from_the_env_files_folder():
    s = Settings.from_env({"DATA_DIR": "state", "DATABASE_URL": "sqlite:///db/bot.db"}, base_dir=Path("/srv/bot"))
    assert s.data_dir == Path("/srv/bot/state")
    assert s.db_url == "sqlite:////srv/bot/db/bot.db"
    assert Settings.from_env({}, base_dir=Path("/srv/bot")).db_url == "sqlite:////srv/bot/data/bot.db"
    assert Settings.from_env({"DATA_DIR": "/var/lib/cchc"}, base_dir=Path("/srv/bot")).data_dir == Path("/var/lib/cchc")


def test_libpq_urls_use_the_installed_driver_and_the_password_is_never_printed():
    s = Settings.from_env({"DATABASE_URL": "postgresql://bot:s3cret@db:5432/cchc"}, base_dir=Path("/srv"))
    assert s.db_url == "postgresql+psycopg://bot:s3cret@db:5432/cchc"
    lines = start_lines(s, Path("/srv/.env"))
    assert "database: postgresql+psycopg://bot:***@db:5432/cchc" in lines
    assert not any("s3cret" in line for line in lines)


def test_redis_url_and_send_rate_are_checked_and_the_redis_password_never_printed():
    lines = problems({"REDIS_URL": "http://:pa55word@cache:6379/0", "TELEGRAM_SEND_RATE": "0"})
    by_var = {line.split(" = ")[0]: line for line in lines}
    assert "redis://127.0.0.1:6379/0" in by_var["REDIS_URL"] and "pa55word" not in by_var["REDIS_URL"]
    assert "từ 1 đến 1000" in by_var["TELEGRAM_SEND_RATE"]
    assert problems({"REDIS_URL": "redis://cache:port/0"}) and problems({"REDIS_URL": "redis://cache/x"})
    s = Settings.from_env({"REDIS_URL": "redis://:pa55word@cache:6379/2", "TELEGRAM_SEND_RATE": "25"})
    assert s.redis_url == "redis://:pa55word@cache:6379/2" and s.telegram_send_rate == 25
    assert "pa55word" in s.secrets()  # redacted from every log line
    lines = start_lines(s, None)
    assert "send budget (Telegram's rate limits, shared by the replicas): Redis redis://:***@cache:6379/2" in lines
    assert Settings.from_env({"REDIS_URL": "unix:///run/redis/redis.sock"}).redis_url
    assert Settings.from_env({}).telegram_send_rate == 28 and Settings.from_env({}).redis_url == ""
    assert start_lines(Settings(), None)[-1].endswith("in this process (SQLite: one replica)")


def test_env_file_is_env_file_variable_or_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert env_file({}) is None
    (tmp_path / ".env").write_text("DATA_DIR=x\n")
    assert env_file({}) == tmp_path / ".env"
    assert env_file({"ENV_FILE": "/etc/cchc/bot.env"}) == Path("/etc/cchc/bot.env")


def test_a_bad_setting_exits_2_with_one_line_and_no_traceback(tmp_path):
    got = run_bot("run", env={"MAX_UPLOAD_MB": "abc", "TELEGRAM_WEBHOOK_URL": "https://x.example/tg",
                              "TELEGRAM_BOT_TOKEN": "123456:" + "A" * 30}, cwd=tmp_path)
    assert got.returncode == 2
    assert "Traceback" not in got.stderr and got.stdout == ""
    lines = got.stderr.strip().splitlines()
    assert lines[1:] == ['  MAX_UPLOAD_MB = "abc": cần số MB, một số nguyên từ 1 đến 2000, ví dụ 20',
                         "  TELEGRAM_WEBHOOK_SECRET = (trống): cần một chuỗi bí mật (bắt buộc ở chế độ webhook) "
                         "gồm 1–256 ký tự A-Z, a-z, 0-9, _ hoặc -"]
    assert not (tmp_path / "data").exists()  # nothing was created


def test_started_from_another_folder_the_env_files_data_directory_is_used(tmp_path):
    home = tmp_path / "bot"
    home.mkdir()
    (home / ".env").write_text("DATA_DIR=state\n", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    got = run_bot("db", "backup", env={"ENV_FILE": str(home / ".env")}, cwd=elsewhere)
    assert got.returncode == 0, got.stderr
    assert list((home / "state" / "backups").glob("bot-*.db"))
    assert not (elsewhere / "data").exists() and not (elsewhere / "state").exists()


def test_a_missing_env_file_is_refused(tmp_path):
    got = run_bot("db", "current", env={"ENV_FILE": str(tmp_path / "nope.env")}, cwd=tmp_path)
    assert got.returncode == 2 and "nope.env" in got.stderr and "Traceback" not in got.stderr


def test_database_workers_and_the_per_chat_queue_bound_are_checked():
    lines = problems({"DB_WORKERS": "0", "CHAT_QUEUE_LIMIT": "nhiều"})
    by_var = {line.split(" = ")[0]: line for line in lines}
    assert by_var["DB_WORKERS"] == 'DB_WORKERS = "0": cần số luồng, một số nguyên từ 1 đến 64, ví dụ 8'
    assert "1 đến 1000" in by_var["CHAT_QUEUE_LIMIT"]
    s = Settings.from_env({"DB_WORKERS": "4", "CHAT_QUEUE_LIMIT": "50"}, base_dir=Path("/srv/bot"))
    assert (s.db_workers, s.chat_queue_limit) == (4, 50)
    assert (Settings().db_workers, Settings().chat_queue_limit) == (8, 20)


def test_the_connection_pool_matches_the_database_workers():
    from bot.core.db import Database

    db = Database.from_url("postgresql+psycopg://postgres@127.0.0.1:1/x", workers=3)
    try:
        assert db.workers.size == 3 and db.engine.pool.size() == 3
    finally:
        db.dispose()
