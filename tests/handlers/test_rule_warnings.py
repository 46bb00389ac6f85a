"""/themhan restates a rule whose due date falls before its data cut-off with the Điều 8.5 warning."""
from __future__ import annotations

from dataclasses import replace

from scheduler.presets import presets
from scheduler.rules import parse_rule
from tests.builders import admin_msg
from tests.scheduler.test_engine import seed


async def test_themhan_warns_when_due_before_the_cut_off(app):
    seed(app)
    replies = await app.handle(admin_msg("/themhan Báo cáo quý | ngày 10 tháng cuối quý | Sở Tư pháp | 3,1"))
    text = replies[-1].text
    assert "⚠️ Lưu ý: hạn 10/03" in text and "Nghị định 09/2019/NĐ-CP" in text
    assert "«chậm nhất ngày 15 tháng cuối quý»" in text


async def test_themhan_understands_a_new_family_without_warning(app):
    seed(app)
    replies = await app.handle(admin_msg("/themhan Báo cáo tuần | thu 6 hang tuan | Sở Tư pháp | 1,0"))
    text = replies[-1].text
    assert "Hằng tuần, thứ Sáu" in text and "⚠️ Lưu ý" not in text


def test_cchc_preset_default_day_respects_the_cut_off(app):
    unit, province = presets(app.settings)["cchc"].deadlines
    assert app.settings.cchc_unit_due_day == 15
    assert unit["rule"].startswith("chậm nhất ngày 15 ") and parse_rule(unit["rule"]).warnings == ()
    assert parse_rule(province["rule"]).warnings == ()
    about = presets(app.settings)["cchc"].about
    assert "chậm nhất ngày 15 tháng cuối kỳ" in about and "trước ngày" not in about
    early = presets(replace(app.settings, cchc_unit_due_day=10))["cchc"].deadlines[0]
    assert parse_rule(early["rule"]).warnings  # an admin may choose 10; the restatement then warns
