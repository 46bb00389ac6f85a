"""outbox: messages to a chat written with the change they tell of, sent once by the process serving the channel

Revision ID: f1a2b3c4d5e6
Revises: f2b4d6e8a0c1
Create Date: 2026-12-01 15:50:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = 'f1a2b3c4d5e6'
down_revision = 'f2b4d6e8a0c1'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('outbox',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('channel', sa.String(length=20), nullable=False),
                    sa.Column('chat_id', sa.String(length=64), nullable=False),
                    sa.Column('kind', sa.String(length=40), nullable=False),
                    sa.Column('params', sa.JSON(), nullable=False),
                    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
                    sa.Column('status', sa.String(length=10), nullable=False),
                    sa.Column('attempts', sa.Integer(), nullable=False),
                    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
                    sa.Column('claimed_by', sa.String(length=64), nullable=False),
                    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
                    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
                    sa.Column('outcome', sa.String(length=500), nullable=False),
                    sa.PrimaryKeyConstraint('id'))
    op.create_index(op.f('ix_outbox_status'), 'outbox', ['status'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_outbox_status'), table_name='outbox')
    op.drop_table('outbox')
