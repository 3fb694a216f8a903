"""Reading progress updates out of Slack message text."""

from __future__ import annotations

import pytest

from bot.plan.updates.parse import (
    ItemUpdate,
    ParsedMessage,
    Silence,
    extract_documents,
    parse_message,
)
from bot.render import escape
from tests.support.channel_messages import MESSAGES, expected

C, P, R = "completed", "periodic", "reopened"

# (message, updates, question, mentioned). An update is (id, kind) for a state, or
# (id, "note", note text). The text of state updates is checked separately below.
Update = tuple[str, ...]
CASES: list[tuple[str, list[Update], list[str], list[str]]] = [
    # --- completion
    ("50-18 done", [("50-18", C)], [], ["50-18"]),
    ("Done: 50-18", [("50-18", C)], [], ["50-18"]),
    ("50-18 completed", [("50-18", C)], [], ["50-18"]),
    ("50-18 complete", [("50-18", C)], [], ["50-18"]),
    ("50-18 finished", [("50-18", C)], [], ["50-18"]),
    ("50-18 ✅", [("50-18", C)], [], ["50-18"]),
    ("50-18 ✔️", [("50-18", C)], [], ["50-18"]),
    ("50-18 :white_check_mark:", [("50-18", C)], [], ["50-18"]),
    ("50-18 :heavy_check_mark:", [("50-18", C)], [], ["50-18"]),
    ("✅ 50-18", [("50-18", C)], [], ["50-18"]),
    ("closed 50-18", [("50-18", C)], [], ["50-18"]),
    ("50-18 is closed", [("50-18", C)], [], ["50-18"]),
    ("50-18 and 50-20 done", [("50-18", C), ("50-20", C)], [], ["50-18", "50-20"]),
    ("50-22, 50-23 done", [("50-22", C), ("50-23", C)], [], ["50-22", "50-23"]),
    ("50-18 done, see TD206", [("50-18", C)], [], ["50-18"]),
    ("marked 50-18 as done", [("50-18", C)], [], ["50-18"]),
    ("50-18 has been completed by SG17", [("50-18", C)], [], ["50-18"]),
    ("50-18's done", [("50-18", C)], [], ["50-18"]),
    ("50-18 status: done", [("50-18", C)], [], ["50-18"]),
    ("all done: 50-18, 50-20", [("50-18", C), ("50-20", C)], [], ["50-18", "50-20"]),
    ("Complete: 50-18", [("50-18", C)], [], ["50-18"]),
    ("closed 50-18.", [("50-18", C)], [], ["50-18"]),
    ("*50-18* done", [("50-18", C)], [], ["50-18"]),
    ("_50-18_ done", [("50-18", C)], [], ["50-18"]),
    ("50-18/50-20 done", [("50-18", C), ("50-20", C)], [], ["50-18", "50-20"]),
    ("50-18,50-20 done", [("50-18", C), ("50-20", C)], [], ["50-18", "50-20"]),
    ("50-18 &amp; 50-20 done", [("50-18", C), ("50-20", C)], [], ["50-18", "50-20"]),
    ("<@U123ABC> 50-18 done", [("50-18", C)], [], ["50-18"]),
    ("closed 50-18 but not 50-20", [("50-18", C)], [], ["50-18", "50-20"]),
    ("50-18 done, can someone update the tracker?", [("50-18", C)], [], ["50-18"]),
    ("he said 50-18 is done", [("50-18", C)], [], ["50-18"]),
    ("Item 50-18 done", [("50-18", C)], [], ["50-18"]),
    ("50-18 done in May 2024", [("50-18", C)], [], ["50-18"]),
    ("50-18 finished, 50-20 not", [("50-18", C)], [], ["50-18", "50-20"]),
    # --- periodic progress
    ("50-18 periodic goal met", [("50-18", P)], [], ["50-18"]),
    ("50-18 periodic goals met", [("50-18", P)], [], ["50-18"]),
    ("50-18 periodic goals have been met", [("50-18", P)], [], ["50-18"]),
    ("50-18 meets its periodic goals", [("50-18", P)], [], ["50-18"]),
    ("50-18 on track for TSAG", [("50-18", P)], [], ["50-18"]),
    ("50-18 is on track", [("50-18", P)], [], ["50-18"]),
    ("periodic goals met for 50-18", [("50-18", P)], [], ["50-18"]),
    ("on track: 50-18, 50-20", [("50-18", P), ("50-20", P)], [], ["50-18", "50-20"]),
    # --- reopening
    ("reopen 50-18", [("50-18", R)], [], ["50-18"]),
    ("reopened 50-18", [("50-18", R)], [], ["50-18"]),
    ("please reopen 50-18", [("50-18", R)], [], ["50-18"]),
    ("re-opened 50-18", [("50-18", R)], [], ["50-18"]),
    ("50-18 not done after all", [("50-18", R)], [], ["50-18"]),
    ("50-18 is open again", [("50-18", R)], [], ["50-18"]),
    ("50-18 reopened", [("50-18", R)], [], ["50-18"]),
    # --- notes
    (
        "update 50-18: SG17 sent its report in TSAG-TD206",
        [("50-18", "note", "SG17 sent its report in TSAG-TD206")],
        [],
        ["50-18"],
    ),
    (
        "note 50-18: SG17 sent its report",
        [("50-18", "note", "SG17 sent its report")],
        [],
        ["50-18"],
    ),
    (
        "50-18: SG2 agreed a new work item",
        [("50-18", "note", "SG2 agreed a new work item")],
        [],
        ["50-18"],
    ),
    (
        "Status update on 50-18 - the draft is with the editor",
        [("50-18", "note", "the draft is with the editor")],
        [],
        ["50-18"],
    ),
    (
        "update 50-18: SG17 sent its report. It will be discussed at TSAG.",
        [("50-18", "note", "SG17 sent its report. It will be discussed at TSAG.")],
        [],
        ["50-18"],
    ),
    (
        "update 50-18: not done yet, waiting for SG17",
        [("50-18", "note", "not done yet, waiting for SG17")],
        [],
        ["50-18"],
    ),
    (
        "50-18, 50-20: both covered by TD206",
        [("50-18", "note", "both covered by TD206"), ("50-20", "note", "both covered by TD206")],
        [],
        ["50-18", "50-20"],
    ),
    ("FYI 50-18: SG17 agreed", [("50-18", "note", "SG17 agreed")], [], ["50-18"]),
    ("update 50-18: done", [("50-18", C)], [], ["50-18"]),
    ("50-18 :x:", [], [], ["50-18"]),
    ("50-18: done, see TD206", [("50-18", C)], [], ["50-18"]),
    ("50-18: not done yet", [], [], ["50-18"]),
    ("50-18: is it done?", [], ["50-18"], ["50-18"]),
    ("50-18 note: LS sent to SG2", [("50-18", "note", "LS sent to SG2")], [], ["50-18"]),
    ("50-18 update: done", [("50-18", C)], [], ["50-18"]),
    ("50-18 update: done next week", [], [], ["50-18"]),
    # --- progress reports are notes: the clause, less ids that open it before a separator
    (
        "50-18 in progress, report to next TSAG",
        [("50-18", "note", "50-18 in progress, report to next TSAG")],
        [],
        ["50-18"],
    ),
    (
        "SG17 reported on 50-18 at the last meeting, see TSAG-TD206",
        [("50-18", "note", "SG17 reported on 50-18 at the last meeting, see TSAG-TD206")],
        [],
        ["50-18"],
    ),
    (
        "FYI 50-18 — draft report in C 91",
        [("50-18", "note", "draft report in C 91")],
        [],
        ["50-18"],
    ),
    ("50-18 partially done", [("50-18", "note", "50-18 partially done")], [], ["50-18"]),
    ("FYI 50-18 is ongoing", [("50-18", "note", "50-18 is ongoing")], [], ["50-18"]),
    (
        "50-18 in progress.\nSG17 reports at TSAG.\n50-20 done",
        [("50-18", "note", "50-18 in progress.\nSG17 reports at TSAG."), ("50-20", C)],
        [],
        ["50-18", "50-20"],
    ),
    ("50-18 or 50-20 in progress", [], [], ["50-18", "50-20"]),
    ("no draft for 50-18 yet", [], [], ["50-18"]),
    ("we should send a draft on 50-18", [], [], ["50-18"]),
    ("please report on 50-18", [], [], ["50-18"]),
    ("maybe 50-18 is in progress", [], [], ["50-18"]),
    # --- forgiving id forms
    ("50-8 done", [("50-08", C)], [], ["50-08"]),
    ("50\u201118 done", [("50-18", C)], [], ["50-18"]),
    ("50\u201318 done", [("50-18", C)], [], ["50-18"]),
    ("50.18 done", [("50-18", C)], [], ["50-18"]),
    ("res 50 item 18 done", [("50-18", C)], [], ["50-18"]),
    ("Resolution 50, item 18 is done", [("50-18", C)], [], ["50-18"]),
    ("R50-18 done", [("50-18", C)], [], ["50-18"]),
    ("1-11 done", [("01-11", C)], [], ["01-11"]),
    ("op-01 done", [("Op-01", C)], [], ["Op-01"]),
    ("100-3 finished", [("100-03", C)], [], ["100-03"]),
    # --- mixed messages, several clauses
    ("50-18 done; 50-20 reopened", [("50-18", C), ("50-20", R)], [], ["50-18", "50-20"]),
    ("50-18 done, 50-20 reopened", [("50-18", C), ("50-20", R)], [], ["50-18", "50-20"]),
    (
        "50-18 closed, 50-20 on track, 50-22 reopened",
        [("50-18", C), ("50-20", P), ("50-22", R)],
        [],
        ["50-18", "50-20", "50-22"],
    ),
    ("50-18 not done, 50-20 done", [("50-20", C)], [], ["50-18", "50-20"]),
    ("50-18 done. 50-18 reopened", [("50-18", R)], [], ["50-18"]),
    (
        "- 50-18 done\n- 50-20 periodic goals met\n- 50-22: SG3 agreed",
        [("50-18", C), ("50-20", P), ("50-22", "note", "SG3 agreed")],
        [],
        ["50-18", "50-20", "50-22"],
    ),
    (
        "50-18: SG2 agreed; 50-20 done",
        [("50-18", "note", "SG2 agreed"), ("50-20", C)],
        [],
        ["50-18", "50-20"],
    ),
    (
        "50-18 done. Note 50-18: minutes in TD206",
        [("50-18", C), ("50-18", "note", "minutes in TD206")],
        [],
        ["50-18"],
    ),
    # --- negations record nothing
    ("50-18 is not done yet", [], [], ["50-18"]),
    ("50-18 isn't complete", [], [], ["50-18"]),
    ("50-18 isn’t complete", [], [], ["50-18"]),
    ("50-18 not completed", [], [], ["50-18"]),
    ("50-18 is not closed", [], [], ["50-18"]),
    ("50-18 won't be done before TSAG", [], [], ["50-18"]),
    ("50-18 is far from done", [], [], ["50-18"]),
    ("not yet done: 50-18", [], [], ["50-18"]),
    ("50-18 not on track", [], [], ["50-18"]),
    ("50-18 almost done", [], [], ["50-18"]),
    ("50-18 will be done next week", [], [], ["50-18"]),
    ("50-18 done next week", [], [], ["50-18"]),
    ("50-18 should be closed", [], [], ["50-18"]),
    ("we need to reopen 50-18", [], [], ["50-18"]),
    ("I think 50-18 is done", [], [], ["50-18"]),
    ("not sure 50-18 is done", [], [], ["50-18"]),
    ("if 50-18 is done we close 50-20", [], [], ["50-18", "50-20"]),
    ("we'll close 50-20 once 50-18 is done", [], [], ["50-20", "50-18"]),
    ("50-18 or 50-20 done", [], [], ["50-18", "50-20"]),
    ("50-18 to 50-22 done", [], [], ["50-18", "50-22"]),
    ("complete 50-18", [], [], ["50-18"]),
    ("close 50-18", [], [], ["50-18"]),
    ("SG17 finished its review of 50-18", [], [], ["50-18"]),
    ("Don't mark 50-18 as done", [], [], ["50-18"]),
    ("please confirm 50-18 is done", [], [], ["50-18"]),
    ("Dear all, 50-18 can now be closed", [], [], ["50-18"]),
    ("50-18 may be done", [], [], ["50-18"]),
    ("no, 50-18 is done", [], [], ["50-18"]),
    # --- questions record nothing
    ("is 50-18 done?", [], ["50-18"], ["50-18"]),
    ("50-18 done?", [], ["50-18"], ["50-18"]),
    ("has anyone closed 50-18?", [], ["50-18"], ["50-18"]),
    ("when will 50-18 be completed", [], ["50-18"], ["50-18"]),
    ("Hi all, is 50-18 done", [], ["50-18"], ["50-18"]),
    ("quick question: is 50-18 done", [], ["50-18"], ["50-18"]),
    ("What's the status of 50-18?", [], ["50-18"], ["50-18"]),
    ("50-18 is done, right?", [], ["50-18"], ["50-18"]),
    ("are 50-18 and 50-20 closed?", [], ["50-18", "50-20"], ["50-18", "50-20"]),
    ("Can someone look at 50-18?", [], [], ["50-18"]),
    ("who closed 50-18", [], ["50-18"], ["50-18"]),
    ("50-18 done. Is 50-20 done too?", [("50-18", C)], ["50-20"], ["50-18", "50-20"]),
    # --- ids that must not be read
    ("https://example.org/50-18/done", [], [], []),
    ("<https://x.org/50-18|link> done", [], [], []),
    ("<https://x.org/50-18> done", [], [], []),
    ("see www.itu.int/50-18 done", [], [], []),
    ("`50-18 done`", [], [], []),
    ("```50-18 done```", [], [], []),
    ("```\n50-18 done\n```", [], [], []),
    ("> 50-18 done", [], [], []),
    ("&gt; 50-18 done", [], [], []),
    ("&gt; 50-18 done\n50-20 done", [("50-20", C)], [], ["50-20"]),
    ("&gt;&gt;&gt; quoted\n50-18 done", [], [], []),
    ("~50-18 done~", [], [], []),
    ("<#C024BE7LR|wtsa-50-18> done", [], [], []),
    ("see 50-18 for context", [], [], ["50-18"]),
    ("thanks all, great meeting", [], [], []),
    ("done", [], [], []),
    ("meeting 10-12 March", [], [], []),
    ("done by March 10-12", [], [], []),
    ("the session is 13:00-15:00 done", [], [], []),
    ("2023-2024 done", [], [], []),
    ("1-2 December", [], [], []),
    ("call +41 22 730 5111 when done", [], [], []),
    ("+41-22-730-5111 done", [], [], []),
    ("v1.2-3 done", [], [], []),
    ("TD 553R2 done", [], [], []),
    ("C 91 done", [], [], []),
    ("pages 10-12 done", [], [], []),
    ("section 5.2 done", [], [], []),
    ("at 10.30 we are done", [], [], []),
    ("1.5 days left, almost done", [], [], []),
    ("2-3 weeks", [], [], []),
    ("10-12 CET done", [], [], []),
    ("deadline 10-12.03.2024 done", [], [], []),
    ("Q1-4 done", [], [], []),
    ("50-100 done", [], [], []),
    ("50-18-2 done", [], [], []),
    ("50.18.3 done", [], [], []),
    ("0-1 done", [], [], []),
    ("growth of 50-18% done", [], [], []),
    ("50/18 done", [], [], []),
    ("50 - 18 done", [], [], []),
    ("H.265.2 done", [], [], []),
    ("G.997.1 is done", [], [], []),
    ("WTSA-20-1 done", [], [], []),
]


