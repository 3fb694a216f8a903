"""Follows: a channel or a person following a Resolution, a body or a kind of meeting,
and the claims that say which updates were handed to their followers.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 10:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "follows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("follower", sa.String(length=64), nullable=False),
        sa.Column("personal", sa.Boolean(), nullable=False),
        sa.Column("topic", sa.String(length=16), nullable=False),
        sa.Column("target", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follows")),
        sa.UniqueConstraint("follower", "topic", "target", name=op.f("uq_follows_follower")),
    )
    op.create_index(op.f("ix_follows_follower"), "follows", ["follower"])
    op.create_table(
        "followed_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("update_id", sa.Integer(), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["update_id"],
            ["status_updates.id"],
            name=op.f("fk_followed_updates_update_id_status_updates"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_followed_updates")),
        sa.UniqueConstraint("key", name=op.f("uq_followed_updates_key")),
    )
    op.create_index(op.f("ix_followed_updates_update_id"), "followed_updates", ["update_id"])


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(op.f("ix_followed_updates_update_id"), table_name="followed_updates")
    op.drop_table("followed_updates")
    op.drop_index(op.f("ix_follows_follower"), table_name="follows")
    op.drop_table("follows")
