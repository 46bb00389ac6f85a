"""Ready-made deadline sets an admin may install (never installed silently): the CCHC reports and directive 7946."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.core.config import Settings
from scheduler.repo import create_deadline, get_deadline
from bot.core.vietnamese import fold
from scheduler.models import Unit
from scheduler.units import add_unit, find_unit, list_units, name_keys

HOME_AFFAIRS = "Sở Nội vụ"  # the unit that sends the province's CCHC report to Bộ Nội vụ
CCHC_SET = "tháng cuối kỳ báo cáo quý I, 6 tháng, quý III và năm"
SRC_581 = ("Hướng dẫn 581/BNV-CCHC của Bộ Nội vụ (4 kỳ: Quý I, 6 tháng, Quý III, Năm; chốt số liệu theo "
           "Nghị định 09/2019/NĐ-CP, Điều 12)")
SRC_7946 = "Công văn 7946/UBND-NCPC ngày 25/11/2021 của UBND tỉnh Bắc Kạn, mục 1.b"


@dataclass(frozen=True)
class Preset:
    key: str
    title: str
    about: str  # where the dates come from
    deadlines: tuple[dict[str, Any], ...]  # Deadline fields; "audience_units", "audience_exclude" hold unit names


def presets(settings: Settings, unit_day: int | None = None) -> dict[str, Preset]:
    day = unit_day or settings.cchc_unit_due_day
    cchc = Preset(
        "cchc", "Báo cáo CCHC định kỳ (Quý I, 6 tháng, Quý III, Năm)",
        f"Đơn vị gửi Sở Nội vụ chậm nhất ngày {day:02d} tháng cuối kỳ (mỗi tỉnh tự quy định, đặt bằng "
        "CCHC_UNIT_DUE_DAY hoặc /caidat cchc <ngày>; mặc định ngày 15: số liệu chốt đến ngày 14 và hạn nộp phải sau "
        "đó ít nhất 01 ngày làm việc theo Nghị định 09/2019/NĐ-CP, Điều 8.5 và Điều 12); tỉnh gửi Bộ Nội vụ chậm nhất "
        "ngày 20 tháng cuối kỳ theo Hướng dẫn 581/BNV-CCHC.",
        (
            dict(code="cchc-donvi", title="Báo cáo CCHC định kỳ của đơn vị", rule=f"chậm nhất ngày {day} {CCHC_SET}",
                 what="Báo cáo kết quả thực hiện công tác cải cách hành chính của đơn vị (kỳ Quý I, 6 tháng, "
                      "Quý III hoặc Năm)",
                 submit_to="Sở Nội vụ (Phòng CCHC), qua hệ thống quản lý văn bản và điều hành",
                 source=f"{SRC_581}; ngày nộp của đơn vị do tỉnh quy định (mặc định ngày {day})",
                 audience_types=["so", "xa"], audience_units=[],
                 audience_exclude=[HOME_AFFAIRS]),  # the unit receiving the report does not report to itself
            dict(code="cchc-tinh", title="Báo cáo CCHC của tỉnh gửi Bộ Nội vụ", rule=f"chậm nhất ngày 20 {CCHC_SET}",
                 what="Báo cáo CCHC của UBND tỉnh (tổng hợp từ báo cáo các đơn vị)",
                 submit_to="Bộ Nội vụ (Vụ Cải cách hành chính), qua hệ thống báo cáo",
                 source=SRC_581, audience_types=[], audience_units=[HOME_AFFAIRS]),
        ),
    )
    d7946 = Preset(
        "7946", "Kế hoạch CCHC năm theo Công văn 7946/UBND-NCPC",
        "Sở, ban, ngành ban hành kế hoạch CCHC năm chậm nhất ngày 30/01, UBND cấp xã chậm nhất ngày 28/02 "
        "của năm kế hoạch (Công văn 7946/UBND-NCPC, mục 1.b).",
        (
            dict(code="kh-cchc-so", title="Ban hành kế hoạch CCHC năm (sở, ban, ngành)",
                 rule="chậm nhất ngày 30/01 hằng năm",
                 what="Kế hoạch CCHC năm và kế hoạch nâng cao năng lực cạnh tranh cấp tỉnh của đơn vị",
                 submit_to="UBND tỉnh (qua Sở Nội vụ; Sở Kế hoạch và Đầu tư, nay là Sở Tài chính) để theo dõi", source=SRC_7946,
                 audience_types=["so"], audience_units=[]),
            dict(code="kh-cchc-xa", title="Ban hành kế hoạch CCHC năm (UBND cấp xã)",
                 rule="chậm nhất ngày 28/02 hằng năm", what="Kế hoạch CCHC năm của UBND cấp xã",
                 submit_to="Sở Nội vụ để theo dõi (văn bản gốc ghi UBND huyện; cấp huyện không còn từ 01/7/2025)",
                 source=SRC_7946, audience_types=["xa"], audience_units=[]),
        ),
    )
    return {cchc.key: cchc, d7946.key: d7946}


def home_affairs(session: Session) -> Unit | None:
    """The province's Sở Nội vụ however it was written: "Sở Nội vụ", "SỞ NỘI VỤ tỉnh …", "So Noi vu", alias SNV."""
    def named(u: Unit) -> bool:
        return any(k in ("snv", "so noi vu") or k.startswith("so noi vu ") for k in name_keys(u))
    found = [u for u in list_units(session, active_only=False) if named(u)]
    return next((u for u in found if u.active), found[0] if found else None)


def preset_unit(session: Session, name: str) -> Unit | None:
    """The existing unit a preset's unit name means (Sở Nội vụ found by `home_affairs`)."""
    return home_affairs(session) if fold(name) == fold(HOME_AFFAIRS) else find_unit(session, name)


def _unit_for(session: Session, name: str, at: datetime) -> Unit:
    unit = preset_unit(session, name) or add_unit(session, name, "so", ["SNV"] if name == HOME_AFFAIRS else [], at=at)
    unit.active = True
    return unit


def install(session: Session, preset: Preset, settings: Settings, *, at: datetime, by: str) -> tuple[list[str], list[str]]:
    """Create the preset's deadlines; (codes created, codes that already existed and were left alone)."""
    created: list[str] = []
    kept: list[str] = []
    for fields in preset.deadlines:
        if get_deadline(session, fields["code"]) is not None:
            kept.append(fields["code"])
            continue
        unit_ids = [_unit_for(session, name, at).id for name in fields["audience_units"]]
        left_out = [_unit_for(session, name, at).id for name in fields.get("audience_exclude", [])]
        create_deadline(session, {**fields, "audience_units": unit_ids, "audience_exclude": left_out,
                                  "leads": list(settings.default_leads),
                                  "remind_at": settings.reminder_time}, at=at, by=by)
        created.append(fields["code"])
    return created, kept