def _as_tuples(updates: list[ItemUpdate]) -> list[Update]:
    return [(u.item, u.kind, u.text) if u.kind == "note" else (u.item, u.kind) for u in updates]


@pytest.mark.parametrize(("text", "updates", "question", "mentioned"), CASES)
def test_parse_message(
    text: str, updates: list[Update], question: list[str], mentioned: list[str]
) -> None:
    parsed = parse_message(text)
    assert _as_tuples(parsed.updates) == updates
    assert parsed.question == question
    assert parsed.mentioned == mentioned


def test_the_table_is_big_enough() -> None:
    assert len(CASES) >= 80
    assert len({case[0] for case in CASES}) == len(CASES)
    assert len(MESSAGES) >= 150
    assert len({text for text, _ in MESSAGES}) == len(MESSAGES)


@pytest.mark.parametrize(("text", "effect"), MESSAGES, ids=range(len(MESSAGES)))
def test_channel_messages_as_people_write_them(text: str, effect: str) -> None:
    want = expected(effect)
    parsed = parse_message(text)
    assert [(u.item, u.kind) for u in parsed.updates] == want.updates
    assert parsed.question == want.question
    assert parsed.asked == want.asked
    assert parsed.documents == want.documents
    assert parsed.deserves_hint == bool(want.hint)
    if want.hint:
        assert parsed.silent == dict.fromkeys(want.silent, Silence(want.hint))


