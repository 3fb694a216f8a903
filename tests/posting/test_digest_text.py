"""The digest's wording and its split into Slack messages, on digests built by hand."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.posting.digest import (
    Digest,
    FlagChange,
    ItemChange,
    MeetingEntry,
    MilestoneDue,
    Progress,
    ResolutionUpdates,
)
from bot.posting.digest_text import (
    CHANGED_HINT,
    MAX_MESSAGES,
    MESSAGE_CHARS,
    UPDATES_SHOWN,
    DigestMessage,
    Section,
    meeting_line,
    pack,
    render_digest,
)
from bot.render import CHUNK, MAX_BLOCKS, MAX_TEXT, Renderer, blocks_to_text, mrkdwn_to_text

GENEVA = ZoneInfo("Europe/Zurich")
NOW = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
LINK = "https://tsag.slack.com/archives/C0UPDATES/p1763625600000100"


@pytest.fixture
def renderer() -> Renderer:
    return Renderer()


def text_of(messages: list[DigestMessage]) -> str:
    return "\n".join(blocks_to_text(message.blocks) for message in messages)


def check_limits(messages: list[DigestMessage]) -> None:
    assert len(messages) <= MAX_MESSAGES
    for number, message in enumerate(messages, start=1):
        assert len(message.blocks) <= MAX_BLOCKS
        assert len(message.text) <= MAX_TEXT
        texts = [
            element["text"]
            for block in message.blocks
            for element in [block.get("text", {}), *block.get("elements", [])]
            if isinstance(element.get("text"), str)
        ]
        assert all(len(text) <= MAX_TEXT for text in texts)
        assert sum(len(text) for text in texts) <= MESSAGE_CHARS + 400
        if len(messages) > 1:
            assert message.blocks[0]["text"]["text"].endswith(f"({number}/{len(messages)})")


def test_packing_counts_blocks_as_well_as_characters() -> None:
    # 40 one-line sections: a header, the period, 24 sections and 23 dividers make 49 blocks.
    messages = pack([Section(f"*S{n}*", ["x"]) for n in range(40)])
    assert [len(message) for message in messages] == [24, 16]


def test_packing_keeps_sections_whole_when_they_fit() -> None:
    small = [Section(f"*S{n}*", [f"line {n}.{k}" for k in range(3)]) for n in range(5)]
    [message] = pack(small)
    assert [chunks for chunks in message] == [
        [f"*S{n}*\nline {n}.0\nline {n}.1\nline {n}.2"] for n in range(5)
    ]
    x = "x" * 2500
    # Too long for the rest of the message, short enough for a message of its own.
    first, second = pack([Section("*Small*", ["a" * 2000]), Section("*Mid* (4)", [x] * 4)])
    assert first == [["*Small*\n" + "a" * 2000]]
    assert second == [["*Mid* (4)\n" + x, x, x, x]]
    # Too long for any message: it fills this one and goes on under its title.
    first, second = pack([Section("*Small*", ["a"]), Section("*Big* (5)", [x] * 5)])
    assert first == [["*Small*\na"], ["*Big* (5)\n" + x, x, x, x]]
    assert second == [["*Big* (continued)\n" + x]]


@pytest.mark.parametrize("line", ["y" * 10, "y" * 700, "y" * 5000, "`x` & <y> " * 400])
def test_packing_never_breaks_a_limit_and_never_drops_a_line(line: str) -> None:
    lines = [f"{n} {line}" for n in range(600)]
    messages = pack([Section("*Many*", lines), Section("*One*", ["last"])])
    seen = []
    for message in messages:
        blocks = 2 + sum(len(section) for section in message) + len(message) - 1
        assert blocks <= MAX_BLOCKS
        assert sum(len(chunk) for section in message for chunk in section) <= MESSAGE_CHARS
        chunks = [chunk for section in message for chunk in section]
        assert all(len(chunk) <= CHUNK for chunk in chunks)
        lines = [text for chunk in chunks for text in chunk.split("\n")]
        seen += [text.split(" ", 1)[0] for text in lines if not text.startswith("*")]
    assert seen == [*[str(n) for n in range(600)], "last"]


@pytest.mark.parametrize(
    ("text", "author", "changes", "all_shown"),
    [
        ("z" * 5000, "A" * 300, 32_000, True),  # clipped lines: the 30 fit
        ("&<>" * 2000, "&" * 300, 2_000, False),  # lines that escaping swells: fewer are shown
    ],
)
def test_a_huge_digest_built_by_hand_stays_within_five_messages(
    renderer: Renderer, text: str, author: str, changes: int, all_shown: bool
) -> None:
    """No database: thousands of changed items, every section at its longest."""
    names, done = (author,) * 5, (FlagChange.COMPLETED,)
    changed = [
        ItemChange(f"{n}-01", done, n % 3, text, names, LINK + "x" * (n % 600), NOW)
        for n in range(changes)
    ]
    groups = [
        ResolutionUpdates(f"Resolution {r}", "T" * 500, tuple(changed[r::100])) for r in range(100)
    ]
    due = MilestoneDue("T" * 100, "M" * 100, date(2026, 11, 18), False, ("01-01",) * 500)
    digest = Digest(
        GENEVA,
        NOW - timedelta(days=7),
        NOW,
        7,
        NOW - timedelta(days=182),
        14,
        14,
        updates=groups,
        past_due=[due] * 400,
        past_due_before=900,
        milestones_before=40,
        progress=Progress(32_000, 3, 1, 0),
    )
    messages = render_digest(renderer, digest)
    check_limits(messages)
    shown = text_of(messages)
    full = len(re.findall(r"^• `\d+-01` completed", shown, re.MULTILINE))
    assert (full == UPDATES_SHOWN) is all_shown
    assert 0 < full <= UPDATES_SHOWN
    assert f"… and {changes - full} more: {CHANGED_HINT}" in shown


def test_a_meeting_line_names_one_zone_in_its_fallback_text() -> None:
    start = datetime(2025, 1, 22, 12, tzinfo=UTC)
    entry = MeetingEntry("IRM", "irm", start, start + timedelta(hours=2), False, "", "", None)
    assert mrkdwn_to_text(meeting_line(entry, GENEVA)) == (
        "• IRM (Inter-regional meeting) · 22 Jan 2025 13:00 CET–15:00 CET"
    )
