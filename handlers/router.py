"""The core's single entry: route an incoming message to a command, a button or a question."""
from __future__ import annotations

import importlib
import logging
import re
from dataclasses import replace
from datetime import datetime

from sqlalchemy.orm import Session

from bot.core.messages import IncomingMessage, Reply
from handlers import COMMAND_MODULES
from bot.core.actors import Actor
from bot.core.audit import require
from bot.core.errors import Forbidden
from handlers.context import Context, Services
from handlers.conversation import ascii_command, suggestion
from handlers.plain_words import PLAIN_WORDS
from handlers.registry import REGISTRY, Command, HandlerFunc, HandlerResult, Registry, Role
from handlers.short_replies import short_reply
from handlers.typed_commands import meant_as_command
from bot.core.admins import resolve_role
from bot.core.vietnamese import fold
from scheduler.chats import touch_chat

log = logging.getLogger(__name__)

_COMMAND = re.compile(r"^/([A-Za-z0-9_]{1,32})(?:@\S+)?(?:\s+|$)(.*)$", re.S)
QUESTION_COMMAND = "hoi"
_loaded = False

DISCLOSURE = "ℹ️ Bạn đang trò chuyện với trợ lý tự động (bot) của Sở Nội vụ, không phải người trực."
MAX_TEXT_CHARS = 4096  # Telegram's own limit for one message
TOO_LONG_TEXT = ("Tin nhắn quá dài ({n} ký tự). Bot nhận tối đa 4.096 ký tự mỗi tin: hãy hỏi ngắn gọn; "
                 "văn bản dài xin gửi dưới dạng tệp cho quản trị viên.")
ERROR_TEXT = "Xin lỗi, đã có lỗi khi xử lý yêu cầu. Vui lòng thử lại sau ít phút."
UNKNOWN_TEXT = "Không có lệnh /{name}. Gõ /help để xem các lệnh, hoặc gõ thẳng câu hỏi của bạn."
NON_TEXT = "Trợ lý chỉ đọc được tin nhắn chữ: hãy gõ câu hỏi hoặc lệnh bằng chữ (gõ {help} để xem các lệnh)."
NOTHING_PENDING = ("Không có thay đổi nào đang chờ bạn xác nhận. Khi đã nộp báo cáo, gõ «đã nộp»; muốn hủy một "
                   "xác nhận nộp, gõ /huynop.")
MENTION_WORDS = 6  # a leading @-mention of the bot is taken to be at most this many words ("@Trợ lý CCHC")


def load_commands() -> Registry:
    """Import the handler modules once so that their commands are in the table."""
    global _loaded
    if not _loaded:
        for name in COMMAND_MODULES:
            try:
                importlib.import_module(name)
            except ModuleNotFoundError as e:
                if e.name != name:
                    raise
        _loaded = True
    return REGISTRY


def parse(msg: IncomingMessage, bare_commands: bool) -> tuple[str, str] | None:
    """(command name, args) for a command message, None for plain text."""
    text = msg.text.strip()
    m = _COMMAND.match(text)
    if m:
        return m.group(1).lower(), m.group(2).strip()
    if text:
        return _match_bare(text, buttons_only=not bare_commands)
    return None


def after_mention(text: str, bare_commands: bool) -> str:
    """The text after a leading @-mention of the bot, whatever name users see it by.

    The name may have several words ("@Trợ lý CCHC /han"): the shortest cut after which a command or a
    known phrase follows wins; otherwise only the first word (the "@…" itself) is dropped.
    """
    words = text.split()
    if not words or not words[0].startswith("@"):
        return text
    for k in range(1, min(MENTION_WORDS, len(words) - 1) + 1):
        rest = " ".join(words[k:])
        if _COMMAND.match(rest) or _match_bare(rest, buttons_only=not bare_commands):
            return rest
    return " ".join(words[1:])


# Courtesy words written before a typed button ("em đã nộp ạ", "dạ, đã gửi", "ok đã nộp", "bên em nộp rồi"), folded.
LEAD_INS = ("da", "vang", "ok", "oke", "okay", "em", "minh", "toi", "chung toi", "ben em", "ben minh", "don vi em",
            "don vi minh", "anh oi", "chi oi", "bot oi", "ad oi")
MAX_LEAD_INS = 3


def _match_bare(text: str, *, buttons_only: bool = False) -> tuple[str, str] | None:
    """Commands typed without the slash ("han", "đã nộp 12"), diacritics-insensitive.

    With `buttons_only` (channels where commands need the slash) only the typed forms of buttons count. A typed
    button may follow a few courtesy words (`LEAD_INS`): "em đã nộp ạ" is "đã nộp".
    """
    found = _match_words(text, buttons_only=buttons_only)
    rest = text
    for _ in range(MAX_LEAD_INS):
        if found is not None:
            return found
        rest = _without_lead_in(rest)
        if rest is None:
            return None
        found = _match_words(rest, buttons_only=True)
    return found


