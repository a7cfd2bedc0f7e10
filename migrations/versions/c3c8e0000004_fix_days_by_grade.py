"""days to fix a hazard, by grade, per enterprise (issue 10)

Revision ID: c3c8e0000004
Revises: c3c8e0000003
Create Date: 2026-11-28 11:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3c8e0000004'
down_revision = 'c3c8e0000003'
branch_labels = None
depends_on = None


def upgrade():
    # The assign form proposes a deadline this many days ahead; existing enterprises get the defaults.
    with op.batch_alter_table('enterprise', schema=None) as batch_op:
        batch_op.add_column(sa.Column('general_fix_days', sa.Integer(), nullable=False,
                                      server_default='7'))
        batch_op.add_column(sa.Column('major_fix_days', sa.Integer(), nullable=False,
                                      server_default='30'))


def downgrade():
    with op.batch_alter_table('enterprise', schema=None) as batch_op:
        batch_op.drop_column('major_fix_days')
        batch_op.drop_column('general_fix_days')
