"""due and control levels (issue 8)

Revision ID: b2c8e0000002
Revises: a1c8e0000001
Create Date: 2026-11-28 09:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b2c8e0000002'
down_revision = 'a1c8e0000001'
branch_labels = None
depends_on = None


def upgrade():
    # None: shift and daily checks are overdue when their period ends.
    with op.batch_alter_table('enterprise', schema=None) as batch_op:
        batch_op.add_column(sa.Column('check_within_hours', sa.Integer(), nullable=True))
    # Points already below their grade's control level keep no reason: their page says so.
    with op.batch_alter_table('risk_point', schema=None) as batch_op:
        batch_op.add_column(sa.Column('control_reason', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('risk_point', schema=None) as batch_op:
        batch_op.drop_column('control_reason')
    with op.batch_alter_table('enterprise', schema=None) as batch_op:
        batch_op.drop_column('check_within_hours')
