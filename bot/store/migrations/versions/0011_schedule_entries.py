"""The entries of schedule files as last read: an unchanged entry in a file read again
does not undo what an admin did in the meeting form.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 12:30:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "schedule_entries",
        sa.Column("fingerprint", sa.String(length=64), primary_key=True),
        sa.Column("meeting_uid", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("schedule_entries")
