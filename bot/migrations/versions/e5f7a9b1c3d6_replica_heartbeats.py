"""replica heartbeats: which process holds each instance id, and when it last beat

Revision ID: e5f7a9b1c3d6
Revises: d4e6f8a0b2c1
Create Date: 2026-12-01 12:30:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = 'e5f7a9b1c3d6'
down_revision = 'd4e6f8a0b2c1'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('replica_heartbeats',
                    sa.Column('instance_id', sa.String(length=200), nullable=False),
                    sa.Column('token', sa.String(length=64), nullable=False),
                    sa.Column('host', sa.String(length=200), nullable=False),
                    sa.Column('pid', sa.Integer(), nullable=False),
                    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
                    sa.Column('beat_at', sa.DateTime(timezone=True), nullable=False),
                    sa.Column('stopped_at', sa.DateTime(timezone=True), nullable=True),
                    sa.PrimaryKeyConstraint('instance_id'))
    op.create_index(op.f('ix_replica_heartbeats_beat_at'), 'replica_heartbeats', ['beat_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_replica_heartbeats_beat_at'), table_name='replica_heartbeats')
    op.drop_table('replica_heartbeats')
