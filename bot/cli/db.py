"""`python -m bot db upgrade|current|backup|restore`: schema migrations, backups and restores."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bot.core.config import Settings


def register(sub: Any) -> None:
    db = sub.add_parser("db", help="database: upgrade the schema, show its revision, back it up")
    dsub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    dsub.add_parser("upgrade", help="upgrade the schema to the newest revision").set_defaults(handler=cmd_upgrade)
    dsub.add_parser("current", help="print the schema revision").set_defaults(handler=cmd_current)
    r = dsub.add_parser("revision", help="(developers) autogenerate a migration from the models")
    r.add_argument("-m", "--message", required=True)
    r.set_defaults(handler=cmd_revision)
    b = dsub.add_parser("backup", help="write a consistent backup (SQLite copy or pg_dump)")
    b.add_argument("--dir", type=Path, default=None, help="target folder (default DATA_DIR/backups)")
    b.add_argument("--keep", type=int, default=None, metavar="N", help="then delete all but the newest N backups")
    b.set_defaults(handler=cmd_backup)
    rs = dsub.add_parser("restore", help="replace the database with a backup (stop the bot first)")
    rs.add_argument("file", type=Path)
    rs.set_defaults(handler=cmd_restore)


def _db(settings: Settings):  # type: ignore[no-untyped-def]
    from bot.core.db import Database

    return Database.from_url(settings.db_url, settings.db_timeouts)


def cmd_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    from bot import schema

    db = _db(settings)
    schema.upgrade(db)
    print(f"Cơ sở dữ liệu đã ở phiên bản mới nhất: {schema.current(db)}")
    return 0


def cmd_current(args: argparse.Namespace, settings: Settings) -> int:
    from bot import schema

    db = _db(settings)
    cur, head = schema.current(db), schema.head()
    print(f"hiện tại: {cur or '(chưa có)'} · mới nhất: {head}")
    return 0 if cur == head else 1


def cmd_revision(args: argparse.Namespace, settings: Settings) -> int:
    import tempfile

    from bot import schema
    from bot.core.db import Database

    with tempfile.TemporaryDirectory() as tmp:
        schema.revision(Database.from_url(f"sqlite:///{tmp}/rev.db"), args.message)
    return 0


def cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    from bot import schema
    from bot.core.clock import SystemClock

    if args.keep is not None and args.keep < 1:
        print(f"--keep {args.keep}: cần một số nguyên dương (số bản sao lưu giữ lại)", file=sys.stderr)
        return 2
    folder = args.dir or settings.data_dir / "backups"
    try:
        path = schema.backup(_db(settings), folder, SystemClock().now())
    except Exception as e:  # pg_dump missing or failing: say so, no traceback
        print(f"Sao lưu thất bại: {e}", file=sys.stderr)
        return 1
    print(f"Đã sao lưu vào {path}")
    if args.keep is not None:
        for old in schema.rotate_backups(folder, args.keep):
            print(f"Đã xoá bản cũ {old}")
    return 0


def cmd_restore(args: argparse.Namespace, settings: Settings) -> int:
    from bot import schema

    if not args.file.is_file():
        print(f"Không có tệp sao lưu {args.file}", file=sys.stderr)
        return 2
    try:
        schema.restore(_db(settings), args.file)
    except Exception as e:  # wrong kind of file, pg_restore missing or failing
        print(f"Khôi phục thất bại: {e}", file=sys.stderr)
        return 1
    print(f"Đã khôi phục {settings.database_display()} từ {args.file}; chạy `python -m bot db upgrade` nếu bản sao "
          "lưu cũ hơn phiên bản này, rồi khởi động bot.")
    return 0
