"""What the bot says about recorded updates: the thread reply, its Undo button, refusals.

The use cases of :mod:`bot.plan.updates.intake` return plain data; these functions
word it, and the Slack listener posts the words where they belong.
"""

from __future__ import annotations

from typing import Any

from bot.plan.updates.intake import UndoStatus
from bot.plan.updates.record import Change
from bot.render import Renderer, Reply

UNDO_BUTTON = "update_undo"
DENIED = (
    "Only the action plan's editors may change an item's flags here; "
    "nothing was recorded. Ask the secretariat to add you (TSAGBOT_EDITORS)."
)
UNDO_REFUSALS = {
    UndoStatus.NOTHING: "Nothing to undo.",
    UndoStatus.NOT_ALLOWED: "Only the person who posted the update, or an editor, can undo it.",
    UndoStatus.ALREADY: "Already undone.",
}


def confirmation(
    renderer: Renderer, changes: list[Change], message_id: int, *, undone_by: str | None = None
) -> Reply:
    """The thread reply: what changed, with an Undo button until someone undoes it."""
    lines = [change.describe() for change in changes] or ["Nothing changed."]
    text = "\n".join(lines)
    if undone_by:
        footer = f"Taken back by <@{undone_by}>."
        buttons: list[dict[str, Any]] = []
    else:
        footer = "Recorded in the action plan. `/action ID` shows an item and its history."
        buttons = [
            {"label": "Undo", "action_id": UNDO_BUTTON, "value": str(message_id), "style": None}
        ]
    view = {"text": text, "footer": footer, "buttons": buttons}
    return Reply(renderer.blocks("update_confirmation.json.j2", view=view), text)


def unknown_text(unknown: list[str], closest: dict[str, list[str]]) -> str:
    """Told to the poster alone: ids that are not in the plan, and the ones they may mean."""
    parts = []
    for code in unknown:
        close = ", ".join(closest.get(code, []))
        parts.append(
            f"{code} is not in the action plan" + (f" (closest: {close})" if close else "")
        )
    return "; ".join(parts) + ". Nothing was recorded for it."


def deleted_text(changes: list[Change]) -> str:
    return "The message was deleted; its updates are taken back:\n" + "\n".join(
        change.describe() for change in changes
    )
