"""The plan's revision and which items each revision changed: a process reads one row
to know whether its search index is current, and updates it for those items alone.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 19:40:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "plan_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_revision")),
    )
    op.create_table(
        "plan_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_changes")),
    )
    op.create_index(op.f("ix_plan_changes_revision"), "plan_changes", ["revision"])


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(op.f("ix_plan_changes_revision"), table_name="plan_changes")
    op.drop_table("plan_changes")
    op.drop_table("plan_revision")
