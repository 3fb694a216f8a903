"""A message's words are stored once, in ``slack_messages``, not once per item it updates.

A flag update (completed, periodic, reopened) recorded from a Slack message kept a
copy of the whole message, cleaned, in ``status_updates.text``: one long message
about 400 items stored its text 400 times.  From now on such an update keeps
``""`` and shows ``slack_messages.text`` (``StatusUpdate.words``), which holds the
message as people read it, as the updates did, instead of as Slack sent it.

Upgrade: a message with flag updates takes the words of its latest one, and every
flag update of the message whose text is those words gives up its copy.  The
others (the words of an earlier version of an edited message, kept by updates
that edit took back) keep theirs, so every view shows what it showed before.
Messages without flag updates (notes only, whose text is their own) are left as
they are.  No schema change.

Downgrade: the flag updates that read their message's words get a copy again.
The raw text Slack sent is not brought back (nothing read it).

Revision ID: 0005
Revises: 0004

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FLAG_KINDS = "('completed', 'periodic', 'reopened')"
LATEST_FLAG_TEXT = f"""
    SELECT u.text FROM status_updates u
    WHERE u.message_id = slack_messages.id AND u.kind IN {FLAG_KINDS}
    ORDER BY u.id DESC LIMIT 1
"""
MESSAGE_TEXT = "SELECT m.text FROM slack_messages m WHERE m.id = status_updates.message_id"


def upgrade() -> None:
    """Upgrade data: one copy of each message's words."""
    op.execute(
        sa.text(
            f"UPDATE slack_messages SET text = ({LATEST_FLAG_TEXT})"
            f" WHERE EXISTS ({LATEST_FLAG_TEXT})"
        )
    )
    op.execute(
        sa.text(
            "UPDATE status_updates SET text = ''"
            f" WHERE message_id IS NOT NULL AND kind IN {FLAG_KINDS}"
            f" AND text = ({MESSAGE_TEXT})"
        )
    )


def downgrade() -> None:
    """Downgrade data: each flag update a copy of its message's words again."""
    op.execute(
        sa.text(
            f"UPDATE status_updates SET text = ({MESSAGE_TEXT})"
            f" WHERE message_id IS NOT NULL AND kind IN {FLAG_KINDS} AND text = ''"
        )
    )
