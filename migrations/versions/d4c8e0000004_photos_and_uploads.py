"""photos and uploads (issue 8): no schema change

Photos need no new column: a file is pending until its row is committed, which storage.py
tells by the file's name, and `flask sweep-photos` settles leftovers by the files' age.
The revision stays so that the chain c3c8e0000003 -> d4c8e0000004 -> e5c8e0000005 holds.

Revision ID: d4c8e0000004
Revises: c3c8e0000003
Create Date: 2026-11-28 09:40:00

"""

# revision identifiers, used by Alembic.
revision = 'd4c8e0000004'
down_revision = 'c3c8e0000003'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
