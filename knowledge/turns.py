"""The chat's last question and answer, kept in the database for follow-ups ("còn cấp xã thì sao?")."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy.orm import Session

from knowledge.answer import Answer, Turn
from knowledge.models import ChatTurn

FOLLOW_UP_WINDOW = timedelta(minutes=10)  # a question asked later than this starts afresh


def _utc(at: datetime) -> datetime:
    return at.replace(tzinfo=timezone.utc) if at.tzinfo is None else at.astimezone(timezone.utc)


def last_turn(session: Session, channel: str, chat_id: str, now: datetime) -> Turn | None:
    """The chat's previous turn, when recent enough to lean on."""
    row = session.get(ChatTurn, (channel, chat_id))
    if row is None or _utc(now) - _utc(row.asked_at) > FOLLOW_UP_WINDOW:
        return None
    return Turn(row.question, row.document_id, row.passage_id)


def remember_turn(session: Session, channel: str, chat_id: str, answer: Answer, now: datetime) -> None:
    """Keep the turn of an answered question (a declined one keeps the turn before it)."""
    if not answer.answered:
        return
    turn = answer.turn()
    row = session.get(ChatTurn, (channel, chat_id))
    if row is None:
        row = ChatTurn(channel=channel, chat_id=chat_id)
        session.add(row)
    row.question, row.document_id, row.passage_id, row.asked_at = turn.question, turn.doc_id, turn.passage_id, _utc(now)
    session.flush()
