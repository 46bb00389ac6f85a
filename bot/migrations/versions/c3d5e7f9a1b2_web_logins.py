"""web logins: one-time dashboard links and sessions, stored hashed

Revision ID: c3d5e7f9a1b2
Revises: c3a81f0e5b27
Create Date: 2026-12-01 09:40:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'c3d5e7f9a1b2'
down_revision = 'c3a81f0e5b27'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('web_logins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('user_id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('csrf', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )


def downgrade() -> None:
    op.drop_table('web_logins')
