"""`python -m bot` with TELEGRAM_BOT_TOKEN serves Telegram: a real process polling the emulator, stopped by SIGTERM."""
from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from tests.channels.telegram_e2e.conftest import TOKEN

ROOT = Path(__file__).resolve().parents[3]


async def test_python_m_bot_serves_telegram_and_logs_no_token(emulator, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ZALO_", "DATABASE_URL"))}
    env.update(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=emulator.api_base_url, DATA_DIR=str(tmp_path / "data"),
               ADMIN_IDS="telegram:1001", LOG_LEVEL="DEBUG", PYTHONPATH=str(ROOT))
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", cwd=tmp_path, env=env,
                                                stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
                                                stderr=asyncio.subprocess.PIPE)
    try:
        await emulator.say("/start", chat_id=555, user_id=555)
        [reply] = await emulator.wait_messages(555, timeout=60)
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
        out, err = await asyncio.wait_for(proc.communicate(), 30)
    assert "Trợ lý CCHC" in reply["text"]
    assert proc.returncode == 0, err.decode()[-2000:]
    logs = (out + err).decode()
    assert "telegram: long polling as @cchc_test_bot" in logs
    assert TOKEN not in logs and TOKEN.split(":")[1] not in logs
