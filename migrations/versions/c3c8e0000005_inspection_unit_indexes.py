"""indexes for the homes' counts at a million checks (issue 10)

Revision ID: c3c8e0000005
Revises: c3c8e0000004
Create Date: 2026-11-28 11:50:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c3c8e0000005'
down_revision = 'c3c8e0000004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('inspection', schema=None) as batch_op:
        batch_op.create_index('ix_inspection_unit_done',
                              ['risk_point_id', 'level', 'frequency_key', 'done_at'], unique=False)
        batch_op.create_index('ix_inspection_enterprise_done', ['enterprise_id', 'done_at'], unique=False)


def downgrade():
    with op.batch_alter_table('inspection', schema=None) as batch_op:
        batch_op.drop_index('ix_inspection_enterprise_done')
        batch_op.drop_index('ix_inspection_unit_done')
