"""What the bot says about recorded updates: the thread reply, its Undo button, refusals.

The use cases of :mod:`bot.plan.updates.intake` return plain data; these functions
word it, and the Slack listener posts the words where they belong. Every text here
is mrkdwn with the ids escaped, and a reply about many items is summarised so that
it stays within Slack's 3,000 characters a text.
"""

from __future__ import annotations

from typing import Any

from bot.plan.documents import linked
from bot.plan.updates.intake import UndoStatus
from bot.plan.updates.parse import Silence
from bot.plan.updates.record import Change
from bot.render import (
    CHUNK,
    PLAIN_DOCUMENTS,
    DocumentLinks,
    Mrkdwn,
    Renderer,
    Reply,
    clip,
    count,
    link,
    mention,
    mrkdwn,
)

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
SILENCES = {
    Silence.NEGATED: "the message says it is not done",
    Silence.UNCLEAR: "the items are joined by “or” or written as a range, so which is meant "
    "is unclear",
    Silence.HEDGED: "the message is not sure (maybe, I think, please confirm…)",
    Silence.PENDING: "the message speaks of what is still to happen",
    Silence.CONDITIONAL: "the message is conditional (if, once, when…)",
    Silence.UNLINKED: "its status word does not read as the item's status",
    Silence.NO_STATUS: "the message has no status or progress word",
}
"""Why nothing was recorded, as the private hint words it."""
SUMMARY_CODES = 1200
"""Characters of item ids a summary lists, shared among its lines; the rest are counted."""


def form_lead(user_id: str, reporter_id: str = "", permalink: str | None = None) -> Mrkdwn:
    """Who recorded with the form (and who reported it, when someone else did), and the
    message it came from: the line above a form's confirmation."""
    lead = mrkdwn("{} recorded with *Post an update*", mention(user_id))
    if reporter_id and reporter_id != user_id:
        lead = mrkdwn("{}, reported by {}", lead, mention(reporter_id))
    if permalink:
        lead = mrkdwn("{} ({})", lead, link(permalink, "message"))
    return mrkdwn("{}.", lead)


def confirmation(
    renderer: Renderer,
    changes: list[Change],
    message_id: int,
    *,
    undone_by: str | None = None,
    lead: Mrkdwn | None = None,
) -> Reply:
    """The thread reply: what changed, with an Undo button until someone undoes it; a
    form's (``lead``) says first who recorded it."""
    text = describe(changes, links=renderer.links) if changes else Mrkdwn("Nothing changed.")
    if undone_by:
        footer = mrkdwn("Taken back by {}.", mention(undone_by))
        buttons: list[dict[str, Any]] = []
    else:
        footer = Mrkdwn("Recorded in the action plan. `/action ID` shows an item and its history.")
        buttons = [
            {"label": "Undo", "action_id": UNDO_BUTTON, "value": str(message_id), "style": None}
        ]
    view = {"lead": lead, "text": text, "footer": footer, "buttons": buttons}
    blocks = renderer.blocks("update_confirmation.json.j2", view=view)
    return Reply(blocks, mrkdwn("{} {}", lead, text) if lead else text)


def describe(
    changes: list[Change], limit: int = CHUNK, links: DocumentLinks = PLAIN_DOCUMENTS
) -> Mrkdwn:
    """A line a change, or, when they are too many for one text, a line a kind of change:
    ``412 items marked completed (was: open) — 50-1, 50-2, … and 380 more``. The document
    references a note quotes are links where ``links`` gives them addresses."""
    full = Mrkdwn("\n").join(linked(links, change.describe()) for change in changes)
    if len(full) <= limit:
        return full
    groups: dict[str, list[str]] = {}
    for change in changes:
        what = change.describe().removeprefix(change.item)  # " marked …", ": note recorded"
        groups.setdefault(what, []).append(change.item)
    budget = max(SUMMARY_CODES // len(groups), 40)
    lines = [
        mrkdwn("{}{} — {}", count(len(items), "item"), what, _listing(items, budget))
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


def unknown_text(
    unknown: list[str], closest: dict[str, list[str]], obsolete: dict[str, str] | None = None
) -> Mrkdwn:
    """Told to the poster alone: ids that are not in the plan, and the ones they may mean;
    an obsolete item says so, and where it is (``Appendix II (WTSA-12) of the WTSA-20
    plan``)."""
    obsolete = obsolete or {}
    parts = []
    for code in unknown:
        if code in obsolete:
            parts.append(mrkdwn("{} is an obsolete item ({})", code, obsolete[code]))
            continue
        close = ", ".join(closest.get(code, []))
        parts.append(
            mrkdwn("{} is not in the action plan", code)
            + (mrkdwn(" (closest: {})", close) if close else "")
        )
    it = "it" if len(unknown) == 1 else "them"
    return clip(Mrkdwn("; ").join(parts) + f". Nothing was recorded for {it}.", CHUNK)


def deleted_text(changes: list[Change]) -> Mrkdwn:
    return mrkdwn("The message was deleted; its updates are taken back:\n{}", describe(changes))


def nothing_recorded_text(silent: dict[str, Silence]) -> Mrkdwn:
    """Told to the poster alone: why a message about items recorded nothing, and the
    wording that would (``Nothing recorded for 50-18: the message says it is not done.
    To record, say `50-18 done`, …``)."""
    reasons: dict[Silence, list[str]] = {}
    for code, why in silent.items():
        reasons.setdefault(why, []).append(code)
    parts = [
        mrkdwn("Nothing recorded for {}: {}.", _listing(codes, 200), SILENCES[why])
        for why, codes in reasons.items()
    ]
    example = next(iter(silent))
    says = mrkdwn(
        "To record, say `{} done`, `{} periodic goals met`, `{} in progress, see TD206` or "
        "`{} note: …` (notes are anyone's; `/action {}` shows the item).",
        example,
        example,
        example,
        example,
        example,
    )
    return clip(Mrkdwn("\n").join([*parts, says]), CHUNK)
