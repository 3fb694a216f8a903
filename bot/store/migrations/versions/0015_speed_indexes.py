"""Indexes for the digest's and the reminders' questions, which otherwise read every row:
the updates of a week (``created_at``), the ones taken back in it (``retracted_at``), and
an edition's latest import.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 19:40:00

"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_index("ix_status_updates_created_at", "status_updates", ["created_at"])
    op.create_index("ix_status_updates_retracted_at", "status_updates", ["retracted_at"])
    op.create_index("ix_import_runs_edition_created", "import_runs", ["edition", "created_at"])


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index("ix_import_runs_edition_created", table_name="import_runs")
    op.drop_index("ix_status_updates_retracted_at", table_name="status_updates")
    op.drop_index("ix_status_updates_created_at", table_name="status_updates")
