"""Editions: each Assembly's plan apart; Section I (who acts, collaborates, reports) per Resolution.

Resolutions, action items and import runs get an ``edition`` (``WTSA-20``); the
unique keys become (edition, key) and (edition, code, appendix), so that a
WTSA-24 plan stands beside the WTSA-20 one instead of merging into it by number.
Every existing row belonged to the only plan there was: WTSA-20.

Revision ID: 0004
Revises: 0003

"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FIRST_EDITION = "WTSA-20"
SECTION_ONE = ("action_by", "collaboration", "report_to")


def upgrade() -> None:
    """Upgrade schema."""
    editions = op.create_table(
        "editions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=16), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_editions")),
        sa.UniqueConstraint("name", name=op.f("uq_editions_name")),
    )
    with op.batch_alter_table("editions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_editions_year"), ["year"], unique=False)

    # The existing rows get their edition through a server default, dropped afterwards.
    for table in ("resolutions", "action_items"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column(
                    "edition", sa.String(length=16), nullable=False, server_default=FIRST_EDITION
                )
            )
    with op.batch_alter_table("import_runs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("edition", sa.String(length=16), nullable=False, server_default="")
        )
    # Plan imports (not schedule files, which share the table) were of the only plan.
    op.execute(
        sa.text(
            f"UPDATE import_runs SET edition = '{FIRST_EDITION}' "
            "WHERE file_kind IN ('docx', 'text')"
        )
    )

    with op.batch_alter_table("resolutions", schema=None) as batch_op:
        batch_op.alter_column("edition", server_default=None)
        for name in SECTION_ONE:
            batch_op.add_column(sa.Column(name, sa.Text(), nullable=False, server_default=""))
        batch_op.drop_constraint("uq_resolutions_key", type_="unique")
        batch_op.create_unique_constraint(batch_op.f("uq_resolutions_edition"), ["edition", "key"])

    with op.batch_alter_table("action_items", schema=None) as batch_op:
        batch_op.alter_column("edition", server_default=None)
        batch_op.drop_constraint("uq_action_items_code", type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_action_items_edition"), ["edition", "code", "appendix"]
        )
        batch_op.create_index(batch_op.f("ix_action_items_edition"), ["edition"], unique=False)

    connection = op.get_bind()
    if connection.scalar(sa.text("SELECT count(*) FROM action_items")):
        op.bulk_insert(
            editions,
            [
                {
                    "name": FIRST_EDITION,
                    "year": 2020,
                    "title": f"Action plan for implementation of {FIRST_EDITION} Resolutions",
                    "created_at": datetime.now(UTC),
                }
            ],
        )


def downgrade() -> None:
    """Downgrade schema: only possible while a single edition is stored."""
    with op.batch_alter_table("action_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_items_edition"))
        batch_op.drop_constraint(batch_op.f("uq_action_items_edition"), type_="unique")
        batch_op.create_unique_constraint(batch_op.f("uq_action_items_code"), ["code", "appendix"])
        batch_op.drop_column("edition")

    with op.batch_alter_table("resolutions", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_resolutions_edition"), type_="unique")
        batch_op.create_unique_constraint(batch_op.f("uq_resolutions_key"), ["key"])
        for name in reversed(SECTION_ONE):
            batch_op.drop_column(name)
        batch_op.drop_column("edition")

    with op.batch_alter_table("import_runs", schema=None) as batch_op:
        batch_op.drop_column("edition")

    with op.batch_alter_table("editions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_editions_year"))
    op.drop_table("editions")
