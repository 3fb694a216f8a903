"""An action-plan import keeps the document's own date.

The digest's "no update since" counts an item's last document update as of the
day the document speaks for, not the day it was imported: the plan bundled with
tsagbot speaks for January 2024 even when a new install imports it in 2026.
Imports made before this revision keep no date (the digest then counts them as
of the day they were made, as before).

Revision ID: 0007
Revises: 0006

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema: import_runs.document_date, nullable."""
    with op.batch_alter_table("import_runs") as batch:
        batch.add_column(sa.Column("document_date", sa.Date(), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("import_runs") as batch:
        batch.drop_column("document_date")
