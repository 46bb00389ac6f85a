"""Req 6: the status use case (open period through the escalation window, natural sort, reachability, clusters)
and /tinhhinh in chat: counts per unit type, missing units by type, units nobody can reach."""
from __future__ import annotations

from datetime import date, datetime

from bot.core.clock import VN_TZ
from bot.core.errors import NotFound
from scheduler.models import Chat
from scheduler.repo import create_deadline
from scheduler.units import add_focal_point, add_to_cluster, add_unit
from scheduler.usecases.status import deadline_status, status_reports
from tests.builders import admin_msg, msg

import pytest


def at(y: int, m: int, d: int, hh: int = 9) -> datetime:
    return datetime(y, m, d, hh, tzinfo=VN_TZ)


def seed(app) -> None:
    """Two sở (one with a group, one with nobody), three xã: Số 2 and Số 10 share a cluster group, Số 1 has an
    approved focal point who has written to the bot. «bcq» is due on the 10th of each quarter's last month."""
    with app.db.session() as s:
        stp = add_unit(s, "Sở Tư pháp", "so", ["STP"])
        add_unit(s, "Sở Y tế", "so")
        x10 = add_unit(s, "UBND xã Số 10", "xa")
        x2 = add_unit(s, "UBND xã Số 2", "xa")
        x1 = add_unit(s, "UBND xã Số 1", "xa")
        s.add(Chat(channel="fake", chat_id="g1", kind="group", title="Nhóm STP", active=True, unit_id=stp.id))
        cluster = Chat(channel="fake", chat_id="g2", kind="group", title="Cụm xã", active=True, unit_id=x2.id)
        s.add(cluster)
        s.flush()
        add_to_cluster(s, cluster, x10, by="test", at=at(2026, 11, 1))
        add_focal_point(s, x1, "fake", "f1", "Chị Lan", "p1")
        create_deadline(s, dict(code="bcq", title="Báo cáo quý", rule="ngày 10 tháng cuối quý",
                                audience_types=["so", "xa"], leads=[7, 3, 1, 0]), at=at(2026, 11, 1), by="test")


def report(app, when: datetime, escalate: int = 3, period: str = ""):  # type: ignore[no-untyped-def]
    with app.db.session() as s:
        return deadline_status(s, when, "bcq", period, escalate=escalate)


def test_the_open_period_lasts_through_its_escalation_window(app):
    seed(app)
    assert report(app, at(2026, 12, 10)).period == "2026-Q4"  # the due date (Thursday)
    # escalation days: Fri 11, Mon 14, Tue 15 December; the next period opens on the 16th
    assert report(app, at(2026, 12, 15)).period == "2026-Q4"
    assert report(app, at(2026, 12, 16)).period == "2027-Q1"
    assert report(app, at(2026, 12, 11), escalate=0).period == "2027-Q1"
    assert report(app, at(2026, 12, 16), period="2026-q4").period == "2026-Q4"
    assert report(app, at(2026, 12, 16), period="Quy IV/2026").label == "Quý IV/2026"


def test_unknown_code_and_bad_period_are_refused_with_vietnamese_messages(app):
    seed(app)
    with app.db.session() as s:
        with pytest.raises(NotFound, match="Không có hạn mã «xyz»") as e:
            deadline_status(s, at(2026, 11, 25), "xyz")
        assert e.value.kind == "deadline"
        with pytest.raises(NotFound, match="không có kỳ «2031-Q9»") as e:
            deadline_status(s, at(2026, 11, 25), "bcq", "2031-Q9")
        assert e.value.kind == "period" and "2026-Q4" in str(e.value)


def test_units_sorted_by_type_then_naturally_with_reachability(app):
    seed(app)
    r = report(app, at(2026, 11, 25))
    assert [u.name for u in r.units] == ["Sở Tư pháp", "Sở Y tế", "UBND xã Số 1", "UBND xã Số 2", "UBND xã Số 10"]
    assert {u.name: u.reachable for u in r.units} == {"Sở Tư pháp": True, "Sở Y tế": False, "UBND xã Số 1": True,
                                                     "UBND xã Số 2": True, "UBND xã Số 10": True}
    assert "Nhóm Cụm xã (fake)" in r.units[4].contacts  # reached through the cluster group
    assert (r.due, r.legal_due) == (date(2026, 12, 10), date(2026, 12, 10))