def _without_lead_in(text: str) -> str | None:
    """`text` without its first courtesy word(s), or None when it starts with none."""
    words = text.replace(",", " , ").split()
    folded = [fold(w) for w in words]
    for lead in sorted(LEAD_INS, key=len, reverse=True):
        n = len(lead.split())
        if " ".join(folded[:n]) == lead and len(words) > n:
            rest = words[n:]
            while rest and rest[0] in {",", "!", "."}:
                rest = rest[1:]
            return " ".join(rest) if rest else None
    return None


def _match_words(text: str, *, buttons_only: bool) -> tuple[str, str] | None:
    folded = fold(" ".join(text.split()))
    words = text.split()
    for cmd in REGISTRY.unique():
        if buttons_only and not cmd.typed_button:
            continue
        for phrase in cmd.phrases:
            p = fold(phrase)
            if folded == p or folded.startswith(p + " ") or (folded.startswith(p) and folded[len(p)] in ",.;:!"):
                return cmd.name, " ".join(words[len(p.split()):])
    if buttons_only:
        return None
    for phrase, name in PLAIN_WORDS.items():
        p = fold(phrase)
        if (folded == p or folded.startswith(p + " ")) and REGISTRY.find(name) is not None:
            return name, " ".join(words[len(p.split()):])
    first = folded.split(" ", 1)[0]
    cmd = REGISTRY.find(first)
    if cmd is not None and cmd.name != QUESTION_COMMAND:
        return cmd.name, " ".join(words[1:])
    return None


def unknown_command(name: str, registry: Registry) -> str:
    """'Không có lệnh /tinhinh. Có phải bạn muốn: /tinhhinh?' (the suggestion when one is close enough)."""
    meant = suggestion(name, registry)
    if meant is not None:
        return f"Không có lệnh /{name}. Có phải bạn muốn: /{meant}? Gõ /help để xem các lệnh."
    return UNKNOWN_TEXT.format(name=name)


def _without_nul(msg: IncomingMessage) -> IncomingMessage:
    """PostgreSQL text cannot hold NUL characters: drop them before anything is stored."""
    if "\x00" not in msg.text + msg.chat_title + (msg.callback or "") + msg.sender.display_name:
        return msg
    return replace(msg, text=msg.text.replace("\x00", ""), chat_title=msg.chat_title.replace("\x00", ""),
                   callback=msg.callback.replace("\x00", "") if msg.callback is not None else None,
                   sender=replace(msg.sender, display_name=msg.sender.display_name.replace("\x00", "")))


def _as_replies(result: HandlerResult) -> list[Reply]:
    if result is None:
        return []
    if isinstance(result, str):
        return [Reply(result)]
    if isinstance(result, Reply):
        return [result]
    return list(result)


def _refusal(session: Session, now: datetime, actor: Actor, cmd: Command, args: str) -> Reply | None:
    """The caller may not do what the command asks: the use case's own check (audited), then chat's refusal text."""
    action, detail = cmd.action_for(args)
    try:
        require(session, now, actor, action, detail)
    except Forbidden:
        if cmd.refusal:
            return Reply(cmd.refusal)
        what = "quản trị viên cấp cao" if action.role == Role.SUPERADMIN else "quản trị viên (Sở Nội vụ)"
        return Reply(f"Lệnh /{cmd.name} chỉ dành cho {what}. Yêu cầu đã được ghi lại.")
    return None


def _what_you_can_do(bare: bool) -> str:
    """What someone who is not an admin can do instead, in the channel's own way of typing commands."""
    han, hlp = ("«hạn»", "«trợ giúp»") if bare else ("/han", "/help")
    return (f"Bạn có thể gõ {han} để xem các hạn của đơn vị, «đã nộp» khi đơn vị đã nộp báo cáo, hoặc gõ thẳng câu "
            f"hỏi về văn bản; {hlp} liệt kê các lệnh của bạn.")


async def handle(app: Services, msg: IncomingMessage) -> list[Reply]:
    """Replies to one incoming message (possibly none, e.g. group chatter not addressed to the bot); on channels that
    require it, the first reply a chat ever gets opens with DISCLOSURE, whatever it says (a refusal too)."""
    first: list[bool] = []  # set by _answer once it has recorded the chat
    replies = await _answer(app, msg, first)
    if not replies or not app.capabilities(msg.chat.channel).disclose_automation:
        return replies
    if not first:  # answered before the chat was recorded (an unknown command, a sticker): record it now
        try:
            with app.db.session() as session:
                first.append(touch_chat(session, _without_nul(msg), app.clock.now()))
        except Exception:
            log.exception("recording chat %s failed", msg.chat)
            return replies
    if first[0]:
        replies[0] = replace(replies[0], text=DISCLOSURE + "\n\n" + replies[0].text)
    return replies


