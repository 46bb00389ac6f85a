"""kb documents: status (draft, in force, replaced) and scanned (read by OCR)

Revision ID: c3d9e1f2a7b4
Revises: 7cf89998edb4
Create Date: 2026-12-01 10:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = 'c3d9e1f2a7b4'
down_revision = '7cf89998edb4'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('kb_documents') as batch:
        batch.add_column(sa.Column('status', sa.String(length=20), server_default='', nullable=False))
        batch.add_column(sa.Column('scanned', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.execute("UPDATE kb_documents SET status = 'draft' WHERE draft")


def downgrade() -> None:
    with op.batch_alter_table('kb_documents') as batch:
        batch.drop_column('scanned')
        batch.drop_column('status')
