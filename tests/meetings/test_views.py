"""The replies of ``/meetings`` and of questions: Slack's limits, and whose time they show."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.meetings import display
from bot.meetings import questions as ask
from bot.meetings.model import MeetingKind
from bot.meetings.queries import DueItem
from bot.meetings.questions import Answer, ItemStatus, Question, Window
from bot.meetings.views import PAGE_BUTTON, POST_BUTTON, SHOW_BUTTON, Audience, MeetingViews
from bot.render import Renderer, Reply, read_spec
from bot.store.models import AgendaItem, Meeting

GENEVA = ZoneInfo("Europe/Zurich")
TOKYO = ZoneInfo("Asia/Tokyo")
PARIS = ZoneInfo("Europe/Paris")  # another name, the same clock as Geneva
NOW = datetime(2026, 3, 25, 10, 0, tzinfo=UTC)
MAX_BLOCKS, MAX_TEXT, MAX_HEADER, MAX_FIELDS, MAX_FIELD = 50, 3000, 150, 10, 2000


def meeting(
    n: int,
    *,
    kind: MeetingKind = MeetingKind.IRM,
    name: str = "",
    agenda: int = 2,
    all_day: bool = False,
    deadline: bool = True,
) -> Meeting:
    start = datetime(2026, 3, 26, 12, tzinfo=UTC) + timedelta(days=n)
    return Meeting(
        uid=f"uid{n:04d}",
        name=name or f"Inter-regional meeting {n}",
        kind=kind.value,
        start=start,
        end=start + (timedelta(days=3) if all_day else timedelta(hours=3)),
        all_day=all_day,
        timezone="Europe/Zurich",
        mode="virtual",
        place="",
        link="https://www.itu.int/go/irm",
        deadline=start - timedelta(days=7) if deadline else None,
        documents=["TSAG-TD100", "TSAG-TD101"],
        channel="C0MEETINGS",
        source="schedule.yaml",
        evidence="",
        series="",
        created_at=NOW,
        updated_at=NOW,
        agenda=[
            AgendaItem(position=i, title=f"Agenda item {i} " + "words " * 30, documents=["TD 5"])
            for i in range(1, agenda + 1)
        ],
    )


def views(public_url: str = "") -> MeetingViews:
    return MeetingViews(Renderer(), GENEVA, NOW, public_url=public_url)


def texts(node: Any) -> list[str]:
    if isinstance(node, dict):
        text = node.get("text")
        found = [text] if isinstance(text, str) else []
        return found + [t for k, v in node.items() if not isinstance(v, str) for t in texts(v)]
    if isinstance(node, list):
        return [t for child in node for t in texts(child)]
    return []


def everything(reply: Reply) -> str:
    return "\n".join(texts(reply.blocks))


def buttons(reply: Reply) -> list[dict[str, Any]]:
    found = [e for b in reply.blocks if b["type"] == "actions" for e in b["elements"]]
    return found + [b["accessory"] for b in reply.blocks if "accessory" in b]


def assert_within_limits(reply: Reply) -> None:
    blocks = reply.blocks
    assert 0 < len(blocks) <= MAX_BLOCKS, len(blocks)
    assert 0 < len(reply.text) <= MAX_TEXT
    for text in texts(blocks):
        assert 0 < len(text) <= MAX_TEXT, len(text)
    for block in blocks:
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= MAX_HEADER
        assert len(block.get("fields", [])) <= MAX_FIELDS
        assert all(len(f["text"]) <= MAX_FIELD for f in block.get("fields", []))
    for button in buttons(reply):
        assert 0 < len(button["value"]) <= 2000
    json.dumps(blocks)


# -- limits ------------------------------------------------------------------------------------

MANY = [meeting(n) for n in range(500)]
DUE = [DueItem(f"50-{n % 100:02d}", "An action " * 40, "Each TSAG meeting") for n in range(500)]
LONG_NAME = "A meeting with a very long name " * 40


def test_an_overview_of_500_meetings_is_one_page_within_the_limits() -> None:
    question = Question(ask.OVERVIEW)
    answer = Answer(question, meetings=MANY[:8], deadlines=MANY[:5], more=True)
    reply = views().for_answer(answer, Audience(TOKYO, command=""))
    assert_within_limits(reply)
    shown = [b["accessory"]["value"] for b in reply.blocks if "accessory" in b]
    assert shown == [m.uid for m in MANY[:8]] + [m.uid for m in MANY[:5]]
    more, post = [b for b in buttons(reply) if b["action_id"] != SHOW_BUTTON]
    assert (more["action_id"], post["action_id"]) == (PAGE_BUTTON, POST_BUTTON)
    assert read_spec(more["value"]).page == 2
    assert read_spec(post["value"]).page == 1


@pytest.mark.parametrize(
    "question",
    [
        Question(ask.OVERVIEW),
        Question(ask.MEETINGS, window=Window(NOW, NOW + timedelta(days=500), "in the next 500")),
        Question(ask.DEADLINES),
        Question(ask.NEXT_MEETING),
        Question(ask.DUE_AT_NEXT, (MeetingKind.TSAG,)),
    ],
    ids=lambda q: q.kind,
)
@pytest.mark.parametrize("reader", [None, TOKYO, GENEVA])
def test_every_answer_about_500_meetings_keeps_within_the_limits(
    question: Question, reader: ZoneInfo | None
) -> None:
    long = [meeting(n, name=LONG_NAME) for n in range(500)]
    answer = Answer(question, meetings=long, deadlines=long, due=DUE, more=True)
    for audience in (Audience(reader, command="x"), Audience(reader, private=False)):
        assert_within_limits(views().for_answer(answer, audience))


def test_a_card_with_500_agenda_items_and_500_due_items_keeps_within_the_limits() -> None:
    big = meeting(1, name=LONG_NAME, agenda=500)
    big.documents = [f"TSAG-TD{n}" for n in range(1000)]
    big.link = "https://www.itu.int/" + "x" * 3000
    big.source = "s" * 5000
    reply = views().card(big, DUE, Audience(TOKYO))
    assert_within_limits(reply)
    text = everything(reply)
    assert "…and 485 more." in text
    assert "500 agenda items in all" in text
    assert reply.blocks[0]["text"]["text"].endswith("…")


def test_item_status_of_many_items_keeps_within_the_limits() -> None:
    items = [
        ItemStatus(f"50-{n:02d}", True, "open", "x", "Each TSAG meeting " * 50) for n in range(300)
    ]
    reply = views().for_answer(Answer(Question(ask.ITEM_STATUS), items=items), Audience())
    assert_within_limits(reply)


# -- whose time ----------------------------------------------------------------------------------


def test_the_readers_time_is_shown_when_their_zone_differs() -> None:
    irm = meeting(1)
    answer = Answer(Question(ask.NEXT_MEETING, (MeetingKind.IRM,)), meetings=[irm])
    reply = views().for_answer(answer, Audience(TOKYO))
    text = everything(reply)
    assert display.when_text(irm, GENEVA) in text  # Fri 27 March 2026, 13:00–16:00 Geneva time
    assert "Fri 27 March 2026, 13:00–16:00 Geneva time" in text
    assert "_Fri 27 March 2026, 21:00–00:00 Tokyo time_" in text
    assert "<!date^" not in text


@pytest.mark.parametrize("reader", [GENEVA, PARIS])
def test_no_second_time_when_the_reader_keeps_geneva_time(reader: ZoneInfo) -> None:
    irm = meeting(1)
    for reply in (
        views().for_answer(Answer(Question(ask.OVERVIEW), [irm], [irm]), Audience(reader)),
        views().card(irm, [], Audience(reader)),
    ):
        text = everything(reply)
        assert "Fri 27 March 2026, 13:00–16:00 Geneva time" in text
        assert "Tokyo" not in text
        assert "Paris" not in text
        assert "Your time" not in text
        assert "<!date^" not in text


def test_everyone_sees_their_own_time_in_a_message_for_many() -> None:
    irm = meeting(1)
    reply = views().for_answer(
        Answer(Question(ask.OVERVIEW), [irm], [irm]), Audience(None, private=False)
    )
    text = everything(reply)
    stamp = int(irm.start.timestamp())
    assert f"Your time: <!date^{stamp}^{{date_short_pretty}} {{time}}|" in text
    assert f"<!date^{int(irm.deadline.timestamp())}^" in text  # type: ignore[union-attr]
    assert [b["action_id"] for b in buttons(reply)] == [SHOW_BUTTON, SHOW_BUTTON]


def test_deadlines_in_the_readers_zone() -> None:
    irm = meeting(1)
    answer = Answer(Question(ask.DEADLINES), deadlines=[irm])
    text = everything(views().for_answer(answer, Audience(TOKYO)))
    assert "*Fri 20 March 2026, 13:00 Geneva time* · passed" in text
    assert "_Fri 20 March 2026, 21:00 Tokyo time_" in text


def test_an_all_day_meeting_has_no_readers_time() -> None:
    tsag = meeting(1, kind=MeetingKind.TSAG, name="TSAG", all_day=True)
    text = everything(views().card(tsag, [], Audience(TOKYO)))
    assert "Fri 27–Mon 30 March 2026" in text
    assert "Your time" not in text


# -- the card ----------------------------------------------------------------------------------


def test_the_card() -> None:
    irm = meeting(1, agenda=2)
    due = [DueItem("50-18", "SG17 reports", "Ongoing\nEach TSAG meeting")]
    reply = views("https://bot.example.org").card(irm, due, Audience(TOKYO))
    blocks = reply.blocks
    assert blocks[0]["text"]["text"] == "Inter-regional meeting 1"
    fields = {f["text"].split("\n", 1)[0]: f["text"].split("\n", 1)[1] for f in blocks[1]["fields"]}
    assert fields == {
        "*Kind*": "Inter-regional meeting",
        "*When*": "Fri 27 March 2026, 13:00–16:00 Geneva time\nin 2 days",
        "*Your time*": "_Fri 27 March 2026, 21:00–00:00 Tokyo time_",
        "*Where*": "Virtual",
        "*Link*": "<https://www.itu.int/go/irm|https://www.itu.int/go/irm>",
        "*Contribution deadline*": "Fri 20 March 2026, 13:00 Geneva time\n"
        "_Fri 20 March 2026, 21:00 Tokyo time_",
        "*Channel*": "<#C0MEETINGS>",
    }
    text = everything(reply)
    assert "*Agenda*\n1. Agenda item 1 words" in text
    assert "\n2. Agenda item 2 words" in text
    assert "(TD 5)" in text
    assert "*Documents*\nTSAG-TD100, TSAG-TD101" in text
    due_line = "• `50-18` SG17 reports _(Ongoing; Each TSAG meeting)_"
    assert f"*Action items due at this meeting* (1)\n{due_line}" in text
    assert "Source: schedule.yaml" in text
    assert "<https://bot.example.org/calendar.ics|Calendar feed>" in text
    (post,) = [b for b in buttons(reply)]
    assert post["action_id"] == POST_BUTTON
    assert read_spec(post["value"]).argument == "uid0001"


def test_a_card_with_nothing_due_says_so() -> None:
    text = everything(views().card(meeting(1), [], Audience(None, private=False, shared_by="U1")))
    assert "No open action item names this meeting" in text
    assert "shared by <@U1>" in text
    assert "Calendar feed: `/calendar.ics` on the bot's server" in text


# -- the rest -----------------------------------------------------------------------------------


def test_an_unknown_command_word_is_answered_in_one_line() -> None:
    reply = views().for_answer(
        Answer(Question(ask.UNKNOWN, text="banana")), Audience(command="banana")
    )
    (block,) = reply.blocks
    assert "\n" not in block["text"]["text"]
    assert block["text"]["text"].startswith("`/meetings banana` is not something I know. Try")


def test_an_unknown_question_is_answered_with_what_can_be_asked() -> None:
    reply = views().for_answer(
        Answer(Question(ask.UNKNOWN, text="thanks")), Audience(private=False)
    )
    assert "`@tsagbot when is the next IRM?`" in everything(reply)
    assert buttons(reply) == []


def test_empty_answers_say_what_is_missing() -> None:
    v = views()
    for question, expected in [
        (Question(ask.NEXT_MEETING, (MeetingKind.WTSA,)), "No WTSA meeting is in the schedule"),
        (Question(ask.OVERVIEW), "No meeting is in the schedule"),
        (
            Question(ask.DEADLINES, window=ask.window_for("this week", NOW, GENEVA)),
            "No contribution deadline this week.",
        ),
        (
            Question(
                ask.MEETINGS, (MeetingKind.IRM,), window=ask.window_for("next week", NOW, GENEVA)
            ),
            "No inter-regional meetings next week.",
        ),
    ]:
        reply = v.for_answer(Answer(question), Audience(TOKYO))
        assert expected in everything(reply), everything(reply)
        assert_within_limits(reply)


def test_a_window_names_its_days() -> None:
    window = ask.window_for("this week", NOW, GENEVA)
    reply = views().for_answer(
        Answer(Question(ask.MEETINGS, window=window), [meeting(0)]), Audience()
    )
    assert "*Meetings this week* (Mon 23 March 2026 – Sun 29 March 2026)" in everything(reply)


@pytest.mark.parametrize(
    ("question", "one", "two"),
    [
        (
            Question(ask.MEETINGS, (MeetingKind.IRM,)),
            "1 inter-regional meeting",
            "2 inter-regional meetings",
        ),
        (Question(ask.DEADLINES), "1 contribution deadline", "2 contribution deadlines"),
        (
            Question(ask.DUE_AT_NEXT),
            "1 open action item is due at Inter-regional meeting 0",
            "2 open action items are due at Inter-regional meeting 0",
        ),
    ],
    ids=lambda value: value.kind if isinstance(value, Question) else "",
)
def test_counts_are_singular_for_one(question: Question, one: str, two: str) -> None:
    for n, expected in ((1, one), (2, two)):
        found = [meeting(i) for i in range(n)]
        reply = views().for_answer(Answer(question, found, found, due=DUE[:n]), Audience())
        assert reply.text == expected
