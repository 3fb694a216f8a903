"""The inbox of events Slack delivered, and outbox posts made with any Web API method.

Events are stored before Slack is told they were received; thread confirmations,
answers and reactions join reminders and digests in the outbox, so each post
says which method makes it and with what (``thread_ts``, ``ts``, ``user``).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 04:30:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "inbox_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox_events")),
        sa.UniqueConstraint("key", name=op.f("uq_inbox_events_key")),
    )
    op.create_index("ix_inbox_events_due", "inbox_events", ["status", "next_attempt_at"])
    with op.batch_alter_table("outbox_posts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "method", sa.String(length=32), nullable=False, server_default="chat.postMessage"
            )
        )
        batch_op.add_column(sa.Column("params", sa.JSON(), nullable=False, server_default="{}"))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("outbox_posts", schema=None) as batch_op:
        batch_op.drop_column("params")
        batch_op.drop_column("method")
    op.drop_index("ix_inbox_events_due", table_name="inbox_events")
    op.drop_table("inbox_events")
