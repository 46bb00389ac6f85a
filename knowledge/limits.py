"""Bounds on what one file may cost to read: its size, its unzipped size, its pages and its extracted text."""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from knowledge.errors import IngestError

MB = 1024 * 1024
_CHUNK = 1 << 16


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 20 * MB  # the file as sent
    max_unzipped_bytes: int = 100 * MB  # all entries of a .docx/.xlsx/.odt once inflated
    max_text_bytes: int = 5 * MB  # the text extracted (UTF-8)
    max_pages: int = 300  # pages of a PDF (each OCR'd page costs seconds)

    @classmethod
    def from_settings(cls, settings: object) -> "Limits":
        return cls(**{f: getattr(settings, f"kb_{f}", getattr(cls(), f)) for f in
                      ("max_unzipped_bytes", "max_text_bytes", "max_pages")},
                   max_bytes=getattr(settings, "max_upload_bytes", 20 * MB))


def too_big(file_name: str, size: int, limit: int) -> IngestError:
    return IngestError(f"Tệp «{file_name}» quá lớn ({size / MB:.1f} MB; tối đa {limit / MB:.0f} MB).")


def check_zip(file_name: str, data: bytes, limits: Limits) -> None:
    """Refuse a zip package whose entries inflate past the limit, by their declared sizes and then by inflating them
    (a forged header cannot hide a bomb); nothing is kept in memory."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError):
        return  # not a zip at all: the format's own reader gives the precise reason
    with archive:
        infos = archive.infolist()
        if len(infos) > 10_000:
            raise _bomb(file_name, limits)
        if sum(i.file_size for i in infos) > limits.max_unzipped_bytes:
            raise _bomb(file_name, limits)
        total = 0
        for info in infos:
            try:
                with archive.open(info) as entry:
                    while chunk := entry.read(_CHUNK):
                        total += len(chunk)
                        if total > limits.max_unzipped_bytes:
                            raise _bomb(file_name, limits)
            except (zipfile.BadZipFile, OSError, NotImplementedError, RuntimeError):
                return  # a broken entry: the format's own reader refuses the file
            except EOFError:
                return


def check_text(file_name: str, size: int, limits: Limits) -> None:
    """Refuse once the text extracted so far (`size` characters) passes the cap."""
    if size > limits.max_text_bytes:
        raise IngestError(f"Tệp «{file_name}» có quá nhiều chữ (hơn {limits.max_text_bytes / MB:.0f} MB văn bản); "
                          "hãy tách thành các tệp nhỏ hơn.")


def _bomb(file_name: str, limits: Limits) -> IngestError:
    return IngestError(f"Tệp «{file_name}» khi giải nén vượt quá {limits.max_unzipped_bytes / MB:.0f} MB "
                       "(có thể là tệp nén độc hại); không thêm vào kho.")
