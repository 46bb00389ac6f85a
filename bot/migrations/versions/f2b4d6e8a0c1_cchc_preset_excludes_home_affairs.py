"""the CCHC preset's unit deadline leaves Sở Nội vụ out where it is still exactly as the preset installed it

Installs from before 8d46646 have «cchc-donvi» addressed to every sở and xã, Sở Nội vụ included: it was reminded to
send a report to itself and counted as not submitted. A deadline an admin has changed (an audited edit, or any field
the preset wrote that differs from it) is left alone; the change made here is audited and bumps the plan version.
Downgrade leaves the exclusion (it cannot tell it from one an admin made since).

Revision ID: f2b4d6e8a0c1
Revises: e5f7a9b1c3d5
Create Date: 2026-12-01 16:00:00
"""
from __future__ import annotations

import logging
import re
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

from bot.core.vietnamese import fold

revision = 'f2b4d6e8a0c1'
down_revision = 'e5f7a9b1c3d5'
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

CODE = "cchc-donvi"
# The preset as every version of scheduler/presets.py wrote it (6920fd9 to 8d46646), its unit due day as `day`.
TITLE = "Báo cáo CCHC định kỳ của đơn vị"
WHAT = "Báo cáo kết quả thực hiện công tác cải cách hành chính của đơn vị (kỳ Quý I, 6 tháng, Quý III hoặc Năm)"
SUBMIT_TO = "Sở Nội vụ (Phòng CCHC), qua hệ thống quản lý văn bản và điều hành"
RULE = re.compile(r"chậm nhất ngày (\d{1,2}) tháng cuối kỳ báo cáo quý I, 6 tháng, quý III và năm")
SOURCE = ("Hướng dẫn 581/BNV-CCHC của Bộ Nội vụ (4 kỳ: Quý I, 6 tháng, Quý III, Năm; chốt số liệu theo "
          "Nghị định 09/2019/NĐ-CP, Điều 12); ngày nộp của đơn vị do tỉnh quy định (mặc định ngày {day})")

deadlines = sa.table('deadlines', sa.column('id', sa.Integer()), sa.column('code', sa.String()),
                     sa.column('title', sa.String()), sa.column('what', sa.Text()),
                     sa.column('submit_to', sa.String()), sa.column('rule', sa.Text()),
                     sa.column('source', sa.String()), sa.column('active', sa.Boolean()),
                     sa.column('audience_types', sa.JSON()), sa.column('audience_units', sa.JSON()),
                     sa.column('audience_exclude', sa.JSON()))
units = sa.table('units', sa.column('id', sa.Integer()), sa.column('name', sa.String()),
                 sa.column('aliases', sa.JSON()), sa.column('active', sa.Boolean()))
audit_log = sa.table('audit_log', sa.column('at', sa.DateTime(timezone=True)), sa.column('channel', sa.String()),
                     sa.column('user_id', sa.String()), sa.column('chat_id', sa.String()),
                     sa.column('action', sa.String()), sa.column('detail', sa.Text()),
                     sa.column('outcome', sa.String()))
plan_version = sa.table('plan_version', sa.column('id', sa.Integer()), sa.column('version', sa.Integer()),
                        sa.column('changed', sa.String()))


def untouched(row) -> bool:  # type: ignore[no-untyped-def]
    """Every field the preset wrote is as it wrote it (the rule's day and the source's default day agree)."""
    rule = RULE.fullmatch(row.rule or "")
    return (rule is not None and row.title == TITLE and row.what == WHAT and row.submit_to == SUBMIT_TO
            and row.source == SOURCE.format(day=rule.group(1)) and sorted(row.audience_types or []) == ["so", "xa"]
            and not row.audience_units and not row.audience_exclude)


def home_affairs(conn: sa.Connection) -> int | None:
    """Sở Nội vụ however it was written (its folded name, "Sở Nội vụ tỉnh …", or the alias SNV), active first."""
    found = []
    for u in conn.execute(sa.select(units.c.id, units.c.name, units.c.aliases, units.c.active).order_by(units.c.id)):
        keys = [fold(k) for k in [u.name, *(u.aliases or [])]]
        if any(k in ("snv", "so noi vu") or k.startswith("so noi vu ") for k in keys):
            found.append(u)
    best = next((u for u in found if u.active), found[0] if found else None)
    return best.id if best is not None else None


def upgrade() -> None:
    conn = op.get_bind()
    row = conn.execute(sa.select(deadlines).where(deadlines.c.code == CODE, deadlines.c.active.is_(True))).first()
    if row is None or not untouched(row):
        return
    edited = conn.scalar(sa.select(sa.func.count()).select_from(audit_log).where(
        audit_log.c.action == 'edit_deadline', audit_log.c.outcome == 'ok',
        audit_log.c.detail.like(f"%'code': '{CODE}'%")))
    snv = home_affairs(conn)
    if edited or snv is None:
        return
    conn.execute(sa.update(deadlines).where(deadlines.c.id == row.id).values(audience_exclude=[snv]))
    conn.execute(sa.insert(audit_log).values(
        at=datetime.now(timezone.utc), channel='system', user_id='migration f2b4d6e8a0c1', chat_id='',
        action='edit_deadline', outcome='ok',
        detail=str({'code': CODE, 'fields': {'audience_exclude': [snv]}}) + ' (bộ hạn CCHC: Sở Nội vụ không tự nộp)'))
    bumped = conn.execute(sa.update(plan_version).where(plan_version.c.id == 1)
                          .values(version=plan_version.c.version + 1, changed='preset: SNV left out'))
    if not bumped.rowcount:
        conn.execute(sa.insert(plan_version).values(id=1, version=1, changed='preset: SNV left out'))
    log.info("%s: Sở Nội vụ (unit %s) left out of the audience, as the CCHC preset now installs it", CODE, snv)


def downgrade() -> None:
    pass
