"""reminder loop: unit start dates, audience exclusions, clusters, focal-point approval, ack notes, admin digests

Revision ID: b71e2c4a9d10
Revises: c3d5e7f9a1b2
Create Date: 2026-12-01 09:40:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'b71e2c4a9d10'
down_revision = 'c3d5e7f9a1b2'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('units') as b:
        b.add_column(sa.Column('created_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('deadlines') as b:
        b.add_column(sa.Column('audience_exclude', sa.JSON(), nullable=True))
    with op.batch_alter_table('focal_points') as b:
        b.add_column(sa.Column('status', sa.String(length=10), server_default='approved', nullable=False))
        b.add_column(sa.Column('requested_at', sa.DateTime(timezone=True), nullable=True))
        b.add_column(sa.Column('decided_by', sa.String(length=100), server_default='', nullable=False))
    with op.batch_alter_table('acknowledgements') as b:
        b.add_column(sa.Column('note', sa.String(length=200), server_default='', nullable=False))
    op.create_table('cluster_members',
                    sa.Column('chat_id', sa.Integer(), nullable=False),
                    sa.Column('unit_id', sa.Integer(), nullable=False),
                    sa.Column('added_by', sa.String(length=100), nullable=False),
                    sa.Column('added_at', sa.DateTime(timezone=True), nullable=True),
                    sa.ForeignKeyConstraint(['chat_id'], ['chats.id'], ondelete='CASCADE'),
                    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], ondelete='CASCADE'),
                    sa.PrimaryKeyConstraint('chat_id', 'unit_id'))
    op.create_table('admin_digests',
                    sa.Column('day', sa.Date(), nullable=False),
                    sa.Column('kind', sa.String(length=20), nullable=False),
                    sa.Column('claimed_by', sa.String(length=64), nullable=False),
                    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
                    sa.PrimaryKeyConstraint('day', 'kind'))
    # Admins' /nhacngay leads move from -1, -2, … to -1001, -1002, … (scheduler.leads): negatives below -1000
    # are manual, -1 is the legal due date, -2 … the escalation days.
    op.execute("UPDATE deliveries SET lead = lead - 1000 WHERE lead < 0")


def downgrade() -> None:
    op.execute("DELETE FROM deliveries WHERE lead < 0 AND lead > -1000")
    op.execute("UPDATE deliveries SET lead = lead + 1000 WHERE lead <= -1000")
    op.drop_table('admin_digests')
    op.drop_table('cluster_members')
    with op.batch_alter_table('acknowledgements') as b:
        b.drop_column('note')
    with op.batch_alter_table('focal_points') as b:
        b.drop_column('decided_by')
        b.drop_column('requested_at')
        b.drop_column('status')
    with op.batch_alter_table('deadlines') as b:
        b.drop_column('audience_exclude')
    with op.batch_alter_table('units') as b:
        b.drop_column('created_at')
