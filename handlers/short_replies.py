"""Short chat replies that are not questions: "dạ", "ok ạ" after an answer or a reminder, and a unit's "chưa nộp",
"mai em nộp", "nộp ở đâu" about its own open deadlines (never a passage of a directive)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.core.vietnamese import fold
from handlers.context import Context
from handlers.conversation import THANKS
from handlers.deadlines import today_of
from handlers.followups import latest_pending
from scheduler.repo import list_deadlines
from scheduler.texts import days_left_text
from scheduler.units import units_for_chat
from scheduler.usecases.periods import current_periods
from scheduler.usecases.reminders import sent_reminder
from scheduler.vi_dates import format_date_vi

# Words that alone say only "yes / I see / thank you" (folded): "dạ", "vâng ạ", "ok em", "em hiểu rồi ạ".
_COURTESY = set("""da vang ok oke okay okie uh u um uhm a ah em minh toi nhe nha ne ro roi hieu biet duoc dc
noted cam on thank thanks you tks anh chi ban bot ad admin oi xin nhieu lam vay the a""".split())
_THANKS = re.compile(r"\b(?:cam on|thank|thanks|tks)\b")
# What comes before and after the words that matter ("dạ bên em …", "… ạ", "… vậy ạ").
_LEAD = r"(?:(?:da|vang|ok|oke|anh oi|chi oi|bot oi|ad oi|admin oi|em|ben em|minh|ben minh|don vi em|toi)\s+)*"
_TAIL = r"(?:\s+(?:a|ah|nhe|nha|nhi|vay|the|ha|oi|ad|bot|a oi|anh|chi|roi))*"
_WORK = r"(?:\s+(?:bao cao|bc|ke hoach|kh))?"
_NOT_YET = re.compile(rf"^{_LEAD}(?:van |cung )?(?:chua|dang)\s+(?:nop|gui|xong|lam|hoan thanh|hoan thien|tong hop|"
                      rf"lam xong|nop duoc|gui duoc|co){_WORK}{_TAIL}$")
_WHEN = r"(?:mai|ngay mai|sang mai|chieu mai|chieu nay|toi nay|sang nay|hom nay|ngay kia|tuan sau|tuan toi|lat nua|" \
        r"ti nua|chut nua|mot lat nua|sau|som|thu \d|thu (?:hai|ba|tu|nam|sau|bay))"
_LATER = re.compile(rf"^{_LEAD}(?:{_WHEN}\s+)?{_LEAD}(?:se\s+)?(?:nop|gui){_WORK}(?:\s+{_WHEN}|\s+(?:ngay|luon|lien))?"
                    rf"{_TAIL}$")
_WHERE = re.compile(rf"^{_LEAD}(?:(?:bao cao|bc|ke hoach|kh)\s+)?(?:phai\s+)?(?:nop|gui){_WORK}\s+"
                    rf"(?:(?:o|cho|qua|ve|tai|den|len)\s+)?(?:dau|ai|cho nao|the nao|nhu the nao|bang cach nao|kieu gi|"
                    rf"ra sao){_TAIL}$")

PENDING_HINT = "Có thay đổi đang chờ bạn xác nhận: gõ «đồng ý» để lưu, «hủy» để bỏ."


def kind_of(text: str) -> str | None:
    """'ack', 'thanks', 'not_yet', 'later', 'where' for a short chat reply of that kind; None for anything else."""
    if len(text) > 80:
        return None
    f = " ".join(re.sub(r"[^a-z0-9\s]", " ", fold(text)).split())
    if not f:
        return "ack" if "?" not in text else None  # "👍", "🙏", "..."
    if _WHERE.match(f):
        return "where"
    if _NOT_YET.match(f):  # also asked: "chưa nộp?"
        return "not_yet"
    if "?" in text:
        return None
    if set(f.split()) <= _COURTESY:
        return "thanks" if _THANKS.search(f) else "ack"
    if _LATER.match(f) and not re.match(rf"^{_LEAD}(?:nop|gui){_TAIL}$", f):  # "em nộp ạ" alone: not a promise
        return "later"
    return None


@dataclass(frozen=True)
class Owed:
    """One period a unit of this chat has to submit, as the short reply tells it."""

    code: str
    title: str
    label: str
    units: str
    due: date
    legal_due: date
    submit_to: str
    source: str
    owed: bool


def short_reply(ctx: Context, text: str) -> str | None:
    """The reply to a short non-question in chat, or None to treat the text as a question."""
    kind = kind_of(text)
    if kind is None:
        return None
    if kind == "thanks":
        return THANKS
    if kind == "ack" and latest_pending(ctx) is not None:  # "ok" under a change waiting: say how to confirm it
        return PENDING_HINT
    rows = _owed(ctx)
    if kind == "ack":
        if any(r.owed for r in rows):
            return "Dạ. Khi đơn vị đã nộp báo cáo, gõ «đã nộp» để bot ghi nhận và thôi nhắc; cần tra cứu gì cứ hỏi tiếp."
        return "Dạ. Bạn cần tra cứu gì cứ gõ câu hỏi nhé (gõ /help để xem các lệnh)."
    if not rows and not units_for_chat(ctx.session, ctx.msg.chat.channel, ctx.msg.chat.chat_id):
        return None  # no unit here: what is owed cannot be told; read it as a question
    owed = [r for r in rows if r.owed] or (rows if kind == "where" else [])
    if not owed:
        done = " (đã có người xác nhận nộp; nếu nhầm, gõ /huynop)" if rows else ""
        return f"Đơn vị không còn báo cáo nào đang chờ xác nhận{done}. Gõ /han để xem các hạn sắp tới."
    today = today_of(ctx)
    head = {"not_yet": "Báo cáo đơn vị chưa xác nhận nộp:",
            "later": "Vâng. Bot vẫn nhắc theo lịch cho đến khi đơn vị xác nhận nộp:",
            "where": "Nơi nộp:"}[kind]
    lines = [head]
    for r in owed[:3]:
        lines.append(f"• «{r.title}» — {r.label} ({r.units}): hạn {format_date_vi(r.due)}, "
                     f"{days_left_text(r.due, today, r.legal_due)}.")
        if r.submit_to:
            lines.append(f"  Nộp cho / cách nộp: {r.submit_to}.")
        elif kind == "where":
            lines.append("  Bot chưa có thông tin nơi nộp" + (f"; xem {r.source}" if r.source else "")
                         + " hoặc hỏi Sở Nội vụ.")
    if len(owed) > 3:
        lines.append(f"… và {len(owed) - 3} báo cáo khác: gõ /han để xem đủ.")
    codes = [r.code for r in owed[:3] if r.owed]
    if codes:
        lines.append("Khi đã nộp, gõ «đã nộp»" + (f" (hoặc /danop {codes[0]})" if len(codes) == 1 else
                                                  " kèm mã: " + ", ".join(f"/danop {c}" for c in codes)) + ".")
    return "\n".join(lines)


def _owed(ctx: Context) -> list[Owed]:
    """The periods this chat's message is about: those of the reminder it replies to, else the open periods of the
    chat's units (the earliest first)."""
    msg = ctx.msg
    if msg.reply_to:
        sent = sent_reminder(ctx.session, msg.chat, msg.reply_to, ctx.now())
        if sent is not None:
            return [Owed(i.view.code, i.view.title, i.view.label, i.view.unit_name, i.view.due, i.view.legal_due,
                         i.view.submit_to, i.view.source, i.owed) for i in sent.items]
    units = units_for_chat(ctx.session, msg.chat.channel, msg.chat.chat_id)
    if not units:
        return []
    ids = {u.id for u in units}
    names = {u.id: u.name for u in units}
    rows: list[Owed] = []
    for d in current_periods(ctx.session, ctx.now(), list_deadlines(ctx.session),
                             escalate=ctx.app.settings.escalation_days, unit_ids=ids):
        for o in d.periods:
            mine = o.owing & ids
            if not mine:
                continue
            left = mine - o.done
            rows.append(Owed(d.code, d.title, o.label, ", ".join(names[u] for u in sorted(left or mine)), o.due,
                             o.legal_due, d.submit_to, d.source, bool(left)))
    return sorted(rows, key=lambda r: (not r.owed, r.due, r.code))
