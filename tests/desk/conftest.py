"""`cli(*argv)`: run `python -m bot …` in-process on a fresh SQLite file, the clock fixed at 25/11/2026 09:00."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from bot.cli import build_parser
from bot.core.clock import VN_TZ, FixedClock
from bot.core.config import Settings


@pytest.fixture
def cli(tmp_path: Path, capsys, monkeypatch):  # type: ignore[no-untyped-def]
    fixed = FixedClock(datetime(2026, 11, 25, 9, tzinfo=VN_TZ))
    monkeypatch.setattr("bot.app.SystemClock", lambda: fixed)  # what build_app uses when given no clock
    settings = Settings(data_dir=tmp_path / "data", database_url=f"sqlite:///{tmp_path / 'cli.db'}")
    parser = build_parser()

    def run(*argv: str) -> tuple[int, str, str]:
        args = parser.parse_args(list(argv))
        code = args.handler(args, settings)
        out, err = capsys.readouterr()
        return code, out, err

    run.settings = settings  # type: ignore[attr-defined]
    return run
