"""Slack messages that recorded updates; updates can be retracted (undo, edit, delete).

Revision ID: 0002
Revises: 0001


"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "slack_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=64), nullable=False, server_default=""),
        sa.Column("ts", sa.String(length=32), nullable=False),
        sa.Column("thread_ts", sa.String(length=32), nullable=True),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("permalink", sa.Text(), nullable=True),
        sa.Column("reply_ts", sa.String(length=32), nullable=True),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_slack_messages")),
        sa.UniqueConstraint("team_id", "channel", "ts", name=op.f("uq_slack_messages_team_id")),
    )
    with op.batch_alter_table("status_updates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("message_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("channel", sa.String(length=64), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("retracted_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("retracted_by", sa.String(length=32), nullable=False, server_default="")
        )
        batch_op.create_index(
            batch_op.f("ix_status_updates_message_id"), ["message_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_status_updates_message_id_slack_messages"),
            "slack_messages",
            ["message_id"],
            ["id"],
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("status_updates", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_status_updates_message_id_slack_messages"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_status_updates_message_id"))
        batch_op.drop_column("retracted_by")
        batch_op.drop_column("retracted_at")
        batch_op.drop_column("channel")
        batch_op.drop_column("message_id")

    op.drop_table("slack_messages")
