"""voter ids stored as keyed hashes of cookie tokens

The voter cookie keeps its random token; the database now keeps only a keyed
BLAKE2b hash of it (key: SHA-256 of SECRET_KEY, personalisation "voter", 16
bytes), which is the pseudonym the CSV exports have always shown. This
revision rewrites the voter ids already stored in votes and comments with the
deployment's secret key, so every browser keeps its vote and its comments.

Data only: the schema is unchanged. The tokens cannot be recovered from their
hashes, so downgrading leaves the hashed ids in place (browsers that voted
before the upgrade would then no longer find their vote).

Revision ID: adeb00b116f9
Revises: 081b9ae4412d
Create Date: 2026-11-25 22:46:32.175603

"""
import hashlib

import sqlalchemy as sa
from alembic import context, op
from flask import current_app

# revision identifiers, used by Alembic.
revision = 'adeb00b116f9'
down_revision = '081b9ae4412d'
branch_labels = None
depends_on = None

BATCH_ROWS = 5000
TABLES = ("vote", "comment")


def voter_id_for(secret_key: str):
    """The hash as this revision defines it, written out here so that later
    changes to the application code cannot change what this revision did."""
    keyed = hashlib.blake2b(key=hashlib.sha256(secret_key.encode()).digest(), person=b"voter", digest_size=16)

    def hash_token(token: str) -> str:
        digest = keyed.copy()
        digest.update(token.encode())
        return digest.hexdigest()

    return hash_token


def upgrade():
    if context.is_offline_mode():
        raise RuntimeError("this revision rewrites stored rows with the secret key: run it online (flask db upgrade)")
    hash_token = voter_id_for(current_app.secret_key)
    connection = op.get_bind()
    for name in TABLES:
        table = sa.table(name, sa.column("id", sa.Integer), sa.column("voter_id", sa.String))
        rewrite = (
            table.update()
            .where(table.c.id == sa.bindparam("row_id"))
            .values(voter_id=sa.bindparam("hashed"))
        )
        last_id = 0
        while True:
            rows = connection.execute(
                sa.select(table.c.id, table.c.voter_id)
                .where(table.c.id > last_id)
                .order_by(table.c.id)
                .limit(BATCH_ROWS)
            ).all()
            if not rows:
                break
            connection.execute(rewrite, [{"row_id": row.id, "hashed": hash_token(row.voter_id)} for row in rows])
            last_id = rows[-1].id


def downgrade():
    # The tokens cannot be recovered from their hashes; see the module docstring.
    pass
