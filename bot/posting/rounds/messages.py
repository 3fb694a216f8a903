"""What a reporting round posts: each body's request (and its reminders), with a *Report*
button per item and *Nothing new*, and the closing summary to the admins.

A body's items go in messages of :data:`ITEMS_PER_MESSAGE` (a section each, within Slack's
50 blocks), to its channel or to each of its people by DM, each post under its own key:
``round:<id>:ask:<body>:<where>/<part>``, ``round:<id>:remind-<days>:<body>:<where>/<part>``
and ``round:<id>:closed:<admin>/<part>``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Protocol
from zoneinfo import ZoneInfo

from bot.meetings.display import deadline_text, slack_time
from bot.posting.outbox import Post
from bot.render import (
    Mrkdwn,
    Renderer,
    chunk_lines,
    count,
    escape,
    mention,
    mrkdwn,
    one_line,
)
from bot.store.models import ReportingRound

if TYPE_CHECKING:
    from bot.posting.rounds.service import RoundProgress

ITEMS_PER_MESSAGE = 45
REPORT_BUTTON = "round_report"
NOTHING_NEW_BUTTON = "round_nothing_new"
HINT = Mrkdwn(
    "*Report* opens the update form for that item. An update posted in a channel or "
    "recorded any other way counts too. *Nothing new* answers for the items of this "
    "message not reported yet."
)
SECTIONS_PER_MESSAGE = 45


class Listed(Protocol):
    """An item as a request lists it (an ``ActionItem`` or a round's ``ItemState``)."""

    @property
    def code(self) -> str: ...
    @property
    def action(self) -> str: ...


def ask_key(round_id: int, step: str, body: str, where: str, part: int) -> str:
    return f"round:{round_id}:{step}:{body}:{where}/{part}"


def ask_posts(
    renderer: Renderer,
    found: ReportingRound,
    body: str,
    items: Sequence[Listed],
    to: list[str],
    *,
    tz: ZoneInfo,
    now: datetime,
    reminder_days: int | None = None,
) -> list[Post]:
    """A body's request (or, with ``reminder_days``, its reminder) to each of ``to``; the
    deadline in each reader's zone in the message, in Geneva time in its notification."""
    step = "ask" if reminder_days is None else f"remind-{reminder_days}"
    shown = _lead(found, body, len(items), reminder_days, slack_time(found.deadline, tz))
    lead = _lead(found, body, len(items), reminder_days, escape(deadline_text(found.deadline, tz)))
    posts = []
    parts = [items[i : i + ITEMS_PER_MESSAGE] for i in range(0, len(items), ITEMS_PER_MESSAGE)]
    for number, part in enumerate(parts, start=1):
        value = json.dumps({"r": found.id, "b": body, "i": [item.code for item in part]})
        said, heading = lead, shown
        if len(parts) > 1:
            said, heading = (
                mrkdwn("{} (part {} of {})", t, number, len(parts)) for t in (lead, shown)
            )
        view = {
            "lead": heading,
            "hint": HINT,
            "items": [
                {
                    "text": mrkdwn("*{}* {}", one_line(item.code, 20), one_line(item.action, 250)),
                    "value": item.code,
                }
                for item in part
            ],
            "report_button": REPORT_BUTTON,
            "nothing_new_button": NOTHING_NEW_BUTTON,
            "nothing_new_value": value,
        }
        blocks = renderer.blocks("round_request.json.j2", view=view)
        for where in to:
            posts.append(
                Post(
                    key=ask_key(found.id, step, body, where, number),
                    kind=f"round-{step.split('-')[0]}",
                    channel=where,
                    text=said,
                    blocks=blocks,
                    due_at=now,
                    useful_until=found.deadline,
                )
            )
    return posts


def _lead(
    found: ReportingRound, body: str, items: int, reminder_days: int | None, deadline: Mrkdwn
) -> Mrkdwn:
    if reminder_days is None:
        return mrkdwn(
            "*Reporting round for {}*: {} of {} {} due at that meeting. Please report on "
            "each by {}.",
            one_line(found.meeting_name, 150),
            count(items, "action item"),
            one_line(body, 64),
            "is" if items == 1 else "are",
            deadline,
        )
    return mrkdwn(
        "*Reminder — reporting round for {}*: {} of {} still {} no update. The round closes {}.",
        one_line(found.meeting_name, 150),
        count(items, "action item"),
        one_line(body, 64),
        "has" if items == 1 else "have",
        deadline,
    )


def summary_lines(state: RoundProgress, tz: ZoneInfo) -> list[Mrkdwn]:
    """Who reported and who did not, by body, then by Resolution."""
    lines = [
        mrkdwn(
            "*Reporting round for {}*: {} of {} reported (deadline {}).",
            state.meeting,
            state.reported,
            count(state.total, "item"),
            deadline_text(state.deadline, tz),
        ),
        Mrkdwn("*By body*"),
    ]
    for tally in state.by_body():
        name = tally.name or "No body named (nobody asked)"
        line = mrkdwn("• {}: {} of {} reported", name, tally.reported, tally.total)
        if tally.reporters:
            line = mrkdwn("{}, by {}", line, ", ".join(tally.reporters))
        if tally.nothing_new:
            people = Mrkdwn(", ".join(mention(user) for user in tally.nothing_new))
            line = mrkdwn("{}; nothing new from {}", line, people)
        if tally.missing:
            line = mrkdwn("{}; *not reported*: {}", line, ", ".join(tally.missing))
        lines.append(one_line(line, 1500))
    lines.append(Mrkdwn("*By Resolution*"))
    for tally in state.by_resolution():
        line = mrkdwn("• {}: {} of {}", tally.name, tally.reported, tally.total)
        if tally.missing:
            line = mrkdwn("{} (missing {})", line, ", ".join(tally.missing))
        lines.append(one_line(line, 1500))
    return lines


def summary_posts(
    renderer: Renderer, state: RoundProgress, admins: list[str], *, where: str, tz: ZoneInfo
) -> list[Post]:
    """The closing summary by DM to each admin; ``where`` says where the .docx is."""
    closed = state.closed_at
    if closed is None:
        return []
    lines = [*summary_lines(state, tz)]
    lines.insert(1, escape(where))
    chunks = chunk_lines(lines)
    messages = [
        chunks[i : i + SECTIONS_PER_MESSAGE] for i in range(0, len(chunks), SECTIONS_PER_MESSAGE)
    ]
    posts = []
    for admin in admins:
        for number, sections in enumerate(messages, start=1):
            blocks = renderer.blocks("round_summary.json.j2", sections=sections)
            posts.append(
                Post(
                    key=f"round:{state.round_id}:closed:{admin}/{number}",
                    kind="round-closed",
                    channel=admin,
                    text=one_line(sections[0], 300),
                    blocks=blocks,
                    due_at=closed,
                )
            )
    return posts
