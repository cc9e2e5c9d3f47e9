"""Updates the conversation has handled (received_updates): Telegram delivers an update again
until a later poll confirms it, and one handled just before a crash must not be handled twice.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 05:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('received_updates',
    sa.Column('channel', sa.String(), nullable=False),
    sa.Column('delivery_id', sa.String(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('channel', 'delivery_id', name=op.f('pk_received_updates'))
    )
    with op.batch_alter_table('received_updates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_received_updates_received_at'), ['received_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('received_updates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_received_updates_received_at'))
    op.drop_table('received_updates')