@pytest.mark.parametrize(
    ("text", "addressed"),
    [
        ("50-18", True),  # opens with the id
        ("- item 50-18 - SG17", True),
        ("Hi all,\n50-18 not done yet", True),
        ("SG17 finished its review of 50-18", True),  # short, with a status word
        ("see 50-18 for context", False),  # short, no status word
        ("<@U1> 50-18 not done", False),  # to a person: a conversation
        (
            "Thanks all; after a long discussion about many things we agreed that 50-18 "
            "is not done at all, and more",
            False,
        ),
    ],
)
def test_a_hint_goes_to_messages_about_their_items(text: str, addressed: bool) -> None:
    assert parse_message(text).addressed is addressed


# --- the text of state updates: the whole message, cleaned


@pytest.mark.parametrize(
    ("text", "cleaned"),
    [
        ("50-18 done", "50-18 done"),
        ("  50-18   done,\n\n see TD206  ", "50-18 done,\nsee TD206"),
        ("<@U123> 50-18 done &amp; dusted", "@U123 50-18 done & dusted"),
        ("<@U123|ana> 50-18 done", "@ana 50-18 done"),
        (
            "50-18 done, see <https://itu.int/md/T22|TSAG-TD206>",
            "50-18 done, see TSAG-TD206 (https://itu.int/md/T22)",
        ),
        ("50-18 done, see <https://itu.int/x>", "50-18 done, see https://itu.int/x"),
        ("&gt; is it done?\n50-18 done <#C1|general>", "50-18 done #general"),
        ("<!here> 50-18 done", "@here 50-18 done"),
        ("50\u201118 done", "50\u201118 done"),
    ],
)
def test_state_updates_carry_the_cleaned_message(text: str, cleaned: str) -> None:
    parsed = parse_message(text)
    assert [u.text for u in parsed.updates] == [cleaned]
    assert parsed.text == cleaned


