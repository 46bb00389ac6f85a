"""Files the bot sends, put where a channel without uploads can point to them: DATA_DIR/public, served at PUBLIC_FILES_URL."""
from __future__ import annotations

import re
import secrets
from pathlib import Path

from bot.core.messages import OutgoingFile
from bot.core.vietnamese import strip_diacritics

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(name: str) -> str:
    """A file name fit for a URL and any disk: ASCII letters, digits, '.', '_' and '-' only."""
    cleaned = _UNSAFE.sub("-", strip_diacritics(name)).strip("-.")
    return cleaned[:80] or "tep"


def write_file(folder: Path, file: OutgoingFile) -> Path:
    """Write `file` under `folder` with an unguessable prefix; returns its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{secrets.token_hex(8)}-{safe_name(file.file_name)}"
    path.write_bytes(file.data)
    return path


class FileShelf:
    """Publishes files under `folder` (the web server serves it at `base_url`): their addresses are unguessable."""

    def __init__(self, folder: Path, base_url: str) -> None:
        self.folder = folder
        self.base_url = base_url.rstrip("/")

    def publish(self, file: OutgoingFile) -> str:
        path = write_file(self.folder, file)
        return f"{self.base_url}/{path.name}"
