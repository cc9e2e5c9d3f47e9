"""What makes a sync with nothing new fast: each plan's fingerprint and warning count (plans), the
inputs of the last full reminder pass (materialize_marks). And the months of a repeating deadline
that have a due day of their own (tasks, reporting_obligations), which were not stored.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 03:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fingerprint', sa.String(), nullable=True))
        batch_op.add_column(sa.Column('warnings', sa.Integer(), server_default='0', nullable=False))

    for table in ('tasks', 'reporting_obligations'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('recurrence_exceptions', sa.String(), nullable=True))

    op.create_table('materialize_marks',
    sa.Column('scope', sa.String(), nullable=False),
    sa.Column('inputs', sa.String(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('scope', name=op.f('pk_materialize_marks'))
    )


def downgrade() -> None:
    op.drop_table('materialize_marks')
    for table in ('tasks', 'reporting_obligations'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('recurrence_exceptions')
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.drop_column('warnings')
        batch_op.drop_column('fingerprint')