def test_a_whole_message_parses_to_exact_values() -> None:
    text = "<@U1> 50-18 done, see TD206; update 50-20: SG2 agreed in C 91. Is 50-22 closed?"
    assert parse_message(text) == ParsedMessage(
        updates=[
            ItemUpdate("50-18", "completed", "@U1" + text[5:]),
            ItemUpdate("50-20", "note", "SG2 agreed in C 91."),
        ],
        question=["50-22"],
        documents=["TD206", "C91"],
        mentioned=["50-18", "50-20", "50-22"],
        text="@U1" + text[5:],
        asked=True,
    )


def test_a_note_absorbs_following_lines_that_record_nothing() -> None:
    text = "update 50-18: SG17 sent its report.\nIt covers 50-20 as well.\n50-22 done"
    parsed = parse_message(text)
    assert _as_tuples(parsed.updates) == [
        ("50-18", "note", "SG17 sent its report.\nIt covers 50-20 as well."),
        ("50-22", "completed"),
    ]
    assert parsed.mentioned == ["50-18", "50-20", "50-22"]


def test_invisible_characters_do_not_shift_a_note() -> None:
    text = "\U0001f3f3\ufe0f\u200d\U0001f308 \u200bupdate 50\u00ad-18: SG17 agreed\u200c, see TD206"
    parsed = parse_message(text)
    assert _as_tuples(parsed.updates) == [("50-18", "note", "SG17 agreed\u200c, see TD206")]
    assert parsed.documents == ["TD206"]


