"""``/meetings`` and questions asked by mentioning the bot, as Slack sends them.

What ``tsagbot serve`` runs (:func:`tests.support.serving.in_process`) is built on a
fresh database (a SQLite file, and a fresh
PostgreSQL database when ``TSAGBOT_TEST_POSTGRES_URL`` is set) that holds, before
it starts, three meetings set around the real time (the server reads the system
clock): an inter-regional meeting in three days, a working party in five and a
TSAG meeting in ten; the server then loads the bundled plan, in which 50-18 is
open and due at each TSAG meeting.  Alice reads Slack in Tokyo, Bob in Geneva
(LocalWebApi's ``users.info`` answers their ``tz``).

Slash commands are answered in their acknowledgement; button clicks post to their
``response_url``; mentions are answered in the thread by ``chat.postMessage``.
"Only once" is checked by asking a later question, waiting for its answer, then until
every listener is done (:meth:`~tests.support.serving.LocalServer.quiet`).
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.meetings import display
from bot.meetings.questions import window_for
from bot.meetings.service import read_meetings, store
from bot.slack.local_api import Call, LocalWebApi
from bot.slack.requests import (
    JSON,
    app_mention_event,
    block_action_payload,
    event_body,
    interaction_body,
    message_event,
)
from bot.store.db import Database
from bot.store.models import Meeting
from tests.support import serving
from tests.support.blockkit import assert_within_limits, buttons, texts
from tests.support.serving import server_output, wait_for_call, wait_for_response

# On SQLite alone: this is about what /meetings shows, not the database engine; the store's own
# tests run its way through PostgreSQL.
pytestmark = pytest.mark.sqlite_only

ALICE, BOB = "U0ALICE", "U0BOB"
PEOPLE = {
    ALICE: {"name": "alice", "display_name": "Alice", "tz": "Asia/Tokyo"},
    BOB: {"name": "bob", "display_name": "Bob", "tz": "Europe/Zurich"},
}
GENEVA, TOKYO = ZoneInfo("Europe/Zurich"), ZoneInfo("Asia/Tokyo")
BOT = "UBOT"  # LocalWebApi's bot user
CHANNEL = "C1"
PUBLIC_URL = "https://tsagbot.example.org"
IRM_NAME = "Fourth inter-regional meeting for WTSA-28"
TSAG_NAME = "TSAG meeting (test)"
WP_NAME = "WP2/TSAG e-meeting"
RG_MEETINGS = 10
"""Rapporteur group meetings, from day 21 on: more than one page of ``/meetings rg``."""
QUIET = 0.3
"""Seconds to wait for stray calls after the later answer, where listeners cannot be
watched (over HTTP); in this process they are waited for until done."""

_stamps = itertools.count(1)


def new_ts() -> str:
    n = next(_stamps)
    return f"{1_770_000_000 + n}.{n:06d}"


def schedule_yaml(now: datetime) -> str:
    def day(days: int) -> str:
        return f"{(now + timedelta(days=days)).astimezone(GENEVA):%Y-%m-%d}"

    return f"""
timezone: Europe/Zurich
meetings:
  - name: {IRM_NAME}
    kind: irm
    start: {day(3)} 13:00
    end: 16:00
    mode: virtual
    link: https://www.itu.int/irm4
    deadline: {day(1)}
    agenda:
      - Opening of the meeting
      - {{title: Approval of the agenda, documents: [TD 553R2]}}
  - name: {WP_NAME}
    kind: working_party
    start: {day(5)} 09:00
    end: 11:00
  - name: {TSAG_NAME}
    kind: tsag
    start: {day(10)}
    end: {day(13)}
    place: Geneva
    deadline: {day(2)}
""" + "".join(
        f"""
  - name: RG-WM e-meeting {n}
    kind: rapporteur_group
    start: {day(20 + n)} 14:00
    end: 16:00