async def test_a_cluster_group_confirms_each_unit_and_status_counts_them_apart(app):
    seed(app)
    [r] = await app.handle(msg("đã nộp UBND xã Số 10, số 7/BC-UBND", chat="g2", kind="group", user="m1"))
    assert "UBND xã Số 10 đã nộp" in r.text
    units = {u.name: u for u in report(app, at(2026, 11, 25)).units}
    assert units["UBND xã Số 10"].submitted and not units["UBND xã Số 2"].submitted
    assert (units["UBND xã Số 10"].by, units["UBND xã Số 10"].note) == ("Người m1", "7/BC-UBND")
    [text] = await app.handle(admin_msg("/tinhhinh bcq"))
    assert text.text.splitlines()[0] == "Sở/ban/ngành 0/2 · UBND cấp xã 1/3 — 1/5 đơn vị đã nộp"
    await app.handle(msg("/danop bcq UBND xã Số 2", chat="g2", kind="group", user="m2"))
    [text] = await app.handle(admin_msg("/tinhhinh bcq"))
    assert text.text.splitlines()[0] == "Sở/ban/ngành 0/2 · UBND cấp xã 2/3 — 2/5 đơn vị đã nộp"


async def test_tinhhinh_groups_missing_units_by_type_and_marks_the_unreachable(app):
    seed(app)
    [r] = await app.handle(admin_msg("/tinhhinh bcq"))
    lines = r.text.splitlines()
    assert lines[0] == "Sở/ban/ngành 0/2 · UBND cấp xã 0/3 — 0/5 đơn vị đã nộp"
    assert lines[1].startswith("[bcq] Báo cáo quý — Quý IV/2026, hạn Thứ Năm, 10/12/2026 (còn 15 ngày)")
    i = lines.index("Chưa nộp (5):")
    assert lines[i + 1:i + 8] == ["Sở/ban/ngành (2):", "⏳ Sở Tư pháp", "⏳ Sở Y tế — ⚠️ chưa có nhóm/đầu mối",
                                  "UBND cấp xã (3):", "⏳ UBND xã Số 1", "⏳ UBND xã Số 2", "⏳ UBND xã Số 10"]
    [r] = await app.handle(admin_msg("/tinhhinh"))
    assert "[bcq] Báo cáo quý — Quý IV/2026" in r.text and "1 đơn vị ⚠️ chưa có nhóm/đầu mối" in r.text
    assert "Sở/ban/ngành 0/2 · UBND cấp xã 0/3" in r.text
    [r] = await app.handle(admin_msg("/tinhhinh xyz"))
    assert "Không có hạn mã «xyz»" in r.text


async def test_tinhhinh_after_the_due_date_says_overdue_and_lists_who_submitted(app, clock):
    seed(app)
    clock.set(at(2026, 12, 2))
    await app.handle(msg("đã nộp, số 12/BC-STP", chat="g1", kind="group", user="m1"))
    clock.set(at(2026, 12, 11))
    [r] = await app.handle(admin_msg("/tinhhinh bcq"))
    assert "Quá hạn, chưa nộp (4):" in r.text and "đã quá hạn 1 ngày" in r.text
    assert "✅ Sở Tư pháp — Người m1, 09:00 02/12/2026, số 12/BC-STP" in r.text


async def test_a_province_sized_status_stays_in_whole_lines_per_message(app):
    with app.db.session() as s:
        for i in range(1, 206):
            add_unit(s, f"UBND xã Số {i}", "xa")
        create_deadline(s, dict(code="bcq", title="Báo cáo quý", rule="ngày 10 tháng cuối quý",
                                audience_types=["xa"], leads=[7, 3, 1, 0]), at=at(2026, 11, 1), by="test")
    [r] = await app.handle(admin_msg("/tinhhinh bcq"))
    lines = r.text.splitlines()
    assert lines[0] == "UBND cấp xã 0/205 — 0/205 đơn vị đã nộp"
    listed = [line for line in lines if line.startswith("⏳ ")]
    assert listed[:3] == ["⏳ UBND xã Số 1 — ⚠️ chưa có nhóm/đầu mối", "⏳ UBND xã Số 2 — ⚠️ chưa có nhóm/đầu mối",
                          "⏳ UBND xã Số 3 — ⚠️ chưa có nhóm/đầu mối"]
    assert len(listed) == 200 and "… và 5 đơn vị khác: /tinhhinh bcq excel" in r.text
    from bot.channels.split import split_text
    pieces = split_text(r.text, 2000)  # Zalo's limit, the smallest
    assert len(pieces) <= 6 and all(p.splitlines()[-1] in lines for p in pieces)


async def test_every_deadline_without_a_code(app):
    seed(app)
    with app.db.session() as s:
        create_deadline(s, dict(code="kh", title="Kế hoạch năm", rule="chậm nhất ngày 30/01 hằng năm",
                                audience_types=["so"], leads=[7]), at=at(2026, 11, 1), by="test")
        reports = status_reports(s, at(2026, 11, 25))
    assert [(r.code, r.period) for r in reports] == [("bcq", "2026-Q4"), ("kh", "2027")]
