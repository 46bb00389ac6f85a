"""`python -m bot …`: run the bot, manage the knowledge base, deadlines, units and the database."""
from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

from bot.cli import actions as cli_actions
from bot.cli import db as cli_db
from bot.cli import deadlines as cli_deadlines
from bot.cli import desk as cli_desk
from bot.cli import knowledge as cli_knowledge
from bot.cli import status as cli_status
from bot.cli import vi_argparse
from bot.core.config import Settings
from bot.core.logs import setup_logging


def build_parser() -> argparse.ArgumentParser:
    vi_argparse.install()
    parser = argparse.ArgumentParser(prog="python -m bot", description="Trợ lý CCHC (Telegram, Zalo, console).")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    run = sub.add_parser("run", help="run the bot (console chat when no chat token is configured)")
    run.set_defaults(handler=cmd_run)
    audit = sub.add_parser("audit", help="print the audit log of admin actions")
    audit.add_argument("--limit", type=int, default=50)
    audit.set_defaults(handler=cmd_audit)
    cli_knowledge.register(sub)
    cli_deadlines.register(sub)
    cli_db.register(sub)
    cli_desk.register(sub)
    cli_actions.register(sub)
    cli_status.register(sub)
    return parser


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.channels import build_channels
    from bot.runner import serve
    from bot.startup import serving_app

    app = serving_app(settings, args.env_source, channels=build_channels(settings))
    asyncio.run(serve(app))
    return 0


def cmd_audit(args: argparse.Namespace, settings: Settings) -> int:
    from bot.app import build_app
    from bot.core.audit import recent
    from handlers.journal import format_entries

    app = build_app(settings)
    with app.db.session() as s:
        print(format_entries(recent(s, max(1, min(args.limit, 10_000)))))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    import os

    from dotenv import load_dotenv

    from bot.core.config import SettingsError
    from bot.core.replicas import ReplicaConflict
    from bot.schema import SchemaOutdated
    from bot.startup import env_file

    source = env_file(os.environ)
    if source is not None:
        if not source.is_file():
            print(f"ENV_FILE = \"{source}\": cần một tệp .env có thật", file=sys.stderr)
            return 2
        load_dotenv(source, override=False)
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8")  # type: ignore[union-attr]
    parser = build_parser()
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    args.env_source = source
    try:
        settings = Settings.from_env(base_dir=source.parent if source else None)
    except SettingsError as e:
        print(f"Cấu hình chưa dùng được ({source or 'biến môi trường'}), bot không khởi động:", file=sys.stderr)
        for line in e.problems:
            print(f"  {line}", file=sys.stderr)
        return 2
    setup_logging(settings.log_level, settings.secrets(), fmt=settings.log_format)
    handler = getattr(args, "handler", cmd_run)
    try:
        return int(handler(args, settings) or 0)
    except SchemaOutdated as e:
        print(f"Cơ sở dữ liệu {settings.database_display()} chưa được nâng cấp: chạy `python -m bot db upgrade` "
              f"rồi khởi động lại ({e}).", file=sys.stderr)
        return 2
    except ReplicaConflict as e:
        print(str(e), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
