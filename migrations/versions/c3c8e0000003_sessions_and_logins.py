"""sessions and logins (issue 8)

Revision ID: c3c8e0000003
Revises: b2c8e0000002
Create Date: 2026-11-28 09:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3c8e0000003'
down_revision = 'b2c8e0000002'
branch_labels = None
depends_on = None


def upgrade():
    # Every session and remember-me cookie carries the user's session version.
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), nullable=False,
                                      server_default='0'))
    # Failed logins are also counted per client address.
    with op.batch_alter_table('login_failure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_failure_remote_addr'), ['remote_addr'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('login_failure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_failure_remote_addr'))
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('session_version')
