"""hazards review (issue 8)

Revision ID: a1c8e0000001
Revises: 5745f2278b23
Create Date: 2026-11-28 09:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a1c8e0000001'
down_revision = '5745f2278b23'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('hazard', schema=None) as batch_op:
        batch_op.add_column(sa.Column('judged_major_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('judged_major_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('major_criteria', sa.JSON(), nullable=False,
                                      server_default=sa.text("'[]'")))
        batch_op.add_column(sa.Column('major_basis', sa.Text(), nullable=False,
                                      server_default=''))
        batch_op.create_foreign_key(batch_op.f('fk_hazard_judged_major_by_id_user'), 'user',
                                    ['judged_major_by_id'], ['id'])
    # Major hazards recorded before: judged when found, by their reporter (the nearest
    # thing on record; a later regrade's time sits only in its event's JSON).
    op.execute("UPDATE hazard SET judged_major_at = found_at, judged_major_by_id = reported_by_id"
               " WHERE grade = 'major'")
    with op.batch_alter_table('escalation_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('verify_director_hours', sa.Integer(), nullable=False,
                                      server_default='24'))


def downgrade():
    with op.batch_alter_table('escalation_settings', schema=None) as batch_op:
        batch_op.drop_column('verify_director_hours')
    with op.batch_alter_table('hazard', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_hazard_judged_major_by_id_user'), type_='foreignkey')
        batch_op.drop_column('major_basis')
        batch_op.drop_column('major_criteria')
        batch_op.drop_column('judged_major_by_id')
        batch_op.drop_column('judged_major_at')