def test_the_last_state_wins_and_notes_stay_beside_it() -> None:
    parsed = parse_message("50-18 done; 50-20 done; 50-18 reopened. note 50-18: why")
    assert _as_tuples(parsed.updates) == [
        ("50-20", "completed"),
        ("50-18", "reopened"),
        ("50-18", "note", "why"),
    ]


# --- documents


@pytest.mark.parametrize(
    ("text", "documents"),
    [
        ("TD206", ["TD206"]),
        ("see td206.", ["TD206"]),
        ("TSAG-TD206", ["TSAG-TD206"]),
        ("TSAG TD 206", ["TSAG-TD206"]),
        ("TD 553R2", ["TD553R2"]),
        ("TD125-R1", ["TD125-R1"]),
        ("TD125\u2011R1", ["TD125-R1"]),
        ("SG2-TD1R3/PLEN", ["SG2-TD1R3/PLEN"]),
        ("TD137/WP1", ["TD137/WP1"]),
        ("TSAG TDs 29, 199", ["TSAG-TD29", "TSAG-TD199"]),
        ("C 91", ["C91"]),
        ("C91", ["C91"]),
        ("(C 91)", ["C91"]),
        ("SG3-C2 and SG3-C15", ["SG3-C2", "SG3-C15"]),
        ("SG17", []),
        ("Q3", []),
        ("ICT 5", []),
        ("IEEE C95.1", []),
        ("TSB Circular 65", ["TSB Circular 65"]),
        ("Circular 365", ["TSB Circular 365"]),
        ("COM 17-R 12", ["COM17-R12"]),
        ("Doc 5", []),
        ("TD206, TSAG-TD206 and TD206 again", ["TD206", "TSAG-TD206"]),
        ("C 91 then TD 5", ["C91", "TD5"]),
        ("<https://www.itu.int/md/T22-TSAG-230530-TD-GEN-0206|TSAG-TD206>", ["TSAG-TD206"]),
        ("https://www.itu.int/TD206", []),
        ("`TD206`", ["TD206"]),
        ("&gt; TD206", []),
        ("", []),
    ],
)
def test_extract_documents(text: str, documents: list[str]) -> None:
    assert extract_documents(text) == documents


