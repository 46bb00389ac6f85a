"""OCR quality and speed: pages rendered from the bundled directives, read back by Tesseract (vie).

    python bench/ocr.py [--pages-per-doc 2] [--dpi 300]

Each directive's text is laid out on A4 pages (DejaVu Sans 12 pt, 300 dpi) with Pillow, then read by
knowledge.ocr.read_image — the code `kb add` uses for a scan. Printed per page set: character error rate
(Levenshtein distance / reference length, whitespace collapsed, NFC), word error rate, mean Tesseract confidence and
seconds per page. Two renderings: clean, and "scanned" (a 1.2° tilt, blur, 150 dpi, noise, a grey background and
JPEG at quality 35, seeded), as a cheap stand-in for a phone photo of a photocopy; real scans with stamps and
signatures read worse than either.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SEED = 20261201
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def pages_of(text: str, font, width: int, height: int, margin: int, line_h: int) -> list[list[str]]:  # type: ignore[no-untyped-def]
    """The text wrapped to the page width and cut into pages of lines."""
    from PIL import Image, ImageDraw

    draw = ImageDraw.Draw(Image.new("L", (10, 10)))
    lines: list[str] = []
    for para in text.replace("**", "").replace("*", "").split("\n"):
        words = para.split()
        current = ""
        for w in words:
            trial = f"{current} {w}".strip()
            if draw.textlength(trial, font=font) > width - 2 * margin:
                lines.append(current)
                current = w
            else:
                current = trial
        if current:
            lines.append(current)
    per_page = (height - 2 * margin) // line_h
    return [lines[i:i + per_page] for i in range(0, len(lines), per_page)]


def render(lines: list[str], font, width: int, height: int, margin: int, line_h: int):  # type: ignore[no-untyped-def]
    from PIL import Image, ImageDraw

    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((margin, margin + i * line_h), line, font=font, fill=0)
    return image


def degrade(image, rng: random.Random):  # type: ignore[no-untyped-def]
    import numpy as np
    from PIL import Image, ImageFilter

    import io

    w, h = image.size
    tilted = image.rotate(1.2, resample=Image.BICUBIC, fillcolor=255).filter(ImageFilter.GaussianBlur(1.2))
    small = tilted.resize((w // 2, h // 2), Image.BILINEAR)  # a 150 dpi scan, sent as a JPEG
    pixels = np.asarray(small, dtype=np.int16)
    noise = np.random.default_rng(rng.randrange(1 << 30)).normal(0, 25, pixels.shape)
    buf = io.BytesIO()
    Image.fromarray(np.clip(pixels * 0.8 + 35 + noise, 0, 255).astype("uint8")).save(buf, format="JPEG", quality=35)
    return Image.open(io.BytesIO(buf.getvalue())).resize((w, h), Image.BILINEAR)


def norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages-per-doc", type=int, default=2)
    parser.add_argument("--dpi", type=int, default=300)
    args = parser.parse_args()

    from PIL import ImageFont
    from rapidfuzz.distance import Levenshtein

    from knowledge import ocr
    from knowledge.service import bundled_corpus

    reason = ocr.missing()
    if reason:
        print(f"skipped: {reason}")
        return 0
    if not FONT.exists():
        print("skipped: no DejaVu font (Debian fonts-dejavu-core)")
        return 0
    width, height = int(8.27 * args.dpi), int(11.69 * args.dpi)
    size = round(12 / 72 * args.dpi)
    font = ImageFont.truetype(str(FONT), size)
    margin, line_h = int(0.8 * args.dpi), int(size * 1.45)
    rng = random.Random(SEED)
    results: dict[str, list[tuple[int, int, int, int, float, float]]] = {"clean": [], "scanned": []}
    for name, data in bundled_corpus():
        for lines in pages_of(data.decode("utf-8"), font, width, height, margin, line_h)[:args.pages_per_doc]:
            reference = norm(" ".join(lines))
            page = render(lines, font, width, height, margin, line_h)
            for kind, image in (("clean", page), ("scanned", degrade(page, rng))):
                start = time.perf_counter()
                read = ocr.read_image(image)
                seconds = time.perf_counter() - start
                hypothesis = norm(read.text)
                chars = Levenshtein.distance(reference, hypothesis)
                words = Levenshtein.distance(reference.split(), hypothesis.split())
                results[kind].append((chars, len(reference), words, len(reference.split()), read.confidence,
                                      seconds))
        print(f"{name}: {len(results['clean'])} pages so far", file=sys.stderr, flush=True)
    print(f"OCR (tesseract {ocr_version()}, vie), {args.dpi} dpi, DejaVu Sans 12 pt, pages from the bundled directives")
    print("| rendering | pages | CER | WER | mean confidence | s/page (p50) |")
    print("|---|---|---|---|---|---|")
    for kind, rows in results.items():
        cer = sum(r[0] for r in rows) / sum(r[1] for r in rows)
        wer = sum(r[2] for r in rows) / sum(r[3] for r in rows)
        conf = sum(r[4] for r in rows) / len(rows)
        times = sorted(r[5] for r in rows)
        print(f"| {kind} | {len(rows)} | {cer:.2%} | {wer:.2%} | {conf:.1f} | {times[len(times) // 2]:.2f} |")
    return 0


def ocr_version() -> str:
    import pytesseract

    return str(pytesseract.get_tesseract_version()).split()[0]


if __name__ == "__main__":
    raise SystemExit(main())
