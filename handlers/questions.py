"""/hoi and plain-text questions: answers from the knowledge base with citations, and the "Xem thêm" button."""
from __future__ import annotations

from bot.core.messages import Button, Reply
from handlers.context import Context
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
    answer = ctx.app.knowledge.answer(question)
    buttons: tuple[Button, ...] = ()
    if answer.answered and answer.more is not None:
        buttons = (Button("Xem thêm", f"more:{answer.more.id}"),)
    return Reply(answer.text, buttons=buttons)


@callback("more")
async def more(ctx: Context) -> Reply:
    try:
        passage_id = int(ctx.args)
    except ValueError:
        return Reply("Nút này không còn hiệu lực.")
    found = ctx.app.knowledge.section_text(passage_id)
    if found is None:
        return Reply("Đoạn văn bản này không còn trong kho (văn bản có thể đã bị xóa).")
    passage, text = found
    if len(text) > MAX_SECTION_CHARS:
        text = text[:MAX_SECTION_CHARS].rsplit(" ", 1)[0] + " …"
    heading = passage.heading if passage.heading and not passage.heading.startswith("Thông tin") else ""
    parts = [heading, text, "", f"📄 {passage.citation()}."]
    return Reply("\n".join(p for p in parts if p is not None).strip())
