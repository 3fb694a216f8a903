"""The thread reply to a status update stays within Slack's limits however many items it names."""

from __future__ import annotations

import re

import pytest

from bot.plan.updates import replies
from bot.plan.updates.parse import Silence
from bot.plan.updates.record import Change
from bot.render import MAX_TEXT, Renderer
from bot.store.vocabulary import UpdateKind
from tests.support.blockkit import assert_within_limits, buttons


def changes(count: int) -> list[Change]:
    """``count`` items completed and half as many notes, as one message would record them."""
    completed = [
        Change(n, f"50-{n}", UpdateKind.COMPLETED, {"completed": False}, {"completed": True})
        for n in range(1, count + 1)
    ]
    return completed + [
        Change(n, f"51-{n}", UpdateKind.NOTE, {}, {}) for n in range(1, count // 2 + 1)
    ]


def test_a_few_changes_are_listed_one_a_line() -> None:
    reply = replies.confirmation(Renderer(), changes(3), 9)
    assert reply.text.splitlines() == [
        "50-1 marked completed (was: open)",
        "50-2 marked completed (was: open)",
        "50-3 marked completed (was: open)",
        "51-1: note recorded",
    ]
    assert reply.blocks[0]["text"]["text"] == reply.text


def test_a_note_is_quoted_on_one_line_and_clipped() -> None:
    note = Change(1, "50-18", UpdateKind.NOTE, {}, {}, "in progress,\n report to *next* TSAG")
    assert replies.describe([note]) == "50-18: note recorded: “in progress, report to *next* TSAG”"
    long = Change(1, "50-18", UpdateKind.NOTE, {}, {}, "word " * 100)
    assert len(long.describe()) < 160
    assert long.describe().endswith("…”")


def test_nothing_recorded_says_why_and_what_would_record() -> None:
    said = replies.nothing_recorded_text(
        {"50-18": Silence.NEGATED, "50-20": Silence.UNCLEAR, "50-22": Silence.UNCLEAR}
    )
    assert said.splitlines() == [
        "Nothing recorded for 50-18: the message says it is not done.",
        "Nothing recorded for 50-20, 50-22: the items are joined by “or” or written as a "
        "range, so which is meant is unclear.",
        "To record, say `50-18 done`, `50-18 periodic goals met`, `50-18 in progress, see "
        "TD206` or `50-18 note: …` (notes are anyone's; `/action 50-18` shows the item).",
    ]
    assert set(replies.SILENCES) == set(Silence)


def test_an_obsolete_item_says_where_it_is() -> None:
    said = replies.unknown_text(
        ["44-08", "50-99"],
        {"50-99": ["50-09"]},
        {"44-08": "Appendix II (WTSA-12) of the WTSA-20 plan"},
    )
    assert said == (
        "44-08 is an obsolete item (Appendix II (WTSA-12) of the WTSA-20 plan); "
        "50-99 is not in the action plan (closest: 50-09). Nothing was recorded for them."
    )


@pytest.mark.parametrize("count", [70, 412, 5000])
def test_many_changes_are_summarised_a_line_a_kind_with_the_undo_button(count: int) -> None:
    reply = replies.confirmation(Renderer(), changes(count), 9)
    assert_within_limits({"text": reply.text, "blocks": reply.blocks})
    assert len(reply.text) <= MAX_TEXT
    assert [b["action_id"] for b in buttons(reply.blocks)] == [replies.UNDO_BUTTON]
    first, last = reply.text.splitlines()
    assert first.startswith(f"{count} items marked completed (was: open) — 50-1, 50-2, ")
    assert last.startswith(f"{count // 2} items: note recorded — 51-1, 51-2, ")
    if count == 70:  # 105 lines are too long for one text, but 70 ids fit: all named
        assert first.endswith(", 50-69, 50-70")
    else:
        listed = re.fullmatch(r".* — ((?:50-\d+, )+)… and (\d+) more", first)
        assert listed, first
        assert listed[1].count(",") + int(listed[2]) == count


def test_an_undone_confirmation_for_many_items_is_summarised_too() -> None:
    reply = replies.confirmation(Renderer(), changes(412), 9, undone_by="U0ALICE")
    assert_within_limits({"text": reply.text, "blocks": reply.blocks})
    assert buttons(reply.blocks) == []
    assert "Taken back by <@U0ALICE>." in str(reply.blocks)


def test_the_deleted_message_notice_is_summarised_too() -> None:
    said = replies.deleted_text(changes(5000))
    assert len(said) <= MAX_TEXT
    assert said.startswith("The message was deleted; its updates are taken back:\n5000 items")
