"""/hoi and plain-text questions: answers from the knowledge base with citations, and the "Xem thêm" button."""
from __future__ import annotations

import time

from bot.core.messages import Button, Reply
from handlers.context import Context
from handlers.conversation import small_talk
from handlers.deadline_answers import deadline_answer, gives_report_date
from knowledge.turns import last_turn, remember_turn
from handlers.followups import last_more, remember_more
from handlers.registry import callback, command

HOW_TO_ASK = (
    "Gõ câu hỏi sau /hoi, có dấu hay không dấu đều được, ví dụ:\n"
    "• /hoi Kế hoạch CCHC năm phải ban hành chậm nhất ngày nào?\n"
    "• /hoi ty le giai quyet ho so TTHC dung han toi thieu bao nhieu\n"
    "• /hoi Nghị quyết 76/NQ-CP ban hành ngày nào?\n"
    "Trong chat riêng có thể gõ thẳng câu hỏi, không cần /hoi."
)
MAX_SECTION_CHARS = 3500


@command("hoi", "Hỏi đáp về văn bản CCHC", usage="/hoi <câu hỏi>", order=2)
async def ask(ctx: Context) -> Reply:
    question = ctx.args.strip()
    if not question:
        return Reply(HOW_TO_ASK)
    talk = small_talk(question)
    if talk is not None:
        return Reply(talk)
    started = time.perf_counter()
    own = deadline_answer(ctx, question)
    if own is not None and not own.unless_directive:
        ctx.app.metrics.question(answered=True, seconds=time.perf_counter() - started)
        return Reply(own.text)
    chat = ctx.msg.chat
    previous = last_turn(ctx.session, chat.channel, chat.chat_id, ctx.now())
    answer = ctx.app.knowledge.answer(question, previous=previous)  # on a database worker: a re-index waits there
    if own is not None and not (answer.answered and gives_report_date(answer.text)):
        # a question about the bot's own report deadlines that no configured deadline and no directive answers
        ctx.app.metrics.question(answered=False, seconds=time.perf_counter() - started)
        return Reply(own.text)
    ctx.app.metrics.question(answered=answer.answered, seconds=time.perf_counter() - started)
    remember_turn(ctx.session, chat.channel, chat.chat_id, answer, ctx.now())
    if answer.answered and answer.more is not None:
        remember_more(ctx, answer.more.id)
        return Reply(answer.text, buttons=(Button("Xem thêm", f"more:{answer.more.id}"),),
                     fallback_hint=MORE_HINT)
    return Reply(answer.text)


MORE_HINT = "Gõ «xem thêm» để đọc toàn văn mục này."


@callback("more")
async def more(ctx: Context) -> Reply:
    try:
        passage_id = int(ctx.args)
    except ValueError:
        return Reply("Nút này không còn hiệu lực.")
    return section(ctx, passage_id)


@command("xemthem", "Đọc toàn văn mục của câu trả lời vừa rồi", usage="xem thêm", phrases=("xem thêm",),
         typed_button=True, order=3)
async def more_typed(ctx: Context) -> Reply:
    passage_id = last_more(ctx)
    if passage_id is None:
        return Reply("Chưa có câu trả lời nào để xem thêm. Hãy gõ câu hỏi trước.")
    return section(ctx, passage_id)


def section(ctx: Context, passage_id: int) -> Reply:
    """The whole section a passage belongs to, with its citation."""
    found = ctx.app.knowledge.section_text(passage_id)
    if found is None:
        return Reply("Đoạn văn bản này không còn trong kho (văn bản có thể đã bị xóa).")
    passage, text = found
    if len(text) > MAX_SECTION_CHARS:
        text = text[:MAX_SECTION_CHARS].rsplit(" ", 1)[0] + " …"
    heading = passage.heading if passage.heading and not passage.heading.startswith("Thông tin") else ""
    parts = [heading, text, "", f"📄 {passage.citation()}."]
    return Reply("\n".join(p for p in parts if p is not None).strip())
