"""A body's request within Slack's limits: sixty items go in two messages, each with its own
key, its *Report* buttons and a *Nothing new* for its own items."""

from __future__ import annotations

import json
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest

from bot.posting.rounds.messages import NOTHING_NEW_BUTTON, ask_posts
from bot.render import MAX_BLOCKS, MAX_BUTTON_VALUE, MAX_TEXT, Renderer
from bot.store.models import ReportingRound
from tests.support.common import utc

pytestmark = pytest.mark.sqlite_only


@dataclass(frozen=True)
class Item:
    code: str
    action: str


def test_sixty_items_go_in_two_messages_within_the_limits() -> None:
    found = ReportingRound(
        id=3, meeting_name="TSAG <b>meeting</b>", deadline=utc(2026, 4, 15, 7, 30)
    )
    items = [Item(f"{100 + n}-{n:02d}", "<!channel> report " + "x" * 400) for n in range(60)]
    posts = ask_posts(
        Renderer(),
        found,
        "SG17",
        items,
        ["C0SG17"],
        tz=ZoneInfo("Europe/Zurich"),
        now=found.deadline,
    )
    assert [post.key for post in posts] == [
        "round:3:ask:SG17:C0SG17/1",
        "round:3:ask:SG17:C0SG17/2",
    ]
    listed = []
    for post in posts:
        assert len(post.blocks) <= MAX_BLOCKS
        assert "<!channel>" not in json.dumps(post.blocks) + post.text
        reports = [b["accessory"]["value"] for b in post.blocks if "accessory" in b]
        (nothing_new,) = [e for b in post.blocks if b["type"] == "actions" for e in b["elements"]]
        assert nothing_new["action_id"] == NOTHING_NEW_BUTTON
        assert len(nothing_new["value"]) <= MAX_BUTTON_VALUE
        assert json.loads(nothing_new["value"])["i"] == reports
        assert all(len(b["text"]["text"]) <= MAX_TEXT for b in post.blocks if "text" in b)
        listed += reports
    assert listed == [item.code for item in items]
    assert "(part 2 of 2)" in posts[1].text
