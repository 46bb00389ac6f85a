"""send budget: one row per Telegram rate-limit key (its GCRA time), shared by the replicas

Revision ID: e5f7a9b1c3d5
Revises: e5f7a9b1c3d6
Create Date: 2026-12-01 12:30:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = 'e5f7a9b1c3d5'
down_revision = 'e5f7a9b1c3d6'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('send_budget',
                    sa.Column('key', sa.String(length=120), nullable=False),
                    sa.Column('tat', sa.Float(precision=53), nullable=False),
                    sa.Column('wait', sa.Float(precision=53), nullable=False),
                    sa.PrimaryKeyConstraint('key'))


def downgrade() -> None:
    op.drop_table('send_budget')
