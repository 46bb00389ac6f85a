"""Property-based tests (hypothesis) of the due-rule parser, the date parser and reminder times."""
from __future__ import annotations

from datetime import date, datetime, time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.clock import VN_TZ
from bot.core.vietnamese import strip_diacritics
from scheduler.extract import find_deadlines
from scheduler.rules import RuleError, parse_rule
from scheduler.timing import reminder_times
from scheduler.vi_dates import parse_date_vi
from scheduler.workdays import WorkCalendar

CAL = WorkCalendar()
WORDS = ["chậm nhất", "muộn nhất", "trước", "ngày", "tháng", "năm", "quý", "hằng", "hàng", "cuối", "đầu", "sau",
         "kỳ báo cáo", "6 tháng", "và", "trong", "thời hạn", "ngày làm việc", "kể từ", "III", "IV", "I", "của",
         "kế hoạch", "/", "-", ".", ",", "thường xuyên", "đột xuất", "từ", "một lần", "mỗi", "ngày làm việc thứ",
         "kết thúc", "kỳ sau", "sáu", "đăng ký", "tuần trước", ";", "gửi báo cáo", "đầu tiên", "Báo cáo", "hoặc vào"]
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


def assert_parses_or_refuses(text: str) -> None:
    """A rule is understood and yields occurrences, or it is refused with a message: nothing else escapes."""
    try:
        rule = parse_rule(text)
    except RuleError as e:
        assert str(e).strip()
        return
    assert rule.understood()
    rule.occurrences(date(2026, 1, 1), 3)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=80), rule_like))
def test_parse_rule_raises_only_rule_error(text):
    assert_parses_or_refuses(text)


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


INVISIBLE = ["\u200b", "\u00ad", "\ufeff", "\u2060"]
FAMILIES = VALID + ["ngày 15 các tháng 1, 4, 7 và 10", "Báo cáo tháng: ngày 25 hằng tháng", "BC năm - trước ngày 15/12",
                    "chậm nhất ngày 20/01 năm sau", "ngày 10 tháng sau", "ngày làm việc cuối cùng của tháng",
                    "ngày cuối cùng của quý", "thứ Sáu hằng tuần", "từ ngày 01/12 đến ngày 15/12/2027",
                    "không quá 05 ngày làm việc kể từ 05/11/2027", "hạn nộp 31/3/27", "trong tháng 6 hằng năm",
                    "Báo cáo 9 tháng: ngày 20/9 hằng năm", "ngày 5 hằng tháng (theo Nghị định 09/2019/NĐ-CP)",
                    # rule set 3: the task around the rule, six months, early working days, counted from a period's end
                    "Kế hoạch CCHC năm ban hành chậm nhất ngày 30/01 hằng năm",
                    "Hằng quý, chậm nhất ngày 10 tháng cuối quý, báo cáo tình hình giải quyết hồ sơ TTHC",
                    "Mỗi tháng một lần, gửi báo cáo trước ngày 10", "Báo cáo 6 tháng một lần, chậm nhất ngày 10 tháng cuối kỳ",
                    "Báo cáo 6 tháng: chậm nhất ngày 05 tháng đầu kỳ sau", "ngày làm việc thứ 3 của mỗi tháng",
                    "trong 07 ngày làm việc đầu tháng đầu quý", "trong thời hạn 05 ngày làm việc kể từ ngày kết thúc quý",
                    "ngày cuối cùng của tháng 6 và tháng 12 hằng năm", "trước ngày 01/7 và trước ngày 01/01 hằng năm",
                    "trước ngày 15/11/28 và trước ngày 15/5/29", "ngày 1 và 15 hằng tháng",
                    "Chậm nhất 17h thứ Sáu hằng tuần gửi lịch công tác tuần sau",
                    "Báo cáo quý I, II, III trước ngày 15 của tháng cuối quý; báo cáo năm trước ngày 10/12"]


@st.composite
def typed(draw: st.DrawFn) -> tuple[str, str]:
    """A known rule and the same rule as a hurried official or Word might produce it."""
    text = draw(st.sampled_from(FAMILIES))
    out = strip_diacritics(text) if draw(st.booleans()) else text
    out = "".join(c.upper() if draw(st.booleans()) else c for c in out) if draw(st.booleans()) else out
    chars = list(out)
    for _ in range(draw(st.integers(0, 3))):
        chars.insert(draw(st.integers(0, len(chars))), draw(st.sampled_from(INVISIBLE)))
    out = "".join(chars).replace(" ", draw(st.sampled_from([" ", "  ", "\u00a0"])))
    return text, out


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(typed(), dates)
def test_diacritics_case_spacing_and_invisible_characters_do_not_change_a_rule(pair, start):
    written, typed_text = pair
    want = [(o.period, o.due) for o in parse_rule(written).occurrences(start, 3)]
    assert [(o.period, o.due) for o in parse_rule(typed_text).occurrences(start, 3)] == want


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["chậm nhất", "trước", ""]), st.integers(1, 28), st.integers(1, 12),
       st.sampled_from(["hằng năm", "hằng tháng", "tháng cuối quý", "tháng đầu quý sau"]), dates)
