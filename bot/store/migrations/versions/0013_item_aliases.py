"""The earlier numbers items list, in an indexed table: ``/action 54-04`` finds the item
listing it without reading every item's aliases.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 19:30:00

"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1000


def upgrade() -> None:
    """Upgrade schema, and list every alias the items already have."""
    aliases = op.create_table(
        "item_aliases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["action_items.id"],
            name=op.f("fk_item_aliases_item_id_action_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_aliases")),
    )
    op.create_index(op.f("ix_item_aliases_item_id"), "item_aliases", ["item_id"])
    op.create_index(op.f("ix_item_aliases_code"), "item_aliases", ["code"])
    items = sa.table("action_items", sa.column("id", sa.Integer), sa.column("aliases", sa.Text))
    connection = op.get_bind()
    query = sa.select(items.c.id, items.c.aliases).where(sa.cast(items.c.aliases, sa.Text) != "[]")
    rows = []
    for item_id, listed in connection.execute(query):
        codes = listed if isinstance(listed, list) else json.loads(listed or "[]")
        rows += [{"item_id": item_id, "code": code} for code in dict.fromkeys(codes)]
    for first in range(0, len(rows), BATCH):
        op.bulk_insert(aliases, rows[first : first + BATCH])


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(op.f("ix_item_aliases_code"), table_name="item_aliases")
    op.drop_index(op.f("ix_item_aliases_item_id"), table_name="item_aliases")
    op.drop_table("item_aliases")
