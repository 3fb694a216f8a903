"""What the bot says about recorded updates: the thread reply, its Undo button, refusals.

The use cases of :mod:`bot.plan.updates.intake` return plain data; these functions
word it, and the Slack listener posts the words where they belong. Every text here
is mrkdwn with the ids escaped, and a reply about many items is summarised so that
it stays within Slack's 3,000 characters a text.
"""

from __future__ import annotations

from typing import Any

from bot.plan.updates.intake import UndoStatus
from bot.plan.updates.record import Change
from bot.render import CHUNK, Mrkdwn, Renderer, Reply, clip, mention, mrkdwn

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
SUMMARY_CODES = 1200
"""Characters of item ids a summary lists, shared among its lines; the rest are counted."""


def confirmation(
    renderer: Renderer, changes: list[Change], message_id: int, *, undone_by: str | None = None
) -> Reply:
    """The thread reply: what changed, with an Undo button until someone undoes it."""
    text = describe(changes) if changes else Mrkdwn("Nothing changed.")
    if undone_by:
        footer = mrkdwn("Taken back by {}.", mention(undone_by))
        buttons: list[dict[str, Any]] = []
    else:
        footer = Mrkdwn("Recorded in the action plan. `/action ID` shows an item and its history.")
        buttons = [
            {"label": "Undo", "action_id": UNDO_BUTTON, "value": str(message_id), "style": None}
        ]
    view = {"text": text, "footer": footer, "buttons": buttons}
    return Reply(renderer.blocks("update_confirmation.json.j2", view=view), text)


def describe(changes: list[Change], limit: int = CHUNK) -> Mrkdwn:
    """A line a change, or, when they are too many for one text, a line a kind of change:
    ``412 items marked completed (was: open) — 50-1, 50-2, … and 380 more``."""
    full = Mrkdwn("\n").join(change.describe() for change in changes)
    if len(full) <= limit:
        return full
    groups: dict[str, list[str]] = {}
    for change in changes:
        what = change.describe().removeprefix(change.item)  # " marked …", ": note recorded"
        groups.setdefault(what, []).append(change.item)
    budget = max(SUMMARY_CODES // len(groups), 40)
    lines = [
        mrkdwn(
            "{} {}{} — {}",
            len(items),
            "item" if len(items) == 1 else "items",
            what,
            _listing(items, budget),
        )
        for what, items in groups.items()
    ]
    return clip(Mrkdwn("\n").join(lines), limit)


def _listing(codes: list[str], budget: int) -> str:
    """``50-1, 50-2, … and 380 more``: the ids that fit in ``budget`` characters."""
    shown: list[str] = []
    used = 0
    for code in codes:
        if shown and used + len(code) + 2 > budget:
            break
        shown.append(code)
        used += len(code) + 2
    rest = len(codes) - len(shown)
    return ", ".join(shown) + (f", … and {rest} more" if rest else "")


def unknown_text(unknown: list[str], closest: dict[str, list[str]]) -> Mrkdwn:
    """Told to the poster alone: ids that are not in the plan, and the ones they may mean."""
    parts = []
    for code in unknown:
        close = ", ".join(closest.get(code, []))
        parts.append(
            mrkdwn("{} is not in the action plan", code)
            + (mrkdwn(" (closest: {})", close) if close else "")
        )
    return clip(Mrkdwn("; ").join(parts) + ". Nothing was recorded for it.", CHUNK)


def deleted_text(changes: list[Change]) -> Mrkdwn:
    return mrkdwn("The message was deleted; its updates are taken back:\n{}", describe(changes))
