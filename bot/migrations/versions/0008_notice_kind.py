"""The outbox kind `notice`: the bot's own messages to the admin (a channel's monthly message budget
ran low), queued like any reminder.

The kind is a checked VARCHAR (`ck_outbox_outbox_kind`); only its CHECK constraint changes (SQLite
rebuilds the table in batch mode). A downgrade deletes the notice rows, which the older schema
cannot hold.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 04:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS_BEFORE = ('before', 'due', 'overdue', 'escalation', 'progress', 'digest')
KINDS = (*KINDS_BEFORE, 'notice')


def _kind_check(kinds: Sequence[str]) -> str:
    return "kind IN (" + ", ".join(f"'{kind}'" for kind in kinds) + ")"


def upgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_outbox_outbox_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_outbox_outbox_kind'), _kind_check(KINDS))


def downgrade() -> None:
    outbox = sa.table('outbox', sa.column('kind', sa.String()))
    op.execute(sa.delete(outbox).where(outbox.c.kind == 'notice'))
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_outbox_outbox_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_outbox_outbox_kind'), _kind_check(KINDS_BEFORE))
