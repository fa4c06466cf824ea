"""address keys rotated daily for address hashes

Address hashes were keyed by SECRET_KEY alone, so anyone holding the instance
folder could reverse them; from now on each UTC day has a random key of its own
(``address_key``), deleted by `flask purge` with that day's hashes. The hashes
stored so far are cleared: they are the reversible kind, and no new hash would
match them anyway. (The dashboard's burst list starts afresh; nothing else
reads them.) Downgrading drops the keys; cleared hashes do not come back.

Revision ID: 95a4be21af11
Revises: 865730f2a091
Create Date: 2026-12-01 22:21:12.641467

"""
from alembic import op
import sqlalchemy as sa
import poll.database.column_types


# revision identifiers, used by Alembic.
revision = '95a4be21af11'
down_revision = '865730f2a091'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('address_key',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('starts_at', poll.database.column_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('created_at', poll.database.column_types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_address_key')),
    sa.UniqueConstraint('starts_at', name=op.f('uq_address_key_starts_at'))
    )
    op.execute("UPDATE vote SET ip_hash = NULL WHERE ip_hash IS NOT NULL")
    op.execute("UPDATE comment SET ip_hash = '' WHERE ip_hash <> ''")


def downgrade():
    op.drop_table('address_key')
