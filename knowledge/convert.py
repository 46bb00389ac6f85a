"""Old Word (.doc) and OpenDocument (.odt) files converted to .docx by LibreOffice's headless converter."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from knowledge.errors import IngestError

TIMEOUT_S = 120
INSTALL_HINT = ("Máy chủ chưa cài LibreOffice nên chưa đọc được tệp .doc/.odt. Quản trị máy chủ cài bằng: "
                "apt-get install libreoffice-writer-nogui (hoặc libreoffice-writer), hoặc mở tệp bằng Word và lưu "
                "thành .docx rồi gửi lại.")


def converter() -> str | None:
    """The LibreOffice command on this machine, if any."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_docx(file_name: str, data: bytes) -> bytes:
    """The file's content as .docx bytes, or IngestError with what to do."""
    command = converter()
    if command is None:
        raise IngestError(INSTALL_HINT)
    suffix = Path(file_name).suffix.lower()
    with tempfile.TemporaryDirectory(prefix="kb-convert-") as folder:
        source = Path(folder) / f"input{suffix}"
        source.write_bytes(data)
        profile = Path(folder) / "profile"  # its own profile: no clash with another running LibreOffice
        try:
            done = subprocess.run(
                [command, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                 "--convert-to", "docx:MS Word 2007 XML", "--outdir", folder, str(source)],
                capture_output=True, timeout=TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired:
            raise IngestError(f"Chuyển đổi tệp «{file_name}» quá {TIMEOUT_S} giây; hãy lưu thành .docx rồi gửi lại.") \
                from None
        out = Path(folder) / "input.docx"
        if done.returncode != 0 or not out.exists():
            raise IngestError(f"Không chuyển đổi được tệp «{file_name}» (tệp hỏng hoặc không phải văn bản Word/"
                              "OpenDocument); hãy lưu thành .docx rồi gửi lại.")
        return out.read_bytes()