"""
        for n in range(1, RG_MEETINGS + 1)
    )


# -- reading Block Kit ---------------------------------------------------------------------------


def everything(message: dict[str, Any]) -> str:
    return "\n".join(texts(message.get("blocks") or []))


def button(
    blocks: list[dict[str, Any]], action_id: str, value: str | None = None
) -> dict[str, Any]:
    """The first button of a kind (and value): a meeting's row comes before its deadline's."""
    found = [
        b
        for b in buttons(blocks)
        if b["action_id"] == action_id and (value is None or b["value"] == value)
    ]
    assert found, (action_id, value, buttons(blocks))
    return found[0]


def opened(blocks: list[dict[str, Any]]) -> list[str]:
    """The meetings a list offers to open, in order."""
    return [b["value"] for b in buttons(blocks) if b["action_id"] == "meetings_show"]


# -- the server ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Schedule:
    irm: Meeting
    wp: Meeting
    tsag: Meeting


class Server(serving.LocalServer):
    def meetings(self, text: str, *, user_id: str = ALICE) -> dict[str, Any]:
        """``/meetings TEXT``: the acknowledgement's message, checked against Slack's limits."""
        return self.slash_command("/meetings", text, user_id=user_id)

    def click(self, element: dict[str, Any], *, user_id: str = BOB, private: bool = True) -> Call:
        """Press a button of a private reply (or, ``private=False``, of a channel message)."""
        name = f"click-{uuid.uuid4().hex[:8]}"
        payload = block_action_payload(
            element["action_id"],
            element["value"],
            user_id=user_id,
            user_name=PEOPLE[user_id]["name"],
            response_url=self.slack.response_url(name),
            message={"type": "message", "text": "", "blocks": []},
        )
        payload["container"]["is_ephemeral"] = private
        status, _, raw = self.post(interaction_body(payload))
        assert status == 200, raw[:500]
        call = wait_for_response(self.slack, name)
        assert_within_limits(call.params)
        return call

    def event(self, event: dict[str, Any]) -> dict[str, Any]:
        status, _, raw = self.post(event_body(event, bot_user_id=BOT), JSON)
        assert status == 200, (status, raw[:300])
        return event

    def say(self, text: str, *, user: str = ALICE, thread_ts: str | None = None) -> dict[str, Any]:
        """A person posts ``text`` that mentions the bot: Slack sends a ``message`` event
        and an ``app_mention`` event for it."""
        ts = new_ts()
        extra = {"thread_ts": thread_ts} if thread_ts else {}
        self.event(message_event(text, user=user, channel=CHANNEL, ts=ts, **extra))
        return self.event(app_mention_event(text, user=user, channel=CHANNEL, ts=ts, **extra))

    def reply(self, event: dict[str, Any]) -> Call:
        thread = event.get("thread_ts") or event["ts"]
        return wait_for_call(
            self.slack, "chat.postMessage", lambda call: call.params.get("thread_ts") == thread
        )

    def replies(self, event: dict[str, Any]) -> list[Call]:
        """Every post in the thread of ``event``, once a later question has been answered."""
        self.reply(self.event(app_mention_event("next meeting", channel="C2", ts=new_ts())))
        self.quiet(QUIET)
        thread = event.get("thread_ts") or event["ts"]
        return [
            call
            for call in self.slack.calls_to("chat.postMessage")
            if call.params.get("thread_ts") == thread
        ]


def load_schedule(url: str) -> Schedule:
    """The test schedule, stored before the server starts (so it loads no other)."""
    db = Database(url)
    try:
        db.upgrade()
        now = datetime.now(UTC)
        store(db, read_meetings(schedule_yaml(now).encode(), "test.yaml", GENEVA), lambda: now)
        with db.unit_of_work() as session:
            rows = {m.name: m for m in session.scalars(select(Meeting))}
            for meeting in rows.values():
                _ = list(meeting.agenda)
            session.expunge_all()
        return Schedule(rows[IRM_NAME], rows[WP_NAME], rows[TSAG_NAME])
    finally:
        db.dispose()


@dataclass
class Workspace:
    server: Server
    slack: LocalWebApi
    schedule: Schedule


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    url = f"sqlite:///{tmp_path_factory.mktemp('meetings') / 'tsagbot.sqlite3'}"
    env = {"TSAGBOT_PUBLIC_URL": PUBLIC_URL, "TSAGBOT_SCHEDULER": "off"}
    with LocalWebApi() as slack:
        slack.users.update(PEOPLE)
        schedule = load_schedule(url)
        with serving.in_process(slack, url, env=env, server_class=Server) as server:
            yield Workspace(server, slack, schedule)


@pytest.fixture
def ws(workspace: Workspace) -> Iterator[Workspace]:
    with server_output(workspace.server):
        yield workspace


# -- /meetings ------------------------------------------------------------------------------------


def meeting_line(meeting: Meeting) -> str:
    return (
        f"*{meeting.name}* · {display.kind_label(meeting.kind)}\n"
        f"{display.when_text(meeting, GENEVA)} · "
    )


def test_meetings_lists_the_next_meetings_and_deadlines_in_both_zones(ws: Workspace) -> None:
    irm, wp, tsag = ws.schedule.irm, ws.schedule.wp, ws.schedule.tsag
    message = ws.server.meetings("")
    blocks = message["blocks"]
    assert blocks[0]["text"]["text"] == "Next meetings"
    assert opened(blocks)[:3] == [irm.uid, wp.uid, tsag.uid]  # then rapporteur groups
    assert opened(blocks)[8:] == [irm.uid, tsag.uid]
    text = everything(message)
    for meeting in (irm, wp, tsag):
        assert meeting_line(meeting) in text
    # Alice reads in Tokyo: the timed meetings in her zone too; the all-day one has no clock
    assert f"_{display.reader_text(irm, GENEVA, TOKYO)}_" in text
    assert f"_{display.reader_text(wp, GENEVA, TOKYO)}_" in text
    assert irm.deadline is not None
    assert tsag.deadline is not None
    assert f"*{display.deadline_text(irm.deadline, GENEVA)}* · " in text
    assert f"_{display.deadline_text(tsag.deadline, TOKYO)}_" in text
    assert "*Contribution deadlines*" in text
    assert f"<{PUBLIC_URL}/calendar.ics|Calendar feed>" in text
    assert "<!date^" not in text
    assert button(blocks, "meetings_post")["text"]["text"] == "Post in channel"
    assert message["text"] == "Next meetings: 8"
    assert button(blocks, "meetings_page")["text"]["text"] == "More (page 2)"


def test_a_reader_in_geneva_time_gets_geneva_time_once(ws: Workspace) -> None:
    text = everything(ws.server.meetings("", user_id=BOB))
    assert meeting_line(ws.schedule.irm) in text
    assert "Tokyo" not in text
    assert "Your time" not in text
    assert "<!date^" not in text


@pytest.mark.parametrize(
    ("word", "header", "which"),
    [
        ("irm", "Next inter-regional meetings", "irm"),
        ("IRM", "Next inter-regional meetings", "irm"),
        ("tsag", "Next TSAG meetings", "tsag"),
        ("wp", "Next working party meetings", "wp"),
    ],
)
def test_meetings_of_one_kind(ws: Workspace, word: str, header: str, which: str) -> None:
    meeting: Meeting = getattr(ws.schedule, which)
    blocks = ws.server.meetings(word)["blocks"]
    assert blocks[0]["text"]["text"] == header
    deadlines = [meeting.uid] if meeting.deadline else []
    assert opened(blocks) == [meeting.uid, *deadlines]


def test_meetings_of_a_kind_that_has_none(ws: Workspace) -> None:
    message = ws.server.meetings("wtsa")
    text = everything(message)
    assert "No WTSA meeting is in the schedule from now on." in text
    assert "_None ahead._" in text
    assert opened(message["blocks"]) == []


def test_more_shows_the_next_page_in_place(ws: Workspace) -> None:
    first = ws.server.meetings("rg", user_id=BOB)
    names = [f"*RG-WM e-meeting {n}* · Rapporteur group" for n in range(1, RG_MEETINGS + 1)]
    text = everything(first)
    assert all(name in text for name in names[:8])
    assert names[8] not in text
    more = button(first["blocks"], "meetings_page")
    call = ws.server.click(more, user_id=BOB)
    assert call.params["replace_original"] is True
    blocks = call.params["blocks"]
    assert blocks[0]["text"]["text"] == "Next rapporteur group meetings (page 2)"
    text = everything(call.params)
    assert names[8] in text
    assert names[9] in text
    assert names[7] not in text
    assert len(opened(blocks)) == 2
    assert [b["action_id"] for b in buttons(blocks) if b["action_id"] != "meetings_show"] == [
        "meetings_post"
    ]


def test_meetings_deadlines(ws: Workspace) -> None:
    blocks = ws.server.meetings("deadlines")["blocks"]
    assert opened(blocks) == [ws.schedule.irm.uid, ws.schedule.tsag.uid]
    assert everything({"blocks": blocks}).startswith("*Next contribution deadlines*")


def test_meetings_help_names_the_commands_and_the_calendar_feed(ws: Workspace) -> None:
    text = everything(ws.server.meetings("help"))
    assert "`/meetings irm`, `tsag`, `wtsa`, `wp`, `rg` or `regional`" in text
    assert "`@tsagbot when is the next IRM?`" in text
    assert f"<{PUBLIC_URL}/calendar.ics|Calendar feed>" in text


def test_an_unknown_word_gets_one_line_of_what_works(ws: Workspace) -> None:
    message = ws.server.meetings("banana")
    (block,) = message["blocks"]
    line = block["text"]["text"]
    assert "\n" not in line
    assert line.startswith("`/meetings banana` is not something I know. Try `/meetings`, ")
    assert "`/meetings deadlines`" in line
    assert "`/meetings help`" in line


def test_open_shows_the_card_in_place_of_the_list(ws: Workspace) -> None:
    tsag = ws.schedule.tsag
    listing = ws.server.meetings("tsag", user_id=ALICE)
    call = ws.server.click(button(listing["blocks"], "meetings_show", tsag.uid), user_id=ALICE)
    assert call.params["replace_original"] is True
    blocks = call.params["blocks"]
    assert blocks[0]["text"]["text"] == TSAG_NAME
    fields = dict(f["text"].split("\n", 1) for f in blocks[1]["fields"])
    assert fields["*Kind*"] == "TSAG"
    assert fields["*When*"].startswith(display.when_text(tsag, GENEVA) + "\n")
    assert fields["*Where*"] == "Geneva"
    assert tsag.deadline is not None
    assert fields["*Contribution deadline*"] == (
        f"{display.deadline_text(tsag.deadline, GENEVA)}\n"
        f"_{display.deadline_text(tsag.deadline, TOKYO)}_"
    )
    text = everything(call.params)
    # 50-18's milestone is "Ongoing / Each TSAG meeting", and it is not completed
    assert "*Action items due at this meeting* (" in text
    assert "• `50-18` SG17, in close collaboration" in text
    assert button(blocks, "meetings_post")["value"]


def test_the_card_shows_the_agenda_and_the_readers_time(ws: Workspace) -> None:
    irm = ws.schedule.irm
    listing = ws.server.meetings("irm")
    call = ws.server.click(button(listing["blocks"], "meetings_show", irm.uid), user_id=ALICE)
    fields = dict(f["text"].split("\n", 1) for f in call.params["blocks"][1]["fields"])
    assert fields["*Your time*"] == f"_{display.reader_text(irm, GENEVA, TOKYO)}_"
    assert fields["*Link*"] == "<https://www.itu.int/irm4|https://www.itu.int/irm4>"
    text = everything(call.params)
    documents = ", ".join(irm.agenda[1].documents)  # as the schedule file wrote them: TD553R2
    assert f"*Agenda*\n1. Opening of the meeting\n2. Approval of the agenda ({documents})" in text
    assert "No open action item names this meeting" in text


def test_open_under_a_channel_message_answers_privately(ws: Workspace) -> None:
    irm = ws.schedule.irm
    call = ws.server.click(
        {"action_id": "meetings_show", "value": irm.uid}, user_id=BOB, private=False
    )
    assert call.params["response_type"] == "ephemeral"
    assert call.params["replace_original"] is False
    assert call.params["blocks"][0]["text"]["text"] == IRM_NAME
    assert "*Your time*" not in everything(call.params)  # Bob keeps Geneva time


def test_a_meeting_no_longer_there_says_so(ws: Workspace) -> None:
    call = ws.server.click({"action_id": "meetings_show", "value": "gone"}, user_id=BOB)
    assert "no longer in the schedule" in everything(call.params)


def test_post_in_channel_shows_everyone_their_own_time(ws: Workspace) -> None:
    listing = ws.server.meetings("irm", user_id=ALICE)
    call = ws.server.click(button(listing["blocks"], "meetings_post"), user_id=ALICE)
    assert call.params["response_type"] == "in_channel"
    assert call.params["replace_original"] is False
    text = everything(call.params)
    assert meeting_line(ws.schedule.irm) in text
    assert f"Your time: <!date^{int(ws.schedule.irm.start.timestamp())}^" in text
    assert "Tokyo" not in text
    assert f"shared by <@{ALICE}>" in text
    assert [b["action_id"] for b in buttons(call.params["blocks"])] == ["meetings_show"] * 2


def test_an_old_button_says_it_no_longer_works(ws: Workspace) -> None:
    call = ws.server.click({"action_id": "meetings_post", "value": "not a view"})
    assert call.params["text"] == "That button no longer works; run the command again."


# -- questions asked by mentioning the bot ------------------------------------------------------


def test_a_question_is_answered_once_in_its_thread(ws: Workspace) -> None:
    asked = ws.server.say(f"<@{BOT}> when is the next IRM?")
    answer = ws.server.reply(asked)
    assert answer.params["channel"] == CHANNEL
    assert answer.params["text"].startswith(f"The next inter-regional meeting: {IRM_NAME}, ")
    text = everything(answer.params)
    assert meeting_line(ws.schedule.irm) in text
    assert f"_{display.reader_text(ws.schedule.irm, GENEVA, TOKYO)}_" in text
    assert opened(answer.params["blocks"]) == [ws.schedule.irm.uid]
    assert ws.server.replies(asked) == [answer]


def test_what_is_due_at_the_next_tsag(ws: Workspace) -> None:
    asked = ws.server.say(f"<@{BOT}> what is due at the next TSAG?", user=BOB)
    text = everything(ws.server.reply(asked).params)
    assert meeting_line(ws.schedule.tsag) in text
    assert "*Open action items due at this meeting* (" in text
    assert "• `50-18` SG17, in close collaboration" in text


def test_status_of_an_item_in_a_thread(ws: Workspace) -> None:
    parent = new_ts()
    asked = ws.server.say(f"<@{BOT}> status of 50-18", thread_ts=parent)
    answer = ws.server.reply(asked)
    assert answer.params["thread_ts"] == parent
    assert everything(answer.params).startswith(
        "`50-18`: *periodic goals met, not completed* (milestone: Ongoing; Each TSAG meeting). "
        f"Due next at {TSAG_NAME}, "
    )


def test_an_item_question_that_mentions_the_bot_is_answered_once(ws: Workspace) -> None:
    # the message listener would answer "is 50-18 done?" by itself; with a mention it
    # leaves the answer to the app_mention listener
    asked = ws.server.say(f"<@{BOT}> is 50-18 done?")
    (answer,) = ws.server.replies(asked)
    assert everything(answer.params).startswith("`50-18`: *periodic goals met, not completed*")


def test_which_deadlines_are_this_week(ws: Workspace) -> None:
    week = window_for("this week", datetime.now(UTC), GENEVA)
    due = [
        m.uid
        for m in (ws.schedule.irm, ws.schedule.tsag)
        if m.deadline is not None and week.start <= m.deadline < week.end
    ]
    asked = ws.server.say(f"<@{BOT}> which deadlines are this week?")
    answer = ws.server.reply(asked).params
    text = everything(answer)
    if due:
        assert text.startswith("*Contribution deadlines this week* (")
    else:
        assert text.startswith("No contribution deadline this week.")
    assert opened(answer["blocks"]) == due


def test_a_reply_in_the_bots_thread_is_asked_as_a_mention_is(ws: Workspace) -> None:
    asked = ws.server.say(f"<@{BOT}> when is the next IRM?")
    first = ws.server.reply(asked)
    thread = {"channel": CHANNEL, "thread_ts": asked["ts"]}
    ws.server.event(message_event("link to join the IRM ?", user=BOB, ts=new_ts(), **thread))
    # a thread the bot did not answer in is people talking among themselves
    other = {"channel": CHANNEL, "thread_ts": new_ts()}
    ws.server.event(message_event("link to join the IRM?", user=BOB, ts=new_ts(), **other))
    first_again, answer = ws.server.replies(asked)
    assert first_again == first
    text = everything(answer.params)
    assert text.startswith("The join link of the next inter-regional meeting:")
    assert "*Join:* <https://www.itu.int/irm4|https://www.itu.int/irm4>" in text
    assert ws.server.replies(other) == []


def test_a_question_it_cannot_answer_gets_what_it_can(ws: Workspace) -> None:
    asked = ws.server.say(f"<@{BOT}> thanks, see you in Geneva!")
    answer = ws.server.reply(asked)
    assert answer.params["text"].startswith("I can't answer that yet.")
    # the three closest questions it can answer, to copy
    assert everything(answer.params).count("• `@tsagbot ") == 3
    assert ws.server.replies(asked) == [answer]


def test_an_update_that_mentions_the_bot_is_recorded_and_confirmed_once(ws: Workspace) -> None:
    posted = ws.server.say(f"<@{BOT}> 50-23 done")
    confirmation = ws.server.reply(posted)
    assert confirmation.params["text"] == "50-23 marked completed (was: open)"
    assert button(confirmation.params["blocks"], "update_undo")
    assert ws.server.replies(posted) == [confirmation]
    reactions = [
        call
        for call in ws.slack.calls_to("reactions.add")
        if call.params.get("timestamp") == posted["ts"]
    ]
    assert len(reactions) == 1


@pytest.mark.parametrize(
    ("question", "said"),
    [
        ("who is responsible for 50-18?", ":arrows_counterclockwise: *`50-18`*: SG17, in"),
        (
            "which items of Resolution 2 are not done?",
            ":arrows_counterclockwise: `02-02` _All SGs_",
        ),
        ("how many items are completed?", "*397 action items*"),
    ],
)
def test_a_plan_question_is_answered_from_the_plan(ws: Workspace, question: str, said: str) -> None:
    asked = ws.server.say(f"<@{BOT}> {question}")
    (answer,) = ws.server.replies(asked)
    assert said in everything(answer.params)
    assert "I can answer questions" not in answer.params["text"]
