"""Reporting rounds: where each responsible body is asked (a channel, its people), the
rounds before meetings, and the items each round asks each body about.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 18:45:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "body_contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("body", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=64), nullable=False),
        sa.Column("users", sa.JSON(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_body_contacts")),
        sa.UniqueConstraint("body", name=op.f("uq_body_contacts_body")),
    )
    op.create_table(
        "reporting_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_uid", sa.String(length=64), nullable=False),
        sa.Column("meeting_name", sa.Text(), nullable=False),
        sa.Column("edition", sa.String(length=16), nullable=False),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_by", sa.String(length=64), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reporting_rounds")),
        sa.UniqueConstraint("meeting_uid", name=op.f("uq_reporting_rounds_meeting_uid")),
    )
    op.create_table(
        "round_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.String(length=64), nullable=False),
        sa.Column("nothing_new_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("nothing_new_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["reporting_rounds.id"],
            name=op.f("fk_round_items_round_id_reporting_rounds"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["action_items.id"], name=op.f("fk_round_items_item_id_action_items")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_round_items")),
        sa.UniqueConstraint("round_id", "item_id", "body", name=op.f("uq_round_items_round_id")),
    )
    op.create_index(op.f("ix_round_items_round_id"), "round_items", ["round_id"])


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(op.f("ix_round_items_round_id"), table_name="round_items")
    op.drop_table("round_items")
    op.drop_table("reporting_rounds")
    op.drop_table("body_contacts")
