"""Updates recorded with *Record as update* keep the message's author as the reporter;
the one who recorded them is the author.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 12:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("status_updates") as batch:
        batch.add_column(
            sa.Column("reporter_id", sa.String(length=64), server_default="", nullable=False)
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("status_updates") as batch:
        batch.drop_column("reporter_id")
