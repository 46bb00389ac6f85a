"""The status chart: per deadline, counts per unit type (đã nộp / chưa nộp / quá hạn) and days left, as a PNG."""
from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

from scheduler.usecases.status import OVERDUE, PENDING, STATES, SUBMITTED, StatusReport
from scheduler.texts import days_left_text

COLOURS = {SUBMITTED: "#2e7d32", PENDING: "#f9a825", OVERDUE: "#c62828"}
FONT = "DejaVu Sans"  # bundled with matplotlib; has every Vietnamese glyph
WIDTH_IN, DPI = 6.4, 150  # 960 px wide: a phone screen shows it whole, labels at about 13 px


def status_chart_png(reports: Sequence[StatusReport], today: date) -> bytes:
    """One horizontal stacked bar per unit type and deadline, with the counts written in the bars."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    rows = max(1, len(reports))
    heights = [1.4 + 0.75 * max(1, len(r.counts(today))) for r in reports] or [2.0]
    fig = Figure(figsize=(WIDTH_IN, sum(heights) + 0.6), dpi=DPI, layout="constrained")
    fig.get_layout_engine().set(h_pad=0.12)  # type: ignore[union-attr]
    with matplotlib.rc_context({"font.family": FONT, "font.size": 12}):
        axes = fig.subplots(rows, 1, squeeze=False, gridspec_kw={"height_ratios": heights})[:, 0]
        if not reports:
            axes[0].axis("off")
            axes[0].text(0.5, 0.5, "Không có kỳ báo cáo nào đang mở", ha="center", va="center", fontsize=14)
        for ax, report in zip(axes, reports):
            _draw(ax, report, today)
        fig.legend(handles=[matplotlib.patches.Patch(color=COLOURS[s], label=s) for s in STATES],
                   loc="outside lower center", ncols=3, frameon=False, fontsize=12)
        out = io.BytesIO()
        fig.savefig(out, format="png")
    return out.getvalue()


def _draw(ax, report: StatusReport, today: date) -> None:  # type: ignore[no-untyped-def]
    counts = report.counts(today)
    labels = list(counts)[::-1]
    left = [0] * len(labels)
    for state in STATES:
        values = [counts[t][state] for t in labels]
        bars = ax.barh(labels, values, left=left, color=COLOURS[state], height=0.6)
        for bar, v in zip(bars, values):
            if v:
                ax.text(bar.get_x() + bar.get_width() / 2, bar.get_y() + bar.get_height() / 2, str(v),
                        ha="center", va="center", color="white", fontsize=12, fontweight="bold")
        left = [a + b for a, b in zip(left, values)]
    total = max(left, default=0)
    done = sum(c[SUBMITTED] for c in counts.values())
    ax.set_xlim(0, max(total, 1))
    ax.set_title(f"{_short(report.title)} — {report.label}\n"
                 f"Hạn {report.legal_due:%d/%m/%Y}: {days_left_text(report.legal_due, today)} · "
                 f"đã nộp {done}/{sum(sum(c.values()) for c in counts.values())}",
                 loc="left", fontsize=12.5, fontweight="bold")
    ax.tick_params(axis="y", labelsize=12)
    ax.tick_params(axis="x", labelsize=10)
    ax.xaxis.get_major_locator().set_params(integer=True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if not counts:
        ax.text(0.5, 0.5, "Chưa có đơn vị nào phải nộp", transform=ax.transAxes, ha="center", va="center")


def _short(title: str, limit: int = 48) -> str:
    return title if len(title) <= limit else title[:limit - 1].rstrip() + "…"
