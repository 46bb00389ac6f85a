"""chats: last_seen and thread_id; invites

Revision ID: c3a81f0e5b27
Revises: c3d9e1f2a7b4
Create Date: 2026-12-01 09:30:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = 'c3a81f0e5b27'
down_revision = 'c3d9e1f2a7b4'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('chats', sa.Column('last_seen', sa.DateTime(timezone=True), nullable=True))
    op.add_column('chats', sa.Column('thread_id', sa.String(length=32), nullable=True))
    op.create_table('invites',
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('uses', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('code')
    )


def downgrade() -> None:
    op.drop_table('invites')
    with op.batch_alter_table('chats') as batch:
        batch.drop_column('thread_id')
        batch.drop_column('last_seen')
