"""Personal reminders: who asked for them by direct message (and in which time zone),
and the reminders each person said "Got it" to.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 11:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "reminder_subscribers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_subscribers")),
        sa.UniqueConstraint("user_id", name=op.f("uq_reminder_subscribers_user_id")),
    )
    op.create_table(
        "reminder_dismissals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("meeting_uid", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_dismissals")),
        sa.UniqueConstraint(
            "user_id", "meeting_uid", "kind", name=op.f("uq_reminder_dismissals_user_id")
        ),
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("reminder_dismissals")
    op.drop_table("reminder_subscribers")
