"""Check-ins: the outbox rows of one person sent as one message, and the message budget notices.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 00:15:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('checkins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.String(), nullable=False),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('channel', sa.String(), nullable=False),
    sa.Column('chat_id', sa.String(), nullable=False),
    sa.Column('sent_message_id', sa.String(), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('items', sa.JSON(), nullable=False),
    sa.Column('shown', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_checkins_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_checkins'))
    )
    with op.batch_alter_table('checkins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_checkins_person_id_sent_at'), ['person_id', 'sent_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_checkins_channel_sent_at'), ['channel', 'sent_at'], unique=False)

    op.create_table('budget_notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(), nullable=False),
    sa.Column('period', sa.String(), nullable=False),
    sa.Column('level', sa.String(), nullable=False),
    sa.Column('noticed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_budget_notices')),
    sa.UniqueConstraint('channel', 'period', 'level', name=op.f('uq_budget_notices_channel_period_level'))
    )

    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('checkin_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_outbox_checkin_id'), ['checkin_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_outbox_checkin_id_checkins'), 'checkins', ['checkin_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_outbox_checkin_id_checkins'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_outbox_checkin_id'))
        batch_op.drop_column('checkin_id')

    op.drop_table('budget_notices')
    with op.batch_alter_table('checkins', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_checkins_channel_sent_at'))
        batch_op.drop_index(batch_op.f('ix_checkins_person_id_sent_at'))

    op.drop_table('checkins')
