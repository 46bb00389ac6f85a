"""kb chat turns: each chat's last question and what answered it, for follow-up questions

Revision ID: d4e6f8a0b2c1
Revises: b71e2c4a9d10
Create Date: 2026-12-01 10:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = 'd4e6f8a0b2c1'
down_revision = 'b71e2c4a9d10'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('kb_chat_turns',
                    sa.Column('channel', sa.String(length=20), nullable=False),
                    sa.Column('chat_id', sa.String(length=64), nullable=False),
                    sa.Column('question', sa.Text(), nullable=False),
                    sa.Column('document_id', sa.Integer(), nullable=True),
                    sa.Column('passage_id', sa.Integer(), nullable=True),
                    sa.Column('asked_at', sa.DateTime(timezone=True), nullable=False),
                    sa.PrimaryKeyConstraint('channel', 'chat_id'))


def downgrade() -> None:
    op.drop_table('kb_chat_turns')