async def _answer(app: Services, msg: IncomingMessage, first: list[bool]) -> list[Reply]:
    """The replies to one message, before the disclosure; `first` gets whether the chat was new once recorded."""
    registry = load_commands()
    msg = _without_nul(msg)
    if msg.text.startswith("/") and not msg.text.split(" ", 1)[0].isascii():
        msg = replace(msg, text=ascii_command(msg.text))  # "/hạn" is /han
    if len(msg.text) > MAX_TEXT_CHARS:  # search time grows with the text: a huge paste would stall everyone
        if msg.chat_kind == "group" and not msg.mentioned and not msg.text.startswith("/"):
            return []
        return [Reply(TOO_LONG_TEXT.format(n=f"{len(msg.text):,}".replace(",", ".")))]
    caps = app.capabilities(msg.chat.channel)
    if msg.chat_kind == "group" and msg.mentioned and msg.text.lstrip().startswith("@"):
        msg = replace(msg, text=after_mention(msg.text.strip(), caps.bare_commands))
    func: HandlerFunc | None
    cmd: Command | None = None
    name, args = "", ""
    typed = False  # a command written without its slash: a non-admin gets it answered as a question instead
    plain = False  # plain text, not a command: a short non-question ("dạ", "chưa nộp") gets a short reply
    if msg.media and not msg.text.strip() and msg.document is None and msg.callback is None:
        if msg.chat_kind == "group" and not msg.mentioned:
            return []
        return [Reply(NON_TEXT.format(help="«trợ giúp»" if caps.bare_commands else "/help"))]
    if msg.callback is not None:
        prefix, _, args = msg.callback.partition(":")
        func = registry.callbacks.get(prefix)
        name = f"button:{prefix}"
        if func is None:
            return [Reply("Nút này không còn hiệu lực.")]
    elif msg.document is not None:
        func = registry.document_handler
        name = "document"
        if func is None:
            return [Reply("Bot chưa nhận tệp đính kèm.")]
    else:
        parsed = parse(msg, caps.bare_commands)
        if parsed is None:
            if msg.chat_kind == "group" and not msg.mentioned:
                return []
            name, args, plain = QUESTION_COMMAND, msg.text.strip(), True
        else:
            name, args = parsed
            typed = not msg.text.lstrip().startswith("/")
            heard = registry.find(name) is not None and registry.find(name).in_groups  # type: ignore[union-attr]
            if typed and msg.chat_kind == "group" and not msg.mentioned and not caps.bare_commands and not heard:
                return []  # group chatter that happens to start like a command
        cmd = registry.find(name)
        if cmd is None:
            if msg.chat_kind == "group" and not msg.mentioned:
                return []  # "/ban" meant for another bot in the group: not ours to answer
            return [Reply(unknown_command(name, registry))]
        func = cmd.func

    ctx: Context | None = None
    try:
        # Its own short transaction: a handler may need another connection to write (SQLite allows one writer).
        with app.db.session() as session:
            first.append(touch_chat(session, msg, app.clock.now()))
        with app.db.session() as session:
            role = resolve_role(app.settings, session, msg.chat.channel, msg.sender.user_id)
            if cmd is not None and role < cmd.role and typed and cmd.typed_button and not args:
                # «đồng ý» / «hủy» typed by someone with no change to confirm: say so, not a passage of a directive
                return [Reply(NOTHING_PENDING)]
            if cmd is not None and role < cmd.role and typed and cmd.name != QUESTION_COMMAND:
                if meant_as_command(session, cmd, msg.text, args):  # "tình hình": say it is for admins
                    refused = _refusal(session, app.clock.now(), Actor.of(msg, role), cmd, args)
                    if refused is not None:
                        return [replace(refused, text=f"{refused.text}\n{_what_you_can_do(caps.bare_commands)}")]
                cmd, name, args, plain = registry.find(QUESTION_COMMAND), QUESTION_COMMAND, msg.text.strip(), True
                assert cmd is not None
                func = cmd.func
            if cmd is not None:
                refused = _refusal(session, app.clock.now(), Actor.of(msg, role), cmd, args)
                if refused is not None:
                    return [refused]
            ctx = Context(app, msg, session, role, cmd.name if cmd else name, args)
            short = short_reply(ctx, msg.text) if plain else None
            replies = [Reply(short)] if short is not None else _as_replies(await func(ctx))
    except Exception:
        log.exception("handler %s failed for %s", name, msg.chat)
        return [Reply(ERROR_TEXT)]
    if ctx is not None and ctx.notices:  # committed with the change: sent now, or by a reminder tick if this fails
        try:
            await app.send_notices(ctx.notices)
        except Exception:
            log.exception("sending notices %s failed; the reminder tick retries them", ctx.notices)
    return replies
