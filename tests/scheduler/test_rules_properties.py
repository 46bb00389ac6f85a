"""Property-based tests (hypothesis) of the due-rule parser, the date parser and reminder times."""
from __future__ import annotations

from datetime import date, datetime, time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.clock import VN_TZ
from scheduler.extract import find_deadlines
from scheduler.rules import RuleError, parse_rule
from scheduler.timing import reminder_times
from scheduler.vi_dates import parse_date_vi
from scheduler.workdays import WorkCalendar

CAL = WorkCalendar()
WORDS = ["chậm nhất", "muộn nhất", "trước", "ngày", "tháng", "năm", "quý", "hằng", "hàng", "cuối", "đầu", "sau",
         "kỳ báo cáo", "6 tháng", "và", "trong", "thời hạn", "ngày làm việc", "kể từ", "III", "IV", "I", "của",
         "kế hoạch", "/", "-", ".", ",", "thường xuyên", "đột xuất", "từ"]
rule_like = st.lists(st.one_of(st.sampled_from(WORDS), st.integers(0, 2100).map(str),
                               st.builds(lambda d, m, y: f"{d}/{m}/{y}", st.integers(0, 40), st.integers(0, 15),
                                         st.integers(1800, 2300))),
                     max_size=12).map(" ".join)
dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2150, 12, 31))
VALID = ["chậm nhất ngày 30/01 hằng năm", "trước ngày 15/6 hằng năm", "ngày 10 tháng cuối quý",
         "chậm nhất ngày 15 tháng đầu quý sau", "trong quý III/2027", "trong tháng 6-7/2027", "30/01/2027",
         "ngày 20 tháng cuối kỳ báo cáo quý I, 6 tháng, quý III và năm", "trước ngày 10 của tháng cuối quý",
         "6 tháng đầu năm 2026", "năm 2026", "ngày 5 hằng tháng", "trước ngày 1 hằng tháng", "ngày 31 tháng cuối quý",
         "trong thời hạn 05 ngày làm việc kể từ 15/3/2027", "trước ngày 01/01 hằng năm", "ngày 20/3, 20/6 và 20/12 hằng năm"]


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=80), rule_like))
def test_parse_rule_raises_only_rule_error(text):
    try:
        rule = parse_rule(text)
    except RuleError as e:
        assert str(e).strip()
        return
    assert rule.understood()
    rule.occurrences(date(2026, 1, 1), 3)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=40), st.builds(lambda d, m, y, sep: f"{d}{sep}{m}{sep}{y}", st.integers(-5, 99),
                                                 st.integers(-5, 99), st.integers(0, 99999),
                                                 st.sampled_from(["/", "-", ".", " tháng "]))),
       st.one_of(st.none(), dates))
def test_parse_date_vi_raises_only_value_error(text, today):
    try:
        got = parse_date_vi(text, today=today)
    except ValueError as e:
        assert str(e).strip()
        return
    assert isinstance(got, date)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(VALID), dates, st.integers(1, 12))
def test_occurrences_are_due_on_or_after_start_ascending(rule_text, start, count):
    rule = parse_rule(rule_text)
    occ = rule.occurrences(start, count)
    assert len(occ) <= count
    assert all(o.due >= start for o in occ)
    assert [o.due for o in occ] == sorted(o.due for o in occ)
    if rule.recurring:
        assert len(occ) == count
        assert len({o.period for o in occ}) == count
    for o in occ:
        if o.cutoff:
            assert o.cutoff[0] < o.cutoff[1] and o.cutoff[0] < o.due


@settings(max_examples=150, deadline=None)
@given(dates.filter(lambda d: 2000 <= d.year <= 2100),
       st.lists(st.integers(-3, 40), max_size=8))
def test_reminders_on_working_days_before_due_at_eight_never_twice_a_day(due, leads):
    got = reminder_times(due, leads, CAL)
    days = [when.date() for _, when in got]
    assert len(days) == len(set(days))
    assert all(when <= datetime.combine(due, time(8, 0), tzinfo=VN_TZ) for _, when in got)
    assert all(when.timetz() == time(8, 0, tzinfo=VN_TZ) for _, when in got)
    assert all(CAL.is_working_day(d) for d in days)
    assert {lead for lead, _ in got} <= {x for x in leads if x >= 0}


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300), dates)
def test_find_deadlines_never_crashes(text, today):
    for f in find_deadlines(text, today):
        assert f.phrase and f.understood