def test_parse_message_reports_documents() -> None:
    parsed = parse_message("50-18 done (see TSAG-TD206, TD 553R2 and C 91)")
    assert parsed.documents == ["TSAG-TD206", "TD553R2", "C91"]


# --- robustness: never raises (speed is kept by linear regexes, not asserted here)

NASTY = [
    "",
    " ",
    "\n\n\n",
    "?",
    ":",
    "50-18",
    "50-18:",
    "update 50-18:",
    "<",
    ">",
    "<>",
    "<@>",
    "<|>",
    "&gt;",
    "&amp;amp;",
    "```",
    "``````",
    "`",
    "~",
    "\u200b50-18\u200b done",
    "\x00\x01\x02 50-18 done",
    "\ud7ff\ue000\uffff",
    "🏳️‍🌈 50-18 ✅✅✅",
    "٥٠-١٨ done",
    "５０－１８ done",
    "a" * 10_000,
    "5" * 10_000,
    "5-" * 5_000,
    " " * 10_000,
    "`" * 10_000,
    "<" * 10_000,
    "~a " * 3_000,
    "r " * 5_000,
    "res " * 2_500,
    "50-18 " * 1_600,
    "50-18 done " * 900,
    "done " * 2_000,
    "https://" * 1_000,
    "\n" * 10_000,
    "." * 10_000,
    "-" * 10_000,
    ":" * 10_000,
    "TD " * 3_000,
    "C " * 5_000,
    "update 50-18: " * 700,
    "50-18" + " " * 10_000 + "done",
    "res 50" + " " * 10_000,
    "```" + "a" * 10_000,
    "".join(chr(code) for code in range(0x20, 0x3000, 7)),
]


@pytest.mark.parametrize("text", NASTY, ids=range(len(NASTY)))
def test_never_raises(text: str) -> None:
    parsed = parse_message(text)
    assert isinstance(parsed, ParsedMessage)
    assert isinstance(extract_documents(text), list)


def test_a_note_keeps_mentions_and_links_as_plain_words() -> None:
    text = (
        "update 50-05: SG17 says <!channel> *urgent* ping <@U123> &amp; "
        "<https://evil.example|click>"
    )
    note = parse_message(text).updates
    assert _as_tuples(note) == [
        ("50-05", "note", "SG17 says @channel *urgent* ping @U123 & click (https://evil.example)")
    ]
    assert escape(note[0].text) == (
        "SG17 says @channel *urgent* ping @U123 &amp; click (https://evil.example)"
    )