def test_generated_rules_match_a_direct_model(lead, day, month, family, start):
    """Rules written from parts are due where a plain calendar computation says (nominal dates)."""
    from datetime import timedelta
    if family == "hằng năm":
        text, months = f"{lead} ngày {day}/{month} hằng năm", [month]
    else:
        text = f"{lead} ngày {day} {family}"
        months = {"hằng tháng": list(range(1, 13)), "tháng cuối quý": [3, 6, 9, 12],
                  "tháng đầu quý sau": [1, 4, 7, 10]}[family]
    shift = timedelta(days=1 if lead == "trước" else 0)
    model = sorted(d for y in range(start.year - 1, start.year + 5) for m in months
                   if (d := date(y, m, day) - shift) >= start)[:3]
    assert [o.due for o in parse_rule(text.strip()).occurrences(start, 3)] == model


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(WORDS + ["hằng tuần", "thứ Sáu", "cuối cùng", "ngày làm việc", "các tháng", "đến",
                                          "(", ")", ":", "BC", "báo cáo", "năm sau", "tháng sau", "\u200b", "16h00",
                                          "29/02", "31/4/27", "1,4,7"]), max_size=14).map(" ".join))
def test_new_forms_raise_only_rule_error(text):
    assert_parses_or_refuses(text)


@st.composite
def built_rule(draw: st.DrawFn) -> str:
    """A rule assembled from the grammar's parts, written as an official might."""
    day, month = draw(st.integers(1, 28)), draw(st.integers(1, 12))
    lead = draw(st.sampled_from(["chậm nhất ", "trước ", "", "muộn nhất là "]))
    label = draw(st.sampled_from(["", "Báo cáo quý: ", "BC năm - ", "Báo cáo 6 tháng: ", "Báo cáo tháng: "]))
    body = draw(st.sampled_from([
        f"{lead}ngày {day}/{month} hằng năm", f"{lead}ngày {day} hằng tháng", f"{lead}ngày {day} tháng cuối quý",
        f"{lead}ngày {day} tháng đầu quý sau", f"{lead}ngày {day} tháng sau", f"{lead}ngày {day}/{month} năm sau",
        f"{lead}ngày {day} các tháng {month}, {(month + 2) % 12 + 1} và {(month + 5) % 12 + 1}",
        f"{lead}ngày {day}/{month}, {day}/{(month + 5) % 12 + 1} hằng năm", f"trong tháng {month} hằng năm",
        f"{lead}ngày {day} tháng cuối kỳ báo cáo quý I, 6 tháng, quý III và năm",
        f"{lead}thứ {draw(st.sampled_from(['Hai', 'Ba', 'Tư', 'Năm', 'Sáu', 'Bảy']))} hằng tuần",
        "ngày cuối cùng của " + draw(st.sampled_from(["tháng", "quý", "năm", "6 tháng"])),
        f"{lead}ngày {day}/{month}/20{draw(st.integers(26, 40))}", f"trong quý {draw(st.sampled_from(['I', 'II', 'III', 'IV']))}/2028",
        f"trong thời hạn {draw(st.integers(1, 30))} ngày làm việc kể từ {day}/{month}/2027",
        f"từ ngày 1 đến ngày {day} hằng tháng",
        f"{lead}thứ {draw(st.sampled_from(['Hai', 'Sáu', '6']))} {draw(st.sampled_from(['đầu tiên', 'cuối cùng']))} của tháng",
        f"từ mùng 1 đến mùng {day} hằng tháng", f"{day}/{month} – {day}/{month}/2028",
    ]))
    return label + body


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.sampled_from(FAMILIES), built_rule()), dates)
def test_parse_describe_parse_round_trip(text, start):
    """The canonical restatement of a rule parses back to the same occurrences (periods and due dates)."""
    try:
        rule = parse_rule(text)
    except RuleError:
        return  # e.g. a built 29/02; refusals are tested elsewhere
    again = parse_rule(rule.canonical)
    assert [(o.period, o.due) for o in again.occurrences(start, 5)] == [(o.period, o.due)
                                                                        for o in rule.occurrences(start, 5)]
    assert again.canonical == rule.canonical


TASKS_BEFORE = ["", "Kế hoạch CCHC ban hành ", "Các đơn vị gửi báo cáo về Sở Nội vụ ", "Đề nghị các cơ quan, đơn vị gửi ",
                "Cập nhật dữ liệu lên phần mềm một cửa ", "Báo cáo kết quả thực hiện "]
TASKS_AFTER = ["", ", để tổng hợp", " qua hệ thống quản lý văn bản", " (bản mềm gửi qua email)",
               ", báo cáo tình hình giải quyết hồ sơ TTHC", " để theo dõi./."]
PLAIN = [r for r in VALID if r != "năm 2026"] + ["thứ Sáu hằng tuần", "ngày làm việc cuối cùng của tháng",
                                                 "ngày làm việc thứ 3 của mỗi tháng", "ngày 1 và 15 hằng tháng",
                                                 "trong thời hạn 05 ngày làm việc kể từ ngày kết thúc quý"]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(TASKS_BEFORE), st.sampled_from(PLAIN), st.sampled_from(TASKS_AFTER), dates)
def test_task_words_around_a_rule_do_not_change_it(before, rule, after, start):
    """Words that carry no timing (the task) around a rule leave its periods and due dates as they are."""
    want = [(o.period, o.due) for o in parse_rule(rule).occurrences(start, 4)]
    wrapped = parse_rule(f"{before}{rule}{after}")
    assert [(o.period, o.due) for o in wrapped.occurrences(start, 4)] == want
    assert wrapped.understood()
